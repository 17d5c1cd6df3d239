package io.shardwise.producer.internal;

/**
 * A record's 128-bit ordering key (the MD5 of its partition key, or its explicit hash key) as a map
 * key. A lookup reuses one mutable probe ({@link #of}) so that it allocates nothing; keys stored in a
 * map are {@link #copyOf copies} and never change.
 *
 * <p>Confined to the sender thread.
 */
final class HashKey {
    private long high;
    private long low;

    /** @return a stored key for the record's hash key */
    static HashKey copyOf(PendingRecord r) {
        return new HashKey().of(r);
    }

    /** Points this probe at the record's hash key; returns it. */
    HashKey of(PendingRecord r) {
        high = r.hashHigh;
        low = r.hashLow;
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HashKey k && k.high == high && k.low == low;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(high ^ low);
    }
}
