package org.osteonode.inference;

/** {@code osteonode.inference.provider} asks for what this host cannot give; the message says what to do. */
public final class ProviderUnavailableException extends RuntimeException {
    public ProviderUnavailableException(String message) {
        super(message);
    }
}
