package dev.sieve.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.localaws.LocalAws;
import dev.sieve.shared.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Where the worker bench's SQS, DynamoDB and S3 emulators run: in this JVM ({@link LocalAws}, their
 * threads told apart by {@link LocalAws#isEmulatorThread}) or in a child JVM ({@link EmulatorMain} on the
 * same class path; its CPU time is read from the OS). Clients are configured the same way in both (the
 * URL-connection HTTP client, LocalAws's timeouts); the caller closes them.
 */
final class BenchEmulators implements AutoCloseable {
    /** {@code --emulators}: in this JVM, or in a child process. */
    enum Mode {
        JVM,
        PROCESS;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Mode mode;
    private final LocalAws inJvm;
    private final Process child;
    private final URI sqs;
    private final URI dynamoDb;
    private final URI s3;

    private BenchEmulators(Mode mode, LocalAws inJvm, Process child, URI sqs, URI dynamoDb, URI s3) {
        this.mode = mode;
        this.inJvm = inJvm;
        this.child = child;
        this.sqs = sqs;
        this.dynamoDb = dynamoDb;
        this.s3 = s3;
    }

    static BenchEmulators start(Mode mode) {
        if (mode == Mode.JVM) {
            LocalAws aws = LocalAws.start();
            return new BenchEmulators(mode, aws, null, aws.sqsEndpoint(), aws.dynamoDbEndpoint(), aws.s3Endpoint());
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(EmulatorMain.class.getName());
        Process child;
        try {
            child = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the emulator process: " + e.getMessage(), e);
        }
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith(EmulatorMain.READY)) {
                // nothing else is printed on stdout; skip whatever is
            }
            if (line == null) {
                throw new IllegalStateException(
                        "the emulator process ended before it was ready (exit " + child.waitFor() + ")");
            }
            JsonNode endpoints = Json.mapper().readTree(line.substring(EmulatorMain.READY.length()));
            Thread.ofPlatform().name("emulator-process-stdout").daemon(true).start(() -> drain(out));
            return new BenchEmulators(
                    mode,
                    null,
                    child,
                    URI.create(endpoints.get("sqs").asText()),
                    URI.create(endpoints.get("dynamodb").asText()),
                    URI.create(endpoints.get("s3").asText()));
        } catch (IOException | InterruptedException | RuntimeException e) {
            child.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("the emulator process did not start: " + e.getMessage(), e);
        }
    }

    Mode mode() {
        return mode;
    }

    /** Whether {@code thread} is one of the emulators' (never, when they run in a child process). */
    boolean isEmulatorThread(Thread thread) {
        return inJvm != null && LocalAws.isEmulatorThread(thread);
    }

    /** CPU time the child process has used so far, nanoseconds; 0 when the emulators are in this JVM. */
    long childCpuNanos() {
        if (child == null) {
            return 0;
        }
        return child.toHandle()
                .info()
                .totalCpuDuration()
                .map(Duration::toNanos)
                .orElseThrow(() -> new UnsupportedOperationException("the OS does not report the child's CPU time"));
    }

    SqsClient sqsClient() {
        return inJvm != null
                ? inJvm.sqsClient()
                : SqsClient.builder()
                        .endpointOverride(sqs)
                        .region(Region.of(LocalAws.REGION))
                        .credentialsProvider(credentials())
                        .httpClientBuilder(UrlConnectionHttpClient.builder())
                        .overrideConfiguration(timeouts())
                        .build();
    }

    DynamoDbClient dynamoDbClient() {
        return inJvm != null
                ? inJvm.dynamoDbClient()
                : DynamoDbClient.builder()
                        .endpointOverride(dynamoDb)
                        .region(Region.of(LocalAws.REGION))
                        .credentialsProvider(credentials())
                        .httpClientBuilder(UrlConnectionHttpClient.builder())
                        .overrideConfiguration(timeouts())
                        .build();
    }

    S3Client s3Client() {
        return inJvm != null
                ? inJvm.s3Client()
                : S3Client.builder()
                        .endpointOverride(s3)
                        .region(Region.of(LocalAws.REGION))
                        .credentialsProvider(credentials())
                        .forcePathStyle(true)
                        .httpClientBuilder(UrlConnectionHttpClient.builder())
                        .overrideConfiguration(timeouts())
                        .build();
    }

    @Override
    public void close() {
        if (inJvm != null) {
            inJvm.close();
            return;
        }
        try {
            child.getOutputStream().close(); // EmulatorMain stops when its stdin ends
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        } catch (IOException e) {
            child.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            child.destroyForcibly();
        }
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(
                AwsBasicCredentials.create(LocalAws.ACCESS_KEY_ID, LocalAws.SECRET_ACCESS_KEY));
    }

    private static ClientOverrideConfiguration timeouts() {
        return ClientOverrideConfiguration.builder()
                .apiCallTimeout(LocalAws.API_CALL_TIMEOUT)
                .apiCallAttemptTimeout(LocalAws.API_CALL_ATTEMPT_TIMEOUT)
                .build();
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // keep the pipe from filling up
            }
        } catch (IOException e) {
            // the child ended
        }
    }
}
