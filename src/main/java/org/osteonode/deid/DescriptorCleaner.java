package org.osteonode.deid;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * The PS3.15 Clean Descriptors Option for free-text descriptors (Study Description, Series Description,
 * Protocol Name, Image Comments, ...), done by a word list: a word survives only if it is on
 * {@code descriptor-words.txt}, so a name, an identifier or a date that nobody thought of is dropped too.
 * <p>
 * The text is upper-cased and folded (Ä to AE, Ö to OE, Ü to UE, ß to SS, other accents dropped), then split
 * at every character that is neither a letter nor a digit: "L-SPINE" becomes L SPINE, "AP/LAT" AP LAT,
 * "SMITH^JOHN" SMITH JOHN. A word that contains a digit ("2V", "MRN123456") is one word and is dropped
 * whole, never kept in part.
 */
public final class DescriptorCleaner {
    private static final String WORD_LIST = "descriptor-words.txt";
    private static final Pattern SEPARATORS = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final Pattern DIACRITICS = Pattern.compile("\\p{M}+");
    private static final Pattern LISTED_WORD = Pattern.compile("[A-Z]+");

    private final Set<String> allowedWords;

    /** A cleaner with the word list that ships with osteonode. */
    public DescriptorCleaner() {
        this.allowedWords = readWordList();
    }

    /**
     * The allowed words of the text, in their order, upper-case, separated by single spaces; "" when none
     * is left or the text is null.
     */
    public String clean(String text) {
        if (text == null) {
            return "";
        }
        StringJoiner kept = new StringJoiner(" ");
        for (String word : SEPARATORS.split(fold(text))) {
            if (allowedWords.contains(word)) {
                kept.add(word);
            }
        }
        return kept.toString();
    }

    private static String fold(String text) {
        // NFC first, so that a decomposed "U + combining diaeresis" is folded like "Ü" and not to a bare U.
        String upper = Normalizer.normalize(text, Normalizer.Form.NFC).toUpperCase(Locale.ROOT)
                .replace("Ä", "AE").replace("Ö", "OE").replace("Ü", "UE"); // ß is already SS in upper case
        return DIACRITICS.matcher(Normalizer.normalize(upper, Normalizer.Form.NFD)).replaceAll("");
    }

    private static Set<String> readWordList() {
        Set<String> words = new HashSet<>();
        InputStream in = DescriptorCleaner.class.getResourceAsStream(WORD_LIST);
        if (in == null) {
            throw new IllegalStateException(WORD_LIST + " is missing from the class path next to "
                    + DescriptorCleaner.class.getName());
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            int lineNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                String word = line.replaceFirst("#.*", "").trim();
                if (word.isEmpty()) {
                    continue;
                }
                // A word that could never match folded text would be a silent mistake in the list.
                if (!LISTED_WORD.matcher(word).matches()) {
                    throw new IllegalStateException(WORD_LIST + " line " + lineNumber + ": '" + word
                            + "' is not one upper-case word of the letters A-Z");
                }
                words.add(word);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + WORD_LIST, e);
        }
        return Set.copyOf(words);
    }
}
