package io.tokencost.suite;

/** A case that could not be measured, with what happened in one line (timed out, the fork died by a signal, out of memory…). */
public final class CaseFailedException extends RuntimeException {

    public CaseFailedException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
