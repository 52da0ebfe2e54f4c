package dev.sieve.gate.reaper;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.contract.DynamoDbRequestStore;
import dev.sieve.contract.GateEntry;
import dev.sieve.contract.QueuePublisher;
import dev.sieve.contract.RequestState;
import dev.sieve.contract.RequestStore;
import dev.sieve.localaws.LocalAws;
import dev.sieve.localaws.SieveResources;
import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.queue.Priority;
import dev.sieve.shared.queue.QueueItem;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The handler as Lambda builds it: its public constructor in a fresh JVM whose only configuration is the
 * environment the stack sets ({@code SIEVE_*} names) and the SDK's standard variables, pointed at the
 * embedded emulators. One invocation fails a request whose message sits in a dead-letter queue and deletes
 * the message.
 */
class ReaperHandlerIT {
    private static final LocalAws AWS = LocalAws.shared();

    @Test
    void publicConstructor_fromTheStacksEnvironment_reapsADeadMessageInOneInvocation() throws Exception {
        SieveResources resources = SieveResources.create(AWS, SieveResources.uniquePrefix("reaperhandler"));
        RequestStore requests = new DynamoDbRequestStore(
                AWS.dynamoDbClient(), AWS.s3Client(), resources.tableName(), resources.bucketName());
        String requestId = "acme:" + UUID.randomUUID();
        long now = System.currentTimeMillis();
        requests.create(requestId, "async", "asked", List.of(new GateEntry("i0", "ham", 0.6, true)), 1, now, 0);
        // As the redrive policy would leave it: the request's message in its dead-letter queue.
        new QueuePublisher(AWS.sqsClient(), AWS.s3Client(), resources.bucketName())
                .publishRequest(
                        resources.dlqUrl(Priority.ASYNC),
                        requestId,
                        Priority.ASYNC,
                        now + 60_000,
                        false,
                        "v1",
                        now,
                        List.of(new QueueItem("i0", "poison", new float[] {0.4f, 0.6f}, null)));

        Path work = Files.createTempDirectory("reaper-handler");
        Path outcomeFile = work.resolve("outcome.json");
        Path argFile = work.resolve("java.args");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Files.writeString(argFile, "-cp \"" + classPath.replace("\\", "\\\\") + "\"\n");
        ProcessBuilder child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "@" + argFile,
                        Invoke.class.getName(),
                        outcomeFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("child.log").toFile());
        Map<String, String> env = child.environment();
        env.keySet().removeIf(name -> name.startsWith("SIEVE_") || name.startsWith("AWS_"));
        env.putAll(AWS.environment());
        env.put(EnvironmentVariables.TABLE_NAME, resources.tableName());
        env.put(EnvironmentVariables.BUCKET_NAME, resources.bucketName());
        env.put(
                EnvironmentVariables.DEAD_LETTER_QUEUE_URLS,
                String.join(
                        ",",
                        resources.dlqUrl(Priority.REALTIME),
                        resources.dlqUrl(Priority.ASYNC),
                        resources.dlqUrl(Priority.BATCH)));
        Process process = child.start();
        boolean exited = process.waitFor(180, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        String log = Files.readString(work.resolve("child.log"));
        assertThat(exited).as(log).isTrue();
        assertThat(process.exitValue()).as(log).isZero();

        JsonNode outcome = Json.mapper().readTree(outcomeFile.toFile());
        assertThat(outcome.path("dead_messages").asLong()).as(log).isEqualTo(1);
        assertThat(outcome.path("requests_failed").asLong()).isEqualTo(1);
        RequestStore.Meta meta = requests.meta(requestId).orElseThrow();
        assertThat(meta.state()).isEqualTo(RequestState.FAILED);
        assertThat(meta.error()).contains("dead_letter");
        assertThat(AWS.sqsClient()
                        .receiveMessage(b -> b.queueUrl(resources.dlqUrl(Priority.ASYNC))
                                .waitTimeSeconds(0)
                                .maxNumberOfMessages(10))
                        .messages())
                .as("deleted once the request was marked")
                .isEmpty();
    }

    /** What the Lambda runtime does: the public constructor, then one invocation with a scheduled event. */
    static final class Invoke {
        public static void main(String[] args) throws Exception {
            ReaperHandler handler = new ReaperHandler();
            String event = "{\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\",\"detail\":{}}";
            try (OutputStream out = Files.newOutputStream(Path.of(args[0]))) {
                handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
            }
            System.exit(0);
        }
    }
}
