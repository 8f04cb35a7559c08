package org.osteonode.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.SyntheticDicom;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstanceHeaderTest {
    @TempDir
    Path temp;

    @Test
    void readsWhatRoutingAndIndexingNeed() throws Exception {
        SyntheticDicom image = SyntheticDicom.radiograph().patient("MRN777", "DOE^JANE");
        Path file = image.write(temp.resolve("dx.dcm"));

        InstanceHeader header = InstanceHeader.read(file);

        assertThat(header.sopInstanceUid()).isEqualTo(image.sopInstanceUid());
        assertThat(header.studyInstanceUid()).isEqualTo(image.studyInstanceUid());
        assertThat(header.patientId()).isEqualTo("MRN777");
        assertThat(header.modality()).isEqualTo("DX");
        assertThat(header.transferSyntaxUid()).isEqualTo("1.2.840.10008.1.2.1");
        assertThat(header.sourceAeTitle()).isEqualTo("OSTEONODETEST");
    }

    @Test
    void printsNoIdentifier() throws Exception {
        SyntheticDicom image = SyntheticDicom.radiograph().patient("MRN777", "DOE^JANE");

        String printed = InstanceHeader.read(image.write(temp.resolve("dx.dcm"))).toString();

        assertThat(printed).doesNotContain("MRN777").doesNotContain(image.sopInstanceUid())
                .doesNotContain(image.studyInstanceUid());
    }

    @Test
    void bytesThatAreNotDicomAreUnreadable() throws Exception {
        Path noise = temp.resolve("noise.dcm");
        Files.write(noise, "this is not a DICOM file at all".repeat(50).getBytes());

        assertThatThrownBy(() -> InstanceHeader.read(noise)).isInstanceOf(UnreadableObjectException.class);
    }

    @Test
    void aValueLengthBeyondTheFileIsUnreadableNotAnOutOfMemoryError() throws Exception {
        Path file = SyntheticDicom.radiograph().size(8, 8).write(temp.resolve("dx.dcm"));
        byte[] bytes = Files.readAllBytes(file);
        // Explicit VR LE after the meta header: the first element is (0008,0005) CS; make it an UN whose
        // 4-byte length claims 2 GiB.
        int metaEnd = 144 + ((bytes[140] & 0xff) | (bytes[141] & 0xff) << 8);
        byte[] corrupt = new byte[metaEnd + 12];
        System.arraycopy(bytes, 0, corrupt, 0, metaEnd);
        byte[] element = {0x08, 0x00, 0x05, 0x00, 'U', 'N', 0, 0, (byte) 0xf0, (byte) 0xff, (byte) 0xff, 0x7f};
        System.arraycopy(element, 0, corrupt, metaEnd, element.length);
        Path bad = temp.resolve("bad.dcm");
        Files.write(bad, corrupt);

        assertThatThrownBy(() -> InstanceHeader.read(bad)).isInstanceOf(UnreadableObjectException.class);
    }

    @Test
    void pixelDataShorterThanTheImageIsUnreadable() throws Exception {
        // 8 × 8 16-bit samples need 128 bytes; cut the file so that Pixel Data says (and holds) 64.
        Path file = SyntheticDicom.radiograph().size(8, 8).write(temp.resolve("dx.dcm"));
        byte[] bytes = Files.readAllBytes(file);
        int lengthAt = bytes.length - 128 - 4;
        byte[] shortened = java.util.Arrays.copyOf(bytes, bytes.length - 64);
        shortened[lengthAt] = 64;
        Path bad = temp.resolve("short.dcm");
        Files.write(bad, shortened);

        assertThat(bytes[lengthAt] & 0xff).as("the length field, as PixelMed wrote it").isEqualTo(128);
        assertThatThrownBy(() -> InstanceHeader.read(bad)).isInstanceOf(UnreadableObjectException.class)
                .hasMessageContaining("Pixel Data holds 64 bytes").hasMessageContaining("need 128");
    }
}
