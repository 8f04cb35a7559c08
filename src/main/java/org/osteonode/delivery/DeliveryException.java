package org.osteonode.delivery;

/** The PACS could not be reached or did not accept the object; the message holds no PHI. */
public final class DeliveryException extends Exception {
    private final String fix;

    /** A failure on the PACS's side: once it is back, {@code bin/osteonode outbox retry} sends the report. */
    public DeliveryException(String message) {
        this(message, "when the PACS is back, run bin/osteonode outbox retry");
    }

    /** @param fix what a person does about it, for the dead letter's log line */
    public DeliveryException(String message, String fix) {
        super(message);
        this.fix = fix;
    }

    public String fix() {
        return fix;
    }
}
