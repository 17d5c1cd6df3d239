package io.shardwise.producer.testkit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The endpoint's front door, independent of the HTTP transport: finds the service and operation
 * named by {@code X-Amz-Target}, detects JSON or CBOR, counts the request, applies the injected
 * request-level faults (the same {@link Faults} for every service), and hands the body, positioned
 * on its object, to the service's operation. Error answers and late answers are made here: every
 * answer (errors included, dropped connections excepted) waits the endpoint's round trip, on top of
 * an injected slow response's delay. The request has been processed (its records stored and counted
 * against the shard limits) before its answer starts to wait, as the service counts a write when it
 * arrives.
 *
 * <p>Thread-safe: no state of its own.
 */
final class RequestRouter {
    private final Stats stats;
    private final Faults faults;
    /** The first also answers targets that name no service (with {@code UnknownOperationException}). */
    private final List<ServiceApi> services;
    /** The endpoint's round trip in nanoseconds, read for every request. */
    private final LongSupplier roundTripNanos;

    RequestRouter(Stats stats, Faults faults, List<ServiceApi> services, LongSupplier roundTripNanos) {
        if (services.isEmpty()) {
            throw new IllegalArgumentException("no services");
        }
        this.stats = stats;
        this.faults = faults;
        this.services = List.copyOf(services);
        this.roundTripNanos = roundTripNanos;
    }

    /**
     * Handles one request.
     *
     * @param target the X-Amz-Target header, or null
     * @param contentType the Content-Type header, or null
     * @param body the request body ({@code length} bytes from offset 0)
     */
    Reply handle(String target, String contentType, byte[] body, int length) {
        Reply reply = answer(target, contentType, body, length);
        long roundTrip = roundTripNanos.getAsLong();
        return roundTrip > 0 ? reply.delayed(reply.delayNanos + roundTrip) : reply;
    }

    private Reply answer(String target, String contentType, byte[] body, int length) {
        boolean cbor = Wire.isCbor(contentType, body, length);
        ServiceApi service = services.get(0);
        String op = target == null ? "(none)" : target;
        if (target != null) {
            for (ServiceApi s : services) {
                if (target.startsWith(s.targetPrefix())) {
                    service = s;
                    op = target.substring(s.targetPrefix().length());
                    break;
                }
            }
        }
        service.countRequest(op);
        (cbor ? stats.cborRequests : stats.jsonRequests).increment();
        Faults.DownMode down = faults.down();
        if (down != null) {
            stats.requestsFailedByInjection.increment();
            if (down == Faults.DownMode.DROP_CONNECTION) {
                stats.droppedConnections.increment();
                return Reply.DROP;
            }
            return Wire.error(cbor, 503, service.unavailableType(), "Service unavailable (FakeKinesis endpoint is down).");
        }
        boolean dataPlane = service.isDataPlane(op);
        boolean faulty = dataPlane || faults.includesControlPlane();
        if (faulty) {
            if (faults.roll(faults.dropConnectionRate())) {
                stats.requestsFailedByInjection.increment();
                stats.droppedConnections.increment();
                return Reply.DROP;
            }
            if (faults.roll(faults.serverErrorRate())) {
                stats.requestsFailedByInjection.increment();
                return Wire.error(cbor, 500, "InternalFailure", "Internal service failure (injected by FakeKinesis).");
            }
            if (faults.roll(faults.serviceUnavailableRate())) {
                stats.requestsFailedByInjection.increment();
                return Wire.error(cbor, service.injectedUnavailable());
            }
            String code = faults.requestErrorCodeOrNull();
            if (dataPlane && code != null) {
                stats.requestsFailedByInjection.increment();
                int status = faults.requestErrorStatus();
                return Wire.error(cbor, status != 0 ? status : service.requestErrorStatus(code), code,
                        code + " (injected by FakeKinesis).");
            }
        }
        Reply reply;
        try {
            JsonParser p = Wire.parser(cbor, body, length);
            try {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw ApiException.badRequest("SerializationException", "Request body is not a " + (cbor ? "CBOR" : "JSON")
                            + " object");
                }
                reply = service.call(op, p, cbor);
            } finally {
                p.close();
            }
        } catch (ApiException e) {
            reply = Wire.error(cbor, e);
        } catch (IOException | RuntimeException e) {
            reply = Wire.error(cbor, 400, "SerializationException", "Cannot parse the request: " + e);
        }
        if (faulty && faults.roll(faults.slowResponseRate())) {
            stats.slowResponses.increment();
            reply = reply.delayed(Math.max(1, faults.slowResponseDelay().toNanos()));
        }
        return reply;
    }
}
