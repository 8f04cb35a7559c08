package org.osteonode.pixels;

import com.pixelmed.dicom.TransferSyntax;

import javax.imageio.ImageIO;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which transfer syntaxes' Pixel Data this node decodes, and why not the others (docs/pixels.md). PixelMed
 * reads the uncompressed, deflated and RLE encodings itself and hands compressed frames to the Java ImageIO
 * reader registered under a format name; whether that reader is on the class path is checked, not assumed.
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
            Map.entry(TransferSyntax.JPEG2000, Decoder.JPEG_2000));

    private static final String NO_JPEG_LS = "no maintained JPEG-LS decoder for Java ImageIO exists on Maven Central"
            + " or in Debian (PixelMed's pixelmed_imageio decodes JPEG Lossless, process 14, only)";

    /** Accepted by the node (StoragePresentationContextPolicy) but not decodable by any reader it has. */
    private static final Map<String, String> UNDECODABLE = Map.of(
            TransferSyntax.JPEGLS, NO_JPEG_LS,
            TransferSyntax.JPEGNLS, NO_JPEG_LS);

    private enum Decoder {
        PIXELMED(null, ""),
        JPEG("JPEG", "the JDK"),
        JPEG_LOSSLESS("jpeg-lossless", "the Debian package libpixelmed-imageio-java"),
        JPEG_2000("JPEG2000", "com.github.jai-imageio:jai-imageio-jpeg2000");

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

    /** The transfer syntaxes whose Pixel Data decodes here, with the readers now on the class path. */
    public static Set<String> decodable() {
        return DECODERS.entrySet().stream().filter(e -> e.getValue().present()).map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The transfer syntaxes the node accepts and stores but whose Pixel Data it cannot decode. */
    public static Set<String> undecodable() {
        return UNDECODABLE.keySet();
    }

    /**
     * Returns when Pixel Data of {@code bitsStored} bits in this transfer syntax decodes here, else says why.
     */
    public static void requireDecodable(String transferSyntaxUid, int bitsStored)
            throws UnsupportedTransferSyntaxException {
        String reason = UNDECODABLE.get(transferSyntaxUid);
        if (reason != null) {
            throw new UnsupportedTransferSyntaxException(transferSyntaxUid, reason);
        }
        Decoder decoder = DECODERS.get(transferSyntaxUid);
        if (decoder == null) {
            throw new UnsupportedTransferSyntaxException(transferSyntaxUid,
                    "not a transfer syntax whose Pixel Data this node decodes");
        }
        if (!decoder.present()) {
            throw new UnsupportedTransferSyntaxException(transferSyntaxUid, "no ImageIO reader for '"
                    + decoder.imageIoFormat + "' on the class path; it comes from " + decoder.providedBy);
        }
        if (decoder == Decoder.JPEG && bitsStored > 8) {
            // The JDK's reader is libjpeg built for 8-bit samples; TwelveMonkeys delegates to it, and no other
            // maintained Java reader decodes 12-bit DCT JPEG (process 4).
            throw new UnsupportedTransferSyntaxException(transferSyntaxUid, "JPEG with " + bitsStored
                    + " bits stored (process 4): Java ImageIO's JPEG reader decodes 8-bit samples only");
        }
    }
}
