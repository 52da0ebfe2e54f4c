package dev.sieve.cli.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.pricing.CostModel;
import dev.sieve.shared.metrics.MetricNames;
import dev.sieve.shared.metrics.Metrics;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

class UsageCounterTest {

    @Test
    void count_whenSqsMessagesAreLarge_billsEvery64KbChunkAndSkipsEmptyReceives() {
        UsageCounter counter = new UsageCounter();
        counter.count(
                "Sqs",
                "SendMessage",
                SendMessageRequest.builder().messageBody("x".repeat(200_000)).build(),
                null,
                0);
        counter.count(
                "Sqs",
                "ReceiveMessage",
                ReceiveMessageRequest.builder().build(),
                ReceiveMessageResponse.builder()
                        .messages(Message.builder().body("small").build())
                        .build(),
                0);
        counter.count(
                "Sqs",
                "ReceiveMessage",
                ReceiveMessageRequest.builder().build(),
                ReceiveMessageResponse.builder().build(),
                0);
        assertThat(counter.snapshot()).containsEntry(CostModel.SQS_REQUESTS, 4.0 + 1.0);
    }

    @Test
    void count_whenS3IsListed_countsOnlyBilledRequests() {
        UsageCounter counter = new UsageCounter();
        counter.count("S3", "PutObject", PutObjectRequest.builder().build(), null, 0);
        counter.count("S3", "GetObject", GetObjectRequest.builder().build(), null, 0);
        counter.count("S3", "ListObjectsV2", ListObjectsV2Request.builder().build(), null, 0);
        Map<String, Double> counts = counter.snapshot();
        assertThat(counts).containsEntry(CostModel.S3_PUTS, 1.0).containsEntry(CostModel.S3_GETS, 1.0);
    }

    @Test
    void record_whenTheWorkerReportsABatch_addsExpertItemsAndBusySeconds() {
        UsageCounter counter = new UsageCounter();
        counter.record(
                Map.of(),
                Map.of(
                        MetricNames.EXPERT_ITEMS, Metrics.Metric.count(8),
                        MetricNames.EXPERT_BUSY_SECONDS, Metrics.Metric.seconds(0.4)));
        assertThat(counter.snapshot())
                .containsEntry(CostModel.EXPERT_ITEMS, 8.0)
                .containsEntry(UsageCounter.EXPERT_BUSY_SECONDS, 0.4);
    }

    @Test
    void record_whenTheWorkerAlsoReportsTheBatchPerTenant_countsItOnce() {
        UsageCounter counter = new UsageCounter();
        Map<String, Metrics.Metric> batch = Map.of(
                MetricNames.EXPERT_ITEMS, Metrics.Metric.count(8),
                MetricNames.EXPERT_BUSY_SECONDS, Metrics.Metric.seconds(0.4));
        counter.record(Map.of(), batch);
        // the same batch again, as WorkerMetrics.tenantUsage reports it for the tenant a load run calls as
        counter.record(
                Map.of("usage", MetricNames.TENANT_USAGE), batch, Map.of(MetricNames.TENANT, LoadCommand.LOCAL_TENANT));
        assertThat(counter.snapshot())
                .containsEntry(CostModel.EXPERT_ITEMS, 8.0)
                .containsEntry(UsageCounter.EXPERT_BUSY_SECONDS, 0.4);
    }
}
