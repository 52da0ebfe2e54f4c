package dev.sieve.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.result.TableSchema;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class AssemblyCheckTest {

    private static Map<String, AttributeValue> meta(long done, long chunks, String state) {
        Map<String, AttributeValue> meta = new HashMap<>();
        meta.put(TableSchema.CHUNKS_DONE, AttributeValue.fromN(Long.toString(done)));
        meta.put(TableSchema.CHUNKS, AttributeValue.fromN(Long.toString(chunks)));
        if (state != null) {
            meta.put(TableSchema.STATE, AttributeValue.fromS(state));
        }
        return meta;
    }

    @Test
    void allChunksDone_whenEveryChunkCountedAndRunning_isTrue() {
        assertThat(AwsResultSink.allChunksDone(meta(3, 3, "RUNNING"))).isTrue();
        assertThat(AwsResultSink.allChunksDone(meta(4, 3, "ASSEMBLING"))).isTrue();
        assertThat(AwsResultSink.allChunksDone(meta(3, 3, null))).isTrue();
    }

    @Test
    void allChunksDone_whenChunksRemain_isFalse() {
        assertThat(AwsResultSink.allChunksDone(meta(2, 3, "RUNNING"))).isFalse();
    }

    @Test
    void allChunksDone_whenCompleteScanningOrMissing_isFalse() {
        assertThat(AwsResultSink.allChunksDone(meta(3, 3, "COMPLETE"))).isFalse();
        assertThat(AwsResultSink.allChunksDone(meta(3, 3, "SCANNING"))).isFalse();
        assertThat(AwsResultSink.allChunksDone(null)).isFalse();
        assertThat(AwsResultSink.allChunksDone(Map.of())).isFalse();
        assertThat(AwsResultSink.allChunksDone(Map.of(TableSchema.CHUNKS_DONE, AttributeValue.fromN("1"))))
                .isFalse();
    }
}
