package io.shardwise.producer.config;

import java.time.Duration;

/** Values of any declared option for the tests that go over every option alike. */
public final class OptionSamples {
    private OptionSamples() {
    }

    /**
     * @param option an option
     * @param <T> its type
     * @return a valid value other than its default: a flag flipped, another constant of a choice, another delimiter, the back-off
     *     base's minimum (so that it stays below the default back-off maximum), else the maximum (the
     *     minimum when the maximum is the default)
     */
    @SuppressWarnings("unchecked")
    public static <T> T nonDefault(Option<T> option) {
        T d = option.defaultValue();
        if (option.type() == Boolean.class) {
            return (T) Boolean.valueOf(!(Boolean) d);
        }
        if (option.type() == byte[].class) {
            return (T) new byte[] {'|', '|'};
        }
        if (option.type().isEnum()) {
            T[] all = option.type().getEnumConstants();
            return all[0].equals(d) ? all[all.length - 1] : all[0];
        }
        if (option.equals(Options.RETRY_BACKOFF_BASE)) {
            return option.min().orElseThrow();
        }
        T max = option.max().orElseThrow();
        return max.equals(d) ? option.min().orElseThrow() : max;
    }

    /**
     * @param option an option with a range
     * @param <T> its type
     * @return a value just below its minimum
     */
    public static <T> T belowMin(Option<T> option) {
        return step(option.min().orElseThrow(), -1);
    }

    /**
     * @param option an option with a range
     * @param <T> its type
     * @return a value just above its maximum
     */
    public static <T> T aboveMax(Option<T> option) {
        return step(option.max().orElseThrow(), 1);
    }

    /** The next value up or down: a nanosecond, one, the next double, one byte longer or shorter. */
    @SuppressWarnings("unchecked")
    private static <T> T step(T bound, int direction) {
        if (bound instanceof Duration d) {
            return (T) d.plusNanos(direction);
        }
        if (bound instanceof Integer i) {
            return (T) Integer.valueOf(i + direction);
        }
        if (bound instanceof Long l) {
            return (T) Long.valueOf(l + direction);
        }
        if (bound instanceof Double x) {
            return (T) Double.valueOf(direction < 0 ? Math.nextDown(x) : Math.nextUp(x));
        }
        return (T) new byte[((byte[]) bound).length + direction];
    }
}
