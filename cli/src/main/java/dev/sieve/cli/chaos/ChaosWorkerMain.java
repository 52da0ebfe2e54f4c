package dev.sieve.cli.chaos;

import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.metrics.MetricNames;
import dev.sieve.shared.metrics.Metrics;
import dev.sieve.worker.TaskProtection;
import dev.sieve.worker.Worker;
import dev.sieve.worker.WorkerConfig;
import dev.sieve.worker.expert.OnnxExpert;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * One worker process of {@code sieve chaos}: the production {@link Worker} with the bundle's ONNX
 * expert, settings from the environment like {@code WorkerMain}, and a {@link FaultInjector} on its
 * three AWS clients. System properties: {@value #RATE} (fault probability per attempt), {@value #SEED},
 * {@value #CALM_FILE} (faults stop once this file exists). Prints {@value #EXPERT_LINE} N on stdout
 * after each expert batch of N items (how {@code sieve chaos} counts expert evaluations, the killed
 * processes' included).
 */
public final class ChaosWorkerMain {
    static final String RATE = "sieve.chaos.faultRate";
    static final String SEED = "sieve.chaos.seed";
    static final String CALM_FILE = "sieve.chaos.calmFile";
    static final String EXPERT_LINE = "chaos-expert-items";
    static final String STARTED_LINE = "chaos-worker-started";

    private ChaosWorkerMain() {}

    public static void main(String[] args) throws Exception {
        WorkerConfig config = WorkerConfig.fromEnvironment(System.getenv());
        FaultInjector faults =
                new FaultInjector(Double.parseDouble(System.getProperty(RATE, "0")), Long.getLong(SEED, 1L));
        String calm = System.getProperty(CALM_FILE);
        if (calm != null) {
            Thread.ofPlatform().daemon().name("chaos-calm").start(() -> awaitCalm(Path.of(calm), faults));
        }
        PrintStream out = System.out;
        Metrics counting = new Metrics() {
            @Override
            public void record(Map<String, String> dimensions, Map<String, Metric> values) {
                Metric items = values.get(MetricNames.EXPERT_ITEMS);
                if (items != null && dimensions.isEmpty()) {
                    synchronized (out) {
                        out.println(EXPERT_LINE + " " + (long) items.value());
                        out.flush();
                    }
                }
            }
        };
        ClientOverrideConfiguration overrides = ClientOverrideConfiguration.builder()
                .apiCallTimeout(Duration.ofSeconds(45))
                .apiCallAttemptTimeout(Duration.ofSeconds(30))
                .executionInterceptors(List.of(faults))
                .build();
        int connections = config.writerThreads() + 8;
        try (SqsClient sqs = SqsClient.builder()
                        .httpClientBuilder(http(connections))
                        .overrideConfiguration(overrides)
                        .build();
                DynamoDbClient dynamoDb = DynamoDbClient.builder()
                        .httpClientBuilder(http(connections))
                        .overrideConfiguration(overrides)
                        .build();
                S3Client s3 = S3Client.builder()
                        .httpClientBuilder(http(connections))
                        .overrideConfiguration(overrides)
                        .forcePathStyle(config.s3PathStyle())
                        .build()) {
            ModelBundle bundle = ModelBundle.open(Path.of(config.bundleUri()));
            try (OnnxExpert expert = OnnxExpert.open(bundle, config.expertOptions())) {
                Worker worker = Worker.onAws(
                        config, expert, bundle.version(), sqs, dynamoDb, s3, TaskProtection.none(), counting);
                CountDownLatch forever = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    worker.drain(config.drainGrace());
                    System.out.flush();
                    Runtime.getRuntime().halt(0);
                }));
                worker.start();
                out.println(STARTED_LINE);
                out.flush();
                forever.await();
            }
        }
    }

    private static void awaitCalm(Path file, FaultInjector faults) {
        while (!Files.exists(file)) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
        faults.disable();
    }

    private static ApacheHttpClient.Builder http(int connections) {
        return ApacheHttpClient.builder()
                .maxConnections(connections)
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(30));
    }
}
