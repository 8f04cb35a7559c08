package org.osteonode.ingest;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.CStoreResponseCommandMessage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;

import static org.assertj.core.api.Assertions.assertThat;

class CStoreResponseTest {
    private static final String SOP_CLASS = "1.2.840.10008.5.1.4.1.1.1.1";
    private static final String SOP_INSTANCE = "2.25.1234567890";

    @Test
    void failureCarriesStatusAndErrorCommentAndACorrectGroupLength() throws Exception {
        byte[] bytes = CStoreResponse.encode(SOP_CLASS, SOP_INSTANCE, 7, CStoreStatus.OUT_OF_RESOURCES,
                "osteonode free disk below its watermark");
        AttributeList command = parse(bytes);

        CStoreResponseCommandMessage response = new CStoreResponseCommandMessage(command);
        assertThat(response.getStatus()).isEqualTo(0xA700);
        assertThat(response.getMessageIDBeingRespondedTo()).isEqualTo(7);
        assertThat(response.getAffectedSOPClassUID()).isEqualTo(SOP_CLASS);
        assertThat(response.getAffectedSOPInstanceUID()).isEqualTo(SOP_INSTANCE);
        assertThat(Attribute.getSingleStringValueOrEmptyString(command, TagFromName.ErrorComment))
                .isEqualTo("osteonode free disk below its watermark");
        assertThat(Attribute.getSingleIntegerValueOrDefault(command, new AttributeTag(0, 0), -1))
                .isEqualTo(bytes.length - 12);
    }

    @Test
    void successHasNoErrorCommentAndLongCommentsAreCutToTheLoLimit() throws Exception {
        AttributeList success = parse(CStoreResponse.encode(SOP_CLASS, SOP_INSTANCE, 1, CStoreStatus.SUCCESS, "ignored"));
        AttributeList failure = parse(CStoreResponse.encode(SOP_CLASS, SOP_INSTANCE, 1, CStoreStatus.CANNOT_UNDERSTAND,
                "x".repeat(100)));

        assertThat(success.get(TagFromName.ErrorComment)).isNull();
        assertThat(Attribute.getSingleStringValueOrEmptyString(failure, TagFromName.ErrorComment)).hasSize(64);
    }

    private static AttributeList parse(byte[] bytes) throws Exception {
        AttributeList list = new AttributeList();
        list.read(new DicomInputStream(new ByteArrayInputStream(bytes), TransferSyntax.ImplicitVRLittleEndian, false));
        return list;
    }
}
