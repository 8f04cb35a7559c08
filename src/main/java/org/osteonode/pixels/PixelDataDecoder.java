package org.osteonode.pixels;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.OtherByteAttributeMultipleFrameArrays;
import com.pixelmed.dicom.OtherWordAttributeMultipleFrameArrays;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.ValueRepresentation;

import javax.imageio.IIOException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the first frame of a grayscale image object's Pixel Data as sample words, with the attributes that
 * present it. Native little endian Pixel Data is read here, in place; JPEG-LS and 12-bit JPEG a child process
 * decodes ({@link ChildProcessDecoder}), when this decoder has one; anything else PixelMed decodes (itself, or
 * through the ImageIO reader for the transfer syntax). Either way the header is checked first: a transfer syntax
 * without a decoder, a colour image or an oversized frame is refused before any pixel is read.
 */
public final class PixelDataDecoder {
    private static final int BUFFER = 64 * 1024;
    /** 40 megapixels: a 6,300 × 6,300 frame, beyond any CR or DX detector; refused before anything is allocated. */
    static final long MAX_PIXELS = 40_000_000;
    /**
     * Frames a child may write: it decodes them all though only the first is used, and Number of Frames is the
     * sender's word. A radiograph has one; a multi-frame object beyond this fails to decode (the child's file size
     * limit stops it) rather than filling the disk.
     */
    private static final int MAX_CHILD_FRAMES = 16;
    private static final PixelDataDecoder IN_JAVA = new PixelDataDecoder(null);

    private final ChildProcessDecoder childProcess;

    private PixelDataDecoder(ChildProcessDecoder childProcess) {
        this.childProcess = childProcess;
    }

    /** Decodes in the JVM what Java decodes, and JPEG-LS and 12-bit JPEG with {@code childProcess}. */
    public static PixelDataDecoder withChildProcess(ChildProcessDecoder childProcess) {
        return new PixelDataDecoder(childProcess);
    }

    /** Decodes in the JVM only: JPEG-LS and 12-bit JPEG are refused as undecodable. */
    public static PixelDataDecoder inJava() {
        return IN_JAVA;
    }

    /**
     * Reads the header, then the first frame.
     *
     * @throws UnsupportedTransferSyntaxException no decoder here for the object's transfer syntax
     * @throws PixelDataException the object is not a grayscale image this chain presents, or its Pixel Data
     *                            does not decode
     * @throws IOException the file cannot be read
     */
    public static MonochromeFrame firstFrame(Path dicomFile) throws IOException, PixelDataException {
        return IN_JAVA.firstFrameOf(dicomFile);
    }

    /** As {@link #firstFrame(Path)}, with this decoder's child process for what Java does not decode. */
    public MonochromeFrame firstFrameOf(Path dicomFile) throws IOException, PixelDataException {
        Header header = Header.read(dicomFile);
        return firstFrameOf(header.attributes(), dicomFile, header.pixelDataOffset());
    }

    /** The attributes up to Pixel Data, and where its element starts (-1: no Pixel Data). */
    private record Header(AttributeList attributes, long pixelDataOffset) {
        static Header read(Path dicomFile) throws IOException, PixelDataException {
            AttributeList header = new AttributeList();
            long stoppedAt;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(dicomFile), BUFFER);
                 DicomInputStream dicom = new DicomInputStream(in)) {
                stoppedAt = header.read(dicom, TagFromName.PixelData);
            } catch (DicomException | RuntimeException e) {
                throw new PixelDataException("header could not be read: " + e.getClass().getSimpleName() + ": "
                        + e.getMessage(), e);
            }
            // the parser stops after the tag of Pixel Data: the element starts 4 bytes earlier
            return new Header(header, stoppedAt < Files.size(dicomFile) ? stoppedAt - 4 : -1);
        }
    }

    /**
     * The first frame of an object whose header was read already: its pixels are read once. Native little
     * endian Pixel Data is read straight from {@code pixelDataOffset}; anything else (compressed, big endian,
     * deflated, or no offset known) is read whole by PixelMed.
     *
     * @param header          the attributes up to Pixel Data, with the File Meta Information; not changed
     * @param pixelDataOffset where the Pixel Data element's tag starts in the file, or -1 when not known
     */
    public static MonochromeFrame firstFrame(AttributeList header, Path dicomFile, long pixelDataOffset)
            throws IOException, PixelDataException {
        return IN_JAVA.firstFrameOf(header, dicomFile, pixelDataOffset);
    }

    /** As {@link #firstFrame(AttributeList, Path, long)}, with this decoder's child process. */
    public MonochromeFrame firstFrameOf(AttributeList header, Path dicomFile, long pixelDataOffset)
            throws IOException, PixelDataException {
        // The header is checked first: an object whose pixels cannot be decoded is refused before they are read.
        ImagePixel pixel = ImagePixel.of(header);
        String transferSyntax = Attribute.getSingleStringValueOrEmptyString(header, TagFromName.TransferSyntaxUID)
                .trim();
        if (transferSyntax.isEmpty()) {
            throw new PixelDataException("no Transfer Syntax UID: not a DICOM file with File Meta Information");
        }
        DecodableTransferSyntaxes.Decoder decoder = DecodableTransferSyntaxes.decoder(transferSyntax,
                pixel.bitsStored(), childProcess != null);
        PhotometricInterpretation photometric = PhotometricInterpretation.of(
                Attribute.getSingleStringValueOrEmptyString(header, TagFromName.PhotometricInterpretation));
        ModalityLut modalityLut = ModalityLut.of(header, pixel.signed());
        // The window when the object has one (most CR and DX), else its VOI LUT; a presentation state could choose
        // otherwise, the node has none.
        Voi voi = VoiWindow.of(header).map(Voi.class::cast).or(() -> VoiLut.of(header, pixel.signed())).orElse(null);
        PixelPadding padding = PixelPadding.of(header, pixel.signed()).orElse(null);

        boolean nativeLittleEndian = transferSyntax.equals(TransferSyntax.ImplicitVRLittleEndian)
                || transferSyntax.equals(TransferSyntax.ExplicitVRLittleEndian);
        short[] samples;
        if (decoder == DecodableTransferSyntaxes.Decoder.CHILD_PROCESS) {
            samples = decodedByChildProcess(header, dicomFile, transferSyntax, pixel);
        } else if (nativeLittleEndian && pixelDataOffset >= 0) {
            samples = pixel.samples(NativePixelData.firstFrame(dicomFile, pixelDataOffset,
                    transferSyntax.equals(TransferSyntax.ExplicitVRLittleEndian), pixel.frameBytes()));
        } else {
            samples = pixel.samples(readWhole(dicomFile).get(TagFromName.PixelData));
        }
        return new MonochromeFrame(pixel.rows(), pixel.columns(), samples, pixel.coding(), photometric, modalityLut,
                voi, padding);
    }

    /**
     * The child writes an uncompressed copy, bounded by the child's file size limit, read as untrusted: its rows,
     * columns and bits allocated must be the input's. Its samples are then read with the input's Bits Stored, High
     * Bit and Pixel Representation, since those are what the sender declared (a decoder may restate Bits Stored as
     * the code stream's precision).
     */
    private short[] decodedByChildProcess(AttributeList header, Path dicomFile, String transferSyntax,
            ImagePixel pixel) throws IOException, PixelDataException {
        int frames = Math.max(1, Attribute.getSingleIntegerValueOrDefault(header, TagFromName.NumberOfFrames, 1));
        long maxOutput = (long) Math.min(frames, MAX_CHILD_FRAMES) * pixel.frameBytes();
        try (ChildProcessDecoder.Decoded decoded = childProcess.decode(dicomFile, transferSyntax, maxOutput)) {
            Header output = Header.read(decoded.output());
            ImagePixel outputPixel = ImagePixel.of(output.attributes());
            // what the child wrote is not quoted: it is not trusted to be printable
            if (!Attribute.getSingleStringValueOrEmptyString(output.attributes(), TagFromName.TransferSyntaxUID).trim()
                    .equals(TransferSyntax.ExplicitVRLittleEndian) || output.pixelDataOffset() < 0) {
                throw new DecodeFailedException("the decoder's output is not native Explicit VR Little Endian");
            }
            if (outputPixel.rows() != pixel.rows() || outputPixel.columns() != pixel.columns()
                    || outputPixel.bitsAllocated() != pixel.bitsAllocated()) {
                throw new DecodeFailedException("the decoder's output (" + outputPixel + ") is not the input's image ("
                        + pixel + ")");
            }
            return pixel.samples(NativePixelData.firstFrame(decoded.output(), output.pixelDataOffset(), true,
                    pixel.frameBytes()));
        } catch (DecodeFailedException e) {
            throw e;
        } catch (PixelDataException e) {
            // the input's header was presentable: an output that is not is the decoder's failure
            throw new DecodeFailedException("the decoder's output: " + e.getMessage(), e);
        }
    }

    private static AttributeList readWhole(Path file) throws IOException, PixelDataException {
        AttributeList list = new AttributeList();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
             DicomInputStream dicom = new DicomInputStream(in)) {
            list.read(dicom);
        } catch (DicomException | IIOException | RuntimeException e) {
            // IIOException: an ImageIO reader met a code stream it cannot decode; the file itself was readable.
            // PixelMed's and ImageIO's messages describe the encoding (codec, transfer syntax, offset), not values.
            throw new DecodeFailedException("Pixel Data could not be decoded: " + e.getClass().getSimpleName() + ": "
                    + e.getMessage(), e);
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
            if ((long) rows * columns > MAX_PIXELS) {
                throw new PixelDataException("Rows " + rows + " × Columns " + columns + ": more than " + MAX_PIXELS
                        + " pixels, larger than any radiograph");
            }
            return new ImagePixel(rows, columns, bitsAllocated, bitsStored, highBit, pixelRepresentation == 1);
        }

        /** Bytes of one native frame. */
        int frameBytes() {
            return rows * columns * (bitsAllocated / 8);
        }

        SampleCoding coding() {
            return new SampleCoding(bitsStored, highBit, signed);
        }

        /** The first frame's sample words from native little endian bytes ({@link #frameBytes()} of them). */
        short[] samples(ByteBuffer frame) {
            short[] samples = new short[rows * columns];
            if (bitsAllocated == 16) {
                frame.order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
            } else {
                for (int i = 0; i < samples.length; i++) {
                    samples[i] = (short) (frame.get(i) & 0xff);
                }
            }
            return samples;
        }

        /** The first frame's sample words from the Pixel Data PixelMed read (and decoded, when compressed). */
        short[] samples(Attribute pixelData) throws PixelDataException {
            int count = rows * columns;
            try {
                if (pixelData instanceof OtherWordAttributeMultipleFrameArrays frames) {
                    return firstOf(frames.getShortValuesPerFrame()[0], count);
                } else if (pixelData instanceof OtherByteAttributeMultipleFrameArrays frames) {
                    return widened(frames.getByteValuesPerFrame()[0], count);
                } else if (pixelData == null) {
                    throw new PixelDataException("no Pixel Data");
                } else if (bitsAllocated == 16) {
                    return firstOf(pixelData.getShortValues(), count);
                } else if (ValueRepresentation.isOtherWordVR(pixelData.getVR())) {
                    return unpacked(pixelData.getShortValues(), count);
                } else {
                    return widened(pixelData.getByteValues(), count);
                }
            } catch (DicomException | ArrayIndexOutOfBoundsException e) {
                throw new PixelDataException("Pixel Data holds fewer samples than Rows × Columns", e);
            }
        }

        private static short[] firstOf(short[] words, int count) {
            if (words.length < count) {
                throw new ArrayIndexOutOfBoundsException(count - 1);
            }
            return words.length == count ? words : Arrays.copyOf(words, count);
        }

        /** 8-bit samples in OW (dcmtk writes them so): two per word, the first in the low byte (PS3.5 8.1.1). */
        private static short[] unpacked(short[] words, int count) {
            short[] samples = new short[count];
            for (int i = 0; i < count; i++) {
                samples[i] = (short) ((words[i / 2] >> (i % 2 == 0 ? 0 : 8)) & 0xff);
            }
            return samples;
        }

        private static short[] widened(byte[] bytes, int count) {
            short[] samples = new short[count];
            for (int i = 0; i < count; i++) {
                samples[i] = (short) (bytes[i] & 0xff);
            }
            return samples;
        }
    }
}
