package dev.sieve.events;

import static dev.sieve.events.Changes.insert;
import static dev.sieve.events.Changes.jobMeta;
import static dev.sieve.events.Changes.modify;
import static dev.sieve.events.Changes.requestMeta;
import static dev.sieve.events.Changes.with;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.shared.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SieveEventsTest {

    @Test
    void of_whenARequestBecomesComplete_isRequestCompletedWithIdsAndCounts() {
        SieveEvent event =
                SieveEvents.of(Changes.requestCompleted("1", "acme", "r-1")).orElseThrow();

        assertThat(event.detailType()).isEqualTo("Sieve Request Completed");
        assertThat(event.id()).isEqualTo("request:acme/r-1:complete");
        JsonNode detail = Json.mapper().valueToTree(event.detail());
        assertThat(detail.get("tenant").asText()).isEqualTo("acme");
        assertThat(detail.get("request_id").asText()).isEqualTo("r-1");
        assertThat(detail.get("state").asText()).isEqualTo("complete");
        assertThat(detail.get("mode").asText()).isEqualTo("async");
        assertThat(detail.get("items").asLong()).isEqualTo(40);
        assertThat(detail.get("expected").asLong()).isEqualTo(3);
        assertThat(detail.get("answered").asLong()).isEqualTo(3);
        assertThat(detail.get("finished_at").asLong()).isEqualTo(1764806460000L);
        assertThat(detail.has("reason")).isFalse();
        assertThat(detail.has("job_id")).isFalse();
    }

    @Test
    void of_whenARequestFails_carriesTheStoredReason() {
        Map<String, String> before = requestMeta("acme/r-2", "PENDING", "async");
        Map<String, String> after = with(
                with(before, "state", "FAILED"),
                "error",
                "{\"code\":\"dead_letter\",\"field\":\"items\",\"message\":\"the expert could not answer\"}");

        SieveEvent event = SieveEvents.of(modify("2", before, after)).orElseThrow();

        assertThat(event.detailType()).isEqualTo("Sieve Request Failed");
        assertThat(event.id()).isEqualTo("request:acme/r-2:failed");
        assertThat(event.detail().reason())
                .isEqualTo(new SieveEvent.Reason("dead_letter", "items", "the expert could not answer"));
    }

    @Test
    void of_whenAJobCompletesOrFails_isAJobEvent() {
        Map<String, String> assembling = jobMeta("acme/j-1", "ASSEMBLING");
        Map<String, String> complete = with(
                with(
                        with(with(assembling, "state", "COMPLETE"), "output", "s3://bucket/jobs/in/j.jsonl.out"),
                        "lost",
                        "0"),
                "duplicates",
                "2");
        SieveEvent done = SieveEvents.of(modify("3", assembling, complete)).orElseThrow();
        assertThat(done.detailType()).isEqualTo("Sieve Job Completed");
        assertThat(done.detail().jobId()).isEqualTo("j-1");
        assertThat(done.detail().output()).isEqualTo("s3://bucket/jobs/in/j.jsonl.out");
        assertThat(done.detail().lost()).isZero();
        assertThat(done.detail().duplicates()).isEqualTo(2);
        assertThat(done.detail().chunks()).isEqualTo(4);

        Map<String, String> scanning = jobMeta("acme/j-2", "SCANNING");
        SieveEvent failed = SieveEvents.of(
                        modify("4", scanning, with(with(scanning, "state", "FAILED"), "error", "the manifest changed")))
                .orElseThrow();
        assertThat(failed.detailType()).isEqualTo("Sieve Job Failed");
        assertThat(failed.id()).isEqualTo("job:acme/j-2:failed");
        assertThat(failed.detail().reason().message()).isEqualTo("the manifest changed");
        assertThat(failed.detail().output()).isNull();
    }

    @Test
    void of_whenNothingBecameFinal_isNoEvent() {
        Map<String, String> pending = requestMeta("acme/r", "PENDING", "async");
        Map<String, String> complete = with(pending, "state", "COMPLETE");
        List<TableChange> notEvents = new ArrayList<>();
        // still unfinished: a counter moved
        notEvents.add(modify("1", pending, with(pending, "answered", "2")));
        // already final before (a later write to a finished row, e.g. a late duplicate answer)
        notEvents.add(modify("2", complete, with(complete, "answered", "4")));
        // a failed job stays failed
        Map<String, String> failedJob = jobMeta("acme/j", "FAILED");
        notEvents.add(modify("3", failedJob, with(failedJob, "chunks", "5")));
        // a real-time request the gate answered whole
        notEvents.add(insert("4", requestMeta("acme/rt", "COMPLETE", "realtime")));
        // result rows, chunk markers, and TTL removals
        notEvents.add(insert("5", Map.of("pk", "REQ#acme/r", "sk", "ITEM#7", "state", "COMPLETE")));
        notEvents.add(insert("6", Map.of("pk", "JOB#acme/j", "sk", "CHUNK#1")));
        notEvents.add(new TableChange(TableChange.REMOVE, "7", complete, Map.of()));
        // a state this build does not know
        notEvents.add(modify("8", pending, with(pending, "state", "ARCHIVED")));

        assertThat(notEvents)
                .allSatisfy(change ->
                        assertThat(SieveEvents.of(change)).as("%s", change).isEmpty());
    }

    @Test
    void of_whenAnAsyncRequestIsWrittenCompleteAtOnce_isAnEvent() {
        assertThat(SieveEvents.of(insert("1", requestMeta("acme/a", "COMPLETE", "async"))))
                .hasValueSatisfying(event -> assertThat(event.detailType()).isEqualTo("Sieve Request Completed"));
    }

    @Test
    void detail_carriesOnlyTheSchemaFields_neverTheRowsOtherAttributes() throws Exception {
        Map<String, String> before = requestMeta("acme/r-3", "PENDING", "async");
        Map<String, String> after =
                with(with(before, "state", "COMPLETE"), "gate_results", "[{\"id\":\"1\",\"text\":\"customer words\"}]");

        JsonNode detail = Json.mapper()
                .readTree(
                        SieveEvents.of(modify("9", before, after)).orElseThrow().detailJson());

        List<String> names = new ArrayList<>();
        detail.fieldNames().forEachRemaining(names::add);
        assertThat(names)
                .containsExactlyInAnyOrder(
                        "schema_version",
                        "event_id",
                        "tenant",
                        "request_id",
                        "state",
                        "mode",
                        "items",
                        "expected",
                        "answered",
                        "created_at");
        assertThat(detail.toString()).doesNotContain("customer words");
    }

    @Test
    void of_whenTheIdHasNoTenant_namesTheTenantUnknown() {
        SieveEvent event = SieveEvents.of(modify(
                        "1", requestMeta("legacy", "PENDING", "async"), requestMeta("legacy", "COMPLETE", "async")))
                .orElseThrow();
        assertThat(event.detail().tenant()).isEqualTo("unknown");
        assertThat(event.detail().requestId()).isEqualTo("legacy");
    }
}
