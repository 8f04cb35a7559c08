package org.osteonode.delivery;

/** The PACS could not be reached or did not accept the object; the message holds no PHI. */
public final class DeliveryException extends Exception {
    public DeliveryException(String message) {
        super(message);
    }
}
