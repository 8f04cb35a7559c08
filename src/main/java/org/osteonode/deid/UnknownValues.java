package org.osteonode.deid;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.ValueRepresentation;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;

/**
 * Elements whose VR is UN: written by a toolkit that did not know the VR (an Implicit VR object converted to
 * Explicit VR, a tag newer than the writer's dictionary), they hold their value unread, and anything inside —
 * a whole sequence with its UIDs and names — would be copied byte for byte. PS3.5 6.2.2: such a value is
 * encoded as Implicit VR Little Endian. A standard tag's value is read again as its dictionary VR says (a
 * sequence becomes the sequence it is, then de-identified like any other); anything else — private, not in
 * the dictionary, or not readable as its tag declares — is removed. Nothing is copied unread.
 */
final class UnknownValues {
    private static final AttributeTag SPECIFIC_CHARACTER_SET = new AttributeTag(0x0008, 0x0005);

    private UnknownValues() {
    }

    /**
     * Replaces, in {@code list} (not in its items: each item is handled when the walk reaches it), every UN
     * element by what it is, or removes it.
     *
     * @param characterSet the object's Specific Character Set, for text inside a value read again
     */
    static void readOrRemove(AttributeList list, String[] characterSet) throws DicomException {
        for (AttributeTag tag : new ArrayList<>(list.keySet())) {
            Attribute attribute = list.get(tag);
            if (!ValueRepresentation.isUnknownVR(attribute.getVR())) {
                continue;
            }
            Attribute known = read(tag, attribute.getByteValues(), characterSet);
            if (known == null) {
                list.remove(tag);
            } else {
                list.put(known);
            }
        }
    }

    /** The value read as its tag's dictionary VR, or null when it is private, unknown or does not read. */
    static Attribute read(AttributeTag tag, byte[] value, String[] characterSet) {
        if (tag.isPrivate() || value == null) {
            return null;
        }
        byte[] vr = DicomDictionary.StandardDictionary.getValueRepresentationFromTag(tag);
        if (vr == null || ValueRepresentation.isUnknownVR(vr)) {
            return null;
        }
        ByteArrayOutputStream implicit = new ByteArrayOutputStream(value.length + 64);
        if (characterSet.length > 0) {
            byte[] terms = String.join("\\", characterSet).getBytes(StandardCharsets.US_ASCII);
            writeElement(implicit, SPECIFIC_CHARACTER_SET, terms.length % 2 == 0 ? terms : pad(terms));
        }
        writeElement(implicit, tag, value);
        AttributeList read = new AttributeList();
        try {
            read.read(new DicomInputStream(new ByteArrayInputStream(implicit.toByteArray()),
                    TransferSyntax.ImplicitVRLittleEndian, false));
        } catch (IOException | DicomException | RuntimeException e) {
            return null;
        }
        Attribute known = read.get(tag);
        return known == null || ValueRepresentation.isUnknownVR(known.getVR()) ? null : known;
    }

    private static void writeElement(ByteArrayOutputStream out, AttributeTag tag, byte[] value) {
        ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        header.putShort((short) tag.getGroup()).putShort((short) tag.getElement()).putInt(value.length);
        out.writeBytes(header.array());
        out.writeBytes(value);
    }

    private static byte[] pad(byte[] terms) {
        byte[] padded = java.util.Arrays.copyOf(terms, terms.length + 1);
        padded[terms.length] = ' ';
        return padded;
    }
}
