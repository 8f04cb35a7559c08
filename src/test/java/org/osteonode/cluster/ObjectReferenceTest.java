package org.osteonode.cluster;

import org.junit.jupiter.api.Test;
import org.osteonode.labels.BodyPart;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObjectReferenceTest {
    static final String CT_IMAGE = "1.2.840.10008.5.1.4.1.1.1.1";
    static final String EXPLICIT_LITTLE = "1.2.840.10008.1.2.1";

    static ObjectReference reference(String studyKey, String sopInstanceKey) {
        return new ObjectReference("research/ab/" + sopInstanceKey + ".dcm", "0".repeat(63) + "a", 1234,
                CT_IMAGE, EXPLICIT_LITTLE, "1".repeat(32), studyKey, "2".repeat(32), sopInstanceKey, "DX",
                BodyPart.HIP, true);
    }

    private final ReferenceCodec codec = new ReferenceCodec();
    private final ObjectReference reference = reference("3".repeat(32), "4".repeat(32));

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private String json() {
        return new String(codec.encode(reference), StandardCharsets.UTF_8);
    }

    @Test
    void aReferenceComesBackAsItWasEncoded() throws Exception {
        assertThat(codec.decode(codec.encode(reference))).isEqualTo(reference);
        assertThat(json()).startsWith("{\"v\":1,");
    }

    @Test
    void theLongestPossibleReferenceFitsTheSizeLimit() throws Exception {
        String longKey = "a".repeat(ObjectReference.MAX_OBJECT_KEY_LENGTH);
        ObjectReference longest = new ObjectReference(longKey, "f".repeat(64), ObjectReference.MAX_SIZE,
                "1.2.840.10008." + "1".repeat(50), "1.2.840.10008." + "1".repeat(50), "a".repeat(32), "b".repeat(32),
                "c".repeat(32), "d".repeat(32), "ABCDEFGHIJKLMNOP", BodyPart.LSPINE, false);
        assertThat(codec.encode(longest).length).isLessThanOrEqualTo(ReferenceCodec.MAX_BYTES);
        assertThat(codec.decode(codec.encode(longest))).isEqualTo(longest);
    }

    @Test
    void aValueLargerThanTheLimitIsRefusedBeforeItIsParsed() {
        byte[] big = utf8("{\"v\":1,\"objectKey\":\"" + "a".repeat(ReferenceCodec.MAX_BYTES) + "\"}");
        assertThatThrownBy(() -> codec.decode(big)).isInstanceOf(InvalidReferenceException.class)
                .hasMessageContaining("more than the 2048");
    }

    @Test
    void anUnknownFieldIsRefusedAndNotQuoted() {
        String withName = json().replace("{\"v\":1,", "{\"v\":1,\"patientName\":\"DOE^JANE\",");
        assertThatThrownBy(() -> codec.decode(utf8(withName))).isInstanceOf(InvalidReferenceException.class)
                .hasMessageContaining("unknown field").hasMessageNotContaining("DOE").hasMessageNotContaining("patientName");
    }

    @Test
    void aMissingDuplicateOrMistypedFieldIsRefused() {
        assertThatThrownBy(() -> codec.decode(utf8(json().replaceFirst(",\"size\":1234", ""))))
                .isInstanceOf(InvalidReferenceException.class).hasMessageContaining("size is missing");
        assertThatThrownBy(() -> codec.decode(utf8(json().replace("\"size\":1234", "\"size\":\"1234\""))))
                .isInstanceOf(InvalidReferenceException.class).hasMessageContaining("size is not an integer");
        assertThatThrownBy(() -> codec.decode(utf8(json().replace("\"size\":1234", "\"size\":1234.5"))))
                .isInstanceOf(InvalidReferenceException.class).hasMessageContaining("size is not an integer");
        assertThatThrownBy(() -> codec.decode(utf8(json().replace("\"size\":1234", "\"size\":1234,\"size\":5"))))
                .isInstanceOf(InvalidReferenceException.class);
        assertThatThrownBy(() -> codec.decode(utf8(json().replace("\"clinicallyEligible\":true", "\"clinicallyEligible\":1"))))
                .isInstanceOf(InvalidReferenceException.class).hasMessageContaining("not a boolean");
        assertThatThrownBy(() -> codec.decode(utf8(json().replace("\"modality\":\"DX\"", "\"modality\":null"))))
                .isInstanceOf(InvalidReferenceException.class).hasMessageContaining("modality is not a string");
    }

    @Test
    void anotherVersionNestingTrailingTokensAndNonJsonAreRefused() {
        assertThatThrownBy(() -> codec.decode(utf8(json().replace("\"v\":1", "\"v\":2"))))
                .isInstanceOf(InvalidReferenceException.class).hasMessageContaining("version 2");
        assertThatThrownBy(() -> codec.decode(utf8(json().replace("\"modality\":\"DX\"", "\"modality\":{\"a\":\"DX\"}"))))
                .isInstanceOf(InvalidReferenceException.class);
        assertThatThrownBy(() -> codec.decode(utf8(json() + "{}"))).isInstanceOf(InvalidReferenceException.class);
        assertThatThrownBy(() -> codec.decode(utf8("[1,2]"))).isInstanceOf(InvalidReferenceException.class);
        assertThatThrownBy(() -> codec.decode(utf8("DOE^JANE"))).isInstanceOf(InvalidReferenceException.class)
                .hasMessageNotContaining("DOE");
        assertThatThrownBy(() -> codec.decode(new byte[0])).isInstanceOf(InvalidReferenceException.class);
        assertThatThrownBy(() -> codec.decode(null)).isInstanceOf(InvalidReferenceException.class);
    }

    @Test
    void noFieldCarriesFreeTextOrAnIdentifyingUid() {
        String studyUid = "1.2.826.0.1.3680043.2.1125.1.12345678901234567890";
        String[][] refused = {
                {"\"objectKey\":\"research/ab/" + "4".repeat(32) + ".dcm\"", "\"objectKey\":\"Doe Jane/x.dcm\""},
                {"\"objectKey\":\"research/ab/" + "4".repeat(32) + ".dcm\"", "\"objectKey\":\"research/../etc\""},
                {"\"objectKey\":\"research/ab/" + "4".repeat(32) + ".dcm\"", "\"objectKey\":\"/abs\""},
                {"\"sopClassUid\":\"" + CT_IMAGE + "\"", "\"sopClassUid\":\"" + studyUid + "\""},
                {"\"transferSyntaxUid\":\"" + EXPLICIT_LITTLE + "\"", "\"transferSyntaxUid\":\"1.2.840.10008.1.2.01\""},
                {"\"studyKey\":\"" + "3".repeat(32) + "\"", "\"studyKey\":\"" + studyUid + "\""},
                {"\"patientKey\":\"" + "1".repeat(32) + "\"", "\"patientKey\":\"DOE^JANE\""},
                {"\"seriesKey\":\"" + "2".repeat(32) + "\"", "\"seriesKey\":\"" + "2".repeat(31) + "G\""},
                {"\"sopInstanceKey\":\"" + "4".repeat(32) + "\"", "\"sopInstanceKey\":\"" + "4".repeat(33) + "\""},
                {"\"modality\":\"DX\"", "\"modality\":\"dx smith\""},
                {"\"bodyPart\":\"HIP\"", "\"bodyPart\":\"LEFT HIP OF J DOE\""},
                {"\"sha256\":\"" + "0".repeat(63) + "a\"", "\"sha256\":\"" + "0".repeat(63) + "A\""},
                {"\"size\":1234", "\"size\":-1"},
                {"\"size\":1234", "\"size\":" + (ObjectReference.MAX_SIZE + 1)},
        };
        for (String[] change : refused) {
            String changed = json().replace(change[0], change[1]);
            assertThat(changed).as("the test changes %s", change[0]).isNotEqualTo(json());
            assertThatThrownBy(() -> codec.decode(utf8(changed))).as(change[1])
                    .isInstanceOf(InvalidReferenceException.class)
                    .hasMessageNotContaining("DOE").hasMessageNotContaining("smith").hasMessageNotContaining(studyUid);
        }
    }

    @Test
    void theRecordItselfRefusesWhatTheCodecRefuses() {
        assertThatThrownBy(() -> reference("DOE^JANE", "4".repeat(32))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("studyKey").hasMessageNotContaining("DOE");
        assertThatThrownBy(() -> new ObjectReference("a", "0".repeat(64), 1, CT_IMAGE, EXPLICIT_LITTLE, "1".repeat(32),
                "3".repeat(32), "2".repeat(32), "4".repeat(32), "DX", null, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bodyPart");
    }
}
