package dev.sieve.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.shared.config.ConfigException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GateConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("SIEVE_TABLE_NAME", "t");
        env.put("SIEVE_BUCKET_NAME", "b");
        env.put("SIEVE_REALTIME_QUEUE_URL", "http://q/r");
        env.put("SIEVE_ASYNC_QUEUE_URL", "http://q/a");
        env.put("SIEVE_BATCH_QUEUE_URL", "http://q/b");
        env.put("SIEVE_JOBS_QUEUE_URL", "http://q/j");
        env.put("SIEVE_BUNDLE_URI", "s3://b/bundles/v1/");
        return env;
    }

    @Test
    void fromEnvironment_whenOnlyRequiredSet_usesDocumentedDefaults() {
        GateConfig config = GateConfig.fromEnvironment(minimal());
        assertThat(config.realtimeMaxItems()).isEqualTo(1000);
        assertThat(config.realtimeBudgetMs()).isEqualTo(2000);
        assertThat(config.batchChunkItems()).isEqualTo(10_000);
        assertThat(config.batchChunkBytes()).isEqualTo(32 * 1024 * 1024);
        assertThat(config.resultsTtlDays()).isEqualTo(7);
        assertThat(config.apiBaseUrl()).isEmpty();
        assertThat(config.s3PathStyle()).isFalse();
        assertThat(config.jobsQueueUrl()).isEqualTo("http://q/j");
    }

    @Test
    void fromEnvironment_whenTableMissing_namesTheVariable() {
        Map<String, String> env = minimal();
        env.remove("SIEVE_TABLE_NAME");
        assertThatThrownBy(() -> GateConfig.fromEnvironment(env))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SIEVE_TABLE_NAME");
    }

    @Test
    void fromEnvironment_whenBudgetNotANumber_namesTheVariableAndRange() {
        Map<String, String> env = minimal();
        env.put("SIEVE_REALTIME_BUDGET_MS", "soon");
        assertThatThrownBy(() -> GateConfig.fromEnvironment(env))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SIEVE_REALTIME_BUDGET_MS")
                .hasMessageContaining("0..25000");
    }

    @Test
    void fromEnvironment_whenBaseUrlHasTrailingSlash_dropsIt() {
        Map<String, String> env = minimal();
        env.put("SIEVE_API_BASE_URL", "https://api.example/");
        assertThat(GateConfig.fromEnvironment(env).apiBaseUrl()).isEqualTo("https://api.example");
    }
}
