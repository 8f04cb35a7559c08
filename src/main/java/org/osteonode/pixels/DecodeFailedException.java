package org.osteonode.pixels;

/**
 * A decoder for the object's transfer syntax exists, but its Pixel Data did not decode: a corrupt or crafted code
 * stream, or a child decoder that crashed, was killed or ran out of time. Expected on real archives now and then;
 * the object is archived, not scored, and never retried (it would fail the same way).
 */
public final class DecodeFailedException extends PixelDataException {
    public DecodeFailedException(String message) {
        super(message);
    }

    public DecodeFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
