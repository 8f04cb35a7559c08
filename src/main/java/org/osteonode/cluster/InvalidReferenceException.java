package org.osteonode.cluster;

/** A record on the references topic that is not an {@link ObjectReference}: too large, not our JSON, or a field out of its pattern. */
public final class InvalidReferenceException extends Exception {
    public InvalidReferenceException(String message) {
        super(message);
    }

    public InvalidReferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
