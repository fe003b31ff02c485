package io.tokencost.results;

/** A results file that cannot be read: the message names the file, line and column. */
public class ResultFormatException extends RuntimeException {
    public ResultFormatException(String message) {
        super(message);
    }
}
