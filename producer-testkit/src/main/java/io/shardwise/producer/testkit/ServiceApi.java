package io.shardwise.producer.testkit;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/**
 * One AWS service the endpoint speaks: its operations, and how it answers the faults the
 * {@link RequestRouter} injects in front of them. Implementations are thread-safe.
 */
interface ServiceApi {

    /** @return the {@code X-Amz-Target} prefix naming the service, e.g. {@code Kinesis_20131202.} */
    String targetPrefix();

    /** Counts a request that named this service (whatever its fate). */
    void countRequest(String operation);

    /** @return whether the operation carries records (request-level faults always apply to those) */
    boolean isDataPlane(String operation);

    /** @return the {@code __type} of the HTTP 503 answers while the endpoint is down */
    String unavailableType();

    /** @return the answer to a request hit by {@link Faults#serviceUnavailableRate(double)} */
    ApiException injectedUnavailable();

    /**
     * @param errorCode the code set by {@link Faults#requestError(String)}
     * @return the HTTP status this service answers that code with
     */
    int requestErrorStatus(String errorCode);

    /**
     * Runs an operation.
     *
     * @param operation the operation's name, after the target prefix
     * @param body positioned on the request object's START_OBJECT
     * @param cbor whether the request (and so the answer) is CBOR
     * @return the answer
     * @throws ApiException for an error answer
     * @throws IOException if the body cannot be read
     */
    Reply call(String operation, JsonParser body, boolean cbor) throws IOException;
}
