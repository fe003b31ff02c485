package io.tokencost.backend;

/** Whether a backend can run here; when it cannot, the reason fits on one line. */
public record Availability(boolean available, String reason) {

    public static Availability yes() {
        return new Availability(true, "");
    }

    public static Availability no(String reason) {
        return new Availability(false, reason);
    }
}
