package dev.sieve.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.shared.config.ConfigException;
import dev.sieve.shared.queue.Priority;
import dev.sieve.worker.expert.ExpertPrecision;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("SIEVE_REALTIME_QUEUE_URL", "http://q/rt");
        env.put("SIEVE_TABLE_NAME", "t");
        env.put("SIEVE_BUCKET_NAME", "b");
        env.put("SIEVE_BUNDLE_URI", "/bundle");
        return env;
    }

    @Test
    void fromEnvironment_whenOnlyRequiredSet_usesDocumentedDefaults() {
        WorkerConfig c = WorkerConfig.fromEnvironment(minimal(), 8);

        assertThat(c.queueUrls()).containsOnlyKeys(Priority.REALTIME);
        assertThat(c.device()).isEqualTo("cpu");
        assertThat(c.cuda()).isFalse();
        assertThat(c.maxBatchItems()).isEqualTo(64);
        assertThat(c.maxBatchTokens()).isEqualTo(16_384);
        assertThat(c.maxWait()).isEqualTo(Duration.ofMillis(20));
        assertThat(c.maxInFlightItems()).isEqualTo(512);
        assertThat(c.visibilityTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.drainGrace()).isEqualTo(Duration.ofSeconds(25));
        assertThat(c.tokenizerThreads()).isEqualTo(7);
        assertThat(c.intraOpThreads()).isEqualTo(8);
        assertThat(c.starvationLimit()).isEqualTo(8);
        assertThat(c.itemRetryLimit()).isEqualTo(3);
        assertThat(c.resultsTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(c.metricsNamespace()).isEqualTo("Sieve");
        assertThat(c.ecsAgentUri()).isEmpty();
        assertThat(c.jobsQueueUrl()).isEmpty();
        assertThat(c.expertPrecision()).isEqualTo(ExpertPrecision.FP32);
    }

    @Test
    void fromEnvironment_whenPrecisionInt8_servesTheInt8Graph() {
        Map<String, String> env = minimal();
        env.put("SIEVE_EXPERT_PRECISION", "INT8");

        WorkerConfig c = WorkerConfig.fromEnvironment(env, 8);

        assertThat(c.expertPrecision()).isEqualTo(ExpertPrecision.INT8);
        assertThat(c.expertOptions().int8()).isTrue();
    }

    @Test
    void fromEnvironment_whenPrecisionUnknown_namesSettingAndAllowedValues() {
        Map<String, String> env = minimal();
        env.put("SIEVE_EXPERT_PRECISION", "bf16");

        assertThatThrownBy(() -> WorkerConfig.fromEnvironment(env, 8))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SIEVE_EXPERT_PRECISION")
                .hasMessageContaining("fp32")
                .hasMessageContaining("int8");
    }

    @Test
    void fromEnvironment_whenFp16OnCpu_isRejectedWithWhatToUseInstead() {
        Map<String, String> env = minimal();
        env.put("SIEVE_EXPERT_PRECISION", "fp16");

        assertThatThrownBy(() -> WorkerConfig.fromEnvironment(env, 8))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CUDA")
                .hasMessageContaining("int8");
        env.put("SIEVE_DEVICE", "cuda:0");
        assertThat(WorkerConfig.fromEnvironment(env, 8).expertPrecision()).isEqualTo(ExpertPrecision.FP16);
    }

    @Test
    void fromEnvironment_whenCudaDevice_parsesIndexAndUsesOneIntraOpThread() {
        Map<String, String> env = minimal();
        env.put("SIEVE_DEVICE", "cuda:1");

        WorkerConfig c = WorkerConfig.fromEnvironment(env, 8);

        assertThat(c.cuda()).isTrue();
        assertThat(c.cudaDeviceId()).isEqualTo(1);
        assertThat(c.intraOpThreads()).isEqualTo(1);
    }

    @Test
    void fromEnvironment_whenDeviceUnknown_namesSettingAndAllowedValues() {
        Map<String, String> env = minimal();
        env.put("SIEVE_DEVICE", "gpu");

        assertThatThrownBy(() -> WorkerConfig.fromEnvironment(env, 2))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SIEVE_DEVICE")
                .hasMessageContaining("cuda:N");
    }

    @Test
    void fromEnvironment_whenNoQueue_refusesToStart() {
        Map<String, String> env = minimal();
        env.remove("SIEVE_REALTIME_QUEUE_URL");

        assertThatThrownBy(() -> WorkerConfig.fromEnvironment(env, 2))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SIEVE_BATCH_QUEUE_URL");
    }

    @Test
    void fromEnvironment_whenBatchSizeOutOfRange_namesSettingAndRange() {
        Map<String, String> env = minimal();
        env.put("SIEVE_MAX_BATCH_ITEMS", "0");

        assertThatThrownBy(() -> WorkerConfig.fromEnvironment(env, 2))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SIEVE_MAX_BATCH_ITEMS")
                .hasMessageContaining("1..4096");
    }

    @Test
    void fromEnvironment_whenTableMissing_saysItIsRequired() {
        Map<String, String> env = minimal();
        env.remove("SIEVE_TABLE_NAME");

        assertThatThrownBy(() -> WorkerConfig.fromEnvironment(env, 2))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SIEVE_TABLE_NAME");
    }

    @Test
    void fromEnvironment_whenJobsQueueSet_requestsAssemblyThere() {
        Map<String, String> env = minimal();
        env.put("SIEVE_JOBS_QUEUE_URL", " http://q/jobs ");

        assertThat(WorkerConfig.fromEnvironment(env, 2).jobsQueueUrl()).contains("http://q/jobs");
    }

    @Test
    void fromEnvironment_whenJobsQueueBlank_treatsItAsUnset() {
        Map<String, String> env = minimal();
        env.put("SIEVE_JOBS_QUEUE_URL", "  ");

        assertThat(WorkerConfig.fromEnvironment(env, 2).jobsQueueUrl()).isEmpty();
    }
}
