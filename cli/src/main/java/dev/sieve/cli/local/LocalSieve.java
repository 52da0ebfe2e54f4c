package dev.sieve.cli.local;

import dev.sieve.contract.DynamoDbJobStore;
import dev.sieve.contract.DynamoDbRequestStore;
import dev.sieve.events.JsonLinesPublisher;
import dev.sieve.gate.AwsClients;
import dev.sieve.gate.GateConfig;
import dev.sieve.gate.GateRuntime;
import dev.sieve.gate.api.HttpApiHandler;
import dev.sieve.gate.batch.LogCompletionEvents;
import dev.sieve.gate.batch.S3JobHandler;
import dev.sieve.gate.reaper.Reaper;
import dev.sieve.gate.service.LoadedGate;
import dev.sieve.localaws.LocalAws;
import dev.sieve.localaws.SieveResources;
import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.config.ResourceDefaults;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.metrics.Metrics;
import dev.sieve.shared.queue.Priority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The whole system on one machine: embedded SQS/DynamoDB/S3, Sieve's resources created like the
 * production stack, the gate's handlers behind a local HTTP port, the job runner that stands in for
 * S3 notifications and the jobs-queue trigger, and in-process workers.
 */
public final class LocalSieve implements AutoCloseable {
    /** Creates and runs the workers of a local system; closing the handle drains them. */
    @FunctionalInterface
    public interface WorkerLauncher {
        AutoCloseable launch(AwsBackend backend, Map<String, String> environment) throws Exception;
    }

    /**
     * @param prefix resource name prefix
     * @param port HTTP port of the API (0 picks a free one)
     * @param extraEnvironment settings on top of the defaults (e.g. {@code SIEVE_REALTIME_BUDGET_MS})
     * @param issuerKeyDir where the local token issuer keeps its key ({@link LocalIssuer#open}); null: a key
     *     in memory, for this process only
     * @param dedicatedTenants tenants with a dedicated real-time lane ({@code SIEVE_LANE_QUEUE_URLS}): their own
     *     queue, drained by the workers of {@link #launchLaneWorkers}
     */
    public record Options(
            String prefix,
            int port,
            Map<String, String> extraEnvironment,
            Path issuerKeyDir,
            List<String> dedicatedTenants) {
        public Options {
            dedicatedTenants = List.copyOf(dedicatedTenants);
        }

        public Options(String prefix, int port, Map<String, String> extraEnvironment, Path issuerKeyDir) {
            this(prefix, port, extraEnvironment, issuerKeyDir, List.of());
        }

        public Options(String prefix, int port, Map<String, String> extraEnvironment) {
            this(prefix, port, extraEnvironment, null);
        }

        /** A copy in which {@code tenants} each get a dedicated real-time lane (queue and worker). */
        public Options withDedicatedTenants(List<String> tenants) {
            return new Options(prefix, port, extraEnvironment, issuerKeyDir, tenants);
        }
    }

    private final AwsBackend backend;
    private final AutoCloseable owned;
    private final SieveResources resources;
    private final String jobsQueueUrl;
    private final GateRuntime runtime;
    private final LocalApiServer server;
    private final LocalJobRunner jobRunner;
    private final LocalIssuer issuer;
    private final List<AutoCloseable> workers = new ArrayList<>();
    private final Map<String, String> environment;
    private final GateTime gateTime;
    private final LocalReaper reaper;
    private final Map<String, SieveResources.Lane> lanes;
    private final LocalEventsOutbox events;
    private final Path eventsFile;

    private LocalSieve(
            AwsBackend backend,
            AutoCloseable owned,
            SieveResources resources,
            String jobsQueueUrl,
            GateRuntime runtime,
            LocalApiServer server,
            LocalJobRunner jobRunner,
            GateTime gateTime,
            LocalIssuer issuer,
            LocalReaper reaper,
            LocalEventsOutbox events,
            Path eventsFile,
            Map<String, SieveResources.Lane> lanes,
            Map<String, String> environment) {
        this.events = events;
        this.eventsFile = eventsFile;
        this.lanes = lanes;
        this.gateTime = gateTime;
        this.reaper = reaper;
        this.backend = backend;
        this.owned = owned;
        this.resources = resources;
        this.jobsQueueUrl = jobsQueueUrl;
        this.runtime = runtime;
        this.server = server;
        this.jobRunner = jobRunner;
        this.issuer = issuer;
        this.environment = environment;
    }

    /** Starts embedded emulators (owned by the result) and everything but the workers on them. */
    public static LocalSieve start(Options options, LoadedGate gate, String bundleUri) {
        LocalAws aws = LocalAws.start();
        try {
            return start(AwsBackend.of(aws), aws, options, gate, bundleUri);
        } catch (RuntimeException e) {
            aws.close();
            throw e;
        }
    }

    /**
     * Starts everything but the workers on {@code backend}; {@code owned} (may be null) is closed with
     * the system.
     */
    public static LocalSieve start(
            AwsBackend backend, AutoCloseable owned, Options options, LoadedGate gate, String bundleUri) {
        SieveResources resources;
        String jobsQueueUrl;
        Map<String, SieveResources.Lane> lanes;
        try (SqsClient sqs = backend.sqs().get();
                DynamoDbClient dynamoDb = backend.dynamoDb().get();
                S3Client s3 = backend.s3().get()) {
            resources = SieveResources.create(sqs, dynamoDb, s3, options.prefix());
            jobsQueueUrl = createJobsQueue(sqs, options.prefix());
            lanes = new LinkedHashMap<>();
            for (String tenant : options.dedicatedTenants()) {
                lanes.put(tenant, SieveResources.createLane(sqs, options.prefix(), tenant));
            }
        }
        Map<String, String> env = new LinkedHashMap<>(backend.environment());
        env.putAll(resources.environment());
        env.put(EnvironmentVariables.JOBS_QUEUE_URL, jobsQueueUrl);
        env.put(EnvironmentVariables.BUNDLE_URI, bundleUri);
        env.put(EnvironmentVariables.S3_PATH_STYLE, "true");
        if (!lanes.isEmpty()) {
            Map<String, String> laneUrls = new LinkedHashMap<>();
            lanes.forEach((tenant, lane) -> laneUrls.put(tenant, lane.queueUrl()));
            env.put(EnvironmentVariables.LANE_QUEUE_URLS, Json.write(laneUrls));
        }
        env.putAll(options.extraEnvironment());
        LocalApiServer server;
        try {
            server = LocalApiServer.bind(LocalAws.HOST, options.port(), 8);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot serve the local API on port " + options.port() + ": " + e.getMessage()
                            + " (choose another with --port, or 0 for any free port)",
                    e);
        }
        env.putIfAbsent(EnvironmentVariables.API_BASE_URL, server.baseUrl().toString());
        AwsClients clients = new AwsClients(
                backend.sqs().get(),
                backend.dynamoDb().get(),
                backend.s3().get(),
                backend.presigner().get());
        LogCompletionEvents events = new LogCompletionEvents(Metrics.noop());
        GateRuntime runtime = GateRuntime.create(
                GateConfig.fromEnvironment(env), clients, gate, Metrics.noop(), events, Clock.systemUTC());
        GateTime gateTime = new GateTime();
        LocalIssuer issuer =
                options.issuerKeyDir() == null ? LocalIssuer.ephemeral() : LocalIssuer.open(options.issuerKeyDir());
        URI jwks;
        try {
            jwks = issuer.serveJwks(LocalAws.HOST);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the local issuer's keys: " + e.getMessage(), e);
        }
        server.serve(
                new HttpApiHandler(runtime.routes()),
                new JwtVerifier(jwks, LocalIssuer.ISSUER, LocalIssuer.AUDIENCE, Clock.systemUTC()),
                gateTime);
        LocalJobRunner jobRunner = new LocalJobRunner(
                new S3JobHandler(runtime),
                clients.s3(),
                clients.sqs(),
                resources.bucketName(),
                jobsQueueUrl,
                2,
                gateTime);
        LocalReaper reaper = new LocalReaper(
                new Reaper(
                        new DynamoDbRequestStore(
                                clients.dynamoDb(), clients.s3(), resources.tableName(), resources.bucketName()),
                        new DynamoDbJobStore(clients.dynamoDb(), resources.tableName()),
                        clients.sqs(),
                        withLanes(deadLetterQueueUrls(clients.sqs(), resources, options.prefix()), lanes),
                        events,
                        Reaper.DEFAULT_REQUEST_DEADLINE,
                        Reaper.DEFAULT_JOB_DEADLINE,
                        Clock.systemUTC()),
                LocalReaper.INTERVAL);
        // The stack's outbox: the table's stream -> the same event code -> a JSON Lines file instead of a bus.
        Path eventsFile = Path.of(System.getProperty("java.io.tmpdir"), "sieve-" + options.prefix() + "-events.jsonl");
        LocalEventsOutbox outbox = LocalEventsOutbox.start(
                backend, resources.tableName(), new JsonLinesPublisher(eventsFile), LocalEventsOutbox.INTERVAL);
        return new LocalSieve(
                backend,
                owned,
                resources,
                jobsQueueUrl,
                runtime,
                server,
                jobRunner,
                gateTime,
                issuer,
                reaper,
                outbox,
                eventsFile,
                Map.copyOf(lanes),
                Map.copyOf(env));
    }

    /** Starts workers with the complete environment ({@code SIEVE_*} and {@code AWS_*}). */
    public void launchWorkers(WorkerLauncher launcher) throws Exception {
        workers.add(launcher.launch(backend, environment));
    }

    /**
     * Starts one worker per dedicated lane, polling only that lane's queue (what the stack's lane service
     * runs); none when no tenant has a lane.
     */
    public void launchLaneWorkers(WorkerLauncher launcher) throws Exception {
        for (SieveResources.Lane lane : lanes.values()) {
            workers.add(launcher.launch(backend, laneEnvironment(lane)));
        }
    }

    /** The environment of a lane's worker: the system's, with the lane as its only queue. */
    Map<String, String> laneEnvironment(SieveResources.Lane lane) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put(EnvironmentVariables.REALTIME_QUEUE_URL, lane.queueUrl());
        env.remove(EnvironmentVariables.ASYNC_QUEUE_URL);
        env.remove(EnvironmentVariables.BATCH_QUEUE_URL);
        return Map.copyOf(env);
    }

    /** The dedicated lanes, by tenant. */
    public Map<String, SieveResources.Lane> lanes() {
        return lanes;
    }

    private static List<String> withLanes(List<String> deadLetterQueueUrls, Map<String, SieveResources.Lane> lanes) {
        List<String> urls = new ArrayList<>(deadLetterQueueUrls);
        lanes.values().forEach(lane -> urls.add(lane.dlqUrl()));
        return urls;
    }

    /** Every dead-letter queue the reaper reads: the three work queues' and the jobs queue's. */
    public static List<String> deadLetterQueueUrls(SqsClient sqs, SieveResources resources, String prefix) {
        List<String> urls = new ArrayList<>();
        for (Priority priority : Priority.values()) {
            urls.add(resources.dlqUrl(priority));
        }
        urls.add(sqs.getQueueUrl(b -> b.queueName(prefix + "-jobs" + ResourceDefaults.DLQ_SUFFIX))
                .queueUrl());
        return urls;
    }

    static String createJobsQueue(SqsClient sqs, String prefix) {
        String dlqUrl = sqs.createQueue(b -> b.queueName(prefix + "-jobs" + ResourceDefaults.DLQ_SUFFIX))
                .queueUrl();
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
        return sqs.createQueue(b -> b.queueName(prefix + "-jobs")
                        .attributes(Map.of(
                                QueueAttributeName.VISIBILITY_TIMEOUT,
                                "120",
                                QueueAttributeName.REDRIVE_POLICY,
                                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":"
                                        + ResourceDefaults.JOBS_MAX_RECEIVE_COUNT + "}")))
                .queueUrl();
    }

    public URI apiUrl() {
        return server.baseUrl();
    }

    public AwsBackend backend() {
        return backend;
    }

    public SieveResources resources() {
        return resources;
    }

    public String jobsQueueUrl() {
        return jobsQueueUrl;
    }

    public GateRuntime runtime() {
        return runtime;
    }

    /** Time spent in the gate's handlers (HTTP API and batch jobs): the Lambda-equivalent work. */
    public GateTime gateTime() {
        return gateTime;
    }

    /** A fresh token for {@code tenant} from this system's issuer (for {@code Authorization: Bearer}). */
    public String token(String tenant) {
        return issuer.token(tenant, LocalIssuer.DEFAULT_TTL);
    }

    /** Every variable a process needs to join this system (SDK endpoints, credentials, SIEVE_*). */
    public Map<String, String> environment() {
        return environment;
    }

    /**
     * What to print for people: one {@code tenant NAME  token TOKEN} line per tenant, endpoints,
     * credentials, export lines, example calls (as the first tenant).
     */
    public String describe(List<String> tenants) {
        StringBuilder out = new StringBuilder();
        out.append("Sieve is running locally.\n");
        for (String tenant : tenants) {
            out.append("  tenant ")
                    .append(tenant)
                    .append("  token ")
                    .append(token(tenant))
                    .append('\n');
        }
        out.append("  API        ")
                .append(apiUrl())
                .append("/v1/classify   (OpenAPI: ")
                .append(apiUrl())
                .append("/v1/openapi.json)\n");
        out.append("  AWS        ").append(backend.name()).append('\n');
        out.append("  SQS        ").append(backend.endpoint("SQS")).append('\n');
        out.append("  DynamoDB   ")
                .append(backend.endpoint("DYNAMODB"))
                .append("   table ")
                .append(resources.tableName())
                .append('\n');
        out.append("  S3         ")
                .append(backend.endpoint("S3"))
                .append("   bucket ")
                .append(resources.bucketName())
                .append(" (path-style)\n");
        out.append("  queues     ").append(resources.realtimeQueueUrl()).append('\n');
        out.append("             ").append(resources.asyncQueueUrl()).append('\n');
        out.append("             ").append(resources.batchQueueUrl()).append('\n');
        out.append("             ").append(jobsQueueUrl).append("   (job tasks)\n");
        lanes.forEach((tenant, lane) -> out.append("             ")
                .append(lane.queueUrl())
                .append("   (dedicated real-time lane of ")
                .append(tenant)
                .append(")\n"));
        out.append("  events     ")
                .append(eventsFile)
                .append("   (completion and failure events, one JSON line each)\n");
        out.append("\nPoint the AWS CLI or any SDK at it:\n");
        for (Map.Entry<String, String> entry : new java.util.TreeMap<>(backend.environment()).entrySet()) {
            out.append("  export ")
                    .append(entry.getKey())
                    .append('=')
                    .append(entry.getValue())
                    .append('\n');
        }
        String first = tenants.isEmpty() ? "demo" : tenants.get(0);
        out.append("\nTry (as tenant ").append(first).append("; 'sieve token --tenant NAME' prints a fresh token):\n");
        out.append("  TOKEN=$(./sieve token --tenant ").append(first).append(")\n");
        out.append("  curl -s -X POST ")
                .append(apiUrl())
                .append("/v1/classify -H \"authorization: Bearer $TOKEN\" -H 'content-type: application/json' \\\n")
                .append("       -d '{\"items\":[{\"id\":\"1\",\"text\":\"WIN a FREE prize now!!!\"}]}'\n");
        out.append("  aws s3 cp manifest.jsonl s3://")
                .append(resources.bucketName())
                .append("/jobs/in/")
                .append(first)
                .append("/manifest.jsonl   # output appears at jobs/out/")
                .append(first)
                .append("/manifest.out\n");
        return out.toString();
    }

    /** Where local mode appends completion and failure events (one JSON line each, as a bus target gets them). */
    public Path eventsFile() {
        return eventsFile;
    }

    @Override
    public void close() {
        reaper.close();
        events.close();
        server.close();
        for (AutoCloseable worker : workers) {
            try {
                worker.close();
            } catch (Exception e) {
                System.err.println("sieve local: worker did not stop cleanly: " + e.getMessage());
            }
        }
        jobRunner.close();
        issuer.close();
        runtime.close();
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                System.err.println("sieve local: emulators did not stop cleanly: " + e.getMessage());
            }
        }
    }
}
