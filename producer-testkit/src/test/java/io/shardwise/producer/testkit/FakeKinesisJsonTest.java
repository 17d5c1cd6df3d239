package io.shardwise.producer.testkit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AbstractFakeKinesisProtocolTest} with the SDK switched to AWS JSON 1.1 through the system
 * property {@code aws.cborEnabled=false} (the SDK reads it on every call, so it is set for this
 * class's lifetime only; test classes run one after another).
 */
class FakeKinesisJsonTest extends AbstractFakeKinesisProtocolTest {
    private String previous;

    @Override
    void selectProtocol() {
        previous = System.getProperty("aws.cborEnabled");
        System.setProperty("aws.cborEnabled", "false");
    }

    @Override
    void restoreProtocol() {
        if (previous == null) {
            System.clearProperty("aws.cborEnabled");
        } else {
            System.setProperty("aws.cborEnabled", previous);
        }
    }

    @Override
    void assertProtocolUsed(FakeKinesis.Counters counters) {
        assertThat(counters.jsonRequests()).isPositive();
        assertThat(counters.cborRequests()).isZero();
    }
}
