package io.shardwise.producer.spring;

import io.shardwise.producer.config.Option;
import java.util.List;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Binds the declared options ({@code io.shardwise.producer.config.Options}) from Spring properties:
 * each option is read under its {@link Option#propertyName()} (relaxed binding, so
 * {@code record-ttl}, {@code recordTtl} and {@code SHARDWISE_PRODUCER_RECORDTTL} all work) and
 * handed to the configuration's builder, which validates it. Unset options are left alone, so the
 * builder's defaults (or a KPL file's values) stay. The properties' metadata comes from the same
 * declarations ({@code META-INF/additional-spring-configuration-metadata.json}, checked by a test).
 */
final class OptionBinding {

    /** Takes one bound option: a configuration builder's {@code set}. */
    interface Setter {
        /**
         * @param option the option
         * @param value its bound value
         * @param <T> the option's type
         */
        <T> void set(Option<T> option, T value);
    }

    private OptionBinding() {
    }

    /**
     * @param environment the application's environment
     * @param prefix {@code shardwise.producer} or {@code shardwise.firehose}
     * @param options the configuration's declared options
     * @param setter where each bound option goes
     * @throws IllegalArgumentException from the setter, naming the option and its range
     */
    static void bind(Environment environment, String prefix, List<Option<?>> options, Setter setter) {
        Binder binder = Binder.get(environment);
        for (Option<?> option : options) {
            bindOne(binder, prefix, option, setter);
        }
    }

    /**
     * Fails start-up when a property that was replaced is still set: ignoring it would silently
     * change what the application asked for.
     *
     * @param environment the application's environment
     * @param prefix the properties' prefix
     * @param name the replaced property, in kebab case
     * @param replacement what to set instead
     * @throws IllegalArgumentException naming the property and its replacement, if it is set
     */
    static void refuseReplaced(Environment environment, String prefix, String name, String replacement) {
        if (Binder.get(environment).bind(prefix + "." + name, Bindable.of(String.class)).isBound()) {
            throw new IllegalArgumentException(prefix + "." + name + " was replaced by " + prefix + "." + replacement);
        }
    }

    private static <T> void bindOne(Binder binder, String prefix, Option<T> option, Setter setter) {
        binder.bind(prefix + "." + option.propertyName(), Bindable.of(option.propertyType()))
                .map(option::fromProperty)
                .ifBound(value -> setter.set(option, value));
    }
}
