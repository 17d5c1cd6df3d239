package io.shardwise.producer.testkit;

import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;

/**
 * One SDK event-loop group shared by the tests' clients: closing a client that owns its group waits
 * about two seconds for the group's quiet period, which would dominate the suite's run time.
 */
final class TestClients {
    /** Never closed: its threads are daemons and die with the test JVM. */
    static final SdkEventLoopGroup EVENT_LOOP = SdkEventLoopGroup.builder().numberOfThreads(2).build();

    private TestClients() {
    }
}
