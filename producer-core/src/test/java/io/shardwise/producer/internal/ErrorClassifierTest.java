package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.internal.ErrorClassifier.Classified;
import io.shardwise.producer.internal.ErrorClassifier.Kind;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;

/** What each failure of a call means for its records: retried within the TTL, or failed at once. */
class ErrorClassifierTest {

    private static KinesisException serviceError(String code, int status) {
        return (KinesisException) KinesisException.builder()
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("msg of " + code).build())
                .statusCode(status).message("msg of " + code).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ExpiredTokenException", "ExpiredToken", "InvalidSignatureException", "SignatureDoesNotMatch",
            "RequestExpired", "RequestTimeTooSkewed", "RequestInTheFuture"})
    void expiredTokensAndClockSkewAreRetried(String code) {
        Classified c = ErrorClassifier.classify(new CompletionException(serviceError(code, 400)));
        assertThat(c.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(c.code()).isEqualTo(code);
        assertThat(c.message()).startsWith("msg of " + code).contains("retried").contains("clock");
        assertThat(ErrorClassifier.classifyCode(code, "m").kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(ErrorClassifier.isThrottling(code)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"AccessDeniedException", "AccessDenied", "UnrecognizedClientException", "IncompleteSignatureException",
            "IncompleteSignature", "MissingAuthenticationTokenException", "MissingAuthenticationToken", "InvalidClientTokenId",
            "ValidationException", "InvalidArgumentException", "InvalidSourceException"})
    void whatNoRetryCanFixIsRejected(String code) {
        Classified c = ErrorClassifier.classify(serviceError(code, 400));
        assertThat(c.kind()).isEqualTo(Kind.REJECTED);
        assertThat(c.code()).isEqualTo(code);
        assertThat(c.message()).isEqualTo("msg of " + code);
    }

    @ParameterizedTest
    @ValueSource(strings = {"KMSAccessDeniedException", "KMSDisabledException", "KMSInvalidStateException", "KMSNotFoundException",
            "KMSOptInRequired", "InvalidKMSResourceException"})
    void kmsKeyProblemsAreRejectedWithWhatToFix(String code) {
        Classified c = ErrorClassifier.classify(serviceError(code, 400));
        assertThat(c.kind()).isEqualTo(Kind.REJECTED);
        assertThat(c.message()).startsWith("msg of " + code).contains("KMS key");
    }

    @Test
    void kmsThrottlingIsRetried() {
        assertThat(ErrorClassifier.classify(serviceError("KMSThrottlingException", 400)).kind()).isEqualTo(Kind.RETRYABLE);
    }

    @Test
    void missingStreamIsStreamNotFound() {
        assertThat(ErrorClassifier.classify(serviceError("ResourceNotFoundException", 400)).kind()).isEqualTo(Kind.STREAM_NOT_FOUND);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ProvisionedThroughputExceededException", "LimitExceededException", "InternalFailure",
            "ServiceUnavailableException", "ThrottlingException", "SomethingNewException"})
    void throttlingServerErrorsAndUnknownCodesAreRetried(String code) {
        assertThat(ErrorClassifier.classify(serviceError(code, 500)).kind()).isEqualTo(Kind.RETRYABLE);
    }

    @Test
    void aServiceErrorWithoutDetailsIsNamedByItsStatusAndRetried() {
        KinesisException e = (KinesisException) KinesisException.builder().statusCode(503).message("unavailable").build();
        Classified c = ErrorClassifier.classify(e);
        assertThat(c.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(c.code()).isEqualTo("HTTP 503");
    }

    @Test
    void unknownThrowablesAreRetriedNotRejected() {
        Classified npe = ErrorClassifier.classify(new NullPointerException("boom"));
        assertThat(npe.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(npe.code()).isEqualTo("NullPointerException");
        assertThat(npe.message()).isEqualTo("boom");
        Classified ise = ErrorClassifier.classify(new ExecutionException(new CompletionException(new IllegalStateException("odd"))));
        assertThat(ise.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(ise.code()).isEqualTo("IllegalStateException");
        assertThat(ErrorClassifier.classify(new RuntimeException()).kind()).isEqualTo(Kind.RETRYABLE);
    }

    @Test
    void clientErrorsAndTimeoutsAreRetriedButMissingConfigurationIsRejected() {
        assertThat(ErrorClassifier.classify(SdkClientException.create("Connection reset")).kind()).isEqualTo(Kind.RETRYABLE);
        Classified timeout = ErrorClassifier.classify(ApiCallAttemptTimeoutException.create(6000));
        assertThat(timeout.kind()).isEqualTo(Kind.RETRYABLE);
        assertThat(timeout.code()).isEqualTo("RequestTimeout");
        Classified noCredentials = ErrorClassifier.classify(SdkClientException.create("Unable to load credentials from any of the providers"));
        assertThat(noCredentials.kind()).isEqualTo(Kind.REJECTED);
        assertThat(noCredentials.code()).isEqualTo("ClientConfiguration");
        assertThat(ErrorClassifier.classify(SdkClientException.create("Unable to load region from any of the providers")).kind())
                .isEqualTo(Kind.REJECTED);
    }

    @Test
    void cancellationMeansClosed() {
        assertThat(ErrorClassifier.classify(new CompletionException(new CancellationException())).kind()).isEqualTo(Kind.CLOSED);
    }
}
