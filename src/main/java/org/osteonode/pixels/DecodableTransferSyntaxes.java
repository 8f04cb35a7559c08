package org.osteonode.pixels;

import com.pixelmed.dicom.TransferSyntax;

import javax.imageio.ImageIO;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which transfer syntaxes' Pixel Data this node decodes, and how (docs/pixels.md). PixelMed reads the
 * uncompressed, deflated and RLE encodings itself and hands compressed frames to the Java ImageIO reader registered
 * under a format name; whether that reader is on the class path is checked, not assumed. JPEG-LS and 12-bit JPEG,
 * which no maintained Java reader decodes, are decoded by dcmtk in a child process ({@link ChildProcessDecoder}).
 */
public final class DecodableTransferSyntaxes {
    /** The ImageIO format name PixelMed asks for, per transfer syntax; null: PixelMed decodes it alone. */
    private static final Map<String, Decoder> DECODERS = Map.ofEntries(
            Map.entry(TransferSyntax.ImplicitVRLittleEndian, Decoder.PIXELMED),
            Map.entry(TransferSyntax.ExplicitVRLittleEndian, Decoder.PIXELMED),
            Map.entry(TransferSyntax.ExplicitVRBigEndian, Decoder.PIXELMED),
            Map.entry(TransferSyntax.DeflatedExplicitVRLittleEndian, Decoder.PIXELMED),
            Map.entry(TransferSyntax.RLE, Decoder.PIXELMED),
            Map.entry(TransferSyntax.JPEGBaseline, Decoder.JPEG),
            Map.entry(TransferSyntax.JPEGExtended, Decoder.JPEG),
            Map.entry(TransferSyntax.JPEGLossless, Decoder.JPEG_LOSSLESS),
            Map.entry(TransferSyntax.JPEGLosslessSV1, Decoder.JPEG_LOSSLESS),
            Map.entry(TransferSyntax.JPEG2000Lossless, Decoder.JPEG_2000),
            Map.entry(TransferSyntax.JPEG2000, Decoder.JPEG_2000),
            Map.entry(TransferSyntax.JPEGLS, Decoder.CHILD_PROCESS),
            Map.entry(TransferSyntax.JPEGNLS, Decoder.CHILD_PROCESS));

    /** Who decodes a transfer syntax. */
    enum Decoder {
        PIXELMED(null, ""),
        JPEG("JPEG", "the JDK"),
        JPEG_LOSSLESS("jpeg-lossless", "the Debian package libpixelmed-imageio-java"),
        JPEG_2000("JPEG2000", "com.github.jai-imageio:jai-imageio-jpeg2000"),
        /** dcmtk's dcmdjpls or dcmdjpeg, one child process per object. */
        CHILD_PROCESS(null, "the Debian package dcmtk");

        final String imageIoFormat;
        final String providedBy;

        Decoder(String imageIoFormat, String providedBy) {
            this.imageIoFormat = imageIoFormat;
            this.providedBy = providedBy;
        }

        boolean present() {
            return imageIoFormat == null || ImageIO.getImageReadersByFormatName(imageIoFormat).hasNext();
        }
    }

    private DecodableTransferSyntaxes() {
    }

    /** The transfer syntaxes whose Pixel Data decodes in the JVM, with the readers now on the class path. */
    public static Set<String> decodedInJava() {
        return DECODERS.entrySet().stream().filter(e -> e.getValue().present() && e.getValue() != Decoder.CHILD_PROCESS)
                .map(Map.Entry::getKey).collect(Collectors.toUnmodifiableSet());
    }

    /** The transfer syntaxes whose Pixel Data a child process decodes (for JPEG Extended: over 8 bits only). */
    public static Set<String> decodedByChildProcess() {
        return Set.of(TransferSyntax.JPEGLS, TransferSyntax.JPEGNLS, TransferSyntax.JPEGExtended);
    }

    /**
     * Who decodes Pixel Data of {@code bitsStored} bits in this transfer syntax, else why nobody does here.
     *
     * @param childProcess whether this node runs child decoders ({@link ChildProcessDecoder})
     */
    static Decoder decoder(String transferSyntaxUid, int bitsStored, boolean childProcess)
            throws UnsupportedTransferSyntaxException {
        Decoder decoder = DECODERS.get(transferSyntaxUid);
        if (decoder == null) {
            throw new UnsupportedTransferSyntaxException(transferSyntaxUid,
                    "not a transfer syntax whose Pixel Data this node decodes");
        }
        if (decoder == Decoder.JPEG && bitsStored > 8) {
            // The JDK's reader is libjpeg built for 8-bit samples; TwelveMonkeys delegates to it, and no other
            // maintained Java reader decodes 12-bit DCT JPEG (process 4): dcmtk's dcmdjpeg (libijg12) does.
            decoder = Decoder.CHILD_PROCESS;
        }
        if (decoder == Decoder.CHILD_PROCESS && !childProcess) {
            throw new UnsupportedTransferSyntaxException(transferSyntaxUid, (bitsStored > 8
                    && transferSyntaxUid.equals(TransferSyntax.JPEGExtended) ? "JPEG with " + bitsStored
                    + " bits stored (process 4)" : "JPEG-LS") + " is decoded by dcmtk in a child process, and none"
                    + " runs here (no Java reader decodes it; see docs/pixels.md)");
        }
        if (!decoder.present()) {
            throw new UnsupportedTransferSyntaxException(transferSyntaxUid, "no ImageIO reader for '"
                    + decoder.imageIoFormat + "' on the class path; it comes from " + decoder.providedBy);
        }
        return decoder;
    }
}
