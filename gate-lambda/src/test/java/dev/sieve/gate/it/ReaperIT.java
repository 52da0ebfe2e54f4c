package dev.sieve.gate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.contract.ChunkLimits;
import dev.sieve.contract.DynamoDbJobStore;
import dev.sieve.contract.DynamoDbRequestStore;
import dev.sieve.contract.GateEntry;
import dev.sieve.contract.InMemoryJobStore;
import dev.sieve.contract.InMemoryRequestStore;
import dev.sieve.contract.JobState;
import dev.sieve.contract.JobStore;
import dev.sieve.contract.QueuePublisher;
import dev.sieve.contract.RequestState;
import dev.sieve.contract.RequestStore;
import dev.sieve.gate.batch.CompletionEvents;
import dev.sieve.gate.reaper.Reaper;
import dev.sieve.localaws.LocalAws;
import dev.sieve.localaws.SieveResources;
import dev.sieve.shared.config.ResourceDefaults;
import dev.sieve.shared.job.JobTask;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.queue.Priority;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.result.ItemResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The reaper on the embedded emulators, against both store implementations: work that went to the
 * dead-letter queue through the real redrive policy, and requests and jobs past their deadline, become
 * FAILED with a reason and an event; finished ones are untouched; a second run changes nothing.
 */
class ReaperIT {
    private static final LocalAws AWS = LocalAws.shared();
    private static final long NOW = Instant.parse("2026-12-03T12:00:00Z").toEpochMilli();
    private static final Duration REQUEST_DEADLINE = Duration.ofHours(1);
    private static final Duration JOB_DEADLINE = Duration.ofHours(6);

    private final SqsClient sqs = AWS.sqsClient();
    private final SieveResources resources = SieveResources.create(AWS, SieveResources.uniquePrefix("reaper"));
    private final List<CompletionEvents.RequestFailed> requestsFailed = new CopyOnWriteArrayList<>();
    private final List<CompletionEvents.JobFailed> jobsFailed = new CopyOnWriteArrayList<>();

    static Stream<Arguments> stores() {
        return Stream.of(Arguments.of("dynamodb"), Arguments.of("in-memory"));
    }

    private record Stores(RequestStore requests, JobStore jobs) {}

    private Stores stores(String kind) {
        return kind.equals("dynamodb")
                ? new Stores(
                        new DynamoDbRequestStore(
                                AWS.dynamoDbClient(), AWS.s3Client(), resources.tableName(), resources.bucketName()),
                        new DynamoDbJobStore(AWS.dynamoDbClient(), resources.tableName()))
                : new Stores(new InMemoryRequestStore(), new InMemoryJobStore());
    }

    private Reaper reaper(Stores stores) {
        CompletionEvents events = new CompletionEvents() {
            @Override
            public void jobCompleted(JobCompleted event) {}

            @Override
            public void jobFailed(JobFailed event) {
                jobsFailed.add(event);
            }

            @Override
            public void requestFailed(RequestFailed event) {
                requestsFailed.add(event);
            }
        };
        return new Reaper(
                stores.requests(),
                stores.jobs(),
                sqs,
                List.of(resources.dlqUrl(Priority.REALTIME), resources.dlqUrl(Priority.BATCH)),
                events,
                REQUEST_DEADLINE,
                JOB_DEADLINE,
                Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    }

    /** Receives (and never deletes) until the queue's redrive policy has moved every message to its DLQ. */
    private void poison(String queueUrl) {
        // One receive more than the redrive budget: the next receive attempt moves it to the DLQ.
        for (int i = 0; i <= ResourceDefaults.MAX_RECEIVE_COUNT + 1; i++) {
            sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                    .maxNumberOfMessages(10)
                    .visibilityTimeout(0)
                    .waitTimeSeconds(0));
        }
    }

    private static List<GateEntry> escalated(int n) {
        return Stream.iterate(0, i -> i + 1)
                .limit(n)
                .map(i -> new GateEntry("i" + i, "ham", 0.6, true))
                .toList();
    }

    private int dlqDepth(Priority priority) {
        return sqs.receiveMessage(b -> b.queueUrl(resources.dlqUrl(priority))
                        .maxNumberOfMessages(10)
                        .visibilityTimeout(0)
                        .waitTimeSeconds(0))
                .messages()
                .size();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void run_whenARequestsMessageReachedTheDlq_failsTheRequestThenDeletesTheMessage(String kind) {
        Stores stores = stores(kind);
        String requestId = UUID.randomUUID().toString();
        stores.requests().create(requestId, "async", "asked", escalated(1), 1, NOW, 0);
        new QueuePublisher(sqs, AWS.s3Client(), resources.bucketName())
                .publishRequest(
                        resources.queueUrl(Priority.REALTIME),
                        requestId,
                        Priority.REALTIME,
                        NOW + 1_000,
                        false,
                        "v1",
                        NOW,
                        List.of(new QueueItem("i0", "poison", new float[] {0.4f, 0.6f}, null)));
        poison(resources.queueUrl(Priority.REALTIME));
        assertThat(dlqDepth(Priority.REALTIME))
                .as("the redrive policy moved it")
                .isEqualTo(1);

        Reaper.Outcome outcome = reaper(stores).run();

        RequestStore.Meta meta = stores.requests().meta(requestId).orElseThrow();
        assertThat(meta.state()).isEqualTo(RequestState.FAILED);
        assertThat(meta.error()).contains("dead_letter");
        assertThat(outcome.deadMessages()).isEqualTo(1);
        assertThat(requestsFailed)
                .extracting(CompletionEvents.RequestFailed::requestId)
                .containsExactly(requestId);
        assertThat(dlqDepth(Priority.REALTIME))
                .as("deleted once the request was marked")
                .isZero();
        // A worker that finishes late cannot complete it any more.
        stores.requests().recordExpertResults(requestId, List.of(ItemResult.expert("i0", "spam", 0.9, "ham", 0.6)), 0);
        assertThat(stores.requests().tryComplete(requestId, NOW)).isFalse();
        assertThat(reaper(stores).run().requestsFailed()).as("idempotent").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void run_whenAJobTaskReachedTheDlq_failsTheJob(String kind) {
        Stores stores = stores(kind);
        String jobId = UUID.randomUUID().toString();
        stores.jobs().create(jobId, "s3://b/jobs/in/m.jsonl", "\"e\"", new ChunkLimits(10, 4096), NOW, 0);
        stores.jobs().startRunning(jobId, 2, 20);
        sqs.sendMessage(b -> b.queueUrl(resources.dlqUrl(Priority.BATCH))
                .messageBody(Json.write(JobTask.chunk(jobId, 1, 0, 100, 10))));

        reaper(stores).run();

        JobStore.Job job = stores.jobs().job(jobId).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.FAILED);
        assertThat(job.error()).contains("dead-letter");
        assertThat(jobsFailed).extracting(CompletionEvents.JobFailed::jobId).containsExactly(jobId);
        assertThat(dlqDepth(Priority.BATCH)).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void run_whenPastTheDeadline_failsUnfinishedAndLeavesCompleteOnesAlone(String kind) {
        Stores stores = stores(kind);
        long old = NOW - JOB_DEADLINE.toMillis() - 1;
        String overdueJob = UUID.randomUUID().toString();
        String youngJob = UUID.randomUUID().toString();
        String overdueRequest = UUID.randomUUID().toString();
        String completeRequest = UUID.randomUUID().toString();
        ChunkLimits limits = new ChunkLimits(10, 4096);
        stores.jobs().create(overdueJob, "s3://b/jobs/in/m.jsonl", "\"e\"", limits, old, 0);
        stores.jobs().create(youngJob, "s3://b/jobs/in/m.jsonl", "\"e\"", limits, NOW - 1_000, 0);
        stores.requests().create(overdueRequest, "async", "asked", escalated(1), 1, old, 0);
        stores.requests().create(completeRequest, "async", "asked", escalated(1), 1, old, 0);
        stores.requests()
                .recordExpertResults(completeRequest, List.of(ItemResult.expert("i0", "spam", 0.9, "ham", 0.6)), 0);
        assertThat(stores.requests().tryComplete(completeRequest, old + 1)).isTrue();

        reaper(stores).run();

        assertThat(stores.jobs().job(overdueJob).orElseThrow().state()).isEqualTo(JobState.FAILED);
        assertThat(stores.jobs().job(overdueJob).orElseThrow().error()).contains("not finished within");
        assertThat(stores.jobs().job(youngJob).orElseThrow().state()).isEqualTo(JobState.SCANNING);
        assertThat(stores.requests().meta(overdueRequest).orElseThrow().state()).isEqualTo(RequestState.FAILED);
        assertThat(stores.requests().meta(completeRequest).orElseThrow().state())
                .isEqualTo(RequestState.COMPLETE);
        assertThat(jobsFailed).extracting(CompletionEvents.JobFailed::jobId).containsExactly(overdueJob);
        assertThat(requestsFailed)
                .extracting(CompletionEvents.RequestFailed::requestId)
                .containsExactly(overdueRequest);
        assertThat(reaper(stores).run()).isEqualTo(new Reaper.Outcome(0, 0, 0, 0));
    }
}
