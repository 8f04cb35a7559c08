package org.osteonode.pixels;

import static org.osteonode.testing.SyntheticDicom.put;
import static org.osteonode.testing.SyntheticDicom.putShort;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UnsignedShortAttribute;
import org.osteonode.testing.SyntheticDicom;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A synthetic radiograph ({@link SyntheticDicom}) whose Image Pixel Module and grayscale attributes a test
 * sets sample by sample: bit depths, signedness, Photometric Interpretation, frames, window, rescale.
 * Written uncompressed by PixelMed; tests that need another encoding convert the file with dcmtk or GDCM.
 */
final class CraftedImage {
    private final int rows;
    private final int columns;
    private int frames = 1;
    private int bitsAllocated = 16;
    private int bitsStored = 12;
    private int highBit = 11;
    private boolean signed;
    private int samplesPerPixel = 1;
    private String photometricInterpretation = "MONOCHROME2";
    private String windowCenter;
    private String windowWidth;
    private String rescaleSlope = "1";
    private String rescaleIntercept = "0";
    private int[] samples;
    private boolean eightBitsInWords;

    private CraftedImage(int rows, int columns) {
        this.rows = rows;
        this.columns = columns;
    }

    static CraftedImage of(int rows, int columns) {
        return new CraftedImage(rows, columns);
    }

    /** Bits Allocated, Stored and High Bit. */
    CraftedImage bits(int allocated, int stored, int high) {
        this.bitsAllocated = allocated;
        this.bitsStored = stored;
        this.highBit = high;
        return this;
    }

    /** 8-bit samples in an OW Pixel Data element, two per word, as dcmtk writes them. */
    CraftedImage eightBitsInWords() {
        this.eightBitsInWords = true;
        return this;
    }

    CraftedImage signed() {
        this.signed = true;
        return this;
    }

    CraftedImage photometricInterpretation(String value) {
        this.photometricInterpretation = value;
        return this;
    }

    CraftedImage rgb() {
        this.samplesPerPixel = 3;
        this.photometricInterpretation = "RGB";
        return this;
    }

    /** Window Center and Width as written, multi-valued with a backslash; null: none. */
    CraftedImage window(String center, String width) {
        this.windowCenter = center;
        this.windowWidth = width;
        return this;
    }

    CraftedImage rescale(String slope, String intercept) {
        this.rescaleSlope = slope;
        this.rescaleIntercept = intercept;
        return this;
    }

    /** The samples as written (raw bits in Bits Allocated), every frame one after the other. */
    CraftedImage samples(int frames, int... samples) {
        this.frames = frames;
        this.samples = samples;
        return this;
    }

    AttributeList attributes() throws DicomException {
        AttributeList list = SyntheticDicom.radiograph().size(rows, columns).attributes();
        list.remove(TagFromName.WindowCenter);
        list.remove(TagFromName.WindowWidth);
        if (windowCenter != null) {
            put(list, new DecimalStringAttribute(TagFromName.WindowCenter), windowCenter);
            put(list, new DecimalStringAttribute(TagFromName.WindowWidth), windowWidth);
        }
        put(list, new DecimalStringAttribute(TagFromName.RescaleSlope), rescaleSlope);
        put(list, new DecimalStringAttribute(TagFromName.RescaleIntercept), rescaleIntercept);
        put(list, new CodeStringAttribute(TagFromName.PhotometricInterpretation), photometricInterpretation);
        putShort(list, TagFromName.SamplesPerPixel, samplesPerPixel);
        if (samplesPerPixel > 1) {
            putShort(list, TagFromName.PlanarConfiguration, 0);
        }
        putShort(list, TagFromName.BitsAllocated, bitsAllocated);
        putShort(list, TagFromName.BitsStored, bitsStored);
        putShort(list, TagFromName.HighBit, highBit);
        putShort(list, TagFromName.PixelRepresentation, signed ? 1 : 0);
        if (frames > 1) {
            put(list, new IntegerStringAttribute(TagFromName.NumberOfFrames), Integer.toString(frames));
        }
        int count = rows * columns * samplesPerPixel * frames;
        if (samples.length != count) {
            throw new IllegalStateException(samples.length + " samples for " + count);
        }
        if (bitsAllocated == 8 && eightBitsInWords) {
            short[] words = new short[(count + 1) / 2];
            for (int i = 0; i < count; i++) {
                words[i / 2] |= (short) ((samples[i] & 0xff) << (i % 2 == 0 ? 0 : 8));
            }
            OtherWordAttribute pixels = new OtherWordAttribute(TagFromName.PixelData);
            pixels.setValues(words);
            list.put(pixels);
        } else if (bitsAllocated == 8) {
            byte[] bytes = new byte[count];
            for (int i = 0; i < count; i++) {
                bytes[i] = (byte) samples[i];
            }
            OtherByteAttribute pixels = new OtherByteAttribute(TagFromName.PixelData);
            pixels.setValues(bytes);
            list.put(pixels);
        } else {
            short[] words = new short[count];
            for (int i = 0; i < count; i++) {
                words[i] = (short) samples[i];
            }
            OtherWordAttribute pixels = new OtherWordAttribute(TagFromName.PixelData);
            pixels.setValues(words);
            list.put(pixels);
        }
        return list;
    }

    Path write(Path file, String transferSyntax) throws IOException, DicomException {
        AttributeList list = attributes();
        FileMetaInformation.addFileMetaInformation(list, transferSyntax, "OSTEONODETEST");
        Files.createDirectories(file.toAbsolutePath().getParent());
        list.write(file.toFile(), transferSyntax, true, true);
        return file;
    }

    Path write(Path file) throws IOException, DicomException {
        return write(file, TransferSyntax.ExplicitVRLittleEndian);
    }


}
