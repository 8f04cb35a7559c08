package org.osteonode.pixels;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A 16 × 16, 12-bit image of known values, for {@link ChildProcessDecoder}'s start-up check. Made here, never
 * received: it holds no identifier (its UIDs are fixed: 2.25.1 to 2.25.3).
 */
final class SelfTestImage {
    private static final int SIZE = 16;
    static final int BYTES = SIZE * SIZE * 2;

    private SelfTestImage() {
    }

    static void write(Path file) throws IOException {
        try {
            AttributeList list = new AttributeList();
            uid(list, TagFromName.SOPClassUID, SOPClass.DigitalXRayImageStorageForPresentation);
            uid(list, TagFromName.SOPInstanceUID, "2.25.1");
            uid(list, TagFromName.StudyInstanceUID, "2.25.2");
            uid(list, TagFromName.SeriesInstanceUID, "2.25.3");
            CodeStringAttribute photometric = new CodeStringAttribute(TagFromName.PhotometricInterpretation);
            photometric.addValue("MONOCHROME2");
            list.put(photometric);
            us(list, TagFromName.Rows, SIZE);
            us(list, TagFromName.Columns, SIZE);
            us(list, TagFromName.SamplesPerPixel, 1);
            us(list, TagFromName.BitsAllocated, 16);
            us(list, TagFromName.BitsStored, 12);
            us(list, TagFromName.HighBit, 11);
            us(list, TagFromName.PixelRepresentation, 0);
            OtherWordAttribute pixels = new OtherWordAttribute(TagFromName.PixelData);
            pixels.setValues(values());
            list.put(pixels);
            FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "OSTEONODE");
            list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
        } catch (DicomException e) {
            throw new IOException("the self-test image could not be written: " + e.getMessage(), e);
        }
    }

    /** Whether a decoded file holds the image's values. */
    static boolean matches(Path decoded) {
        try {
            AttributeList list = new AttributeList();
            list.read(decoded.toFile());
            return java.util.Arrays.equals(list.get(TagFromName.PixelData).getShortValues(), values());
        } catch (IOException | DicomException | RuntimeException e) {
            return false;
        }
    }

    /** A ramp over the 12 bits with a checkerboard on it: every pixel differs from its neighbours. */
    private static short[] values() {
        short[] values = new short[SIZE * SIZE];
        for (int i = 0; i < values.length; i++) {
            values[i] = (short) ((i * 16 + ((i / SIZE + i) % 2) * 7) & 0x0fff);
        }
        return values;
    }

    private static void uid(AttributeList list, com.pixelmed.dicom.AttributeTag tag, String value)
            throws DicomException {
        Attribute attribute = new UniqueIdentifierAttribute(tag);
        attribute.addValue(value);
        list.put(attribute);
    }

    private static void us(AttributeList list, com.pixelmed.dicom.AttributeTag tag, int value) throws DicomException {
        Attribute attribute = new UnsignedShortAttribute(tag);
        attribute.addValue(value);
        list.put(attribute);
    }
}
