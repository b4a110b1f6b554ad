package dev.latchkey.revocation;

/**
 * The revocation list cannot be read or written here and now: this node sits in a minority
 * partition of the cluster. Callers must refuse rather than guess (fail closed).
 */
public class RevocationStateUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    RevocationStateUnavailableException(Throwable cause) {
        super("The revocation list is unavailable on this node", cause);
    }
}
