package io.shardwise.producer.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One tuning option, declared once in {@link Options}: its name, value type, default, allowed
 * range and a one-sentence description. The declaration drives validation (every setter of
 * {@code ProducerConfig} and {@code FirehoseProducerConfig} goes through {@link #validate(Object)}),
 * defaults, {@code toString}, {@code equals}/{@code hashCode} ({@link OptionValues}) and the Spring
 * Boot binding and metadata (the property name is {@link #propertyName()}, the bound type
 * {@link #propertyType()}).
 *
 * <p>Immutable. Two options are the same option when they have the same {@link #name()}: an option
 * narrowed to a lower limit (as Firehose narrows the request size) stands for the same setting.
 *
 * @param <T> the value type ({@link Duration}, {@link Integer}, {@link Long}, {@link Double},
 *     {@link Boolean}, {@code byte[]} or an enum)
 */
public final class Option<T> {
    private final String name;
    private final Class<T> type;
    private final T defaultValue;
    private final T min;
    private final T max;
    private final Comparator<T> order;
    private final String description;
    private final Class<?> propertyType;
    private final Function<Object, T> fromProperty;

    private Option(String name, Class<T> type, T defaultValue, T min, T max, Comparator<T> order, String description,
                   Class<?> propertyType, Function<Object, T> fromProperty) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = type;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.order = order;
        this.description = description;
        this.propertyType = propertyType;
        this.fromProperty = fromProperty;
        if (defaultValue != null) {
            validate(defaultValue);
        }
    }

    private static <T> Option<T> of(String name, Class<T> type, T defaultValue, T min, T max, Comparator<T> order,
                                    String description) {
        return new Option<>(name, type, defaultValue, min, max, order, description, type, type::cast);
    }

    static Option<Duration> duration(String name, Duration defaultValue, Duration min, Duration max, String description) {
        return of(name, Duration.class, defaultValue, min, max, Comparator.naturalOrder(), description);
    }

    static Option<Integer> count(String name, Integer defaultValue, int min, int max, String description) {
        return of(name, Integer.class, defaultValue, min, max, Comparator.naturalOrder(), description);
    }

    static Option<Long> amount(String name, long defaultValue, long min, long max, String description) {
        return of(name, Long.class, defaultValue, min, max, Comparator.naturalOrder(), description);
    }

    /** Double.compare puts NaN above every number, so NaN is out of any range. */
    static Option<Double> factor(String name, double defaultValue, double min, double max, String description) {
        return of(name, Double.class, defaultValue, min, max, Double::compare, description);
    }

    static Option<Boolean> flag(String name, boolean defaultValue, String description) {
        return of(name, Boolean.class, defaultValue, null, null, null, description);
    }

    /** One of an enum's constants; bound from Spring by the constant's name (any case). */
    static <E extends Enum<E>> Option<E> choice(String name, Class<E> type, E defaultValue, String description) {
        return of(name, type, defaultValue, null, null, null, description);
    }

    /** Bytes bounded by their length, bound from Spring as text written in UTF-8. */
    static Option<byte[]> bytes(String name, byte[] defaultValue, int minLength, int maxLength, String description) {
        return new Option<>(name, byte[].class, defaultValue.clone(), new byte[minLength], new byte[maxLength],
                Comparator.comparingInt(b -> b.length), description, String.class,
                text -> ((String) text).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The same option with a smaller default and maximum, for a destination with a lower limit
     * (Firehose's 4 MiB per PutRecordBatch against Kinesis' 10 MiB per PutRecords).
     *
     * @param newDefault the default, within the new range
     * @param newMax the largest value, not above this option's
     * @return the narrowed option, with the same name, type and description
     * @throws IllegalArgumentException if the new bounds do not fit inside this option's
     */
    Option<T> limitedTo(T newDefault, T newMax) {
        validate(newMax);
        return new Option<>(name, type, newDefault, min, newMax, order, description, propertyType, fromProperty);
    }

    /**
     * Checks a value against the option's range.
     *
     * @param value the value
     * @return the value
     * @throws NullPointerException naming the option, if {@code value} is null
     * @throws IllegalArgumentException naming the option, its range and the value, if out of range
     */
    public T validate(T value) {
        Objects.requireNonNull(value, () -> name + " must not be null");
        if (order != null && (order.compare(value, min) < 0 || order.compare(value, max) > 0)) {
            throw new IllegalArgumentException(name + " must be between " + range() + ", was " + show(value));
        }
        return value;
    }

    /** @return the allowed range as text ({@code "1 and 500"}); empty for a flag */
    public String range() {
        if (order == null) {
            return "";
        }
        return type == byte[].class
                ? ((byte[]) min).length + " and " + ((byte[]) max).length + " bytes long"
                : show(min) + " and " + show(max);
    }

    /**
     * How a value of this option is written in {@code toString} and messages: {@code byte[]} as its
     * bytes, the absent value of an option without a default (attempts) as {@code unlimited}.
     *
     * @param value a value of this option, or {@code null}
     * @return the value as text
     */
    public String show(Object value) {
        if (value == null) {
            return "unlimited";
        }
        return value instanceof byte[] b ? Arrays.toString(b) : String.valueOf(value);
    }

    /** @return the option's name, as its accessor and setter are named ({@code recordTtl}) */
    public String name() {
        return name;
    }

    /** @return the Spring Boot property name: the name in kebab case ({@code record-ttl}) */
    public String propertyName() {
        return name.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
    }

    /** @return the value type */
    public Class<T> type() {
        return type;
    }

    /** @return the default, or {@code null} when the option is unset by default (no attempt limit) */
    public T defaultValue() {
        return defaultValue == null ? null : copy(defaultValue);
    }

    /** @return the smallest allowed value; empty for a flag */
    public Optional<T> min() {
        return Optional.ofNullable(min).map(this::copy);
    }

    /** @return the largest allowed value; empty for a flag */
    public Optional<T> max() {
        return Optional.ofNullable(max).map(this::copy);
    }

    /** @return what the option means, in a sentence */
    public String description() {
        return description;
    }

    /** @return the type a Spring Boot property binds to before {@link #fromProperty(Object)} ({@code String} for bytes) */
    public Class<?> propertyType() {
        return propertyType;
    }

    /**
     * @param bound a value bound from a property, of {@link #propertyType()}
     * @return the option's value it stands for
     */
    public T fromProperty(Object bound) {
        return fromProperty.apply(bound);
    }

    /** Arrays are copied in and out so that no caller holds an option's or a configuration's bytes. */
    @SuppressWarnings("unchecked")
    T copy(T value) {
        return value instanceof byte[] b ? (T) b.clone() : value;
    }

    /** Values are compared by content (arrays too). */
    boolean same(Object a, Object b) {
        return Objects.deepEquals(a, b);
    }

    int hash(Object value) {
        return value instanceof byte[] b ? Arrays.hashCode(b) : Objects.hashCode(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Option<?> other && other.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
