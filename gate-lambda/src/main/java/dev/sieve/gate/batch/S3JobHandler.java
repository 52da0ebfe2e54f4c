package dev.sieve.gate.batch;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
                    onTask(Json.read(record.path("body").asText(), JobTask.class));
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

    /** A task from the jobs queue. */
    public void onTask(JobTask task) {
        jobs.handle(task);
    }
}
