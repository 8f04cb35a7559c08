package org.osteonode.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.SyntheticDicom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class EncodedHeaderTest {
    @TempDir
    Path temp;

    @Test
    void aRadiographsHeaderIsKeptAndItsPixelDataOffsetPointsAtTheTag() throws Exception {
        Path file = SyntheticDicom.radiograph().size(32, 32).write(temp.resolve("dx.dcm"));

        EncodedHeader header = EncodedHeader.read(file);

        assertThat(header.kept()).isTrue();
        assertThat(header.pixelDataFollows()).isTrue();
        ByteBuffer tag = ByteBuffer.wrap(Files.readAllBytes(file), (int) header.pixelDataOffset(), 4)
                .slice().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(tag.getShort(0)).isEqualTo((short) 0x7FE0);
        assertThat(tag.getShort(2)).isEqualTo((short) 0x0010);
        assertThat(text(header.attributes(), TagFromName.SOPInstanceUID))
                .isEqualTo(text(readFromFile(file), TagFromName.SOPInstanceUID));
        assertThat(header.attributes().get(TagFromName.PixelData)).isNull();
    }

    @Test
    void everyCallerGetsItsOwnCopyToChange() throws Exception {
        EncodedHeader header = EncodedHeader.read(SyntheticDicom.radiograph().patient("P1", "DOE^JANE")
                .write(temp.resolve("dx.dcm")));

        AttributeList edited = header.attributes();
        edited.get(TagFromName.PatientName).setValue("REMOVED");

        assertThat(text(header.attributes(), TagFromName.PatientName)).isEqualTo("DOE^JANE");
    }

    @Test
    void aHeaderLargerThanWhatIsKeptIsReadAgainFromTheFile() throws Exception {
        AttributeList list = SyntheticDicom.radiograph().size(16, 16).attributes();
        Attribute vendorBlock = new OtherByteAttribute(new AttributeTag(0x0009, 0x1001));
        vendorBlock.setValues(new byte[EncodedHeader.KEPT_BYTES]);
        list.put(new com.pixelmed.dicom.LongStringAttribute(new AttributeTag(0x0009, 0x0010)));
        list.get(new AttributeTag(0x0009, 0x0010)).addValue("ACME 1.0");
        list.put(vendorBlock);
        Path file = write(list, temp.resolve("big.dcm"), TransferSyntax.ExplicitVRLittleEndian);

        EncodedHeader header = EncodedHeader.read(file);

        assertThat(header.kept()).isFalse();
        assertThat(header.pixelDataOffset()).isGreaterThan(EncodedHeader.KEPT_BYTES);
        assertThat(text(header.attributes(), TagFromName.SOPInstanceUID))
                .isEqualTo(text(list, TagFromName.SOPInstanceUID));
    }

    @Test
    void anObjectWithoutPixelDataIsAllHeader() throws Exception {
        AttributeList list = SyntheticDicom.radiograph().size(16, 16).attributes();
        list.remove(TagFromName.PixelData);
        Path file = write(list, temp.resolve("no-pixels.dcm"), TransferSyntax.ExplicitVRLittleEndian);

        EncodedHeader header = EncodedHeader.read(file);

        assertThat(header.kept()).isTrue();
        assertThat(header.pixelDataFollows()).isFalse();
        assertThat(header.pixelDataOffset()).isEqualTo(-1);
        assertThat(text(header.attributes(), TagFromName.SOPInstanceUID))
                .isEqualTo(text(list, TagFromName.SOPInstanceUID));
    }

    @Test
    void aDeflatedDataSetHasNoOffsetInTheFileAndIsReadAgain() throws Exception {
        AttributeList list = SyntheticDicom.radiograph().size(16, 16).attributes();
        Path file = write(list, temp.resolve("deflated.dcm"), TransferSyntax.DeflatedExplicitVRLittleEndian);

        EncodedHeader header = EncodedHeader.read(file);

        assertThat(header.kept()).isFalse();
        assertThat(header.pixelDataOffset()).isEqualTo(-1);
        assertThat(header.pixelDataFollows()).isTrue();
        assertThat(text(header.attributes(), TagFromName.SOPInstanceUID))
                .isEqualTo(text(list, TagFromName.SOPInstanceUID));
    }

    private static Path write(AttributeList list, Path file, String transferSyntax) throws Exception {
        list.removeGroupLengthAttributes();
        list.removeMetaInformationHeaderAttributes();
        FileMetaInformation.addFileMetaInformation(list, transferSyntax, "TEST");
        list.write(file.toFile(), transferSyntax, true, true);
        return file;
    }

    private static AttributeList readFromFile(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toFile());
        return list;
    }

    private static String text(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag);
    }
}
