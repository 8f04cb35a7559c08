package org.osteonode.config;

/** A configuration key is unknown or has a value osteonode cannot use; the message names the key. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
