package org.osteonode.deid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class DescriptorCleanerTest {
    private final DescriptorCleaner cleaner = new DescriptorCleaner();

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', emptyValue = "", textBlock = """
        XR LUMBAR SPINE 2-3 VIEWS                        | XR LUMBAR SPINE VIEWS
        DX L-SPINE AP/LAT                                | DX L SPINE AP LAT
        HAND SMITH^JOHN MRN 123456                       | HAND
        SMITH^JOHN^^DR^                                  | ''
        Dr. Jones: CHEST PA/LAT 2024-01-15               | CHEST PA LAT
        CHEST PA AND LATERAL per Dr Jones 01/15/2024     | CHEST PA AND LATERAL
        KNEE RT 3 VIEWS WEIGHT BEARING ACC# A12345678    | KNEE RT VIEWS WEIGHT BEARING
        Accession 2024XR000123 PELVIS AP                 | PELVIS AP
        RÖ LWS in 2 Ebenen 15.01.2024                    | LWS IN EBENEN
        PELVIS AP 20240115 MUELLER^HANS                  | PELVIS AP
        Jan 15 2024 SHOULDER LEFT Mrs. Smith             | SHOULDER LEFT
        Monday March 4: L-SPINE flex/ext                 | L SPINE FLEX EXT
        FOLLOW UP MR JONES 12345                         | FOLLOW UP
        Patient ID 998877 born 1961-07-04                | ''
        HIP LEFT 2V                                      | HIP LEFT
        CHEST PORTABLE 1V 08:30 BED 12                   | CHEST PORTABLE
        O'BRIEN^MARY ANKLE                               | ANKLE
        Hüfte links axial                                | HUEFTE LINKS AXIAL
        Épaule gauche face/profil                        | EPAULE GAUCHE FACE PROFIL
        Fuß dp+schräg re.                                | FUSS DP
        Schädel 2 Ebenen (Unfall 03.02.2023)             | SCHAEDEL EBENEN
        XR WRIST 3+ VIEWS RIGHT #4711                    | XR WRIST VIEWS RIGHT
        LT KNEE 4V, TUNNEL/SUNRISE, Ref. Dr. Müller      | LT KNEE TUNNEL SUNRISE
        """)
    void keepsOnlyListedWordsInTheirOrder(String text, String cleaned) {
        assertThat(cleaner.clean(text)).isEqualTo(cleaned);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "HAND SMITH^JOHN MRN 123456",
        "SMITH JOHN DOB 12/03/1950 CHEST",
        "John Smith, Dr. Jones, ACC 55501234, 2024-01-15",
        "Smith, John (MRN: A-1234-56) KNEE",
        "15.01.2024 JONES SMITH John 20240115 Jan 15 2024",
    })
    void namesIdentifiersAndDatesNeverSurvive(String text) {
        String cleaned = cleaner.clean(text);

        assertThat(cleaned).doesNotContain("SMITH", "JOHN", "JONES", "MRN", "ACC", "DOB", "JAN").doesNotContainPattern("[0-9]");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "MR", "MRS", "MS", "DR", "MD", "MRN", "ID", "PATIENT", "ACCESSION", "DOB", "NAME",
        "JAN", "JANUARY", "FEB", "MAR", "MARCH", "APR", "APRIL", "MAY", "JUN", "JUNE", "JUL", "JULY", "AUG",
        "AUGUST", "SEP", "SEPT", "OCT", "NOV", "DEC", "MONDAY", "TUESDAY", "FRIDAY", "SUNDAY",
        "HEAD", "LONG", "CRANE", "WATERS", "CALDWELL", "JUDET", "MERCHANT", "POLS", "VOET", "ROE",
    })
    void titlesIdentifierLabelsDatesAndSurnameLikeWordsAreNotListed(String word) {
        assertThat(cleaner.clean(word)).isEmpty();
    }

    @Test
    void aWordWithADigitIsDroppedWholeNotInPart() {
        assertThat(cleaner.clean("2V 3VIEWS MRN123456 L5-S1 C7")).isEmpty();
    }

    @Test
    void separatorsAndCaseDoNotMatter() {
        assertThat(cleaner.clean("  knee\tleft__ap;;lat \n")).isEqualTo("KNEE LEFT AP LAT");
    }

    @Test
    void decomposedUmlautsFoldLikeComposedOnes() {
        assertThat(cleaner.clean("Hu\u0308fte")).isEqualTo("HUEFTE");
    }

    @Test
    void nullAndEmptyGiveEmpty() {
        assertThat(cleaner.clean(null)).isEmpty();
        assertThat(cleaner.clean("")).isEmpty();
        assertThat(cleaner.clean(" -/^ ")).isEmpty();
    }
}
