package dev.sieve.gate.service;

import dev.sieve.contract.RequestStore;
import dev.sieve.shared.tenant.Tenant;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A client's {@code Idempotency-Key} header on {@code POST /v1/classify} and {@code POST /v1/jobs} (as in the IETF httpapi draft and
 * Stripe's API): a retry with the same key and the same body answers the request the first call created,
 * without storing, queuing or counting anything again; the same key with another body is a 422. Keys are
 * per tenant and live as long as the request's results ({@code SIEVE_RESULTS_TTL_DAYS}).
 *
 * @param value 1 to 255 printable ASCII characters
 */
public record IdempotencyKey(String value) {
    public static final String HEADER = "Idempotency-Key";
    /** Set to {@code true} on an answer that replays an earlier request. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private static final Pattern VALID = Pattern.compile("[\\x21-\\x7E]{1,255}");

    public IdempotencyKey {
        if (!VALID.matcher(value).matches()) {
            throw new InvalidRequestException(
                    HEADER, "must be 1 to 255 printable ASCII characters without spaces (a UUID is a good key)");
        }
    }

    /** The key among {@code headers} (names in any case), if the client sent one. */
    public static Optional<IdempotencyKey> from(Map<String, String> headers) {
        if (headers == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (HEADER.equalsIgnoreCase(header.getKey()) && header.getValue() != null) {
                return Optional.of(new IdempotencyKey(header.getValue().trim()));
            }
        }
        return Optional.empty();
    }

    /**
     * Claims this key of {@code tenant} for {@code id}, the request or job this call is about to create:
     * empty when this call claimed it, else the id an earlier call with the same body claimed it for.
     *
     * @param what what a new key would create ({@code "request"}, {@code "job"}), for the 422's message
     * @throws IdempotencyConflictException when the earlier call sent another body
     */
    public Optional<String> claim(
            RequestStore store, Tenant tenant, String id, byte[] body, long ttlEpochSeconds, String what) {
        String bodySha256 = bodySha256(body);
        Optional<RequestStore.IdempotencyClaim> earlier =
                store.claimIdempotencyKey(tenant.scope(value), id, bodySha256, ttlEpochSeconds);
        if (earlier.isPresent() && !earlier.get().bodySha256().equals(bodySha256)) {
            throw new IdempotencyConflictException("this Idempotency-Key was sent before with another body;"
                    + " send a new key for a new " + what + ", or the same body to get the earlier " + what);
        }
        return earlier.map(RequestStore.IdempotencyClaim::requestId);
    }

    /** SHA-256 (hex) of a request body: what a retry must repeat exactly. */
    public static String bodySha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
