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
     * and in any letter case ("Zebrafinch"): free text writes names the way people do.
     */
    public static List<String> leaks(Collection<Path> outputs, Collection<String> planted) throws IOException {
        for (String value : planted) {
            if (value.isBlank()) {
                throw new IllegalArgumentException("a blank planted value would be found everywhere");
            }
        }
        List<String> leaks = new ArrayList<>();
        for (Path output : outputs) {
            String content = upperCase(new String(Files.readAllBytes(output), StandardCharsets.ISO_8859_1));
            for (String value : planted) {
                String upper = upperCase(value);
                if (content.contains(upper) || content.contains(upper.replace('^', ' '))) {
                    leaks.add(output + ": " + value);
                }
            }
        }
        return leaks;
    }

    private static String upperCase(String text) {
        return text.toUpperCase(Locale.ROOT);
    }
}
