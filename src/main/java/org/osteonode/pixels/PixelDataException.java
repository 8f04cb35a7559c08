package org.osteonode.pixels;

/**
 * The Pixel Data of this object cannot become a model input: the object is kept (archived) but not
 * inferred. Messages name attributes and values of the pixel encoding only, never identifiers or paths,
 * so they are safe in logs.
 */
public class PixelDataException extends Exception {
    public PixelDataException(String message) {
        super(message);
    }

    public PixelDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
