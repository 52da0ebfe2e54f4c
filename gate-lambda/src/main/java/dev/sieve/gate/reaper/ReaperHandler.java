package dev.sieve.gate.reaper;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.sieve.contract.DynamoDbJobStore;
import dev.sieve.contract.DynamoDbRequestStore;
import dev.sieve.gate.batch.LogCompletionEvents;
import dev.sieve.shared.config.ConfigException;
import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.config.Settings;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.metrics.EmfMetrics;
import dev.sieve.shared.metrics.MetricNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The reaper as a scheduled Lambda (an EventBridge rule invokes it; the event itself carries nothing the
 * reaper needs). The constructor reads the configuration and builds the clients and the {@link Reaper}
 * once, without a network call (SnapStart-friendly); each invocation is one {@link Reaper#run}, answered
 * with its {@link Reaper.Outcome} as JSON. A failed run throws: the function's Errors alarm sees it and the
 * next scheduled run tries again.
 */
public final class ReaperHandler implements RequestStreamHandler {
    private final Reaper reaper;

    public ReaperHandler() {
        this(lambdaReaper(Config.fromEnvironment(System.getenv())));
    }

    ReaperHandler(Reaper reaper) {
        this.reaper = reaper;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        output.write(Json.writeBytes(reaper.run()));
    }

    /**
     * The reaper's settings, from the environment (names in {@link EnvironmentVariables}).
     *
     * @param deadLetterQueueUrls the dead-letter queues it drains, never empty
     */
    record Config(String tableName, String bucketName, List<String> deadLetterQueueUrls, String metricsNamespace) {
        Config {
            deadLetterQueueUrls = List.copyOf(deadLetterQueueUrls);
        }

        static Config fromEnvironment(Map<String, String> env) {
            Settings settings = Settings.of(env);
            List<String> urls = Arrays.stream(settings.required(EnvironmentVariables.DEAD_LETTER_QUEUE_URLS)
                            .split(","))
                    .map(String::strip)
                    .filter(url -> !url.isEmpty())
                    .toList();
            if (urls.isEmpty()) {
                throw new ConfigException(EnvironmentVariables.DEAD_LETTER_QUEUE_URLS
                        + " names no queue; set it to the comma-separated URLs of the dead-letter queues");
            }
            return new Config(
                    settings.required(EnvironmentVariables.TABLE_NAME),
                    settings.required(EnvironmentVariables.BUCKET_NAME),
                    urls,
                    settings.optional(EnvironmentVariables.METRICS_NAMESPACE, MetricNames.DEFAULT_NAMESPACE));
        }
    }

    /** Clients from the SDK's standard environment, the light URL-connection HTTP client, explicit timeouts. */
    private static Reaper lambdaReaper(Config config) {
        ClientOverrideConfiguration timeouts = ClientOverrideConfiguration.builder()
                .apiCallTimeout(Duration.ofSeconds(10))
                .apiCallAttemptTimeout(Duration.ofSeconds(3))
                .build();
        SqsClient sqs = SqsClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(timeouts)
                .build();
        DynamoDbClient dynamoDb = DynamoDbClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(timeouts)
                .build();
        // The request store's constructor takes S3 (large gate results); failing a request never reads it.
        S3Client s3 = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(timeouts)
                .build();
        return new Reaper(
                new DynamoDbRequestStore(dynamoDb, s3, config.tableName(), config.bucketName()),
                new DynamoDbJobStore(dynamoDb, config.tableName()),
                sqs,
                config.deadLetterQueueUrls(),
                new LogCompletionEvents(EmfMetrics.toStdout(config.metricsNamespace(), "reaper")),
                Reaper.DEFAULT_REQUEST_DEADLINE,
                Reaper.DEFAULT_JOB_DEADLINE,
                Clock.systemUTC());
    }
}
