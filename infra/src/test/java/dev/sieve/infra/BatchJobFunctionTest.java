package dev.sieve.infra;

import static dev.sieve.infra.Templates.list;
import static dev.sieve.infra.Templates.map;
import static dev.sieve.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.result.BucketLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

class BatchJobFunctionTest {
    private static final Template TEMPLATE = SynthesizedSieve.DEFAULT.template();

    private static final GateApi GATE = SynthesizedSieve.DEFAULT.stack().gate();

    @Test
    void batchFunction_consumesTheJobsQueueInSmallBatchesWithPartialFailures() {
        String jobsQueue = SynthesizedSieve.logicalId(
                SynthesizedSieve.DEFAULT.stack().queues().jobsQueue());
        // the batch function's own mapping (the other is the events outbox's stream source)
        List<Map<String, Object>> mappings = properties(TEMPLATE, "AWS::Lambda::EventSourceMapping").values().stream()
                .filter(m -> Templates.referencedId(m.get("FunctionName"))
                        .equals(SynthesizedSieve.logicalId(GATE.batchFunction())))
                .toList();
        assertThat(mappings).hasSize(1);
        Map<String, Object> mapping = mappings.get(0);
        assertThat(Templates.referencedId(mapping.get("FunctionName")))
                .isEqualTo(SynthesizedSieve.logicalId(GATE.batchFunction()));
        assertThat(Templates.referencedId(mapping.get("EventSourceArn"))).isEqualTo(jobsQueue);
        assertThat((Integer) mapping.get("BatchSize")).isBetween(1, 5);
        assertThat(mapping).containsEntry("FunctionResponseTypes", List.of("ReportBatchItemFailures"));
    }

    @Test
    void bucket_notifiesTheBatchFunctionOfManifestsAndUploads() {
        Map<String, Object> notifications = properties(TEMPLATE, "Custom::S3BucketNotifications")
                .values()
                .iterator()
                .next();
        String batchFunction = SynthesizedSieve.logicalId(GATE.batchFunction());
        Map<String, String> prefixes = new LinkedHashMap<>();
        for (Object config :
                list(map(notifications.get("NotificationConfiguration")).get("LambdaFunctionConfigurations"))) {
            Map<String, Object> c = map(config);
            assertThat(c).containsEntry("Events", List.of("s3:ObjectCreated:*"));
            assertThat(Templates.referencedId(c.get("LambdaFunctionArn"))).isEqualTo(batchFunction);
            Map<String, String> rules = new LinkedHashMap<>();
            for (Object rule : list(map(map(c.get("Filter")).get("Key")).get("FilterRules"))) {
                rules.put(
                        String.valueOf(map(rule).get("Name")),
                        String.valueOf(map(rule).get("Value")));
            }
            prefixes.put(rules.get("prefix"), rules.getOrDefault("suffix", ""));
        }
        assertThat(prefixes)
                .containsExactlyInAnyOrderEntriesOf(Map.of(BucketLayout.JOBS_IN, "", BucketLayout.UPLOADS, ".json"));
    }
}
