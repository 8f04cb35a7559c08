package org.osteonode.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Looks for planted identifying values ({@link PhiCorpus#plantedValues()}, {@link PhiCorpus#plantedUids()}) in the
 * raw bytes of files, wherever they are: header, sequences, private elements, overlay or pixel data. It reads the
 * bytes as they are stored, so it sees nothing inside compressed pixel data or a deflated data set.
 */
public final class PhiScanner {
    private PhiScanner() {
    }

    /**
     * Every planted value found in an output, as "file: value", once per file and value. A value is found as its
     * ISO-8859-1 bytes, also with each DICOM person-name separator "^" replaced by a space ("ZEBRAFINCH OTTOLINE"),
     * and in any letter case ("Zebrafinch"): free text writes names the way people do. A value of digits alone (a
     * date, a numeric ID) inside a run of {@value #UID_DIGITS} or more digits does not count: a pseudonymous UID's
     * 128-bit decimal ({@code 2.25.} and 39 digits) holds any 8 digits now and then by chance.
     */
    public static List<String> leaks(Collection<Path> outputs, Collection<String> planted) throws IOException {
        return leaks(outputs, planted, StandardCharsets.ISO_8859_1);
    }

    /** The same, for text files in {@code charset} (logs are UTF-8: a non-ASCII name is found as written). */
    public static List<String> leaks(Collection<Path> outputs, Collection<String> planted,
            java.nio.charset.Charset charset) throws IOException {
        for (String value : planted) {
            if (value.isBlank()) {
                throw new IllegalArgumentException("a blank planted value would be found everywhere");
            }
        }
        List<String> leaks = new ArrayList<>();
        for (Path output : outputs) {
            String content = upperCase(new String(Files.readAllBytes(output), charset));
            for (String value : planted) {
                String upper = upperCase(value);
                if (occurs(content, upper) || occurs(content, upper.replace('^', ' '))) {
                    leaks.add(output + ": " + value);
                }
            }
        }
        return leaks;
    }

    /** Digits in a row beyond any date or ID a test plants, as in a {@code 2.25.} UID. */
    static final int UID_DIGITS = 30;

    private static boolean occurs(String content, String value) {
        boolean digits = value.chars().allMatch(Character::isDigit);
        for (int at = content.indexOf(value); at >= 0; at = content.indexOf(value, at + 1)) {
            if (!digits || digitRun(content, at, value.length()) < UID_DIGITS) {
                return true;
            }
        }
        return false;
    }

    /** The length of the run of digits that holds {@code content[at, at + length)}. */
    private static int digitRun(String content, int at, int length) {
        int start = at;
        while (start > 0 && Character.isDigit(content.charAt(start - 1))) {
            start--;
        }
        int end = at + length;
        while (end < content.length() && Character.isDigit(content.charAt(end))) {
            end++;
        }
        return end - start;
    }

    private static String upperCase(String text) {
        return text.toUpperCase(Locale.ROOT);
    }
}
