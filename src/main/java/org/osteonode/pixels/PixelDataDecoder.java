package org.osteonode.pixels;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.OtherByteAttributeMultipleFrameArrays;
import com.pixelmed.dicom.OtherWordAttributeMultipleFrameArrays;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.ValueRepresentation;

import javax.imageio.IIOException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the first frame of a grayscale image object's Pixel Data as stored values, with the attributes that
 * present it. PixelMed does the decoding (itself, or through the ImageIO reader for the transfer syntax);
 * this class only checks first that a decoder exists, then unpacks the samples PixelMed returns.
 */
public final class PixelDataDecoder {
    private static final int BUFFER = 64 * 1024;

    private PixelDataDecoder() {
    }

    /**
     * @throws UnsupportedTransferSyntaxException no decoder here for the object's transfer syntax
     * @throws PixelDataException the object is not a grayscale image this chain presents, or its Pixel Data
     *                            does not decode
     * @throws IOException the file cannot be read
     */
    public static MonochromeFrame firstFrame(Path dicomFile) throws IOException, PixelDataException {
        // The header alone first: an object whose pixels cannot be decoded is refused before they are read.
        AttributeList header = read(dicomFile, true);
        ImagePixel pixel = ImagePixel.of(header);
        String transferSyntax = Attribute.getSingleStringValueOrEmptyString(header, TagFromName.TransferSyntaxUID)
                .trim();
        if (transferSyntax.isEmpty()) {
            throw new PixelDataException("no Transfer Syntax UID: not a DICOM file with File Meta Information");
        }
        DecodableTransferSyntaxes.requireDecodable(transferSyntax, pixel.bitsStored());
        PhotometricInterpretation photometric = PhotometricInterpretation.of(
                Attribute.getSingleStringValueOrEmptyString(header, TagFromName.PhotometricInterpretation));
        ModalityLut modalityLut = ModalityLut.of(header, pixel.signed());
        VoiWindow voiWindow = VoiWindow.of(header).orElse(null);

        AttributeList whole = read(dicomFile, false);
        int[] stored = pixel.storedValues(whole.get(TagFromName.PixelData));
        return new MonochromeFrame(pixel.rows(), pixel.columns(), stored, photometric, modalityLut, voiWindow);
    }

    private static AttributeList read(Path file, boolean headerOnly) throws IOException, PixelDataException {
        AttributeList list = new AttributeList();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
             DicomInputStream dicom = new DicomInputStream(in)) {
            if (headerOnly) {
                list.read(dicom, TagFromName.PixelData);
            } else {
                list.read(dicom);
            }
        } catch (DicomException | IIOException | RuntimeException e) {
            // IIOException: an ImageIO reader met a code stream it cannot decode; the file itself was readable.
            // PixelMed's and ImageIO's messages describe the encoding (codec, transfer syntax, offset), not values.
            throw new PixelDataException((headerOnly ? "header" : "Pixel Data") + " could not be decoded: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        return list;
    }

    /** The Image Pixel Module attributes (PS3.3 C.7.6.3) that say how samples are laid out. */
    record ImagePixel(int rows, int columns, int bitsAllocated, int bitsStored, int highBit, boolean signed) {

        static ImagePixel of(AttributeList list) throws PixelDataException {
            int samplesPerPixel = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1);
            int rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
            int columns = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
            int bitsAllocated = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0);
            int bitsStored = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsStored, bitsAllocated);
            int highBit = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.HighBit, bitsStored - 1);
            int pixelRepresentation = Attribute.getSingleIntegerValueOrDefault(list,
                    TagFromName.PixelRepresentation, 0);
            if (list.get(TagFromName.Rows) == null) {
                throw new PixelDataException("no Rows: not an image object");
            }
            if (samplesPerPixel != 1) {
                throw new PixelDataException("Samples per Pixel " + samplesPerPixel + ": not a grayscale image");
            }
            if (rows < 1 || columns < 1) {
                throw new PixelDataException("Rows " + rows + " × Columns " + columns + ": no pixels");
            }
            // CR and DX store 6 to 16 bits in 8 or 16 (PS3.3 C.8.11.3); anything else is not a radiograph.
            if (bitsAllocated != 8 && bitsAllocated != 16) {
                throw new PixelDataException("Bits Allocated " + bitsAllocated + ": only 8 and 16 are decoded");
            }
            if (bitsStored < 1 || bitsStored > bitsAllocated || highBit < bitsStored - 1 || highBit >= bitsAllocated) {
                throw new PixelDataException("Bits Stored " + bitsStored + " / High Bit " + highBit
                        + " do not fit Bits Allocated " + bitsAllocated);
            }
            return new ImagePixel(rows, columns, bitsAllocated, bitsStored, highBit, pixelRepresentation == 1);
        }

        /** The first frame's samples, the bits outside Bits Stored masked off and signed values extended. */
        int[] storedValues(Attribute pixelData) throws PixelDataException {
            int count = rows * columns;
            int[] stored = new int[count];
            try {
                if (pixelData instanceof OtherWordAttributeMultipleFrameArrays frames) {
                    copy(frames.getShortValuesPerFrame()[0], stored);
                } else if (pixelData instanceof OtherByteAttributeMultipleFrameArrays frames) {
                    copy(frames.getByteValuesPerFrame()[0], stored);
                } else if (pixelData == null) {
                    throw new PixelDataException("no Pixel Data");
                } else if (bitsAllocated == 16) {
                    copy(pixelData.getShortValues(), stored);
                } else if (ValueRepresentation.isOtherWordVR(pixelData.getVR())) {
                    copyPacked(pixelData.getShortValues(), stored);
                } else {
                    copy(pixelData.getByteValues(), stored);
                }
            } catch (DicomException | ArrayIndexOutOfBoundsException e) {
                throw new PixelDataException("Pixel Data holds fewer samples than Rows × Columns", e);
            }
            return stored;
        }

        private void copy(short[] samples, int[] stored) {
            for (int i = 0; i < stored.length; i++) {
                stored[i] = sample(samples[i] & 0xffff);
            }
        }

        /** 8-bit samples in OW (dcmtk writes them so): two per word, the first in the low byte (PS3.5 8.1.1). */
        private void copyPacked(short[] words, int[] stored) {
            for (int i = 0; i < stored.length; i++) {
                stored[i] = sample((words[i / 2] >> (i % 2 == 0 ? 0 : 8)) & 0xff);
            }
        }

        private void copy(byte[] samples, int[] stored) {
            for (int i = 0; i < stored.length; i++) {
                stored[i] = sample(samples[i] & 0xff);
            }
        }

        /** PS3.5 8.1.1: the value is the Bits Stored bits ending at High Bit; the others may hold anything. */
        private int sample(int raw) {
            int value = (raw >>> (highBit + 1 - bitsStored)) & ((1 << bitsStored) - 1);
            if (signed && (value & (1 << (bitsStored - 1))) != 0) {
                value -= 1 << bitsStored;
            }
            return value;
        }
    }
}
