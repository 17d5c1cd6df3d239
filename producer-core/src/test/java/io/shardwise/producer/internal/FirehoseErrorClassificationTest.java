package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How Firehose's error codes are classified: what is retried, what fails at once, what counts as throttling. */
class FirehoseErrorClassificationTest {
    @Test
    void entryErrorsAreRetriedAndServiceUnavailableCountsAsThrottling() {
        assertThat(ErrorClassifier.classifyCode("ServiceUnavailableException", "Slow down.").kind())
                .isEqualTo(ErrorClassifier.Kind.RETRYABLE);
        assertThat(ErrorClassifier.classifyCode("InternalFailure", "x").kind()).isEqualTo(ErrorClassifier.Kind.RETRYABLE);
        assertThat(ErrorClassifier.isThrottling("ServiceUnavailableException")).isTrue();
        assertThat(ErrorClassifier.isThrottling("InternalFailure")).isFalse();
    }

    @Test
    void fatalCodesFailAtOnceWithWhatToFix() {
        assertThat(ErrorClassifier.classifyCode("ResourceNotFoundException", "x").kind())
                .isEqualTo(ErrorClassifier.Kind.STREAM_NOT_FOUND);
        assertThat(ErrorClassifier.classifyCode("InvalidArgumentException", "x").kind()).isEqualTo(ErrorClassifier.Kind.REJECTED);
        assertThat(ErrorClassifier.classifyCode("InvalidSourceException", "x").kind()).isEqualTo(ErrorClassifier.Kind.REJECTED);
        ErrorClassifier.Classified kms = ErrorClassifier.classifyCode("InvalidKMSResourceException", "key disabled");
        assertThat(kms.kind()).isEqualTo(ErrorClassifier.Kind.REJECTED);
        assertThat(kms.message()).startsWith("key disabled").contains("KMS key Firehose cannot use");
    }
}
