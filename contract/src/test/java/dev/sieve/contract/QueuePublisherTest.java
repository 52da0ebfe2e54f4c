package dev.sieve.contract;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.shared.queue.Priority;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.queue.QueueMessage;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

class QueuePublisherTest {

    /** An SQS that fails every entry of every batch with the given fault. */
    private static SqsClient failing(boolean senderFault, AtomicInteger calls) {
        return new SqsClient() {
            @Override
            public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
                calls.incrementAndGet();
                return SendMessageBatchResponse.builder()
                        .failed(request.entries().stream()
                                .map(e -> BatchResultErrorEntry.builder()
                                        .id(e.id())
                                        .senderFault(senderFault)
                                        .code(senderFault ? "InvalidMessageContents" : "InternalError")
                                        .message("refused")
                                        .build())
                                .toList())
                        .build();
            }

            @Override
            public String serviceName() {
                return "sqs";
            }

            @Override
            public void close() {}
        };
    }

    private static List<QueueMessage> oneMessage() {
        return List.of(QueueMessage.inline(
                QueueMessage.Kind.REQUEST,
                "r1",
                0,
                Priority.ASYNC,
                0,
                "v1",
                0,
                List.of(QueueItem.of("a", "text", new float[] {0.5f, 0.5f}))));
    }

    @Test
    void send_whenSqsBlamesTheSender_failsAtOnceAndNotAsOverCapacity() {
        AtomicInteger calls = new AtomicInteger();
        QueuePublisher publisher = new QueuePublisher(failing(true, calls), null, "b");

        assertThatThrownBy(() -> publisher.send("q", oneMessage()))
                .isInstanceOf(QueueRejectedException.class)
                .hasMessageContaining("InvalidMessageContents");
        org.assertj.core.api.Assertions.assertThat(calls).hasValue(1);
    }

    @Test
    void send_whenSqsFailsOnItsSide_retriesThenReportsCapacity() {
        AtomicInteger calls = new AtomicInteger();
        QueuePublisher publisher = new QueuePublisher(failing(false, calls), null, "b");

        assertThatThrownBy(() -> publisher.send("q", oneMessage())).isInstanceOf(CapacityException.class);
        org.assertj.core.api.Assertions.assertThat(calls).hasValue(4);
    }
}
