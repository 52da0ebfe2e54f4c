package dev.sieve.gate.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.contract.CapacityException;
import dev.sieve.gate.AwsClients;
import dev.sieve.gate.GateConfig;
import dev.sieve.gate.GateRuntime;
import dev.sieve.gate.api.HttpApiHandler;
import dev.sieve.gate.api.OpenApiValidator;
import dev.sieve.gate.batch.CompletionEvents;
import dev.sieve.gate.batch.S3JobHandler;
import dev.sieve.localaws.LocalAws;
import dev.sieve.localaws.SieveResources;
import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.job.JobTask;
import dev.sieve.shared.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Batch-transform jobs interrupted at every step, on the embedded emulators: a crash in the middle of
 * dispatch (k of n chunk tasks sent), a scan task that was never sent, an overwritten manifest.
 */
class JobResumeIT {
    private static final LocalAws AWS = LocalAws.shared();
    private static final int LINES = 450; // 2 lines a chunk: 225 chunks, three scan steps

    private final SendFaults faults = new SendFaults();
    private final PartReadFaults partReads = new PartReadFaults();
    private final List<CompletionEvents.JobCompleted> completed = new CopyOnWriteArrayList<>();
    private final List<CompletionEvents.JobFailed> failed = new CopyOnWriteArrayList<>();
    private final OpenApiValidator openApi = new OpenApiValidator(GateRuntime.openApi());
    private SieveResources resources;
    private AwsClients clients;
    private GateRuntime runtime;
    private S3JobHandler jobs;
    private HttpApiHandler api;
    private OppositeExpert expert;
    private String jobsQueueUrl;

    @BeforeEach
    void setUp() {
        String prefix = SieveResources.uniquePrefix("resume");
        resources = SieveResources.create(AWS, prefix);
        SqsClient sqs = SqsClient.builder()
                .endpointOverride(AWS.sqsEndpoint())
                .region(AWS.region())
                .credentialsProvider(AWS.credentialsProvider())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> c.addExecutionInterceptor(faults))
                .build();
        clients = new AwsClients(sqs, AWS.dynamoDbClient(), AWS.s3Client(List.of(partReads)), AWS.s3Presigner());
        jobsQueueUrl = sqs.createQueue(b -> b.queueName(prefix + "-jobs")).queueUrl();
        Map<String, String> env = new HashMap<>(resources.environment());
        env.put(EnvironmentVariables.JOBS_QUEUE_URL, jobsQueueUrl);
        env.put(EnvironmentVariables.BUNDLE_URI, "unused");
        env.put(EnvironmentVariables.BATCH_CHUNK_ITEMS, "2");
        CompletionEvents events = new CompletionEvents() {
            @Override
            public void jobCompleted(JobCompleted event) {
                completed.add(event);
            }

            @Override
            public void jobFailed(JobFailed event) {
                failed.add(event);
            }
        };
        runtime = GateRuntime.create(
                GateConfig.fromEnvironment(env),
                clients,
                KeywordScorer.gate(),
                (dimensions, values) -> {},
                events,
                Clock.systemUTC());
        jobs = new S3JobHandler(runtime);
        api = new HttpApiHandler(runtime.routes());
        expert = new OppositeExpert(
                clients.sqs(),
                clients.dynamoDb(),
                clients.s3(),
                resources.tableName(),
                resources.bucketName(),
                jobsQueueUrl);
    }

    @AfterEach
    void tearDown() {
        runtime.close();
    }

    @Test
    void dispatch_whenTheScanDiesAfterSomeChunkTasks_theRestAreResentAndNoChunkCountsTwice() {
        putManifest("jobs/in/acme/crash.jsonl");
        // call 1 sends the SCAN task; calls 2-11 the first step's 100 chunk tasks: die after 40 of them
        faults.failCall(jobsQueueUrl, 6);

        jobs.onObjectCreated("jobs/in/acme/crash.jsonl");
        int taskFailures = runJobsUntilQuiet();

        assertThat(faults.injected()).isEqualTo(1);
        assertThat(taskFailures).isEqualTo(1);
        assertCompleteWithEveryLineOnce("jobs/out/acme/crash.out");
    }

    @Test
    void task_whenADependencyFailsMidStep_ridesItOutInProcessWithoutGivingTheTaskBack() {
        putManifest("jobs/in/acme/outage.jsonl");
        faults.failCall(jobsQueueUrl, 6);

        jobs.onObjectCreated("jobs/in/acme/outage.jsonl");
        int taskFailures = runJobsUntilQuiet(Duration.ofSeconds(30));

        assertThat(faults.injected()).isEqualTo(1);
        assertThat(taskFailures).as("no receive spent on the outage").isZero();
        assertCompleteWithEveryLineOnce("jobs/out/acme/outage.out");
    }

    @Test
    void assemble_whenS3FailsAfterTheLeaseWasTaken_theSameTaskResumesItsOwnLeaseAndCompletes() {
        putManifest("jobs/in/acme/assemble.jsonl");
        // every part read of the first assembly attempts fails: the attempt that took the lease dies
        partReads.failNext(4);

        jobs.onObjectCreated("jobs/in/acme/assemble.jsonl");
        int taskFailures = runJobsUntilQuiet(Duration.ofSeconds(60));

        assertThat(partReads.injected()).isEqualTo(4);
        assertThat(taskFailures).as("the outage was ridden out in process").isZero();
        assertCompleteWithEveryLineOnce("jobs/out/acme/assemble.out");
    }

    @Test
    void assemble_whenTheTaskIsRedeliveredAfterItsAttemptDied_theRedeliveryResumesTheLease() {
        putManifest("jobs/in/acme/redeliver.jsonl");
        partReads.failNext(1_000);

        jobs.onObjectCreated("jobs/in/acme/redeliver.jsonl");
        int taskFailures = runJobsUntilQuiet(Duration.ZERO, () -> partReads.failNext(0));

        assertThat(taskFailures).as("the assemble attempt that died").isPositive();
        assertCompleteWithEveryLineOnce("jobs/out/acme/redeliver.out");
    }

    @Test
    void start_whenTheScanTaskWasNeverSent_aRetryResumesTheStuckJob() {
        putManifest("jobs/in/acme/retry.jsonl");
        faults.failCall(jobsQueueUrl, 1);

        JsonNode first = post("{\"manifest\":\"jobs/in/acme/retry.jsonl\"}", 503);
        assertThat(first.path("error").path("code").asText()).isEqualTo("unavailable");
        JsonNode second = post("{\"manifest\":\"jobs/in/acme/retry.jsonl\"}", 202);
        assertThat(second.path("state").asText())
                .as("the API call never reads the manifest")
                .isEqualTo("scanning");
        assertThat(second.path("chunks").asInt()).isZero();
        runJobsUntilQuiet();

        assertCompleteWithEveryLineOnce("jobs/out/acme/retry.out");
    }

    @Test
    void chunk_whenTheManifestIsOverwrittenMidJob_theJobFailsWithAReason() {
        putManifest("jobs/in/acme/moving.jsonl");
        jobs.onObjectCreated("jobs/in/acme/moving.jsonl");
        runOneTask(); // the first scan step: chunk tasks for the first 100 chunks are queued
        clients.s3()
                .putObject(
                        b -> b.bucket(resources.bucketName()).key("jobs/in/acme/moving.jsonl"),
                        RequestBody.fromString("{\"id\":\"other\",\"text\":\"a different file\"}\n".repeat(900)));
        runJobsUntilQuiet();

        assertThat(completed).isEmpty();
        assertThat(failed).hasSize(1);
        JsonNode status = get("/v1/jobs/" + failed.get(0).jobId());
        assertThat(status.path("state").asText()).isEqualTo("failed");
        assertThat(status.path("error").asText()).contains("overwritten").contains("upload it again");
        assertThat(clients.s3()
                        .listObjectsV2(b -> b.bucket(resources.bucketName()).prefix("jobs/out/"))
                        .contents())
                .isEmpty();
    }

    // ---- helpers ----

    private void putManifest(String key) {
        StringBuilder manifest = new StringBuilder();
        for (int i = 0; i < LINES; i++) {
            String text = i % 5 == 0 ? "maybe " + i : i % 2 == 0 ? "spam " + i : "hello " + i;
            manifest.append(Json.write(Map.of("id", "m" + i, "text", text))).append('\n');
        }
        clients.s3()
                .putObject(b -> b.bucket(resources.bucketName()).key(key), RequestBody.fromString(manifest.toString()));
    }

    private void assertCompleteWithEveryLineOnce(String outputKey) {
        assertThat(completed).hasSize(1);
        JsonNode status = get("/v1/jobs/" + completed.get(0).jobId());
        assertThat(status.path("state").asText()).isEqualTo("complete");
        assertThat(status.path("chunks").asInt()).isEqualTo(LINES / 2);
        assertThat(status.path("chunks_done").asInt())
                .as("each chunk counted once")
                .isEqualTo(LINES / 2);
        assertThat(status.path("items").asInt()).isEqualTo(LINES);
        assertThat(status.path("lost").asInt()).isZero();
        List<String> lines = clients.s3()
                .getObjectAsBytes(b -> b.bucket(resources.bucketName()).key(outputKey))
                .asUtf8String()
                .lines()
                .toList();
        assertThat(lines).hasSize(LINES);
        for (int i = 0; i < LINES; i++) {
            JsonNode line = Json.read(lines.get(i), JsonNode.class);
            assertThat(line.path("line").asInt()).isEqualTo(i);
            assertThat(line.path("id").asText()).isEqualTo("m" + i);
            assertThat(line.path("tier").asText()).isEqualTo(i % 5 == 0 ? "expert" : "gate");
        }
    }

    private JsonNode post(String body, int expectedStatus) {
        return call("POST", "/v1/jobs", body, expectedStatus);
    }

    private JsonNode get(String path) {
        return call("GET", path, null, 200);
    }

    private JsonNode call(String method, String path, String body, int expectedStatus) {
        APIGatewayV2HTTPResponse response = api.handleRequest(ApiEvents.event(method, path, body), null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(expectedStatus);
        assertThat(openApi.validateResponse(method, path, response.getStatusCode(), response.getBody()))
                .isEmpty();
        return Json.read(response.getBody(), JsonNode.class);
    }

    /** Handles one jobs-queue task (the first scan step here). */
    private void runOneTask() {
        List<Message> tasks = clients.sqs()
                .receiveMessage(
                        b -> b.queueUrl(jobsQueueUrl).maxNumberOfMessages(1).waitTimeSeconds(1))
                .messages();
        assertThat(tasks).hasSize(1);
        Message task = tasks.get(0);
        assertThat(Json.read(task.body(), JobTask.class).kind()).isEqualTo(JobTask.Kind.SCAN);
        jobs.onTask(Json.read(task.body(), JobTask.class), Duration.ZERO);
        clients.sqs().deleteMessage(b -> b.queueUrl(jobsQueueUrl).receiptHandle(task.receiptHandle()));
    }

    /**
     * Plays the batch-job Lambda's SQS trigger (a failed task goes back to the queue at once, as a
     * partial batch failure does after its visibility timeout) and the expert on the batch queue, until
     * idle; returns how many tasks failed.
     */
    private int runJobsUntilQuiet() {
        return runJobsUntilQuiet(Duration.ZERO);
    }

    /** @param outageBudget how long each task rides out dependency outages before it counts as failed */
    private int runJobsUntilQuiet(Duration outageBudget) {
        return runJobsUntilQuiet(outageBudget, () -> {});
    }

    /** @param onFailure runs after each failed task, before it is redelivered (for example to end an outage) */
    private int runJobsUntilQuiet(Duration outageBudget, Runnable onFailure) {
        int failures = 0;
        int idleRounds = 0;
        while (idleRounds < 3) {
            List<Message> tasks = clients.sqs()
                    .receiveMessage(b ->
                            b.queueUrl(jobsQueueUrl).maxNumberOfMessages(10).waitTimeSeconds(0))
                    .messages();
            for (Message task : tasks) {
                try {
                    jobs.onTask(Json.read(task.body(), JobTask.class), task.messageId(), outageBudget);
                    clients.sqs().deleteMessage(b -> b.queueUrl(jobsQueueUrl).receiptHandle(task.receiptHandle()));
                } catch (CapacityException e) {
                    failures++;
                    onFailure.run();
                    clients.sqs().changeMessageVisibility(b -> b.queueUrl(jobsQueueUrl)
                            .receiptHandle(task.receiptHandle())
                            .visibilityTimeout(0));
                }
            }
            int answered = expert.drain(resources.batchQueueUrl());
            idleRounds = tasks.isEmpty() && answered == 0 ? idleRounds + 1 : 0;
        }
        return failures;
    }
}
