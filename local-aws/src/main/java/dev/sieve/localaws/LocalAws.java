package dev.sieve.localaws;

import dev.sieve.localaws.internal.DynamoDbLocalServer;
import dev.sieve.localaws.internal.ElasticMqServer;
import dev.sieve.localaws.internal.EmbeddedServer;
import dev.sieve.localaws.internal.Relay;
import dev.sieve.localaws.internal.S3ProxyServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SQS, DynamoDB and S3 on localhost, in this JVM, speaking the real AWS wire protocols: ElasticMQ,
 * DynamoDB Local (in memory, one database for all keys) and S3Proxy (in-memory blobs, SigV4 checked).
 * Used by {@code sieve local}, the worker's integration tests and the end-to-end tests.
 *
 * <pre>{@code
 * try (LocalAws aws = LocalAws.start(); SqsClient sqs = aws.sqsClient()) {
 *     SieveResources resources = SieveResources.create(aws, "demo");
 *     ...
 * }
 * }</pre>
 *
 * Tests share one instance per JVM through {@link #shared()}. Every client this class builds is owned
 * (and must be closed) by the caller. Nothing is written to disk: all three keep their data in memory.
 */
public final class LocalAws implements AutoCloseable {
    /** The region every client and queue URL uses. */
    public static final String REGION = "us-east-1";
    /** The account id in queue URLs and ARNs. */
    public static final String ACCOUNT_ID = "000000000000";
    /**
     * The one access key S3Proxy accepts (SQS and DynamoDB Local accept any key, but DynamoDB Local
     * refuses keys with anything but letters and digits).
     */
    public static final String ACCESS_KEY_ID = "sievelocal";

    public static final String SECRET_ACCESS_KEY = "sievelocalsecret";
    /** The servers listen on this address only (DynamoDB Local cannot be told; it listens on all). */
    public static final String HOST = "127.0.0.1";

    /** Longest a client call may take, retries included; above SQS's 20 s long poll. */
    public static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(45);
    /** Longest one HTTP attempt may take; above SQS's 20 s long poll. */
    public static final Duration API_CALL_ATTEMPT_TIMEOUT = Duration.ofSeconds(30);

    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Loggers of the emulators and their libraries; set them to WARN to keep a console readable. The
     * resource {@value #QUIET_LOGBACK_RESOURCE} does exactly that for logback.
     */
    public static final List<String> EMULATOR_LOGGERS = List.of(
            "org.elasticmq",
            "org.apache.pekko",
            "software.amazon.dynamodb",
            "com.almworks.sqlite4java",
            "org.eclipse.jetty",
            "org.gaul");
    /** A logback {@code <included>} file setting {@link #EMULATOR_LOGGERS} to WARN. */
    public static final String QUIET_LOGBACK_RESOURCE = "dev/sieve/localaws/logback-quiet.xml";

    /**
     * The name of the {@link ThreadGroup} of the emulators' threads: the servers are started from threads
     * of this group, so every thread they start (HTTP servers, actor dispatchers, the SQLite queue, pools
     * they grow later) is in it too. A benchmark tells the emulators' CPU time from its own by it. Not
     * covered: the virtual threads of {@link #startWithOutages()}'s relays.
     */
    public static final String THREAD_GROUP_NAME = "local-aws";

    private static final ThreadGroup THREADS = new ThreadGroup(THREAD_GROUP_NAME);

    private static final Logger LOG = LoggerFactory.getLogger(LocalAws.class);

    private static LocalAws shared;
    private static RuntimeException sharedFailure;

    private final ElasticMqServer sqs;
    private final DynamoDbLocalServer dynamoDb;
    private final S3ProxyServer s3;
    private final Duration startupTime;
    private final AwsCredentialsProvider credentials;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<Service, Relay> relays = new EnumMap<>(Service.class);
    private volatile boolean isShared;

    /** The three emulated services, for {@link #stop(Service)} and {@link #restart(Service)}. */
    public enum Service {
        SQS,
        DYNAMODB,
        S3
    }

    private LocalAws(ElasticMqServer sqs, DynamoDbLocalServer dynamoDb, S3ProxyServer s3, Duration startupTime) {
        this.sqs = sqs;
        this.dynamoDb = dynamoDb;
        this.s3 = s3;
        this.startupTime = startupTime;
        this.credentials =
                StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY));
    }

    /**
     * Starts the three servers in parallel on ports the OS picks and returns when all of them answer.
     * If one fails, the others are stopped and the failure is thrown.
     *
     * @throws LocalAwsException if a server does not start
     */
    public static LocalAws start() {
        return start(0, 0, 0);
    }

    /**
     * Like {@link #start()} on fixed ports ({@code sieve local --sqs-port ...}); 0 lets the OS pick.
     *
     * @throws LocalAwsException if a server does not start, e.g. because its port is taken
     * @throws IllegalArgumentException if a port is outside 0..65535
     */
    public static LocalAws start(int sqsPort, int dynamoDbPort, int s3Port) {
        checkPort("sqsPort", sqsPort);
        checkPort("dynamoDbPort", dynamoDbPort);
        checkPort("s3Port", s3Port);
        // initialise SLF4J here, not in three starting threads at once (that makes it replay and warn)
        LOG.debug("starting local AWS: SQS port {}, DynamoDB port {}, S3 port {}", sqsPort, dynamoDbPort, s3Port);
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(3, runnable -> {
            Thread thread = new Thread(THREADS, runnable, "local-aws-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            CompletableFuture<ElasticMqServer> sqs =
                    CompletableFuture.supplyAsync(() -> ElasticMqServer.start(HOST, sqsPort, REGION, ACCOUNT_ID), pool);
            CompletableFuture<DynamoDbLocalServer> dynamoDb =
                    CompletableFuture.supplyAsync(() -> DynamoDbLocalServer.start(HOST, dynamoDbPort), pool);
            CompletableFuture<S3ProxyServer> s3 = CompletableFuture.supplyAsync(
                    () -> S3ProxyServer.start(HOST, s3Port, ACCESS_KEY_ID, SECRET_ACCESS_KEY), pool);
            List<CompletableFuture<? extends EmbeddedServer>> all = List.of(sqs, dynamoDb, s3);
            try {
                CompletableFuture.allOf(sqs, dynamoDb, s3).join();
            } catch (CompletionException e) {
                all.forEach(future -> future.thenAccept(EmbeddedServer::close));
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new LocalAwsException("local AWS did not start: " + cause.getMessage(), cause);
            }
            LocalAws aws =
                    new LocalAws(sqs.join(), dynamoDb.join(), s3.join(), Duration.ofNanos(System.nanoTime() - started));
            LOG.info(
                    "local AWS started in {} ms: SQS {}, DynamoDB {}, S3 {}",
                    aws.startupTime.toMillis(),
                    aws.sqsEndpoint(),
                    aws.dynamoDbEndpoint(),
                    aws.s3Endpoint());
            return aws;
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Like {@link #start()}, with each server behind a loopback relay so that {@link #stop(Service)} can
     * take one service off the network for a while and {@link #restart(Service)} put it back on the same
     * port with its data intact: an outage, as {@code sieve chaos} injects it. Every endpoint this
     * instance hands out (clients, {@link #environment()}) is the relay's.
     *
     * @throws LocalAwsException if a server or a relay does not start
     */
    public static LocalAws startWithOutages() {
        LocalAws aws = start();
        try {
            aws.relays.put(Service.SQS, Relay.open(HOST, aws.sqs.endpoint()));
            aws.relays.put(Service.DYNAMODB, Relay.open(HOST, aws.dynamoDb.endpoint()));
            aws.relays.put(Service.S3, Relay.open(HOST, aws.s3.endpoint()));
        } catch (RuntimeException e) {
            aws.close();
            throw new LocalAwsException("local AWS relays did not start: " + e.getMessage(), e);
        }
        return aws;
    }

    /**
     * Takes {@code service} off the network: new connections are refused and open ones are reset; the
     * server keeps its data. Only on an instance from {@link #startWithOutages()}.
     *
     * @throws IllegalStateException on an instance started without relays
     */
    public void stop(Service service) {
        relay(service).stop();
    }

    /** Puts a {@link #stop(Service) stopped} service back on its port; does nothing if it is running. */
    public void restart(Service service) {
        relay(service).start();
    }

    /** False while {@code service} is {@link #stop(Service) stopped}. */
    public boolean running(Service service) {
        Relay relay = relays.get(service);
        return relay == null || relay.listening();
    }

    private Relay relay(Service service) {
        Relay relay = relays.get(service);
        if (relay == null) {
            throw new IllegalStateException("this local AWS was started without outages; use startWithOutages()");
        }
        return relay;
    }

    /**
     * The one instance of this JVM, started on first use and stopped by a shutdown hook (the
     * singleton-container pattern). Tests use it with a unique resource prefix each ({@link
     * SieveResources#uniquePrefix(String)}); {@link #close()} on it does nothing. If it failed to start,
     * every later call fails the same way without trying again.
     *
     * @throws LocalAwsException if the servers do not start
     */
    public static synchronized LocalAws shared() {
        if (sharedFailure != null) {
            throw new LocalAwsException(
                    "the shared local AWS failed to start earlier: " + sharedFailure.getMessage(), sharedFailure);
        }
        if (shared == null) {
            try {
                LocalAws aws = start();
                aws.isShared = true;
                Runtime.getRuntime().addShutdownHook(new Thread(aws::stop, "local-aws-shutdown"));
                shared = aws;
            } catch (RuntimeException e) {
                sharedFailure = e;
                throw e;
            }
        }
        return shared;
    }

    public URI sqsEndpoint() {
        return endpoint(Service.SQS, sqs);
    }

    public URI dynamoDbEndpoint() {
        return endpoint(Service.DYNAMODB, dynamoDb);
    }

    public URI s3Endpoint() {
        return endpoint(Service.S3, s3);
    }

    private URI endpoint(Service service, EmbeddedServer server) {
        Relay relay = relays.get(service);
        return relay == null ? server.endpoint() : relay.endpoint();
    }

    public Region region() {
        return Region.of(REGION);
    }

    public AwsCredentialsProvider credentialsProvider() {
        return credentials;
    }

    /** How long {@link #start()} took until all three servers answered. */
    public Duration startupTime() {
        return startupTime;
    }

    /** A new SQS client for this instance; the caller closes it. */
    public SqsClient sqsClient() {
        return sqsClient(List.of());
    }

    /** Like {@link #sqsClient()}, with {@code interceptors} on every call (for example to count requests). */
    public SqsClient sqsClient(List<ExecutionInterceptor> interceptors) {
        return SqsClient.builder()
                .endpointOverride(sqsEndpoint())
                .region(region())
                .credentialsProvider(credentials)
                .httpClientBuilder(httpClient())
                .overrideConfiguration(timeouts(interceptors))
                .build();
    }

    /** A new DynamoDB client for this instance; the caller closes it. */
    public DynamoDbClient dynamoDbClient() {
        return dynamoDbClient(List.of());
    }

    /** Like {@link #dynamoDbClient()}, with {@code interceptors} on every call (for example to count requests). */
    public DynamoDbClient dynamoDbClient(List<ExecutionInterceptor> interceptors) {
        return DynamoDbClient.builder()
                .endpointOverride(dynamoDbEndpoint())
                .region(region())
                .credentialsProvider(credentials)
                .httpClientBuilder(httpClient())
                .overrideConfiguration(timeouts(interceptors))
                .build();
    }

    /** A new path-style S3 client for this instance; the caller closes it. */
    public S3Client s3Client() {
        return s3Client(List.of());
    }

    /** Like {@link #s3Client()}, with {@code interceptors} on every call (for example to count requests). */
    public S3Client s3Client(List<ExecutionInterceptor> interceptors) {
        return S3Client.builder()
                .endpointOverride(s3Endpoint())
                .region(region())
                .credentialsProvider(credentials)
                .forcePathStyle(true)
                .httpClientBuilder(httpClient())
                .overrideConfiguration(timeouts(interceptors))
                .build();
    }

    /** A new path-style S3 presigner for this instance; the caller closes it. */
    public S3Presigner s3Presigner() {
        return S3Presigner.builder()
                .endpointOverride(s3Endpoint())
                .region(region())
                .credentialsProvider(credentials)
                .serviceConfiguration(
                        S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }

    /**
     * The standard AWS SDK variables that point any SDK (Java, the AWS CLI, a child process) at these
     * servers: {@code AWS_ENDPOINT_URL_SQS}, {@code AWS_ENDPOINT_URL_DYNAMODB}, {@code
     * AWS_ENDPOINT_URL_S3}, {@code AWS_REGION}, {@code AWS_DEFAULT_REGION}, {@code AWS_ACCESS_KEY_ID},
     * {@code AWS_SECRET_ACCESS_KEY}. S3 clients must still use path-style access.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_ENDPOINT_URL_SQS", sqsEndpoint().toString());
        env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDbEndpoint().toString());
        env.put("AWS_ENDPOINT_URL_S3", s3Endpoint().toString());
        env.put("AWS_REGION", REGION);
        env.put("AWS_DEFAULT_REGION", REGION); // the AWS CLI v1 reads only this one
        env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY);
        return Map.copyOf(env);
    }

    /** Human-readable summary: endpoints, region, credentials and an AWS CLI example. */
    public String describe() {
        List<String> lines = new ArrayList<>();
        lines.add("local AWS (started in " + startupTime.toMillis() + " ms)");
        lines.add("  SQS       " + sqsEndpoint() + "   (ElasticMQ)");
        lines.add("  DynamoDB  " + dynamoDbEndpoint() + "   (DynamoDB Local, in memory)");
        lines.add("  S3        " + s3Endpoint() + "   (S3Proxy, in memory, path-style)");
        lines.add("  region " + REGION + ", access key " + ACCESS_KEY_ID + ", secret " + SECRET_ACCESS_KEY);
        lines.add("  try: AWS_ACCESS_KEY_ID=" + ACCESS_KEY_ID + " AWS_SECRET_ACCESS_KEY=" + SECRET_ACCESS_KEY
                + " AWS_DEFAULT_REGION=" + REGION + " aws --endpoint-url " + sqsEndpoint() + " sqs list-queues");
        return String.join(System.lineSeparator(), lines);
    }

    /**
     * Stops the three servers; their data is lost. Safe to call twice. Does nothing on the {@link
     * #shared()} instance, which a shutdown hook stops.
     */
    @Override
    public void close() {
        if (!isShared) {
            stop();
        }
    }

    private void stop() {
        if (closed.compareAndSet(false, true)) {
            relays.values().forEach(Relay::close);
            s3.close();
            dynamoDb.close();
            sqs.close();
        }
    }

    /** Whether {@code thread} belongs to the emulators: it is in the {@link #THREAD_GROUP_NAME} group. */
    public static boolean isEmulatorThread(Thread thread) {
        for (ThreadGroup g = thread.getThreadGroup(); g != null; g = g.getParent()) {
            if (g == THREADS) {
                return true;
            }
        }
        return false;
    }

    private static void checkPort(String name, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(
                    name + "=" + port + " is not a port; allowed 0 (any free port) .. 65535");
        }
    }

    private static UrlConnectionHttpClient.Builder httpClient() {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(CONNECTION_TIMEOUT)
                .socketTimeout(SOCKET_TIMEOUT);
    }

    private static ClientOverrideConfiguration timeouts(List<ExecutionInterceptor> interceptors) {
        return ClientOverrideConfiguration.builder()
                .apiCallTimeout(API_CALL_TIMEOUT)
                .apiCallAttemptTimeout(API_CALL_ATTEMPT_TIMEOUT)
                .executionInterceptors(interceptors)
                .build();
    }
}
