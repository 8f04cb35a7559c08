package org.osteonode.tls;

/** A TLS file that cannot be used: which setting names it, and what is wrong. */
public final class TlsException extends Exception {
    private final String setting;
    private final String problem;

    public TlsException(String setting, String problem, Throwable cause) {
        super(setting + ": " + problem, cause);
        this.setting = setting;
        this.problem = problem;
    }

    public String setting() {
        return setting;
    }

    public String problem() {
        return problem;
    }
}
