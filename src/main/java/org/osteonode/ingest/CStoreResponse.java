package org.osteonode.ingest;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedLongAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import com.pixelmed.network.MessageServiceElementCommand;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * A C-STORE-RSP command (PS3.7 Table 9.3-2). PixelMed's CStoreResponseCommandMessage has no Error Comment;
 * a failure without one leaves the sending PACS's administrator guessing, so this one adds it.
 */
final class CStoreResponse {
    private static final AttributeTag COMMAND_GROUP_LENGTH = new AttributeTag(0x0000, 0x0000);
    private static final int NO_DATA_SET = 0x0101;
    private static final int ERROR_COMMENT_MAX = 64;
    /** Tag, length and value of Command Group Length itself in Implicit VR Little Endian. */
    private static final int GROUP_LENGTH_ELEMENT_BYTES = 12;

    private CStoreResponse() {
    }

    static byte[] encode(String affectedSopClassUid, String affectedSopInstanceUid, int messageId, int status,
            String errorComment) throws DicomException, IOException {
        AttributeList command = new AttributeList();
        UnsignedLongAttribute groupLength = new UnsignedLongAttribute(COMMAND_GROUP_LENGTH);
        groupLength.addValue(0);
        command.put(groupLength);
        addUid(command, TagFromName.AffectedSOPClassUID, affectedSopClassUid);
        addUnsignedShort(command, TagFromName.CommandField, MessageServiceElementCommand.C_STORE_RSP);
        addUnsignedShort(command, TagFromName.MessageIDBeingRespondedTo, messageId);
        addUnsignedShort(command, TagFromName.CommandDataSetType, NO_DATA_SET);
        addUnsignedShort(command, TagFromName.Status, status);
        if (errorComment != null && status != CStoreStatus.SUCCESS) {
            LongStringAttribute comment = new LongStringAttribute(TagFromName.ErrorComment);
            comment.addValue(errorComment.length() > ERROR_COMMENT_MAX
                    ? errorComment.substring(0, ERROR_COMMENT_MAX) : errorComment);
            command.put(comment);
        }
        addUid(command, TagFromName.AffectedSOPInstanceUID, affectedSopInstanceUid);

        int length = write(command).length - GROUP_LENGTH_ELEMENT_BYTES;
        groupLength.removeValues();
        groupLength.addValue(length);
        return write(command);
    }

    private static byte[] write(AttributeList command) throws DicomException, IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        DicomOutputStream out = new DicomOutputStream(bytes, null, TransferSyntax.ImplicitVRLittleEndian);
        command.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    private static void addUid(AttributeList list, AttributeTag tag, String value)
            throws DicomException {
        UniqueIdentifierAttribute attribute = new UniqueIdentifierAttribute(tag);
        attribute.addValue(value);
        list.put(attribute);
    }

    private static void addUnsignedShort(AttributeList list, AttributeTag tag, int value)
            throws DicomException {
        UnsignedShortAttribute attribute = new UnsignedShortAttribute(tag);
        attribute.addValue(value);
        list.put(attribute);
    }
}
