package io.shardwise.producer.internal;

/**
 * A Kinesis-like destination for engine tests that script {@link #send} themselves: no shard
 * prediction (every record waits in one queue, no ListShards), nothing to close.
 */
abstract class UnshardedTestDestination implements Destination {
    @Override
    public String serviceName() {
        return "Kinesis";
    }

    @Override
    public String streamNoun() {
        return "stream";
    }

    @Override
    public boolean predictsShards() {
        return false;
    }

    @Override
    public void close() {
    }
}
