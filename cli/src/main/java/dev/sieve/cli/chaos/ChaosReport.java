package dev.sieve.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.contract.DynamoDbJobStore;
import dev.sieve.contract.DynamoDbRequestStore;
import dev.sieve.contract.RequestStore;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.queue.Priority;
import dev.sieve.shared.result.BucketLayout;
import dev.sieve.shared.tenant.Tenant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Reads every result of a chaos run back (through the API for requests and the job's status, from the
 * bucket for the job's output, from the table and the queues for what is left over) and counts. The
 * counters are defined in {@link ChaosCommand}'s help and in the README.
 */
final class ChaosReport {
    private final ChaosClient client;
    private final Tenant tenant;
    private final String table;
    private final String bucket;
    private final SqsClient sqs;
    private final DynamoDbClient dynamoDb;
    private final S3Client s3;

    ChaosReport(
            ChaosClient client,
            Tenant tenant,
            String table,
            String bucket,
            SqsClient sqs,
            DynamoDbClient dynamoDb,
            S3Client s3) {
        this.client = client;
        this.tenant = tenant;
        this.table = table;
        this.bucket = bucket;
        this.sqs = sqs;
        this.dynamoDb = dynamoDb;
        this.s3 = s3;
    }

    /** True when the request's results are final ({@code complete} or {@code failed}). */
    boolean requestDone(String requestId) throws InterruptedException {
        ChaosClient.Answer answer = client.getUntil("/v1/results/" + requestId, 3);
        return answer != null && terminal(answer.body().path("status").asText());
    }

    /** The job's state, or "unknown" when the API did not answer. */
    String jobState(String jobId) throws InterruptedException {
        ChaosClient.Answer answer = client.getUntil("/v1/jobs/" + jobId, 3);
        return answer == null ? "unknown" : answer.body().path("state").asText();
    }

    /** Messages visible or in flight in {@code queueUrls}. */
    long depth(List<String> queueUrls) {
        long total = 0;
        for (String url : queueUrls) {
            Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(url)
                            .attributeNames(
                                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                    .attributes();
            total += Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
            total += Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
        }
        return total;
    }

    /** Unfinished request and job rows in the table (anyone's: accepted calls and traces of refused ones). */
    List<String> unfinished() {
        List<String> ids = new ArrayList<>();
        new DynamoDbRequestStore(dynamoDb, s3, table, bucket)
                .unfinishedCreatedBefore(Long.MAX_VALUE, 100_000)
                .forEach(id -> ids.add("request " + id));
        new DynamoDbJobStore(dynamoDb, table)
                .unfinishedCreatedBefore(Long.MAX_VALUE, 100_000)
                .forEach(id -> ids.add("job " + id));
        return ids;
    }

    static boolean terminal(String status) {
        return status.equals("complete") || status.equals("failed");
    }

    /** The counts of one run; {@code evaluations} are the expert item-evaluations the workers reported. */
    Map<String, Object> count(
            Map<String, List<String>> accepted,
            String jobId,
            String manifestKey,
            List<String> batchIds,
            long evaluations,
            List<String> deadLetterQueues)
            throws InterruptedException {
        long items = batchIds.size();
        long lost = 0;
        long duplicated = 0;
        long stuck = 0;
        long failed = 0;
        long expertAnswered = 0;
        long fallbacks = 0;
        long itemErrors = 0;
        List<String> examples = new ArrayList<>();
        RequestStore store = new DynamoDbRequestStore(dynamoDb, s3, table, bucket);
        for (Map.Entry<String, List<String>> request : accepted.entrySet()) {
            items += request.getValue().size();
            ChaosClient.Answer answer = client.getUntil("/v1/results/" + request.getKey(), 10);
            if (answer == null) {
                lost += request.getValue().size();
                stuck++;
                examples.add("request " + request.getKey() + ": results unreadable");
                continue;
            }
            String status = answer.body().path("status").asText();
            if (!terminal(status)) {
                stuck++;
                examples.add("request " + request.getKey() + " is " + status);
            }
            failed += status.equals("failed") ? 1 : 0;
            Map<String, Integer> seen = new HashMap<>();
            Set<String> gateAnswered = new HashSet<>();
            for (JsonNode item : answer.body().path("items")) {
                String id = item.path("id").asText();
                String itemStatus = item.path("status").asText();
                String tier = item.path("tier").asText();
                if (itemStatus.equals("pending") || !item.hasNonNull("label")) {
                    continue;
                }
                itemErrors += item.hasNonNull("error") ? 1 : 0;
                if (item.hasNonNull("error")) {
                    continue; // answered with the gate's label because the expert failed: not an answer
                }
                seen.merge(id, 1, Integer::sum);
                switch (tier) {
                    case "expert", "cache" -> expertAnswered++;
                    case "gate_fallback" -> fallbacks++;
                    default -> gateAnswered.add(id);
                }
            }
            for (String id : request.getValue()) {
                int times = seen.getOrDefault(id, 0);
                if (times == 0) {
                    lost++;
                    if (examples.size() < 10) {
                        examples.add(
                                "item " + id + " of request " + request.getKey() + " (" + status + ") has no answer");
                    }
                }
                duplicated += Math.max(0, times - 1);
            }
            // An item the gate answered must have no expert row: otherwise it was answered twice.
            for (String id : store.expertResults(tenant.scope(request.getKey())).keySet()) {
                duplicated += gateAnswered.contains(id) ? 1 : 0;
            }
            // The answered counter may not pass what was escalated: otherwise an answer was counted twice.
            duplicated += store.meta(tenant.scope(request.getKey()))
                    .map(meta -> Math.max(0, meta.answered() - meta.expected()))
                    .orElse(0L);
        }
        String state = jobState(jobId);
        if (!terminal(state)) {
            stuck++;
            examples.add("job " + jobId + " is " + state);
        }
        failed += state.equals("failed") ? 1 : 0;
        Map<String, Integer> batchSeen = new HashMap<>();
        if (state.equals("complete")) {
            String output = s3.getObjectAsBytes(b -> b.bucket(bucket).key(BucketLayout.outputFor(manifestKey)))
                    .asUtf8String();
            for (String line : output.lines().toList()) {
                JsonNode node = Json.read(line, JsonNode.class);
                if (!node.hasNonNull("label") || node.hasNonNull("error")) {
                    continue;
                }
                batchSeen.merge(node.path("id").asText(), 1, Integer::sum);
                switch (node.path("tier").asText()) {
                    case "expert", "cache" -> expertAnswered++;
                    case "gate_fallback" -> fallbacks++;
                    default -> {}
                }
            }
        }
        for (String id : batchIds) {
            int times = batchSeen.getOrDefault(id, 0);
            lost += times == 0 ? 1 : 0;
            duplicated += Math.max(0, times - 1);
        }
        List<String> leftOver = unfinished();
        long orphans = 0;
        Set<String> known = new HashSet<>();
        accepted.keySet().forEach(id -> known.add("request " + tenant.scope(id)));
        known.add("job " + tenant.scope(jobId));
        for (String id : leftOver) {
            if (!known.contains(id)) {
                orphans++;
                if (examples.size() < 15) {
                    examples.add(id + " was left unfinished by a refused call");
                }
            }
        }
        stuck += orphans;
        long dlq = depth(deadLetterQueues) + failed;

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        out.put("lost", lost);
        out.put("duplicated", duplicated);
        out.put("stuck", stuck);
        out.put("dlq", dlq);
        out.put("http_500", client.http500.get());
        out.put("http_503", client.http503.get());
        out.put("recompute_ratio", expertAnswered == 0 ? 0.0 : round((double) evaluations / expertAnswered));
        out.put("expert_evaluations", evaluations);
        out.put("expert_answered", expertAnswered);
        out.put("gate_fallback", fallbacks);
        out.put("item_errors", itemErrors);
        out.put("orphans", orphans);
        out.put("failed", failed);
        out.put("http_429", client.http429.get());
        out.put("http_503_without_retry_after", client.http503WithoutRetryAfter.get());
        out.put("http_other_errors", client.otherErrors.get());
        out.put("connection_errors", client.connectionErrors.get());
        out.put("requests", accepted.size());
        out.put("examples", examples);
        return out;
    }

    static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    /** The three work queues and the jobs queue. */
    static List<String> workQueues(dev.sieve.localaws.SieveResources resources, String jobsQueueUrl) {
        List<String> urls = new ArrayList<>();
        for (Priority priority : Priority.values()) {
            urls.add(resources.queueUrl(priority));
        }
        urls.add(jobsQueueUrl);
        return urls;
    }
}
