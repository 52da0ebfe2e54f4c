package dev.sieve.gate.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.gate.AwsClients;
import dev.sieve.gate.GateConfig;
import dev.sieve.gate.GateRuntime;
import dev.sieve.gate.LazyGate;
import dev.sieve.gate.api.HttpApiHandler;
import dev.sieve.gate.api.OpenApiValidator;
import dev.sieve.gate.model.GateModels;
import dev.sieve.gate.model.GateThresholds;
import dev.sieve.gate.model.LinearGateModel;
import dev.sieve.gate.model.TfidfFeaturizer;
import dev.sieve.localaws.LocalAws;
import dev.sieve.localaws.SieveResources;
import dev.sieve.shared.bundle.BundleManifest;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.metrics.Metrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A first {@code cdk deploy}: SnapStart runs the gate's initializer while the stack's bucket is still
 * empty. Initialization must not throw (or the Lambda version never stabilizes and the stack rolls back);
 * requests are answered 503 {@code model_not_loaded} until a bundle is published, and served after.
 */
class EmptyBucketStartIT {
    private static final LocalAws AWS = LocalAws.shared();
    private final OpenApiValidator openApi = new OpenApiValidator(GateRuntime.openApi());

    /** A clock the test moves past the gate's retry interval. */
    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }
    }

    @Test
    void init_whenBucketIsEmpty_doesNotThrowAndAnswersModelNotLoadedUntilABundleIsPublished(@TempDir Path dir)
            throws IOException {
        SieveResources resources = SieveResources.create(AWS, SieveResources.uniquePrefix("empty"));
        AwsClients clients = new AwsClients(AWS.sqsClient(), AWS.dynamoDbClient(), AWS.s3Client(), AWS.s3Presigner());
        Map<String, String> env = new HashMap<>(resources.environment());
        String prefix = "bundles/current/";
        env.put(EnvironmentVariables.BUNDLE_URI, "s3://" + resources.bucketName() + "/" + prefix);
        env.put(EnvironmentVariables.API_BASE_URL, "http://localhost:0");
        env.put(EnvironmentVariables.JOBS_QUEUE_URL, resources.realtimeQueueUrl());
        GateConfig config = GateConfig.fromEnvironment(env);
        MovableClock clock = new MovableClock();

        GateRuntime[] built = new GateRuntime[1];
        assertThatCode(() -> built[0] = GateRuntime.lambda(config, clients, Metrics.noop(), clock))
                .as("the initializer SnapStart runs at version publish time")
                .doesNotThrowAnyException();
        HttpApiHandler api = new HttpApiHandler(built[0].routes());

        APIGatewayV2HTTPResponse refused = post(api, "/v1/classify", ApiEvents.items("hello there"));
        assertThat(refused.getStatusCode()).isEqualTo(503);
        JsonNode error = Json.mapper().readTree(refused.getBody()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("model_not_loaded");
        assertThat(error.path("message").asText()).contains(prefix).contains("sieve bundle publish");
        assertThat(refused.getHeaders()).containsEntry("Retry-After", Integer.toString(LazyGate.RETRY_AFTER_SECONDS));
        assertThat(clients.dynamoDb()
                        .scan(b -> b.tableName(resources.tableName()))
                        .count())
                .as("a refused request leaves no trace, so retrying it is safe")
                .isZero();
        publishBundle(dir, clients, resources.bucketName(), prefix);
        assertThat(post(api, "/v1/classify", ApiEvents.items("hello there")).getStatusCode())
                .as("within the retry interval the remembered failure is answered without another S3 listing")
                .isEqualTo(503);
        clock.advance(Duration.ofSeconds(LazyGate.RETRY_AFTER_SECONDS + 1));

        APIGatewayV2HTTPResponse served = post(api, "/v1/classify", ApiEvents.items("goal match team score league"));
        assertThat(served.getStatusCode()).as(served.getBody()).isEqualTo(200);
        assertThat(Json.mapper()
                        .readTree(served.getBody())
                        .path("items")
                        .get(0)
                        .path("label")
                        .asText())
                .isNotEmpty();
        built[0].close();
    }

    private static void publishBundle(Path dir, AwsClients clients, String bucket, String prefix) throws IOException {
        List<String> labels = List.of("food", "sports", "tech");
        String[][] words = {
            {"recipe", "garlic", "oven", "butter", "flour"},
            {"goal", "match", "team", "score", "league"},
            {"server", "kernel", "compile", "java", "database"}
        };
        // A hand-built gate (no training stack in this module): each class's words get a large weight
        // in their own hashed bucket, so "garlic oven" scores as food.
        TfidfFeaturizer featurizer = new TfidfFeaturizer(14);
        float[] idf = new float[featurizer.buckets()];
        java.util.Arrays.fill(idf, 1f);
        float[] weights = new float[featurizer.buckets() * labels.size()];
        TfidfFeaturizer.Workspace workspace = featurizer.newWorkspace();
        for (int c = 0; c < labels.size(); c++) {
            for (String word : words[c]) {
                featurizer.countTerms(word, workspace);
                for (int i = 0; i < workspace.size(); i++) {
                    weights[workspace.indices()[i] * labels.size() + c] = 8f;
                }
            }
        }
        LinearGateModel gate = new LinearGateModel(labels, featurizer, idf, weights, new float[labels.size()]);
        Path bundleDir = Files.createDirectories(dir.resolve("bundle"));
        gate.save(bundleDir.resolve(GateModels.GATE_FILE));
        GateModels.writeThresholds(
                bundleDir.resolve(GateModels.THRESHOLDS_FILE),
                new GateThresholds(labels, Map.of("food", 0.0, "sports", 0.0, "tech", 0.0), Map.of()));
        ModelBundle.write(
                bundleDir,
                labels,
                Map.of(
                        BundleManifest.GATE,
                        GateModels.GATE_FILE,
                        BundleManifest.THRESHOLDS,
                        GateModels.THRESHOLDS_FILE),
                Map.of());
        try (Stream<Path> files = Files.list(bundleDir)) {
            for (Path file : files.toList()) {
                clients.s3()
                        .putObject(b -> b.bucket(bucket).key(prefix + file.getFileName()), RequestBody.fromFile(file));
            }
        }
    }

    private APIGatewayV2HTTPResponse post(HttpApiHandler api, String path, String body) {
        APIGatewayV2HTTPEvent event = ApiEvents.event("POST", path, body);
        APIGatewayV2HTTPResponse response = api.handleRequest(event, null);
        assertThat(openApi.validateResponse("POST", path, response.getStatusCode(), response.getBody()))
                .as(
                        "POST %s → %s %s conforms to the OpenAPI document",
                        path, response.getStatusCode(), response.getBody())
                .isEmpty();
        return response;
    }
}
