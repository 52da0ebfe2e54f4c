package dev.sieve.contract;

import dev.sieve.shared.result.ItemResult;
import dev.sieve.shared.result.TableSchema;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * API requests in the table ({@link TableSchema}): the META item with the counters the worker increments
 * and the gate's answers for every item, and the worker's {@code ITEM#} result rows. The gate creates
 * and reads requests; the worker records expert results and completes them. Implementations: {@link
 * DynamoDbRequestStore}, {@link InMemoryRequestStore}; both pass {@code RequestStoreContract}.
 *
 * <p>State machine: {@code AWAITING_UPLOAD → PENDING → COMPLETE}, {@code AWAITING_UPLOAD|PENDING →
 * FAILED}; a request with nothing escalated starts COMPLETE. COMPLETE and FAILED are final.
 */
public interface RequestStore {

    /** The META item of a request, as read. */
    record Meta(
            String requestId,
            RequestState state,
            String mode,
            String modeReason,
            long expected,
            long answered,
            long createdAtMs,
            String error) {}

    /**
     * Writes a new request's META item (state PENDING, or COMPLETE when nothing was escalated); false, and
     * nothing written, when the request exists already (a retry under the same Idempotency-Key).
     */
    boolean create(
            String requestId,
            String mode,
            String modeReason,
            List<GateEntry> entries,
            long expected,
            long nowMs,
            long ttlEpochSeconds);

    /** A client's Idempotency-Key as claimed: the request it created and the SHA-256 (hex) of its body. */
    record IdempotencyClaim(String requestId, String bodySha256) {}

    /**
     * Claims the tenant-scoped Idempotency-Key {@code scopedKey} for {@code requestId}, once: empty when
     * this call claimed it, else the earlier claim (the caller compares the body and replays that request).
     */
    Optional<IdempotencyClaim> claimIdempotencyKey(
            String scopedKey, String requestId, String bodySha256, long ttlEpochSeconds);

    /** Records that an upload URL was handed out for {@code requestId}. */
    void createAwaitingUpload(String requestId, long nowMs, long ttlEpochSeconds);

    /**
     * Moves an uploaded request from AWAITING_UPLOAD to PENDING/COMPLETE; false when another invocation
     * already did (a redelivered S3 event).
     */
    boolean startUploaded(String requestId, List<GateEntry> entries, long expected);

    /**
     * Marks an unfinished request FAILED with a JSON error ({@code code}, {@code field}, {@code message});
     * false when it had already finished.
     */
    boolean fail(String requestId, String code, String field, String message);

    Optional<Meta> meta(String requestId);

    /** The gate's answers stored with the request, in request order. */
    List<GateEntry> gateEntries(String requestId);

    /** The expert results written by the worker, by item id. */
    Map<String, ItemResult> expertResults(String requestId);

    /**
     * Records expert results (worker): each {@code ITEM#} row is written once together with the
     * {@code answered} increment, so a redelivery neither loses nor double-counts.
     *
     * @return how many results were new
     */
    int recordExpertResults(String requestId, List<ItemResult> results, long ttlEpochSeconds);

    /** PENDING → COMPLETE when every escalated item is answered; true for the one caller that made it. */
    boolean tryComplete(String requestId, long nowMs);

    /**
     * Ids of requests still AWAITING_UPLOAD or PENDING that were created before {@code cutoffMs}, at most
     * {@code limit} (the reaper's deadline sweep; a table scan in DynamoDB, so only on a timer).
     */
    List<String> unfinishedCreatedBefore(long cutoffMs, int limit);
}
