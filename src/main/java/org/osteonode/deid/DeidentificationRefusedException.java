package org.osteonode.deid;

/** The object cannot be de-identified safely (burned-in text, no pixels); it goes to the quarantine. */
public final class DeidentificationRefusedException extends Exception {
    private final String reason;

    public DeidentificationRefusedException(String reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    /** A short code, also the quarantine reason and the metric tag. */
    public String reason() {
        return reason;
    }
}
