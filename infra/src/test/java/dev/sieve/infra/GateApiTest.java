package dev.sieve.infra;

import static dev.sieve.infra.Templates.list;
import static dev.sieve.infra.Templates.map;
import static dev.sieve.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.result.BucketLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Function;

class GateApiTest {
    private static final Template TEMPLATE = SynthesizedSieve.DEFAULT.template();

    private static final GateApi GATE = SynthesizedSieve.DEFAULT.stack().gate();

    @Test
    void functions_environmentNames_areExactlyTheSharedConstants() {
        Set<String> known = Templates.environmentVariableNames();
        Map<String, Object> gateEnvironment = environment(GATE.gateFunction());
        Map<String, Object> batchEnvironment = environment(GATE.batchFunction());
        gateEnvironment.remove("JAVA_TOOL_OPTIONS");
        assertThat(known).containsAll(gateEnvironment.keySet()).containsAll(batchEnvironment.keySet());
        assertThat(gateEnvironment)
                .containsKeys(
                        EnvironmentVariables.TABLE_NAME,
                        EnvironmentVariables.BUCKET_NAME,
                        EnvironmentVariables.REALTIME_QUEUE_URL,
                        EnvironmentVariables.ASYNC_QUEUE_URL,
                        EnvironmentVariables.BATCH_QUEUE_URL,
                        EnvironmentVariables.BUNDLE_URI,
                        EnvironmentVariables.API_BASE_URL,
                        EnvironmentVariables.REALTIME_BUDGET_MS,
                        EnvironmentVariables.METRICS_NAMESPACE)
                .containsEntry(EnvironmentVariables.REALTIME_BUDGET_MS, "2000")
                .containsEntry(EnvironmentVariables.METRICS_NAMESPACE, "Sieve");
        assertThat(String.valueOf(gateEnvironment.get(EnvironmentVariables.BUNDLE_URI)))
                .contains("s3://", "/bundles/current/");
        assertThat(batchEnvironment)
                .containsKeys(EnvironmentVariables.TABLE_NAME, EnvironmentVariables.BATCH_QUEUE_URL);
    }

    @Test
    void functionRoles_grantOnlyTheirBucketPrefixes() {
        Map<String, Set<String>> gate = objectActionsByPrefix(GATE.gateFunction());
        assertThat(gate)
                .containsEntry(BucketLayout.BUNDLES, Set.of("s3:GetObject"))
                .containsEntry(BucketLayout.JOBS_IN, Set.of("s3:GetObject"))
                .containsEntry(BucketLayout.UPLOADS, WRITE)
                .containsEntry(BucketLayout.PAYLOADS, WRITE)
                .containsEntry(BucketLayout.RESULTS, READ_WRITE)
                .hasSize(5);
        Map<String, Set<String>> batch = objectActionsByPrefix(GATE.batchFunction());
        assertThat(batch)
                .containsEntry(BucketLayout.BUNDLES, Set.of("s3:GetObject"))
                .containsEntry(BucketLayout.JOBS_IN, Set.of("s3:GetObject"))
                .containsEntry(BucketLayout.UPLOADS, Set.of("s3:GetObject"))
                .containsEntry(BucketLayout.JOBS_OUT, WRITE)
                .containsEntry(BucketLayout.PAYLOADS, WRITE)
                .containsEntry(BucketLayout.RESULTS, WRITE)
                .containsEntry(BucketLayout.JOBS_PARTS, READ_WRITE)
                .hasSize(7);
        for (Function fn : List.of(GATE.gateFunction(), GATE.batchFunction())) {
            assertThat(policyOf(fn)).doesNotContain("s3:*").doesNotContain("s3:DeleteObject");
        }
    }

    @Test
    void functionRoles_sendToTheJobsQueue_andOnlyTheBatchFunctionConsumesIt() {
        String jobsQueue = SynthesizedSieve.logicalId(
                SynthesizedSieve.DEFAULT.stack().queues().jobsQueue());
        for (Function fn : List.of(GATE.gateFunction(), GATE.batchFunction())) {
            assertThat(queueActions(fn, jobsQueue)).as(fn.getNode().getId()).contains("sqs:SendMessage");
        }
        assertThat(queueActions(GATE.gateFunction(), jobsQueue)).doesNotContain("sqs:ReceiveMessage");
        assertThat(queueActions(GATE.batchFunction(), jobsQueue)).contains("sqs:ReceiveMessage", "sqs:DeleteMessage");
    }

    @Test
    void functions_environment_coversEveryVariableGateConfigRequires() throws IOException {
        Set<String> required = gateConfigRequiredVariables();
        // GateConfig has always required the table, bucket, three work queues and the bundle
        assertThat(required)
                .contains(
                        EnvironmentVariables.TABLE_NAME,
                        EnvironmentVariables.BUCKET_NAME,
                        EnvironmentVariables.BUNDLE_URI);
        for (Function fn : List.of(GATE.gateFunction(), GATE.batchFunction())) {
            Map<String, Object> env = environment(fn);
            assertThat(env.keySet()).as(fn.getNode().getId()).containsAll(required);
            assertThat(env)
                    .as(fn.getNode().getId())
                    .containsKey(EnvironmentVariables.JOBS_QUEUE_URL)
                    // emulator-only switch, and limits whose GateConfig defaults are the AWS values
                    .doesNotContainKeys(
                            EnvironmentVariables.S3_PATH_STYLE,
                            EnvironmentVariables.MAX_REQUEST_ITEMS,
                            EnvironmentVariables.UPLOAD_URL_TTL_S);
            assertThat(Templates.referencedId(env.get(EnvironmentVariables.JOBS_QUEUE_URL)))
                    .isEqualTo(SynthesizedSieve.logicalId(
                            SynthesizedSieve.DEFAULT.stack().queues().jobsQueue()));
        }
    }

    /**
     * The names {@code GateConfig.fromEnvironment} reads with {@code settings.required(...)}, read from
     * its source: infra does not depend on the gate module (its build would pull the gate's tests into
     * every infra build), and the source is the contract the deployed jar is built from.
     */
    static Set<String> gateConfigRequiredVariables() throws IOException {
        String source = Files.readString(GATE_CONFIG_SOURCE);
        Matcher m = Pattern.compile("settings\\.required\\(\\s*EnvironmentVariables\\.(\\w+)\\s*\\)")
                .matcher(source);
        Set<String> names = new LinkedHashSet<>();
        while (m.find()) {
            try {
                names.add(
                        (String) EnvironmentVariables.class.getField(m.group(1)).get(null));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("GateConfig reads unknown constant " + m.group(1), e);
            }
        }
        return names;
    }

    private static final Path GATE_CONFIG_SOURCE =
            Path.of("..", "gate-lambda", "src", "main", "java", "dev", "sieve", "gate", "GateConfig.java");

    private static final Set<String> READ_WRITE = Set.of("s3:GetObject", "s3:PutObject");
    private static final Set<String> WRITE = Set.of("s3:PutObject");

    /** Bucket prefix → S3 object actions the function's role allows on {@code <bucket>/<prefix>*}. */
    private static Map<String, Set<String>> objectActionsByPrefix(Function fn) {
        Map<String, Set<String>> out = new java.util.TreeMap<>();
        for (Map<String, Object> statement : statements(fn)) {
            Object resource = statement.get("Resource");
            List<Object> resources = resource instanceof List<?> l ? list(l) : List.of(resource);
            for (Object r : resources) {
                String text = String.valueOf(r);
                Matcher m = Pattern.compile("/((?:[a-z]+/)+)\\*").matcher(text);
                if (!text.contains("DataBucket") || !m.find()) {
                    continue;
                }
                Object action = statement.get("Action");
                List<Object> actions = action instanceof List<?> l ? list(l) : List.of(action);
                Set<String> set = out.computeIfAbsent(m.group(1), k -> new java.util.TreeSet<>());
                actions.forEach(a -> set.add(String.valueOf(a)));
            }
        }
        return out;
    }

    private static Set<String> queueActions(Function fn, String queueLogicalId) {
        Set<String> actions = new LinkedHashSet<>();
        for (Map<String, Object> statement : statements(fn)) {
            Object resource = statement.get("Resource");
            List<Object> resources = resource instanceof List<?> l ? list(l) : List.of(resource);
            if (resources.stream().anyMatch(r -> queueLogicalId.equals(Templates.referencedId(r)))) {
                Object action = statement.get("Action");
                (action instanceof List<?> l ? list(l) : List.of(action)).forEach(a -> actions.add(String.valueOf(a)));
            }
        }
        return actions;
    }

    private static List<Map<String, Object>> statements(Function fn) {
        String role = SynthesizedSieve.logicalId(fn.getRole());
        return properties(TEMPLATE, "AWS::IAM::Policy").values().stream()
                .filter(p -> list(p.get("Roles")).stream().anyMatch(r -> role.equals(Templates.referencedId(r))))
                .flatMap(p -> list(map(p.get("PolicyDocument")).get("Statement")).stream())
                .map(Templates::map)
                .toList();
    }

    static Map<String, Object> function(Function fn) {
        return properties(TEMPLATE, "AWS::Lambda::Function").get(SynthesizedSieve.logicalId(fn));
    }

    private static Map<String, Object> environment(Function fn) {
        return new LinkedHashMap<>(map(map(function(fn).get("Environment")).get("Variables")));
    }

    static String policyOf(Function fn) {
        String role = SynthesizedSieve.logicalId(fn.getRole());
        return properties(TEMPLATE, "AWS::IAM::Policy").values().stream()
                .filter(p -> list(p.get("Roles")).stream().anyMatch(r -> role.equals(Templates.referencedId(r))))
                .map(p -> String.valueOf(p.get("PolicyDocument")))
                .collect(Collectors.joining("\n"));
    }
}
