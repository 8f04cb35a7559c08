package org.osteonode.ingest;

/** The bytes are not a DICOM object osteonode can parse; retrying cannot help. Messages hold no PHI. */
public final class UnreadableObjectException extends Exception {
    public UnreadableObjectException(String message) {
        super(message);
    }
}
