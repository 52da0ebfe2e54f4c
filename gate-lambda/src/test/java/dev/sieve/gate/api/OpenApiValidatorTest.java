package dev.sieve.gate.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.gate.GateRuntime;
import org.junit.jupiter.api.Test;

class OpenApiValidatorTest {
    private final OpenApiValidator validator = new OpenApiValidator(GateRuntime.openApi());

    @Test
    void validateResponse_whenErrorBodyConforms_reportsNothing() {
        String body = "{\"error\":{\"code\":\"invalid_request\",\"field\":\"items[3].text\","
                + "\"message\":\"must be a non-empty string\"}}";
        assertThat(validator.validateResponse("POST", "/v1/classify", 400, body))
                .isEmpty();
    }

    @Test
    void validateResponse_whenFieldMissingOrWrongEnum_reportsEach() {
        String body = "{\"request_id\":\"r\",\"mode\":\"sometimes\",\"status\":\"complete\"}";
        assertThat(validator.validateResponse("GET", "/v1/results/abc", 200, body))
                .containsExactlyInAnyOrder(
                        "$.results_url is required", "$.mode = \"sometimes\" is not one of [\"realtime\",\"async\"]");
    }

    @Test
    void validateResponse_whenStatusUndocumented_saysSo() {
        assertThat(validator.validateResponse("GET", "/v1/results/abc", 418, "{}"))
                .containsExactly("GET /v1/results/abc does not document status 418");
    }

    @Test
    void validateResponse_whenItemHasUnknownFieldOrBadConfidence_reportsIt() {
        String body = "{\"request_id\":\"r\",\"mode\":\"realtime\",\"status\":\"complete\",\"results_url\":\"/x\","
                + "\"items\":[{\"id\":\"a\",\"status\":\"complete\",\"confidence\":1.5,\"colour\":\"red\"}]}";
        assertThat(validator.validateResponse("POST", "/v1/classify", 200, body))
                .containsExactlyInAnyOrder(
                        "$.items[0].confidence is above 1.0", "$.items[0].colour is not allowed by the schema");
    }
}
