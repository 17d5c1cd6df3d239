package io.shardwise.producer.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable value for every option of one configuration ({@link Options#KINESIS} or
 * {@link Options#FIREHOSE}), in declaration order. It is what {@code ProducerConfig} and
 * {@code FirehoseProducerConfig} hold: their {@code equals}, {@code hashCode} and {@code toString}
 * are this class's, so an option added to the declarations takes part in all three without further
 * code.
 */
public final class OptionValues {
    private final List<Option<?>> options;
    private final Map<String, Object> values;

    private OptionValues(List<Option<?>> options, Map<String, Object> values) {
        this.options = options;
        this.values = values;
    }

    /**
     * @param options the declared options of a configuration
     * @return a builder holding every option's default
     */
    public static Builder defaults(List<Option<?>> options) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Option<?> o : options) {
            values.put(o.name(), o.defaultValue());
        }
        return new Builder(List.copyOf(options), values);
    }

    /** @return the options these are values of, in declaration order */
    public List<Option<?>> options() {
        return options;
    }

    /**
     * @param option one of {@link #options()}
     * @param <T> the option's type
     * @return its value (arrays are copies); {@code null} only for an option unset by default
     * @throws IllegalArgumentException if the option is not one of this configuration's
     */
    public <T> T get(Option<T> option) {
        Option<T> declared = declared(options, option);
        return declared.copy(declared.type().cast(values.get(declared.name())));
    }

    /** @return a builder starting from these values */
    public Builder toBuilder() {
        return new Builder(options, new LinkedHashMap<>(values));
    }

    /**
     * @param typeName the configuration's class name
     * @return {@code typeName{option=value, ...}} with every option in declaration order
     */
    public String toString(String typeName) {
        StringBuilder s = new StringBuilder(typeName).append('{');
        for (Option<?> o : options) {
            s.append(s.charAt(s.length() - 1) == '{' ? "" : ", ").append(o.name()).append('=').append(o.show(values.get(o.name())));
        }
        return s.append('}').toString();
    }

    @Override
    public String toString() {
        return toString("OptionValues");
    }

    /** Equal when the options are the same and every value is equal (arrays by content). */
    @Override
    public boolean equals(Object obj) {
        if (!(obj instanceof OptionValues other) || !options.equals(other.options)) {
            return false;
        }
        for (Option<?> o : options) {
            if (!o.same(values.get(o.name()), other.values.get(o.name()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (Option<?> o : options) {
            h = 31 * h + o.hash(values.get(o.name()));
        }
        return h;
    }

    /** The declared option of a configuration that {@code option} stands for (the same name). */
    @SuppressWarnings("unchecked")
    private static <T> Option<T> declared(List<Option<?>> options, Option<T> option) {
        Objects.requireNonNull(option, "option");
        for (Option<?> o : options) {
            if (o.equals(option)) {
                return (Option<T>) o;
            }
        }
        List<String> names = new ArrayList<>();
        options.forEach(o -> names.add(o.name()));
        throw new IllegalArgumentException(option.name() + " is not an option here; the options are " + names);
    }

    /** Mutable values, every one validated when set. Not thread-safe. */
    public static final class Builder {
        private final List<Option<?>> options;
        private final Map<String, Object> values;

        private Builder(List<Option<?>> options, Map<String, Object> values) {
            this.options = options;
            this.values = values;
        }

        /**
         * @param option one of the configuration's options (or one standing for it: the same name)
         * @param value its new value, validated against the configuration's own range of the option
         * @param <T> the option's type
         * @return this builder
         * @throws IllegalArgumentException naming the option and its range, if out of range or not an option here
         * @throws NullPointerException naming the option, if {@code value} is null
         */
        public <T> Builder set(Option<T> option, T value) {
            Option<T> declared = declared(options, option);
            values.put(declared.name(), declared.copy(declared.validate(value)));
            return this;
        }

        /**
         * @param option one of the configuration's options
         * @return this builder, with the option back at its default
         * @throws IllegalArgumentException if it is not an option here
         */
        public Builder reset(Option<?> option) {
            Option<?> declared = declared(options, option);
            values.put(declared.name(), declared.defaultValue());
            return this;
        }

        /**
         * @param option one of the configuration's options
         * @param <T> the option's type
         * @return its current value in this builder
         */
        public <T> T get(Option<T> option) {
            Option<T> declared = declared(options, option);
            return declared.copy(declared.type().cast(values.get(declared.name())));
        }

        /** @return the values, each already validated */
        public OptionValues build() {
            return new OptionValues(options, Map.copyOf(nullsKept()));
        }

        /** Map.copyOf refuses nulls: an unset option is kept as a missing key, which reads back as null. */
        private Map<String, Object> nullsKept() {
            Map<String, Object> copy = new LinkedHashMap<>();
            values.forEach((k, v) -> {
                if (v != null) {
                    copy.put(k, v);
                }
            });
            return copy;
        }
    }
}
