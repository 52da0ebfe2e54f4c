package dev.sieve.gate.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.contract.GateEntry;
import dev.sieve.shared.result.ItemResult;
import dev.sieve.shared.result.Tier;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestViewTest {
    private final List<GateEntry> entries = List.of(
            new GateEntry("a", "ham", 0.99, false),
            new GateEntry("b", "spam", 0.6, true),
            new GateEntry("c", "ham", 0.55, true),
            new GateEntry("d", "spam", 0.51, true));

    @Test
    void merge_whenSomeExpertResultsArrived_marksTheRestPendingInRequestOrder() {
        Map<String, ItemResult> expert = Map.of(
                "b",
                ItemResult.expert("b", "ham", 0.9, "spam", 0.6),
                "d",
                new ItemResult("d", "spam", 0.51, Tier.GATE, "spam", 0.51, "expert rejected the item"));

        List<RequestView.ItemView> views = RequestView.merge(entries, expert);

        assertThat(views).extracting(RequestView.ItemView::id).containsExactly("a", "b", "c", "d");
        assertThat(views)
                .extracting(RequestView.ItemView::status)
                .containsExactly("complete", "complete", "pending", "failed");
        assertThat(views.get(0).tier()).isEqualTo("gate");
        assertThat(views.get(1).tier()).isEqualTo("expert");
        assertThat(views.get(1).label()).isEqualTo("ham");
        assertThat(views.get(1).gateLabel()).isEqualTo("spam");
        assertThat(views.get(2).label()).isNull();
        assertThat(views.get(3).error()).contains("rejected");

        RequestView.Counts counts = RequestView.count(views);
        assertThat(counts).isEqualTo(new RequestView.Counts(4, 1, 1, 1, 1));
        assertThat(RequestView.status(counts)).isEqualTo("partial");
    }

    @Test
    void merge_whenCachedAndFallbackAnswersArrived_showsTheirTiersAndReasonAndCountsThem() {
        Map<String, ItemResult> results = Map.of(
                "b",
                new ItemResult("b", "ham", 0.9, Tier.CACHE, "spam", 0.6, null),
                "c",
                new ItemResult(
                        "c", "ham", 0.55, Tier.GATE_FALLBACK, "ham", 0.55, null, ItemResult.REASON_DEADLINE_PASSED),
                "d",
                ItemResult.expert("d", "spam", 0.8, "spam", 0.51));

        List<RequestView.ItemView> views = RequestView.merge(entries, results);

        assertThat(views)
                .extracting(RequestView.ItemView::tier)
                .containsExactly("gate", "cache", "gate_fallback", "expert");
        assertThat(views.get(2).reason()).isEqualTo("deadline_passed");
        assertThat(views.get(2).status()).isEqualTo("complete");
        assertThat(views.get(1).reason()).isNull();
        // cached answers are the expert's, fallbacks the gate's
        assertThat(RequestView.count(views)).isEqualTo(new RequestView.Counts(4, 2, 2, 0, 0));
    }

    @Test
    void status_whenNothingPending_isComplete() {
        assertThat(RequestView.status(new RequestView.Counts(2, 2, 0, 0, 0))).isEqualTo("complete");
        assertThat(RequestView.status(new RequestView.Counts(2, 0, 0, 2, 0))).isEqualTo("pending");
    }
}
