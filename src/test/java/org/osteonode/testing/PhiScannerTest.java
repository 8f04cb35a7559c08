package org.osteonode.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PhiScannerTest {
    private static final List<String> PLANTED = List.of("ZEBRAFINCH^OTTOLINE", "MRN93847561", "19200412");

    @TempDir
    Path temp;

    @Test
    void findsAValueAsStoredWithSpacesForCaretsAndInAnyCase() throws Exception {
        Path exact = file("exact", "..\u0000ZEBRAFINCH^OTTOLINE\u0000..");
        Path spaced = file("spaced", "name: ZEBRAFINCH OTTOLINE;");
        Path mixedCase = file("mixed-case", "seen by Zebrafinch^Ottoline, mrn93847561");

        assertThat(PhiScanner.leaks(List.of(exact, spaced, mixedCase), PLANTED)).containsExactly(
                exact + ": ZEBRAFINCH^OTTOLINE",
                spaced + ": ZEBRAFINCH^OTTOLINE",
                mixedCase + ": ZEBRAFINCH^OTTOLINE",
                mixedCase + ": MRN93847561");
    }

    @Test
    void reportsEachValueOncePerFileAndNothingForACleanFile() throws Exception {
        Path repeated = file("repeated", "19200412 19200412 19200412");
        Path clean = file("clean", "ANONYMOUS^PATIENT 2.25.1234 19200413 MRN9384756");

        assertThat(PhiScanner.leaks(List.of(repeated, clean), PLANTED)).containsExactly(repeated + ": 19200412");
    }

    @Test
    void findsANameInTheHeaderOfARealDicomFile() throws Exception {
        Path dicom = SyntheticDicom.radiograph().patient("MRN93847561", "ZEBRAFINCH^OTTOLINE").size(8, 8)
                .write(temp.resolve("dx.dcm"));

        assertThat(PhiScanner.leaks(List.of(dicom), PLANTED))
                .containsExactly(dicom + ": ZEBRAFINCH^OTTOLINE", dicom + ": MRN93847561");
    }

    @Test
    void aBlankValueIsRefusedBecauseItWouldBeFoundEverywhere() throws Exception {
        Path any = file("any", "text");

        assertThatThrownBy(() -> PhiScanner.leaks(List.of(any), List.of(" ")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private Path file(String name, String content) throws Exception {
        Path file = temp.resolve(name);
        Files.write(file, content.getBytes(StandardCharsets.ISO_8859_1));
        return file;
    }

    @Test
    void aPlantedDateInsideAPseudonymousUidsDigitsIsChanceNotALeakButBesideOtherDigitsItIsFound() throws Exception {
        Path log = Files.writeString(temp.resolve("uid.log"),
                "event=object.archived key=2.25.332803816219430214563028040583566892925\n");
        Path dateTime = Files.writeString(temp.resolve("dt.log"), "acquired=19430214093000\n");

        assertThat(PhiScanner.leaks(java.util.List.of(log), java.util.List.of("19430214"))).isEmpty();
        assertThat(PhiScanner.leaks(java.util.List.of(dateTime), java.util.List.of("19430214"))).hasSize(1);
    }
}
