package dev.sieve.shared.queue;

import java.util.List;
import java.util.Objects;

/**
 * The body of one SQS message: many items of one request or of one job chunk.
 *
 * <p>Either {@code items} is set, or {@code payloadUri} points at an S3 object holding the items as
 * JSON Lines of {@link QueueItem} (for chunks that would not fit SQS's message size). Item ids are
 * stable, so a redelivered message produces the same result keys and every write is idempotent.
 *
 * @param schema wire schema version, {@value #SCHEMA}
 * @param kind whether {@code requestId} names an API request or a batch-transform job
 * @param requestId the request id (API) or job id (batch-transform)
 * @param chunk the chunk index within a job (0 for API requests)
 * @param priority which queue this was meant for
 * @param deadlineEpochMs when the answer stops being useful to the caller (still answered after, by the
 *     expert unless {@code allowGateFallback})
 * @param bundleVersion the model bundle version the gate used; workers release messages for another
 * @param enqueuedAtEpochMs when the gate sent it (queue-wait metric)
 * @param items the items, or null when {@code payloadUri} is set
 * @param payloadUri {@code s3://bucket/key} of a JSON Lines body, or null
 * @param allowGateFallback the caller's consent (the API request's {@code allow_gate_fallback}): an item
 *     whose deadline passed before its expert batch formed is answered with the gate's label (tier
 *     {@code gate_fallback}, reason {@link dev.sieve.shared.result.ItemResult#REASON_DEADLINE_PASSED})
 *     without expert work; absent (older producers) means false
 */
public record QueueMessage(
        int schema,
        Kind kind,
        String requestId,
        int chunk,
        Priority priority,
        long deadlineEpochMs,
        String bundleVersion,
        long enqueuedAtEpochMs,
        List<QueueItem> items,
        String payloadUri,
        Boolean allowGateFallback) {

    public static final int SCHEMA = 1;

    /** What a message belongs to. */
    public enum Kind {
        REQUEST,
        JOB_CHUNK
    }

    public QueueMessage {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(bundleVersion, "bundleVersion");
        if ((items == null) == (payloadUri == null)) {
            throw new IllegalArgumentException("exactly one of items and payloadUri must be set");
        }
        items = items == null ? null : List.copyOf(items);
        // A body from a producer that predates the field reads as null: no consent.
        allowGateFallback = Boolean.TRUE.equals(allowGateFallback);
    }

    /** A message without the gate-fallback consent (every deadline is answered by the expert). */
    public QueueMessage(
            int schema,
            Kind kind,
            String requestId,
            int chunk,
            Priority priority,
            long deadlineEpochMs,
            String bundleVersion,
            long enqueuedAtEpochMs,
            List<QueueItem> items,
            String payloadUri) {
        this(
                schema,
                kind,
                requestId,
                chunk,
                priority,
                deadlineEpochMs,
                bundleVersion,
                enqueuedAtEpochMs,
                items,
                payloadUri,
                false);
    }

    /** This message with the caller's gate-fallback consent set to {@code allow}. */
    public QueueMessage withGateFallback(boolean allow) {
        return new QueueMessage(
                schema,
                kind,
                requestId,
                chunk,
                priority,
                deadlineEpochMs,
                bundleVersion,
                enqueuedAtEpochMs,
                items,
                payloadUri,
                allow);
    }

    /** Whether the deadline has passed at {@code nowMs} and the caller allows the gate's label then. */
    public boolean gateFallbackDue(long nowMs) {
        return allowGateFallback && nowMs > deadlineEpochMs;
    }

    /** A message carrying its items inline. */
    public static QueueMessage inline(
            Kind kind,
            String requestId,
            int chunk,
            Priority priority,
            long deadlineEpochMs,
            String bundleVersion,
            long enqueuedAtEpochMs,
            List<QueueItem> items) {
        return new QueueMessage(
                SCHEMA,
                kind,
                requestId,
                chunk,
                priority,
                deadlineEpochMs,
                bundleVersion,
                enqueuedAtEpochMs,
                items,
                null);
    }

    /** SQS attribute names set on every message (filterable without parsing the body). */
    public static final String ATTRIBUTE_REQUEST_ID = "sieve-request-id";

    public static final String ATTRIBUTE_BUNDLE_VERSION = "sieve-bundle-version";

    /** Largest SQS message body Sieve sends inline; larger chunks go through S3 ({@code payloadUri}). */
    public static final int MAX_INLINE_BYTES = 240 * 1024;
}
