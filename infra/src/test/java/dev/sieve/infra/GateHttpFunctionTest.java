package dev.sieve.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

class GateHttpFunctionTest {
    private static final Template TEMPLATE = SynthesizedSieve.DEFAULT.template();

    private static final GateApi GATE = SynthesizedSieve.DEFAULT.stack().gate();

    @Test
    void gateFunction_isJava21WithSnapStartOnPublishedVersions() {
        Map<String, Object> props = GateApiTest.function(GATE.gateFunction());
        assertThat(props)
                .containsEntry("Runtime", "java21")
                .containsEntry("Handler", GateHttpFunction.HANDLER)
                .containsEntry("SnapStart", Map.of("ApplyOn", "PublishedVersions"))
                .containsEntry("MemorySize", 2048);
        // the real-time budget (2 s) plus margin, below API Gateway's 30 s integration limit
        assertThat((Integer) props.get("Timeout")).isBetween(3, GateHttpApi.INTEGRATION_LIMIT_SECONDS);
        assertThat(GateApiTest.function(GATE.batchFunction())).containsEntry("Handler", BatchJobFunction.HANDLER);
    }
}
