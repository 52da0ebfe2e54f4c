package dev.sieve.infra;

import static dev.sieve.infra.Templates.list;
import static dev.sieve.infra.Templates.map;
import static dev.sieve.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.config.EnvironmentVariables;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

class GpuWorkerServiceTest {
    private static final Template TEMPLATE = SynthesizedSieve.DEFAULT.template();

    private static final GpuWorkerService WORKER =
            SynthesizedSieve.DEFAULT.stack().worker();

    @Test
    void worker_environmentNames_areExactlyTheSharedConstants() {
        Map<String, Object> env = new LinkedHashMap<>(workerEnvironment());
        env.remove(WorkerTaskService.AWS_REGION); // the AWS SDK's name, not Sieve's
        assertThat(Templates.environmentVariableNames()).containsAll(env.keySet());
        assertThat(env)
                .containsKeys(
                        EnvironmentVariables.TABLE_NAME,
                        EnvironmentVariables.BUCKET_NAME,
                        EnvironmentVariables.REALTIME_QUEUE_URL,
                        EnvironmentVariables.ASYNC_QUEUE_URL,
                        EnvironmentVariables.BATCH_QUEUE_URL,
                        EnvironmentVariables.JOBS_QUEUE_URL,
                        EnvironmentVariables.BUNDLE_URI,
                        EnvironmentVariables.MAX_BATCH_ITEMS,
                        EnvironmentVariables.MAX_BATCH_TOKENS,
                        EnvironmentVariables.MAX_WAIT_MS,
                        EnvironmentVariables.DRAIN_GRACE_S,
                        EnvironmentVariables.METRICS_NAMESPACE)
                .containsEntry(EnvironmentVariables.DEVICE, "cuda:0");
    }

    @Test
    void taskRole_grantsOnlyTheWorkersPrefixes() {
        String role = SynthesizedSieve.logicalId(WORKER.taskDefinition().getTaskRole());
        String policy = properties(TEMPLATE, "AWS::IAM::Policy").values().stream()
                .filter(p -> list(p.get("Roles")).stream().anyMatch(r -> role.equals(Templates.referencedId(r))))
                .map(p -> String.valueOf(p.get("PolicyDocument")))
                .collect(Collectors.joining());
        assertThat(policy)
                .contains(
                        "/bundles/*",
                        "/jobs/parts/*",
                        "/payloads/*",
                        "sqs:ReceiveMessage",
                        "sqs:ChangeMessageVisibility")
                .doesNotContain("/uploads/*", "/jobs/in/*", "s3:DeleteObject");
        // the worker sends only ASSEMBLE tasks to the jobs queue, never to the work queues
        String jobsQueue = SynthesizedSieve.logicalId(
                SynthesizedSieve.DEFAULT.stack().queues().jobsQueue());
        List<Map<String, Object>> sends = properties(TEMPLATE, "AWS::IAM::Policy").values().stream()
                .filter(p -> list(p.get("Roles")).stream().anyMatch(r -> role.equals(Templates.referencedId(r))))
                .flatMap(p -> list(map(p.get("PolicyDocument")).get("Statement")).stream())
                .map(Templates::map)
                .filter(s -> String.valueOf(s.get("Action")).contains("sqs:SendMessage"))
                .toList();
        assertThat(sends).hasSize(1);
        assertThat(Templates.referencedId(sends.get(0).get("Resource"))).isEqualTo(jobsQueue);
    }

    /** The one statement of {@code role}'s policies whose actions include {@code action}. */
    static Map<String, Object> statementWith(software.amazon.awscdk.services.iam.IRole role, String action) {
        String roleId = SynthesizedSieve.logicalId(role);
        List<Map<String, Object>> statements = properties(TEMPLATE, "AWS::IAM::Policy").values().stream()
                .filter(p -> list(p.get("Roles")).stream().anyMatch(r -> roleId.equals(Templates.referencedId(r))))
                .flatMap(p -> list(map(p.get("PolicyDocument")).get("Statement")).stream())
                .map(Templates::map)
                .filter(s -> String.valueOf(s.get("Action")).contains(action))
                .toList();
        assertThat(statements).as(action).hasSize(1);
        return statements.get(0);
    }

    static Map<String, Object> workerEnvironment() {
        Map<String, Object> container =
                map(list(properties(SynthesizedSieve.DEFAULT.template(), "AWS::ECS::TaskDefinition")
                                .values()
                                .iterator()
                                .next()
                                .get("ContainerDefinitions"))
                        .get(0));
        Map<String, Object> env = new LinkedHashMap<>();
        list(container.get("Environment")).forEach(e -> env.put((String) map(e).get("Name"), map(e).get("Value")));
        return env;
    }
}
