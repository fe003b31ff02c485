package io.tokencost.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes such as {@code 1073741824}, {@code 64MiB}, {@code 1GiB}, {@code 512k}. */
final class ByteSize {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|k|kib|kb|m|mib|mb|g|gib|gb)", Pattern.CASE_INSENSITIVE);

    private ByteSize() {
    }

    static long parse(String option, String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(option + ": '" + text + "' is not a size (examples: 1073741824, 64MiB, 1GiB)");
        }
        long mult = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "" -> 1L;
            case "k", "kib", "kb" -> 1L << 10;
            case "m", "mib", "mb" -> 1L << 20;
            default -> 1L << 30;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), mult);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException(option + ": '" + text + "' is too large");
        }
    }
}
