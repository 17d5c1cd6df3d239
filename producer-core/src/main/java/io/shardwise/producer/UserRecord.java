package io.shardwise.producer;

import java.util.Objects;
import java.util.Optional;

/**
 * One record as the user hands it to {@link KinesisProducer#addUserRecord(UserRecord)}: target
 * stream (optional when the producer has a default stream), partition key, optional explicit hash
 * key, and data.
 *
 * <p>Immutable apart from the data array, which is not copied: do not modify it after adding the
 * record. Limits are checked when the record is added, not when it is built.
 */
public final class UserRecord {
    private final String streamName;
    private final String partitionKey;
    private final String explicitHashKey;
    private final byte[] data;

    private UserRecord(Builder b) {
        this.streamName = b.streamName;
        this.partitionKey = b.partitionKey;
        this.explicitHashKey = b.explicitHashKey;
        this.data = Objects.requireNonNull(b.data, "data");
    }

    /** @return a builder for a user record */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the target stream, empty to use the producer's default stream */
    public Optional<String> streamName() {
        return Optional.ofNullable(streamName);
    }

    /** @return the partition key (1..256 characters when added) */
    public String partitionKey() {
        return partitionKey;
    }

    /** @return the explicit hash key (decimal 0..2^128-1), overriding the key's MD5 for shard selection */
    public Optional<String> explicitHashKey() {
        return Optional.ofNullable(explicitHashKey);
    }

    /** @return the data; the array itself, not a copy */
    public byte[] data() {
        return data;
    }

    /** Builder for {@link UserRecord}; not thread-safe. */
    public static final class Builder {
        private String streamName;
        private String partitionKey;
        private String explicitHashKey;
        private byte[] data;

        private Builder() {
        }

        /**
         * @param streamName the target stream, by name or by ARN
         *     ({@code arn:aws:kinesis:<region>:<account-id>:stream/<name>}); leave unset to use the
         *     producer's default stream
         * @return this builder
         */
        public Builder streamName(String streamName) {
            this.streamName = streamName;
            return this;
        }

        /**
         * @param partitionKey the partition key, 1..256 characters
         * @return this builder
         */
        public Builder partitionKey(String partitionKey) {
            this.partitionKey = partitionKey;
            return this;
        }

        /**
         * @param explicitHashKey decimal integer in 0..2^128-1 choosing the shard instead of MD5(partitionKey)
         * @return this builder
         */
        public Builder explicitHashKey(String explicitHashKey) {
            this.explicitHashKey = explicitHashKey;
            return this;
        }

        /**
         * @param data the record's payload (not copied)
         * @return this builder
         */
        public Builder data(byte[] data) {
            this.data = data;
            return this;
        }

        /**
         * @return the record
         * @throws NullPointerException if no data was set
         */
        public UserRecord build() {
            return new UserRecord(this);
        }
    }
}
