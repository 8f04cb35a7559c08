package org.osteonode.cluster;

/**
 * The broker did not acknowledge a reference in time. It may still arrive (a send that timed out can complete
 * later): the caller keeps its object and publishes again, and the consumers, idempotent on the SOP Instance key,
 * handle a second copy as the first.
 */
public final class ReferenceNotPublishedException extends Exception {
    public ReferenceNotPublishedException(String message, Throwable cause) {
        super(message, cause);
    }
}
