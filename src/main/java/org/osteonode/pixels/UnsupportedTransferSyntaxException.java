package org.osteonode.pixels;

/**
 * No maintained decoder on this node reads Pixel Data in this transfer syntax (see docs/pixels.md).
 * A caller archives such an object, does not infer it, and counts it by transfer syntax.
 */
public final class UnsupportedTransferSyntaxException extends PixelDataException {
    private final String transferSyntaxUid;

    public UnsupportedTransferSyntaxException(String transferSyntaxUid, String reason) {
        super("Pixel Data in transfer syntax " + transferSyntaxUid + " cannot be decoded: " + reason);
        this.transferSyntaxUid = transferSyntaxUid;
    }

    public String transferSyntaxUid() {
        return transferSyntaxUid;
    }
}
