package org.osteonode.deid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.ReferencePseudonyms;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Pseudonyms are compared with {@link ReferencePseudonyms}, an independent HMAC of SECURITY.md's definition:
 * an unkeyed hash, a fixed key, a lost domain or a secret file that is not read would all differ from it.
 */
class PseudonymizerTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER_SECRET = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);
    private static final String UID = "1.2.840.113619.2.55.3.604688119.971.1096522834.22";

    @TempDir
    Path temp;

    @Test
    void uidPseudonymIsA225UidOfTheKeyedHmacInTheUidDomain() {
        String pseudonym = new Pseudonymizer(SECRET).uid(UID);

        assertThat(pseudonym).isEqualTo(new ReferencePseudonyms(SECRET).uid(UID))
                .matches("2\\.25\\.[1-9][0-9]*").hasSizeLessThanOrEqualTo(64);
        assertThat(new Pseudonymizer(OTHER_SECRET).uid(UID)).isNotEqualTo(pseudonym)
                .isEqualTo(new ReferencePseudonyms(OTHER_SECRET).uid(UID));
    }

    @Test
    void patientPseudonymIsTheKeyedHmacOfIssuerAndIdInThePatientDomain() {
        Pseudonymizer pseudonymizer = new Pseudonymizer(SECRET);
        ReferencePseudonyms reference = new ReferencePseudonyms(SECRET);

        assertThat(pseudonymizer.patient("HOSP_A", "MRN12345")).isEqualTo(reference.patient("HOSP_A", "MRN12345"))
                .matches("[0-9a-f]{32}");
        assertThat(pseudonymizer.patient("HOSP_B", "MRN12345")).isEqualTo(reference.patient("HOSP_B", "MRN12345"))
                .isNotEqualTo(pseudonymizer.patient("HOSP_A", "MRN12345"));
        // the separator keeps ("A", "BC") and ("AB", "C") apart
        assertThat(pseudonymizer.patient("A", "BC")).isNotEqualTo(pseudonymizer.patient("AB", "C"));
        assertThat(new Pseudonymizer(OTHER_SECRET).patient("HOSP_A", "MRN12345"))
                .isEqualTo(new ReferencePseudonyms(OTHER_SECRET).patient("HOSP_A", "MRN12345"))
                .isNotEqualTo(pseudonymizer.patient("HOSP_A", "MRN12345"));
    }

    @Test
    void dateShiftIsTheKeyedHmacInItsOwnDomainSoThePatientKeyDoesNotRevealIt() {
        Pseudonymizer pseudonymizer = new Pseudonymizer(SECRET);
        ReferencePseudonyms reference = new ReferencePseudonyms(SECRET);
        int sameAsFromPatientKey = 0;
        for (int i = 0; i < 50; i++) {
            String patientId = "MRN" + i;
            int shift = pseudonymizer.dateShiftDays("HOSP", patientId, 3650);
            assertThat(shift).isEqualTo(reference.dateShiftDays("HOSP", patientId, 3650)).isBetween(1, 3650);
            // Without domains, the shift would be a function of the stored patient key.
            long fromPatientKey = new BigInteger(pseudonymizer.patient("HOSP", patientId).substring(0, 16), 16).longValue();
            if (1 + Math.floorMod(fromPatientKey, 3650L) == shift) {
                sameAsFromPatientKey++;
            }
        }
        assertThat(sameAsFromPatientKey).isLessThan(3);
    }

    @Test
    void aWorkspaceNameIsTheKeyedHmacOfTheKeyInItsOwnDomain() {
        Pseudonymizer pseudonymizer = new Pseudonymizer(SECRET);
        ReferencePseudonyms reference = new ReferencePseudonyms(SECRET);
        String studyKey = pseudonymizer.uid("1.2.826.0.1.3680043.8.498.1");

        assertThat(pseudonymizer.workspace(studyKey)).isEqualTo(reference.workspace(studyKey)).hasSize(32);
    }

    @Test
    void noPseudonymIsAnUnkeyedHashOfItsInput() throws Exception {
        Pseudonymizer pseudonymizer = new Pseudonymizer(SECRET);
        String patient = pseudonymizer.patient("HOSP_A", "MRN12345");
        String uid = pseudonymizer.uid(UID);

        for (String input : new String[] {"MRN12345", "HOSP_A\u0000MRN12345", "patient\u0000HOSP_A\u0000MRN12345",
                "HOSP_AMRN12345", UID, "uid\u0000" + UID}) {
            for (String algorithm : new String[] {"SHA-256", "SHA-1", "MD5"}) {
                byte[] digest = MessageDigest.getInstance(algorithm).digest(input.getBytes(StandardCharsets.UTF_8));
                assertThat(patient).isNotEqualTo(HexFormat.of().formatHex(digest, 0, Math.min(16, digest.length)));
                assertThat(uid).isNotEqualTo("2.25." + new BigInteger(1, Arrays.copyOf(digest, 16)));
            }
        }
        assertThat(patient).doesNotContain("12345").doesNotContain("HOSP");
    }

    @Test
    void theSecretFileIsWhatKeysThePseudonyms() throws Exception {
        Path one = temp.resolve("one.key");
        Path two = temp.resolve("two.key");
        Files.writeString(one, new String(SECRET, StandardCharsets.UTF_8) + "\n");
        Files.writeString(two, new String(OTHER_SECRET, StandardCharsets.UTF_8) + "\n");

        Pseudonymizer fromOne = Pseudonymizer.fromSecretFile(one);
        Pseudonymizer fromTwo = Pseudonymizer.fromSecretFile(two);

        assertThat(fromOne.patient("", "MRN1")).isEqualTo(new ReferencePseudonyms(SECRET).patient("", "MRN1"));
        assertThat(fromTwo.patient("", "MRN1")).isEqualTo(new ReferencePseudonyms(OTHER_SECRET).patient("", "MRN1"));
        assertThat(fromOne.uid(UID)).isNotEqualTo(fromTwo.uid(UID));
        assertThat(fromOne.dateShiftDays("", "MRN1", 1_000_000)).isNotEqualTo(fromTwo.dateShiftDays("", "MRN1", 1_000_000));
    }

    @Test
    void aNewSecretFileIsPrivateRandomAndReused() throws Exception {
        Path file = temp.resolve("data/secret.key");
        Path other = temp.resolve("other/secret.key");

        String first = Pseudonymizer.fromSecretFile(file).uid(UID);
        String second = Pseudonymizer.fromSecretFile(file).uid(UID);

        assertThat(first).isEqualTo(second).isEqualTo(ReferencePseudonyms.fromSecretFile(file).uid(UID));
        assertThat(Pseudonymizer.fromSecretFile(other).uid(UID)).as("another site's new secret").isNotEqualTo(first);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file).trim()).matches("[0-9a-f]{64}");
    }

    @Test
    void shortSecretIsRefused() throws Exception {
        Path file = temp.resolve("short.key");
        Files.writeString(file, "tooshort");

        assertThatThrownBy(() -> Pseudonymizer.fromSecretFile(file)).hasMessageContaining("osteonode.deid.secret-file");
        assertThatThrownBy(() -> new Pseudonymizer("tooshort".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("32 bytes");
    }

    @Test
    void aMissingSecretIsNotCreatedAfreshBesideAHalfRotatedOrARetiredOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secret.key");
        Pseudonymizer.fromSecretFile(file);
        Files.writeString(dir.resolve("secret.key.new"), Pseudonymizer.newSecret());
        Files.delete(file);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Pseudonymizer.fromSecretFile(file))
                .hasMessageContaining("a secret rotation stopped between its renames; move");

        Files.move(dir.resolve("secret.key.new"), file);
        Pseudonymizer.rotate(file, Pseudonymizer.newSecret(), java.time.Instant.now());
        Files.delete(file);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Pseudonymizer.fromSecretFile(file))
                .hasMessageContaining("restore it from the secret backup");
        org.assertj.core.api.Assertions.assertThat(file).doesNotExist();
    }
}
