package io.shardwise.producer.testkit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link AbstractFakeKinesisProtocolTest} with the SDK's default wire protocol, CBOR. */
class FakeKinesisCborTest extends AbstractFakeKinesisProtocolTest {

    @Override
    void selectProtocol() {
        System.clearProperty("aws.cborEnabled");
    }

    @Override
    void restoreProtocol() {
        // nothing changed
    }

    @Override
    void assertProtocolUsed(FakeKinesis.Counters counters) {
        assertThat(counters.cborRequests()).isPositive();
        assertThat(counters.jsonRequests()).isZero();
    }
}
