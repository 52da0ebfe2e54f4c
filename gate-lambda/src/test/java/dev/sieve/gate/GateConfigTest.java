package dev.sieve.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.shared.config.ConfigException;
import dev.sieve.shared.tenant.Tenant;
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
        assertThat(config.batchChunkItems()).isEqualTo(20_000);
        assertThat(config.batchChunkBytes()).isEqualTo(48 * 1024 * 1024);
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

    @Test
    void realtimeQueueUrl_whenTenantHasALane_isItsOwnQueueAndOthersShareTheRealtimeQueue() {
        Map<String, String> env = minimal();
        env.put("SIEVE_LANE_QUEUE_URLS", "{\"acme\":\"http://q/acme-lane\"}");
        GateConfig config = GateConfig.fromEnvironment(env);
        assertThat(config.realtimeQueueUrl(Tenant.of("acme"))).isEqualTo("http://q/acme-lane");
        assertThat(config.realtimeQueueUrl(Tenant.of("beta"))).isEqualTo("http://q/r");
        assertThat(GateConfig.fromEnvironment(minimal()).realtimeQueueUrl(Tenant.of("acme")))
                .isEqualTo("http://q/r");
    }

    @Test
    void fromEnvironment_whenALaneIsNotAQueueUrl_namesTheVariableAndTheTenant() {
        Map<String, String> env = minimal();
        env.put("SIEVE_LANE_QUEUE_URLS", "{\"acme\":42}");
        assertThatThrownBy(() -> GateConfig.fromEnvironment(env))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SIEVE_LANE_QUEUE_URLS")
                .hasMessageContaining("acme")
                .hasMessageContaining("queue URL");
    }

    @Test
    void fromEnvironment_whenALaneNamesAnInvalidTenant_saysWhatATenantNameMayBe() {
        Map<String, String> env = minimal();
        env.put("SIEVE_LANE_QUEUE_URLS", "{\"a/b\":\"http://q/x\"}");
        assertThatThrownBy(() -> GateConfig.fromEnvironment(env))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SIEVE_LANE_QUEUE_URLS")
                .hasMessageContaining("'a/b'");
    }

    @Test
    void fromEnvironment_whenLanesAreNotAnObject_showsAnExample() {
        Map<String, String> env = minimal();
        env.put("SIEVE_LANE_QUEUE_URLS", "acme");
        assertThatThrownBy(() -> GateConfig.fromEnvironment(env))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SIEVE_LANE_QUEUE_URLS")
                .hasMessageContaining("acme-lane");
    }
}
