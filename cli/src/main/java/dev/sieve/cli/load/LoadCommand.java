package dev.sieve.cli.load;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.cli.SieveCommand;
import dev.sieve.cli.local.AwsBackend;
import dev.sieve.cli.local.LocalCommand;
import dev.sieve.cli.local.LocalModels;
import dev.sieve.cli.local.LocalSieve;
import dev.sieve.gate.GateLoading;
import dev.sieve.gate.service.LoadedGate;
import dev.sieve.localaws.LocalAws;
import dev.sieve.pricing.CostModel;
import dev.sieve.pricing.WorkloadProfile;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.json.Json;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * {@code sieve load}: load-tests a Sieve API the way the billion-classifications study did. Load grows
 * exponentially, then a binary search narrows the saturation point, until throughput gains less than
 * {@code --min-gain} or p99 breaks {@code --p99-ms}; every step is a Gatling run (in-process) whose
 * sanity checks are printed and whose counted resource use is priced per million items.
 */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        description = {
            "Load-tests Sieve: starts `sieve local` in this process (or drives --url), sends labeled items with"
                    + " Gatling, grows the load exponentially and then binary-searches until throughput gains"
                    + " less than --min-gain or p99 breaks --p99-ms.",
            "Every step prints its sanity checks (failed requests, every item answered exactly once, responses"
                    + " valid against /v1/openapi.json, routing rate in the calibrated band; over the run:"
                    + " accuracy within 0.5 point of `sieve eval`, throughput monotonic until saturation) and"
                    + " its cost per million items from the resources counted during the step.",
            "Exit code 1 when any check fails. --json: one JSON line per step, then a summary line."
        })
public final class LoadCommand implements Callable<Integer> {
    /**
     * The tenant a local run calls as: local mode checks a bearer token on every route (as API Gateway's JWT
     * authorizer does), so the run signs its own with the local issuer, and its usage is this tenant's.
     */
    public static final String LOCAL_TENANT = "load";

    /** Items per manifest in batch mode when --items-per-request is not given. */
    static final int BATCH_MANIFEST_ITEMS = 1000;

    private static final ObjectMapper JSON = new ObjectMapper();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", description = "A deployed API (default: start `sieve local`).")
    URI url;

    @Option(names = "--token", paramLabel = "JWT", description = "With --url: send this bearer token.")
    String token;

    @Option(
            names = "--region",
            paramLabel = "REGION",
            description = "With --url and no --token: sign requests with SigV4 for this region (credentials from"
                    + " the default AWS chain).")
    String region;

    @Option(
            names = "--bundle",
            paramLabel = "DIR",
            description = "Model bundle (default: the cached SpamAssassin one).")
    Path bundle;

    @Option(
            names = "--data",
            paramLabel = "FILE",
            description = "Labeled JSON Lines {id, text, label} to send (default: the bundle's test split).")
    Path data;

    @Option(
            names = "--mode",
            defaultValue = "realtime",
            description = "realtime, async (202 then polling) or batch (a JSON Lines manifest written to the local"
                    + " bucket, POST /v1/jobs, polled to completion, its output read; local only)"
                    + " (default: ${DEFAULT-VALUE}).")
    Workload.Mode mode;

    @Option(
            names = "--items-per-request",
            defaultValue = "10",
            split = ",",
            description = "Items per request, one search per value, e.g. 1,10,100 (default: ${DEFAULT-VALUE}; batch:"
                    + " items per manifest, default 1000).")
    List<Integer> itemsPerRequest;

    @Option(
            names = "--model",
            defaultValue = "closed",
            description = "closed (virtual users) or open (requests per second) (default: ${DEFAULT-VALUE}).")
    Workload.Model model;

    @Option(names = "--start", defaultValue = "1", description = "First load level (default: ${DEFAULT-VALUE}).")
    int start;

    @Option(
            names = "--max-steps",
            defaultValue = "7",
            description = "Most steps per search (default: ${DEFAULT-VALUE}).")
    int maxSteps;

    @Option(
            names = "--step-seconds",
            defaultValue = "8",
            description = "How long each step injects load (default: ${DEFAULT-VALUE}).")
    int stepSeconds;

    @Option(
            names = "--settle-seconds",
            defaultValue = "60",
            description = "How long a request may wait for its last answer (default: ${DEFAULT-VALUE}).")
    int settleSeconds;

    @Option(
            names = "--min-gain",
            defaultValue = "0.02",
            description = "Stop when throughput gains less than this (default: ${DEFAULT-VALUE}).")
    double minGain;

    @Option(
            names = "--p99-ms",
            defaultValue = "10000",
            description = "Latency objective: a step whose p99 exceeds it ends the search (default: ${DEFAULT-VALUE}).")
    double p99Ms;

    @Option(
            names = "--eval-accuracy",
            paramLabel = "A",
            description = "Accuracy to compare with (default: `sieve eval --json`'s accuracy_blended, cached beside"
                    + " the bundle).")
    Double evalAccuracy;

    @Option(
            names = "--cost-profile",
            paramLabel = "FILE",
            description = "Workload profile for unit prices, instance type and GPU throughput (default: the cost"
                    + " model's defaults).")
    Path costProfile;

    @Option(
            names = "--out",
            defaultValue = "load-report",
            paramLabel = "DIR",
            description = "Report directory: Gatling HTML reports, plots, steps.jsonl (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--no-html", description = "Skip Gatling's HTML report for each step.")
    boolean noHtml;

    @Option(
            names = "--workers",
            defaultValue = "1",
            description = "Local in-process workers (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--json", description = "One JSON line per step, then a summary line.")
    boolean json;

    @Option(
            names = "--cache-dir",
            paramLabel = "DIR",
            description = "Where corpora and bundles are cached (default: ~/.cache/sieve).")
    Path cacheDir;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public Integer call() throws Exception {
        LocalCommand.quietLogs();
        quietGatling();
        PrintStream stdout = System.out;
        PrintStream err = System.err;
        // The report owns stdout (--json: one line per step, then the summary); everything else the system
        // prints while it runs (the gate's JSON logs, Gatling's progress) goes to stderr.
        System.setOut(err);
        try {
            return run(stdout, err);
        } finally {
            System.setOut(stdout);
        }
    }

    private int run(PrintStream stdout, PrintStream err) throws Exception {
        if (url != null && mode == Workload.Mode.BATCH) {
            err.println("sieve load: --mode batch drives the local bucket; it cannot be combined with --url");
            return 2;
        }
        Path cache = cacheDir != null ? cacheDir : Path.of(System.getProperty("user.home"), ".cache", "sieve");
        LocalModels models = new LocalModels(cache, err::println);
        Path bundleDir = bundle != null ? bundle : (url == null || data == null ? models.defaultBundle() : null);
        ModelBundle opened = bundleDir == null ? null : ModelBundle.open(bundleDir);
        List<LabeledItem> items = data != null
                ? LabeledItem.readJsonLines(data)
                : models.testSplit(opened).stream()
                        .map(i -> new LabeledItem(i.id(), i.text(), i.label()))
                        .toList();
        Double calibrated = opened == null
                ? null
                : boxed(GateLoading.load(opened).thresholds().calibratedRoutingRate());
        Double reference =
                evalAccuracy != null ? evalAccuracy : (data == null && opened != null ? evalFigure(opened) : null);
        WorkloadProfile baseProfile =
                costProfile == null ? WorkloadProfile.defaults() : WorkloadProfile.load(costProfile);
        CostModel costModel = CostModel.withDefaults();
        Files.createDirectories(out);

        UsageCounter counter = new UsageCounter();
        LocalAws aws = null;
        LocalSieve sieve = null;
        try {
            URI baseUrl;
            String bearer = token;
            UnaryOperator<io.gatling.http.client.Request> signer;
            if (url == null) {
                err.println("sieve load: starting `sieve local` (embedded SQS, DynamoDB, S3, API, " + workers
                        + " worker(s)) ...");
                aws = LocalAws.start();
                LocalAws started = aws;
                List<software.amazon.awssdk.core.interceptor.ExecutionInterceptor> interceptors = List.of(counter);
                AwsBackend counted = new AwsBackend(
                        "embedded, counted",
                        () -> started.sqsClient(interceptors),
                        () -> started.dynamoDbClient(interceptors),
                        () -> started.s3Client(interceptors),
                        started::s3Presigner,
                        started.environment());
                LoadedGate gate = GateLoading.load(ModelBundle.open(bundleDir));
                Map<String, String> settings = new LinkedHashMap<>();
                settings.put(EnvironmentVariables.REALTIME_BUDGET_MS, "2000");
                sieve = LocalSieve.start(
                        counted, null, new LocalSieve.Options("load", 0, settings), gate, bundleDir.toString());
                for (int i = 0; i < workers; i++) {
                    sieve.launchWorkers(models.workerLauncher(opened, counter));
                }
                baseUrl = sieve.apiUrl();
                bearer = sieve.token(LOCAL_TENANT);
                signer = RequestSigner.bearer(bearer);
            } else {
                baseUrl = url;
                signer = token != null
                        ? RequestSigner.bearer(token)
                        : RequestSigner.sigV4(
                                DefaultCredentialsProvider.builder().build(), requireRegion());
            }
            ResponseValidator validator = ResponseValidator.of(openApi(baseUrl, bearer));
            List<StepResult> steps = new ArrayList<>();
            try (StepRunner runner = new StepRunner(
                    baseUrl,
                    signer,
                    bearer,
                    validator,
                    items,
                    counter,
                    sieve,
                    new GatlingRunner(out.resolve("gatling"), !noHtml))) {
                for (int n : sizes()) {
                    Workload workload = new Workload(mode, n, model);
                    search(workload, runner, steps, baseProfile, costModel, calibrated, stdout, err);
                }
            }
            Summary summary = Summary.of(steps, reference, items);
            for (SanityChecks.Check check : summary.runChecks()) {
                err.println(check.line());
            }
            List<Path> plots = LoadPlots.write(steps, out);
            Files.writeString(
                    out.resolve("steps.jsonl"),
                    String.join("\n", steps.stream().map(s -> write(s.asJson())).toList()) + "\n"
                            + write(summary.asJson()) + "\n",
                    StandardCharsets.UTF_8);
            err.println("sieve load: report in " + out.toAbsolutePath() + " (plots: " + plots.size()
                    + ", Gatling HTML under gatling/, steps.jsonl)");
            if (json) {
                stdout.println(write(summary.asJson()));
            } else {
                stdout.println(summary.readable());
            }
            stdout.flush();
            return summary.sane() ? 0 : 1;
        } finally {
            if (sieve != null) {
                sieve.close();
            }
            if (aws != null) {
                aws.close();
            }
        }
    }

    /** Items per request; in batch mode, unless given, {@value #BATCH_MANIFEST_ITEMS} items per manifest. */
    private List<Integer> sizes() {
        boolean given = spec != null && spec.commandLine().getParseResult().hasMatchedOption("--items-per-request");
        return mode == Workload.Mode.BATCH && !given ? List.of(BATCH_MANIFEST_ITEMS) : itemsPerRequest;
    }

    /** The study's search for one workload: exponential growth, then bisection between the last two levels. */
    private void search(
            Workload workload,
            StepRunner runner,
            List<StepResult> steps,
            WorkloadProfile baseProfile,
            CostModel costModel,
            Double calibrated,
            PrintStream stdout,
            PrintStream err)
            throws Exception {
        Map<Integer, StepResult> byLevel = new HashMap<>();
        int level = Math.max(1, start);
        StepResult previous = null;
        int lo = -1;
        int hi = -1;
        int count = 0;
        while (count < maxSteps) {
            StepResult result =
                    runStep(workload, level, runner, steps, baseProfile, costModel, calibrated, stdout, err);
            count++;
            byLevel.put(level, result);
            boolean broke = result.p99Ms() > p99Ms || result.failed() > 0;
            if (previous != null && (broke || result.itemsPerSecond() < previous.itemsPerSecond() * (1 + minGain))) {
                lo = previous.level();
                hi = level;
                break;
            }
            if (broke) {
                return; // the first level already breaks the objective
            }
            previous = result;
            level *= 2;
        }
        while (lo > 0 && hi - lo > 1 && count < maxSteps) {
            int mid = (lo + hi) / 2;
            StepResult result = runStep(workload, mid, runner, steps, baseProfile, costModel, calibrated, stdout, err);
            count++;
            StepResult low = byLevel.get(lo);
            byLevel.put(mid, result);
            boolean ok = result.p99Ms() <= p99Ms && result.failed() == 0;
            if (ok && result.itemsPerSecond() >= low.itemsPerSecond() * (1 + minGain)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
    }

    private StepResult runStep(
            Workload workload,
            int level,
            StepRunner runner,
            List<StepResult> steps,
            WorkloadProfile baseProfile,
            CostModel costModel,
            Double calibrated,
            PrintStream stdout,
            PrintStream err)
            throws Exception {
        err.println("sieve load: step " + (steps.size() + 1) + ": " + workload.label() + " at "
                + workload.model().levelName().replace('_', ' ') + " " + level + " for " + stepSeconds + " s ...");
        StepRunner.Measured measured =
                runner.run(workload, level, Duration.ofSeconds(stepSeconds), Duration.ofSeconds(settleSeconds));
        StepResult result =
                StepResult.of(steps.size() + 1, workload, level, measured, baseProfile, costModel, calibrated);
        steps.add(result);
        err.println(String.format(
                Locale.ROOT,
                "  %.1f items/s, p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, %d failed, routing %.3f, $%.4f per million",
                result.itemsPerSecond(),
                result.p50Ms(),
                result.p95Ms(),
                result.p99Ms(),
                result.failed(),
                result.routingRate(),
                result.costPerMillionUsd()));
        result.checks().forEach(c -> err.println(c.line()));
        if (json) {
            stdout.println(write(result.asJson()));
            stdout.flush();
        }
        return result;
    }

    private JsonNode openApi(URI baseUrl, String bearer) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(baseUrl + "/v1/openapi.json")).timeout(Duration.ofSeconds(30));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> response = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + baseUrl + "/v1/openapi.json answered " + response.statusCode()
                    + (url != null && token == null
                            ? " (the document is fetched unsigned; pass --token or make" + " the route public)"
                            : ""));
        }
        return Json.read(response.body(), JsonNode.class);
    }

    /** {@code sieve eval --json}'s blended accuracy for this bundle, computed once and cached beside it. */
    private Double evalFigure(ModelBundle opened) throws Exception {
        Path cached = opened.directory()
                .resolveSibling(opened.directory().getFileName() + "-eval")
                .resolve("eval-" + opened.version() + ".json");
        if (!Files.isRegularFile(cached)) {
            System.err.println("sieve load: running `sieve eval --json` once for the accuracy to compare with ...");
            StringWriter captured = new StringWriter();
            int exit = SieveCommand.commandLine()
                    .setOut(new PrintWriter(captured))
                    .execute("eval", "--bundle", opened.directory().toString(), "--json");
            if (exit != 0) {
                throw new IllegalStateException("sieve eval failed with exit code " + exit);
            }
            String[] lines = captured.toString().strip().split("\n");
            Files.createDirectories(cached.getParent());
            Files.writeString(cached, lines[lines.length - 1]);
        }
        JsonNode node = Json.read(Files.readString(cached), JsonNode.class);
        JsonNode blended = node.path("accuracy_blended");
        return blended.isNumber()
                ? blended.asDouble()
                : node.path("accuracy_gate_only").asDouble();
    }

    private String requireRegion() {
        String r = region != null ? region : System.getenv("AWS_REGION");
        if (r == null || r.isBlank()) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this), "--url without --token signs with SigV4: pass --region");
        }
        return r;
    }

    private static Double boxed(java.util.OptionalDouble value) {
        return value.isPresent() ? value.getAsDouble() : null;
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Gatling logs at INFO/DEBUG by default; the console shows Sieve's own lines. */
    static void quietGatling() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            for (String name : List.of("io.gatling", "io.netty")) {
                context.getLogger(name).setLevel(Level.WARN);
            }
        }
    }

    /** Feeds request bodies cycling through the items; ids carry the request sequence number. */
    static Iterator<Map<String, Object>> feeder(
            List<LabeledItem> items, Workload workload, AtomicLong sequence, AtomicLong cursor, LoadRecorder recorder) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Map<String, Object> next() {
                long seq = sequence.incrementAndGet();
                List<Map<String, String>> body = new ArrayList<>();
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < workload.itemsPerRequest(); i++) {
                    LabeledItem item = items.get((int) (cursor.getAndIncrement() % items.size()));
                    String id = item.id() + LoadRecorder.SEQ_SEPARATOR + seq;
                    ids.add(id);
                    body.add(Map.of("id", id, "text", item.text()));
                }
                recorder.sent(seq, ids);
                return Map.of(
                        "seq",
                        seq,
                        "body",
                        Json.write(Map.of("mode", workload.mode().jsonName(), "items", body)));
            }
        };
    }
}
