package org.osteonode.inference;

/** A model directory osteonode cannot use: the message names the file, the field and what is wrong. */
public final class InvalidModelException extends RuntimeException {
    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
