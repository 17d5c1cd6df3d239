package io.shardwise.producer.testkit;

/** Formats sequence numbers: 56 decimal digits like the service's, {@code 49} then the counter zero-padded. */
final class SequenceNumbers {
    private static final int LENGTH = 56;
    private static final String PREFIX = "49" + "0".repeat(LENGTH - 2);

    private SequenceNumbers() {
    }

    static String format(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative sequence " + n);
        }
        // Long.toString's digit loop (two digits per step, int arithmetic once small) is far cheaper than
        // one long division per digit
        String digits = Long.toString(n);
        return new StringBuilder(LENGTH).append(PREFIX, 0, LENGTH - digits.length()).append(digits).toString();
    }
}
