package io.tokencost.backend;

/** Thrown when a backend is asked for work it cannot do here; the message is the one-line reason. */
public class BackendUnavailableException extends RuntimeException {
    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
