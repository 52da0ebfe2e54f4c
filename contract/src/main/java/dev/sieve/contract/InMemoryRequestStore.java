package dev.sieve.contract;

import dev.sieve.shared.result.ItemResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link RequestStore} in memory, for unit tests and single-process tools; the same state machine and
 * conditions ({@code internal.Conditions}) as {@link DynamoDbRequestStore}, checked by one contract suite.
 */
public final class InMemoryRequestStore implements RequestStore {
    private record Row(Meta meta, List<GateEntry> entries, Map<String, ItemResult> results) {}

    private final Map<String, Row> rows = new ConcurrentHashMap<>();
    private final Map<String, IdempotencyClaim> claims = new ConcurrentHashMap<>();

    @Override
    public synchronized boolean create(
            String requestId,
            String mode,
            String modeReason,
            List<GateEntry> entries,
            long expected,
            long nowMs,
            long ttlEpochSeconds) {
        if (rows.containsKey(requestId)) {
            return false; // Conditions.NEW_ROW
        }
        RequestState state = expected == 0 ? RequestState.COMPLETE : RequestState.PENDING;
        rows.put(
                requestId,
                new Row(
                        new Meta(requestId, state, mode, modeReason, expected, 0, nowMs, null),
                        List.copyOf(entries),
                        new LinkedHashMap<>()));
        return true;
    }

    @Override
    public Optional<IdempotencyClaim> claimIdempotencyKey(
            String scopedKey, String requestId, String bodySha256, long ttlEpochSeconds) {
        IdempotencyClaim earlier = claims.putIfAbsent(scopedKey, new IdempotencyClaim(requestId, bodySha256));
        return Optional.ofNullable(earlier);
    }

    @Override
    public synchronized void createAwaitingUpload(String requestId, long nowMs, long ttlEpochSeconds) {
        rows.put(
                requestId,
                new Row(
                        new Meta(requestId, RequestState.AWAITING_UPLOAD, "async", "uploaded body", 0, 0, nowMs, null),
                        List.of(),
                        new LinkedHashMap<>()));
    }

    @Override
    public synchronized boolean startUploaded(String requestId, List<GateEntry> entries, long expected) {
        Row row = rows.get(requestId);
        if (row == null || row.meta().state() != RequestState.AWAITING_UPLOAD) {
            return false;
        }
        Meta m = row.meta();
        RequestState state = expected == 0 ? RequestState.COMPLETE : RequestState.PENDING;
        rows.put(
                requestId,
                new Row(
                        new Meta(requestId, state, m.mode(), m.modeReason(), expected, 0, m.createdAtMs(), null),
                        List.copyOf(entries),
                        row.results()));
        return true;
    }

    @Override
    public synchronized boolean fail(String requestId, String code, String field, String message) {
        Row row = rows.get(requestId);
        if (row == null || row.meta().state().terminal()) {
            return false;
        }
        Meta m = row.meta();
        rows.put(
                requestId,
                new Row(
                        new Meta(
                                requestId,
                                RequestState.FAILED,
                                m.mode(),
                                m.modeReason(),
                                m.expected(),
                                m.answered(),
                                m.createdAtMs(),
                                DynamoDbRequestStore.errorJson(code, field, message)),
                        row.entries(),
                        row.results()));
        return true;
    }

    @Override
    public Optional<Meta> meta(String requestId) {
        return Optional.ofNullable(rows.get(requestId)).map(Row::meta);
    }

    @Override
    public List<GateEntry> gateEntries(String requestId) {
        Row row = rows.get(requestId);
        return row == null ? List.of() : row.entries();
    }

    @Override
    public synchronized Map<String, ItemResult> expertResults(String requestId) {
        Row row = rows.get(requestId);
        return row == null ? Map.of() : new LinkedHashMap<>(row.results());
    }

    @Override
    public synchronized int recordExpertResults(String requestId, List<ItemResult> results, long ttlEpochSeconds) {
        Row row = rows.computeIfAbsent(
                requestId,
                id -> new Row(
                        new Meta(id, RequestState.PENDING, "", "", 0, 0, 0, null), List.of(), new LinkedHashMap<>()));
        int written = 0;
        for (ItemResult result : results) {
            if (row.results().putIfAbsent(result.id(), result) == null) {
                written++;
            }
        }
        Meta m = row.meta();
        rows.put(
                requestId,
                new Row(
                        new Meta(
                                requestId,
                                m.state(),
                                m.mode(),
                                m.modeReason(),
                                m.expected(),
                                m.answered() + written,
                                m.createdAtMs(),
                                m.error()),
                        row.entries(),
                        row.results()));
        return written;
    }

    @Override
    public synchronized boolean tryComplete(String requestId, long nowMs) {
        Row row = rows.get(requestId);
        if (row == null) {
            return false;
        }
        Meta m = row.meta();
        if (m.state() != RequestState.PENDING || m.answered() < m.expected()) {
            return false;
        }
        rows.put(
                requestId,
                new Row(
                        new Meta(
                                requestId,
                                RequestState.COMPLETE,
                                m.mode(),
                                m.modeReason(),
                                m.expected(),
                                m.answered(),
                                m.createdAtMs(),
                                null),
                        row.entries(),
                        row.results()));
        return true;
    }

    @Override
    public synchronized List<String> unfinishedCreatedBefore(long cutoffMs, int limit) {
        return rows.values().stream()
                .map(Row::meta)
                .filter(m -> !m.state().terminal() && m.createdAtMs() < cutoffMs)
                .map(Meta::requestId)
                .limit(limit)
                .toList();
    }
}
