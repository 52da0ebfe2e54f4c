package dev.sieve.gate.batch;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.contract.CapacityException;
import dev.sieve.gate.GateRuntime;
import dev.sieve.gate.JsonLog;
import dev.sieve.gate.service.GateService;
import dev.sieve.shared.job.JobTask;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.result.BucketLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Batch-transform and upload entry point. Two event sources reach it:
 *
 * <ul>
 *   <li>S3 {@code ObjectCreated} under {@code jobs/in/} (a manifest: start a job) or {@code uploads/}
 *       (a presigned-upload body: process it as an async request);
 *   <li>SQS messages from the jobs queue ({@link JobTask}: gate one chunk, or assemble the output),
 *       answered with a partial batch response so one bad task never fails its neighbours.
 * </ul>
 */
public final class S3JobHandler implements RequestStreamHandler {
    /**
     * How long one invocation rides out dependency outages (throttling, 5xx, unreachable: {@link
     * CapacityException}) in its tasks, retrying with back-off, before a task is given back to the queue
     * and spends one of its receives. Tasks are idempotent, so a retry redoes the step safely; without this,
     * a few minutes of DynamoDB or S3 trouble spent the whole receive budget and a healthy job ended in
     * the dead-letter queue. Shared by the invocation's tasks, so the Lambda never times out riding it.
     */
    public static final Duration OUTAGE_BUDGET = Duration.ofMinutes(2);

    private static final long MAX_BACKOFF_MS = 10_000;

    private final JobService jobs;
    private final GateService requests;

    public S3JobHandler() {
        this(GateRuntime.fromEnvironment(System.getenv()));
    }

    public S3JobHandler(GateRuntime runtime) {
        this.jobs = runtime.jobService();
        this.requests = runtime.gateService();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = Json.mapper().readTree(input);
        List<Map<String, String>> failures = new ArrayList<>();
        long budgetMs = OUTAGE_BUDGET.toMillis();
        if (context != null && context.getRemainingTimeInMillis() > 0) {
            budgetMs = Math.max(0, Math.min(budgetMs, context.getRemainingTimeInMillis() - 60_000L));
        }
        long rideOutUntil = System.nanoTime() + budgetMs * 1_000_000L;
        for (JsonNode record : event.path("Records")) {
            String source =
                    record.path("eventSource").asText(record.path("EventSource").asText());
            if (source.equals("aws:s3")) {
                String key = URLDecoder.decode(
                        record.path("s3").path("object").path("key").asText(), StandardCharsets.UTF_8);
                onObjectCreated(key);
            } else if (source.equals("aws:sqs")) {
                String messageId = record.path("messageId").asText();
                try {
                    onTask(Json.read(record.path("body").asText(), JobTask.class), messageId, rideOutUntil);
                } catch (RuntimeException e) {
                    JsonLog.error("job task failed", Map.of("message_id", messageId), e);
                    failures.add(Map.of("itemIdentifier", messageId));
                }
            }
        }
        output.write(Json.writeBytes(Map.of("batchItemFailures", failures)));
    }

    /**
     * An object was created in Sieve's bucket. A manifest outside {@code jobs/in/<tenant>/} belongs to no
     * tenant and is left alone (logged), not retried.
     */
    public void onObjectCreated(String key) {
        if (key.startsWith(BucketLayout.JOBS_IN) && !key.endsWith("/")) {
            if (BucketLayout.tenantOfManifest(key).isEmpty()) {
                JsonLog.warn(
                        "manifest outside jobs/in/<tenant>/ ignored",
                        Map.of("key", key.replaceAll("[^\\x20-\\x7E]", "?")));
                return;
            }
            jobs.start(key);
        } else if (key.startsWith(BucketLayout.UPLOADS) && key.endsWith(".json")) {
            requests.processUpload(key);
        }
    }

    /** A task from the jobs queue, riding out dependency outages for up to {@link #OUTAGE_BUDGET}. */
    public void onTask(JobTask task) {
        onTask(task, OUTAGE_BUDGET);
    }

    /**
     * A task, riding out dependency outages for up to {@code budget} ({@link Duration#ZERO}: the first
     * failure is thrown, as the queue's redelivery then handles it).
     */
    public void onTask(JobTask task, Duration budget) {
        onTask(task, UUID.randomUUID().toString(), budget);
    }

    /**
     * A delivery of a task: {@code deliveryId} is the queue message's id, the same on a redelivery, so an
     * assembly that failed after taking the job's lease is resumed by the next attempt (see {@link
     * JobService#handle(JobTask, String)}).
     */
    public void onTask(JobTask task, String deliveryId, Duration budget) {
        onTask(task, deliveryId, System.nanoTime() + budget.toNanos());
    }

    private void onTask(JobTask task, String deliveryId, long rideOutUntilNanos) {
        long delayMs = 250;
        while (true) {
            try {
                jobs.handle(task, deliveryId);
                return;
            } catch (CapacityException e) {
                if (System.nanoTime() + delayMs * 1_000_000L - rideOutUntilNanos > 0) {
                    throw e;
                }
                JsonLog.warn(
                        "job task held through a dependency outage",
                        Map.of(
                                "job_id", task.jobId(),
                                "kind", task.kind().name(),
                                "retry_in_ms", delayMs,
                                "reason", String.valueOf(e.getMessage())));
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                delayMs = Math.min(delayMs * 2, MAX_BACKOFF_MS);
            }
        }
    }
}
