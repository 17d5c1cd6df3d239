package io.shardwise.producer.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Consumer;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * {@link AbstractFakeKinesisProtocolTest} with a client forced to HTTP/1.1 (CBOR): keep-alive, and
 * dropped connections as real connection closes.
 */
class FakeKinesisHttp1Test extends AbstractFakeKinesisProtocolTest {

    @Override
    void selectProtocol() {
        System.clearProperty("aws.cborEnabled");
    }

    @Override
    void restoreProtocol() {
        // nothing changed
    }

    @Override
    KinesisAsyncClient newTestClient(Consumer<ClientOverrideConfiguration.Builder> override) {
        return kinesis.clientBuilder(http -> http.protocol(Protocol.HTTP1_1).maxConcurrency(16)
                        .eventLoopGroup(TestClients.EVENT_LOOP))
                .overrideConfiguration(o -> {
                    o.retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry());
                    override.accept(o);
                })
                .build();
    }

    @Override
    boolean http2() {
        return false;
    }

    @Override
    void assertProtocolUsed(FakeKinesis.Counters counters) {
        assertThat(counters.cborRequests()).isPositive();
        assertThat(counters.http2Requests()).isZero();
    }
}
