package dev.sieve.cli.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.pricing.CostModel;
import dev.sieve.pricing.WorkloadProfile;
import dev.sieve.shared.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SanityChecksTest {

    /** 100 requests of 10 items, each answered once by the gate. */
    private static List<LoadRecorder.Outcome> healthyRun() {
        List<LoadRecorder.Outcome> outcomes = new ArrayList<>();
        for (int r = 0; r < 100; r++) {
            List<String> ids = new ArrayList<>();
            List<LoadRecorder.Answer> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String id = "item" + i + "#" + r;
                ids.add(id);
                answers.add(new LoadRecorder.Answer(id, "ham", "gate"));
            }
            outcomes.add(new LoadRecorder.Outcome(r, ids, 200, null, 12.0, answers));
        }
        return outcomes;
    }

    @Test
    void noFailedRequests_whenOneRequestTimedOut_fails() {
        List<LoadRecorder.Outcome> outcomes = healthyRun();
        assertThat(SanityChecks.noFailedRequests(outcomes).passed()).isTrue();
        LoadRecorder.Outcome first = outcomes.get(0);
        outcomes.set(
                0, new LoadRecorder.Outcome(first.seq(), first.sentIds(), 0, "no response (timed out)", 0, List.of()));
        SanityChecks.Check check = SanityChecks.noFailedRequests(outcomes);
        assertThat(check.passed()).isFalse();
        assertThat(check.detail()).contains("1 of 100").contains("timed out");
    }

    @Test
    void answeredExactlyOnce_whenTheServerDropsOnePercentOfItems_fails() {
        List<LoadRecorder.Outcome> outcomes = healthyRun();
        assertThat(SanityChecks.answeredExactlyOnce(outcomes).passed()).isTrue();
        // drop 10 of 1,000 answers (1 %)
        for (int r = 0; r < 10; r++) {
            LoadRecorder.Outcome o = outcomes.get(r * 10);
            List<LoadRecorder.Answer> fewer = new ArrayList<>(o.answers());
            fewer.remove(0);
            outcomes.set(r * 10, new LoadRecorder.Outcome(o.seq(), o.sentIds(), 200, null, 12.0, fewer));
        }
        SanityChecks.Check check = SanityChecks.answeredExactlyOnce(outcomes);
        assertThat(check.passed()).isFalse();
        assertThat(check.detail()).contains("1000 items sent: 10 unanswered");
    }

    @Test
    void answeredExactlyOnce_whenAnItemIsAnsweredTwice_fails() {
        List<LoadRecorder.Outcome> outcomes = healthyRun();
        LoadRecorder.Outcome o = outcomes.get(3);
        List<LoadRecorder.Answer> twice = new ArrayList<>(o.answers());
        twice.add(new LoadRecorder.Answer(o.sentIds().get(0), "spam", "expert"));
        outcomes.set(3, new LoadRecorder.Outcome(o.seq(), o.sentIds(), 200, null, 12.0, twice));
        SanityChecks.Check check = SanityChecks.answeredExactlyOnce(outcomes);
        assertThat(check.passed()).isFalse();
        assertThat(check.detail()).contains("1 answered more than once");
    }

    @Test
    void responsesMatchOpenApi_whenOneResponseBreaksTheDocument_fails() throws IOException {
        ResponseValidator validator = ResponseValidator.of(openApi());
        LoadRecorder recorder = new LoadRecorder(validator);
        String good = "{\"request_id\":\"r1\",\"mode\":\"realtime\",\"status\":\"complete\",\"results_url\":\"u\","
                + "\"items\":[{\"id\":\"a\",\"status\":\"complete\",\"label\":\"ham\",\"confidence\":0.9,\"tier\":\"gate\"}]}";
        recorder.response("post", "/v1/classify", 200, good);
        assertThat(SanityChecks.responsesMatchOpenApi(recorder.responses(), recorder.invalidResponses(), null)
                        .passed())
                .isTrue();
        String badTier = good.replace("\"tier\":\"gate\"", "\"tier\":\"oracle\"");
        recorder.response("post", "/v1/classify", 200, badTier);
        recorder.response("post", "/v1/classify", 200, good.replace("\"mode\":\"realtime\",", ""));
        SanityChecks.Check check = SanityChecks.responsesMatchOpenApi(
                recorder.responses(), recorder.invalidResponses(), recorder.firstInvalid());
        assertThat(check.passed()).isFalse();
        assertThat(check.detail()).contains("2 of 3").contains("tier");
    }

    @Test
    void responseValidator_whenStatusIsUndocumented_reportsIt() throws IOException {
        ResponseValidator validator = ResponseValidator.of(openApi());
        assertThat(validator.validate("post", "/v1/classify", 418, null))
                .singleElement()
                .asString()
                .contains("418");
    }

    @Test
    void accuracyMatchesEval_whenAccuracyIsOffByMoreThanHalfAPoint_fails() {
        assertThat(SanityChecks.accuracyMatchesEval(0.978, 887, 0.981).passed()).isTrue();
        SanityChecks.Check check = SanityChecks.accuracyMatchesEval(0.975, 887, 0.981);
        assertThat(check.passed()).isFalse();
    }

    @Test
    void throughputMonotonic_whenThroughputDipsBeforeSaturation_fails() {
        assertThat(SanityChecks.throughputMonotonic(List.of(1, 2, 4, 8, 6), List.of(100.0, 190.0, 350.0, 352.0, 351.0))
                        .passed())
                .isTrue();
        SanityChecks.Check check =
                SanityChecks.throughputMonotonic(List.of(1, 2, 4, 8), List.of(100.0, 80.0, 350.0, 340.0));
        assertThat(check.passed()).isFalse();
        assertThat(check.detail()).contains("1 -> 2");
    }

    @Test
    void routingInBand_whenTheExpertGetsFarMoreThanCalibrated_fails() {
        assertThat(SanityChecks.routingInBand(0.09, 1000, 0.088).passed()).isTrue();
        SanityChecks.Check check = SanityChecks.routingInBand(0.40, 1000, 0.088);
        assertThat(check.passed()).isFalse();
        assertThat(check.detail()).contains("0.4000");
    }

    @Test
    void noFailedRequests_whenTheServerAnswers503_fails() {
        List<LoadRecorder.Outcome> outcomes = healthyRun();
        LoadRecorder.Outcome o = outcomes.get(42);
        outcomes.set(
                42,
                new LoadRecorder.Outcome(
                        o.seq(), o.sentIds(), 503, "POST /v1/classify answered 503 unavailable", 3.0, List.of()));
        SanityChecks.Check check = SanityChecks.noFailedRequests(outcomes);
        assertThat(check.passed()).isFalse();
        assertThat(check.detail()).contains("1 of 100").contains("503");
    }

    /** A step as StepResult.of sees it: the run's outcomes and the counts the recorder kept. */
    private static StepRunner.Measured measured(List<LoadRecorder.Outcome> outcomes, long invalid) {
        Map<String, String> labels = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            labels.put("item" + i, "ham");
        }
        return new StepRunner.Measured(
                outcomes, outcomes.size(), invalid, invalid == 0 ? null : "bad", 2.0, Map.of(), 0, 0, 0, 0, 0, labels);
    }

    private static StepResult step(StepRunner.Measured m, Double calibrated) {
        return StepResult.of(
                1,
                new Workload(Workload.Mode.REALTIME, 10, Workload.Model.CLOSED),
                4,
                m,
                WorkloadProfile.defaults(),
                CostModel.withDefaults(),
                calibrated);
    }

    @Test
    void stepResult_whenHealthy_isSane_andWhenTheServerDropsOnePercent_isNot() {
        assertThat(step(measured(healthyRun(), 0), null).sane()).isTrue();
        List<LoadRecorder.Outcome> outcomes = healthyRun();
        for (int r = 0; r < 10; r++) { // one answer missing in every tenth request: 10 of 1,000 items
            LoadRecorder.Outcome o = outcomes.get(r * 10);
            outcomes.set(
                    r * 10,
                    new LoadRecorder.Outcome(
                            o.seq(),
                            o.sentIds(),
                            200,
                            null,
                            12.0,
                            o.answers().subList(1, o.answers().size())));
        }
        StepResult dropped = step(measured(outcomes, 0), null);
        assertThat(dropped.sane()).isFalse();
        assertThat(dropped.asJson().get("checks"))
                .hasToString("{failed_requests=true, answered_exactly_once=false,"
                        + " openapi_valid=true, routing_in_band=true}");
    }

    @Test
    void stepResult_whenOneResponseBreaksTheDocument_isNotSane() {
        StepResult step = step(measured(healthyRun(), 1), null);
        assertThat(step.sane()).isFalse();
        assertThat(step.checks())
                .filteredOn(c -> !c.passed())
                .extracting(SanityChecks.Check::name)
                .containsExactly("openapi_valid");
    }

    @Test
    void stepResult_whenRoutingIsFarOffTheCalibratedBand_isNotSane() {
        // every answer came from the gate (routing 0) where the bundle calibrated 40 %
        StepResult step = step(measured(healthyRun(), 0), 0.40);
        assertThat(step.sane()).isFalse();
        assertThat(step.checks())
                .filteredOn(c -> !c.passed())
                .extracting(SanityChecks.Check::name)
                .containsExactly("routing_in_band");
    }

    @Test
    void summary_whenAccuracyIsOffOrThroughputFallsBeforeSaturation_isNotSane() {
        StepResult one = step(measured(healthyRun(), 0), null); // every answer "ham" and right: accuracy 1.0
        assertThat(Summary.of(List.of(one), 1.0, List.of()).sane()).isTrue();
        assertThat(Summary.of(List.of(one), 0.98, List.of()).sane()).isFalse();

        StepResult low = withLevelAndThroughput(one, 1, 100);
        StepResult dip = withLevelAndThroughput(one, 2, 60);
        StepResult peak = withLevelAndThroughput(one, 4, 300);
        Summary summary = Summary.of(List.of(low, dip, peak), null, List.of());
        assertThat(summary.sane()).isFalse();
        assertThat(summary.runChecks())
                .filteredOn(c -> !c.passed())
                .extracting(SanityChecks.Check::name)
                .containsExactly("throughput_monotonic");
    }

    private static StepResult withLevelAndThroughput(StepResult s, int level, double itemsPerSecond) {
        return new StepResult(
                s.step(),
                s.workload(),
                level,
                s.requests(),
                s.items(),
                s.answered(),
                s.failed(),
                s.seconds(),
                itemsPerSecond,
                s.p50Ms(),
                s.p95Ms(),
                s.p99Ms(),
                s.meanMs(),
                s.routingRate(),
                s.accuracy(),
                s.usagePerMillion(),
                s.gateMsPerItem(),
                s.gateCpuMsPerItem(),
                s.costPerMillionUsd(),
                s.costComponentsPerMillion(),
                s.checks(),
                s.outputBytesPerItem(),
                s.manifestBytesPerItem());
    }

    private static JsonNode openApi() throws IOException {
        try (InputStream in = SanityChecksTest.class.getResourceAsStream("/openapi.json")) {
            assertThat(in).as("gate-lambda's openapi.json on the class path").isNotNull();
            return Json.read(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), JsonNode.class);
        }
    }
}
