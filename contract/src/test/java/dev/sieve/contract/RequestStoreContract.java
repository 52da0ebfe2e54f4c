package dev.sieve.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.json.Json;
import dev.sieve.shared.result.ItemResult;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The request state machine every {@link RequestStore} implements; {@link InMemoryRequestStoreTest} and
 * {@code DynamoDbRequestStoreIT} run it against the two implementations.
 */
abstract class RequestStoreContract {
    protected abstract RequestStore store();

    private static String id() {
        return UUID.randomUUID().toString();
    }

    private static List<GateEntry> entries(int n) {
        List<GateEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            entries.add(new GateEntry("i" + i, "ham", 0.6, true));
        }
        return entries;
    }

    private static List<ItemResult> results(int from, int to) {
        List<ItemResult> results = new ArrayList<>();
        for (int i = from; i < to; i++) {
            results.add(ItemResult.expert("i" + i, "spam", 0.9, "ham", 0.6));
        }
        return results;
    }

    @Test
    void create_whenNothingEscalated_startsComplete() {
        String id = id();
        store().create(id, "realtime", "small", List.of(new GateEntry("a", "ham", 0.99, false)), 0, 5, 0);

        RequestStore.Meta meta = store().meta(id).orElseThrow();
        assertThat(meta.state()).isEqualTo(RequestState.COMPLETE);
        assertThat(meta.createdAtMs()).isEqualTo(5);
        assertThat(store().gateEntries(id)).containsExactly(new GateEntry("a", "ham", 0.99, false));
    }

    @Test
    void create_whenTheRequestExists_writesNothingAndSaysSo() {
        String id = id();
        assertThat(store().create(id, "async", "asked", entries(2), 2, 0, 0)).isTrue();

        assertThat(store().create(id, "realtime", "small", entries(1), 0, 9, 0)).isFalse();

        RequestStore.Meta meta = store().meta(id).orElseThrow();
        assertThat(meta.state()).isEqualTo(RequestState.PENDING);
        assertThat(meta.expected()).isEqualTo(2);
        assertThat(store().gateEntries(id)).hasSize(2);
    }

    @Test
    void claimIdempotencyKey_whenClaimedBefore_answersTheFirstClaimWhateverTheBody() {
        String key = "acme/" + id();
        assertThat(store().claimIdempotencyKey(key, "r1", "aaa", 0)).isEmpty();

        assertThat(store().claimIdempotencyKey(key, "r2", "bbb", 0))
                .contains(new RequestStore.IdempotencyClaim("r1", "aaa"));
        assertThat(store().claimIdempotencyKey(key, "r3", "aaa", 0))
                .contains(new RequestStore.IdempotencyClaim("r1", "aaa"));
        // Keys are per tenant: the same key of another tenant is another claim.
        assertThat(store().claimIdempotencyKey("globex/" + key.substring(5), "r4", "aaa", 0))
                .isEmpty();
    }

    @Test
    void meta_whenUnknown_isEmpty() {
        assertThat(store().meta(id())).isEmpty();
        assertThat(store().gateEntries(id())).isEmpty();
    }

    @Test
    void recordExpertResults_whenRedelivered_countsEachItemOnce() {
        String id = id();
        store().create(id, "async", "asked", entries(150), 150, 0, 0);

        assertThat(store().recordExpertResults(id, results(0, 120), 0)).isEqualTo(120);
        assertThat(store().recordExpertResults(id, results(100, 150), 0)).isEqualTo(30);
        assertThat(store().recordExpertResults(id, results(0, 150), 0)).isZero();

        assertThat(store().meta(id).orElseThrow().answered()).isEqualTo(150);
        assertThat(store().expertResults(id)).hasSize(150).containsKey("i149");
    }

    @Test
    void tryComplete_onlyWhenEveryItemAnswered_andOnlyOnce() {
        String id = id();
        store().create(id, "async", "asked", entries(3), 3, 0, 0);
        store().recordExpertResults(id, results(0, 2), 0);
        assertThat(store().tryComplete(id, 10)).isFalse();

        store().recordExpertResults(id, results(2, 3), 0);
        assertThat(store().tryComplete(id, 10)).isTrue();
        assertThat(store().tryComplete(id, 11)).isFalse();
        assertThat(store().meta(id).orElseThrow().state()).isEqualTo(RequestState.COMPLETE);
    }

    @Test
    void fail_whenPending_failsWithTheReason_andNothingCompletesItLater() {
        String id = id();
        store().create(id, "async", "asked", entries(1), 1, 0, 0);

        assertThat(store().fail(id, "deadline", "items", "not answered in time"))
                .isTrue();
        store().recordExpertResults(id, results(0, 1), 0);

        assertThat(store().tryComplete(id, 1)).isFalse();
        RequestStore.Meta meta = store().meta(id).orElseThrow();
        assertThat(meta.state()).isEqualTo(RequestState.FAILED);
        assertThat(Json.read(meta.error(), java.util.Map.class))
                .containsEntry("code", "deadline")
                .containsEntry("field", "items");
    }

    @Test
    void fail_whenComplete_changesNothing() {
        String id = id();
        store().create(id, "realtime", "small", entries(1), 0, 0, 0);

        assertThat(store().fail(id, "deadline", "items", "late")).isFalse();
        assertThat(store().meta(id).orElseThrow().state()).isEqualTo(RequestState.COMPLETE);
    }

    @Test
    void startUploaded_movesAwaitingUploadOnce() {
        String id = id();
        store().createAwaitingUpload(id, 0, 0);
        assertThat(store().meta(id).orElseThrow().state()).isEqualTo(RequestState.AWAITING_UPLOAD);

        assertThat(store().startUploaded(id, entries(2), 2)).isTrue();
        assertThat(store().startUploaded(id, entries(2), 2)).isFalse();

        RequestStore.Meta meta = store().meta(id).orElseThrow();
        assertThat(meta.state()).isEqualTo(RequestState.PENDING);
        assertThat(meta.expected()).isEqualTo(2);
        assertThat(store().gateEntries(id)).hasSize(2);
    }

    @Test
    void gateEntries_whenLargerThanAnItemHolds_roundTrip() {
        String id = id();
        List<GateEntry> many = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {
            many.add(new GateEntry("item-with-a-long-identifier-" + i, "ham", 0.75, i % 2 == 0));
        }
        store().create(id, "async", "large", many, 3000, 0, 0);

        assertThat(store().gateEntries(id)).isEqualTo(many);
    }

    @Test
    void unfinishedCreatedBefore_listsOnlyOldUnfinishedRequests() {
        String pending = id();
        String awaiting = id();
        String young = id();
        String complete = id();
        String failed = id();
        store().create(pending, "async", "asked", entries(2), 2, 500, 0);
        store().createAwaitingUpload(awaiting, 500, 0);
        store().create(young, "async", "asked", entries(2), 2, 5_000, 0);
        store().create(complete, "async", "asked", entries(1), 1, 500, 0);
        store().recordExpertResults(complete, results(0, 1), 0);
        store().tryComplete(complete, 600);
        store().create(failed, "async", "asked", entries(1), 1, 500, 0);
        store().fail(failed, "internal", "items", "x");
        String uploadedDone = id();
        store().createAwaitingUpload(uploadedDone, 500, 0);
        store().startUploaded(uploadedDone, entries(1), 0);
        String uploadedPending = id();
        store().createAwaitingUpload(uploadedPending, 500, 0);
        store().startUploaded(uploadedPending, entries(1), 1);

        List<String> ids = store().unfinishedCreatedBefore(1_000, 100_000);

        assertThat(ids)
                .contains(pending, awaiting, uploadedPending)
                .doesNotContain(young, complete, failed, uploadedDone);
        assertThat(store().unfinishedCreatedBefore(1_000, 1)).hasSize(1);
    }
}
