package io.shardwise.producer.config;

import java.util.OptionalInt;

/**
 * What {@code ProducerConfig} and {@code FirehoseProducerConfig} have in common: a value for each of
 * their declared options, which gives them {@link #get(Option)}, {@code toString}, {@code equals}
 * and {@code hashCode}. Not meant to be extended outside Shardwise.
 */
public abstract class AbstractConfig {
    private final OptionValues values;

    /** @param values a value for each option of the configuration */
    protected AbstractConfig(OptionValues values) {
        this.values = values;
    }

    /** @return the configuration's values, for its typed accessors and its {@code toBuilder()} */
    protected final OptionValues values() {
        return values;
    }

    /**
     * One option's value, for code that handles every option alike (tests, bindings); the typed
     * accessors are the usual way.
     *
     * @param option one of the configuration's options
     * @param <T> the option's type
     * @return its value (arrays are copies); {@code null} for {@link Options#MAX_ATTEMPTS} when unlimited
     * @throws IllegalArgumentException if it is not an option of this configuration
     */
    public final <T> T get(Option<T> option) {
        return values.get(option);
    }

    /**
     * The attempt limit as the configurations' {@code maxAttempts()} give it.
     *
     * @return the limit, or empty when only the record TTL bounds attempts
     */
    protected final OptionalInt attemptLimit() {
        Integer n = values.get(Options.MAX_ATTEMPTS);
        return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }

    /** @return the class's simple name and every option with its value, in declaration order */
    @Override
    public final String toString() {
        return values.toString(getClass().getSimpleName());
    }

    /** Equal when of the same class and every option has the same value (arrays by content). */
    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && values.equals(((AbstractConfig) o).values);
    }

    @Override
    public final int hashCode() {
        return values.hashCode();
    }
}
