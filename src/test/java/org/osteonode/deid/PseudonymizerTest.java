package org.osteonode.deid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PseudonymizerTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER_SECRET = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path temp;

    @Test
    void uidPseudonymIsA225UidThatIsStableAndKeyed() {
        Pseudonymizer one = new Pseudonymizer(SECRET);
        String uid = "1.2.840.113619.2.55.3.604688119.971.1096522834.22";

        String pseudonym = one.uid(uid);

        assertThat(pseudonym).matches("2\\.25\\.[1-9][0-9]*").hasSizeLessThanOrEqualTo(64);
        assertThat(new Pseudonymizer(SECRET).uid(uid)).isEqualTo(pseudonym);
        assertThat(new Pseudonymizer(OTHER_SECRET).uid(uid)).isNotEqualTo(pseudonym);
        assertThat(one.uid(uid + "1")).isNotEqualTo(pseudonym);
    }

    @Test
    void patientPseudonymDependsOnIssuerAndIdAndNeverContainsThem() {
        Pseudonymizer pseudonymizer = new Pseudonymizer(SECRET);

        String hospitalA = pseudonymizer.patient("HOSP_A", "MRN12345");
        String hospitalB = pseudonymizer.patient("HOSP_B", "MRN12345");

        assertThat(hospitalA).matches("[0-9a-f]{32}").doesNotContain("12345");
        assertThat(hospitalA).isNotEqualTo(hospitalB).isEqualTo(pseudonymizer.patient("HOSP_A", "MRN12345"));
        // the separator keeps ("A", "BC") and ("AB", "C") apart
        assertThat(pseudonymizer.patient("A", "BC")).isNotEqualTo(pseudonymizer.patient("AB", "C"));
    }

    @Test
    void domainsKeepAPatientIdAndAUidWithTheSameTextApart() {
        Pseudonymizer pseudonymizer = new Pseudonymizer(SECRET);

        assertThat(pseudonymizer.uid("1.2.3")).doesNotContain(pseudonymizer.patient("", "1.2.3"));
    }

    @Test
    void secretFileIsCreatedPrivateAndReused() throws Exception {
        Path file = temp.resolve("data/secret.key");

        String first = Pseudonymizer.fromSecretFile(file).uid("1.2.3");
        String second = Pseudonymizer.fromSecretFile(file).uid("1.2.3");

        assertThat(first).isEqualTo(second);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file).trim()).matches("[0-9a-f]{64}");
    }

    @Test
    void shortSecretIsRefused() throws Exception {
        Path file = temp.resolve("short.key");
        Files.writeString(file, "tooshort");

        assertThatThrownBy(() -> Pseudonymizer.fromSecretFile(file)).hasMessageContaining("osteonode.deid.secret-file");
    }
}
