package org.osteonode.ingest;

import com.pixelmed.dicom.TransferSyntax;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osteonode.testing.SyntheticDicom;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Files written byte by byte, as a hostile sender would make them; and well-formed files that must pass. */
class DataSetLimitsTest {
    private static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ImplicitVRLittleEndian,
            TransferSyntax.ExplicitVRBigEndian, TransferSyntax.DeflatedExplicitVRLittleEndian})
    void aWellFormedRadiographPasses(String transferSyntax) throws Exception {
        Path file = SyntheticDicom.radiograph().size(64, 64).write(temp.resolve("ok.dcm"), transferSyntax);

        assertThatCode(() -> DataSetLimits.check(file)).doesNotThrowAnyException();
    }

    @Test
    void sequencesWithinTheDepthPassInBothVrEncodings() throws Exception {
        ByteArrayOutputStream explicit = new ByteArrayOutputStream();
        ByteArrayOutputStream implicit = new ByteArrayOutputStream();
        for (int i = 0; i < DataSetLimits.MAX_DEPTH; i++) {
            explicit.writeBytes(explicitSequenceStart());
            implicit.writeBytes(implicitUndefinedStart());
        }
        for (int i = 0; i < DataSetLimits.MAX_DEPTH; i++) {
            explicit.writeBytes(itemAndSequenceEnd());
            implicit.writeBytes(itemAndSequenceEnd());
        }

        assertThatCode(() -> DataSetLimits.check(file(EXPLICIT_LE, explicit.toByteArray()))).doesNotThrowAnyException();
        assertThatCode(() -> DataSetLimits.check(file("1.2.840.10008.1.2", implicit.toByteArray())))
                .doesNotThrowAnyException();
    }

    @Test
    void sequencesNestedTenThousandDeepAreRefusedWithoutRecursingThatDeep() throws Exception {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int i = 0; i < 10_000; i++) {
            data.writeBytes(explicitSequenceStart());
        }

        assertThatThrownBy(() -> DataSetLimits.check(file(EXPLICIT_LE, data.toByteArray())))
                .isInstanceOf(UnreadableObjectException.class).hasMessageContaining("nested deeper than 64");
    }

    @Test
    void anElementClaimingMoreThanFollowsIsRefused() throws Exception {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(new byte[] {0x09, 0x00, 0x10, 0x10, 'O', 'B', 0, 0}); // (0009,1010) OB
        data.writeBytes(le32(0x7FFFFFF0L));
        data.writeBytes(new byte[100]);

        assertThatThrownBy(() -> DataSetLimits.check(file(EXPLICIT_LE, data.toByteArray())))
                .isInstanceOf(UnreadableObjectException.class).hasMessageContaining("(0009,1010) claims 2147483632");
    }

    @Test
    void aDeflateBombIsRefusedBeforeItIsInflated() throws Exception {
        // 64 MB of zeros deflate to ~64 KB: more than 100 times, and the element says so before being inflated.
        int size = 64 * 1024 * 1024;
        ByteArrayOutputStream deflated = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(deflated, new Deflater(9, true))) {
            out.write(new byte[] {0x09, 0x00, 0x10, 0x10, 'O', 'B', 0, 0});
            out.write(le32(size));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < size / zeros.length; i++) {
                out.write(zeros);
            }
        }

        assertThatThrownBy(() -> DataSetLimits.check(file(TransferSyntax.DeflatedExplicitVRLittleEndian,
                deflated.toByteArray()))).isInstanceOf(UnreadableObjectException.class).hasMessageContaining("claims");
    }

    @Test
    void anUndefinedLengthOnAnElementThatIsNoSequenceIsRefused() throws Exception {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(new byte[] {0x10, 0x00, 0x10, 0x00, 'O', 'B', 0, 0}); // (0010,0010) as OB, undefined
        data.writeBytes(le32(0xFFFFFFFFL));

        assertThatThrownBy(() -> DataSetLimits.check(file(EXPLICIT_LE, data.toByteArray())))
                .isInstanceOf(UnreadableObjectException.class).hasMessageContaining("undefined length");
    }

    @Test
    void anItemDelimiterOutsideAnyItemCannotEndTheWalkEarly() throws Exception {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(new byte[] {(byte) 0xFE, (byte) 0xFF, 0x0D, (byte) 0xE0, 0, 0, 0, 0});
        data.writeBytes(new byte[] {0x09, 0x00, 0x10, 0x10, 'O', 'B', 0, 0}); // then a 2 GiB claim
        data.writeBytes(le32(0x7FFFFFF0L));

        assertThatThrownBy(() -> DataSetLimits.check(file(EXPLICIT_LE, data.toByteArray())))
                .isInstanceOf(UnreadableObjectException.class).hasMessageContaining("item delimiter outside");
    }

    @Test
    void aFileThatEndsInsideAnElementIsRefused() throws Exception {
        byte[] data = {0x10, 0x00, 0x10, 0x00, 'P', 'N', 10, 0, 'D', 'O'};

        assertThatThrownBy(() -> DataSetLimits.check(file(EXPLICIT_LE, data)))
                .isInstanceOf(UnreadableObjectException.class).hasMessageContaining("claims 10");
    }

    /** Content Sequence (0040,A730), explicit VR SQ of undefined length, and an item of undefined length. */
    private static byte[] explicitSequenceStart() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x40, 0x00, 0x30, (byte) 0xA7, 'S', 'Q', 0, 0});
        out.writeBytes(le32(0xFFFFFFFFL));
        out.writeBytes(new byte[] {(byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0});
        out.writeBytes(le32(0xFFFFFFFFL));
        return out.toByteArray();
    }

    /** The same in implicit VR, on a private tag the dictionary does not know. */
    private static byte[] implicitUndefinedStart() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x09, 0x00, 0x20, 0x10});
        out.writeBytes(le32(0xFFFFFFFFL));
        out.writeBytes(new byte[] {(byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0});
        out.writeBytes(le32(0xFFFFFFFFL));
        return out.toByteArray();
    }

    /** Item delimiter, then sequence delimiter. */
    private static byte[] itemAndSequenceEnd() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0xFE, (byte) 0xFF, 0x0D, (byte) 0xE0, 0, 0, 0, 0});
        out.writeBytes(new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xDD, (byte) 0xE0, 0, 0, 0, 0});
        return out.toByteArray();
    }

    /** Preamble, DICM, a File Meta Information naming the transfer syntax, then the data set bytes as given. */
    private Path file(String transferSyntax, byte[] dataSet) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[128]);
        out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        byte[] uid = (transferSyntax.length() % 2 == 0 ? transferSyntax : transferSyntax + "\0")
                .getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(new byte[] {0x02, 0x00, 0x10, 0x00, 'U', 'I', (byte) uid.length, 0});
        out.writeBytes(uid);
        out.writeBytes(dataSet);
        Path file = Files.createTempFile(temp, "crafted", ".dcm");
        Files.write(file, out.toByteArray());
        return file;
    }

    private static byte[] le32(long value) {
        return new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
    }
}
