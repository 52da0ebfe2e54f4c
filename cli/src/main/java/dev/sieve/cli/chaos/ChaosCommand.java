package dev.sieve.cli.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.cli.local.AwsBackend;
import dev.sieve.cli.local.LocalCommand;
import dev.sieve.cli.local.LocalModels;
import dev.sieve.cli.local.LocalSieve;
import dev.sieve.gate.GateLoading;
import dev.sieve.localaws.LocalAws;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.config.EnvironmentVariables;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sieve chaos}: local mode under fire. Starts the whole system on embedded AWS behind outage
 * relays, worker child processes, a mixed workload (real-time, async, one batch job), then SIGKILLs
 * workers at random, injects faults into every AWS client and takes each emulator down twice; at the end
 * it reads every result back and prints the counters ({@code --json}: one line).
 */
@Command(
        name = "chaos",
        mixinStandardHelpOptions = true,
        description = {
            "Runs local mode under faults and checks that nothing is lost, doubled or left pending: real-time"
                    + " and async requests and a batch job while workers (child processes) are SIGKILLed at"
                    + " random, every AWS client (gate, job runner, reaper, workers) sees throttles, 5xx,"
                    + " timeouts, lost responses and transaction conflicts, and SQS, DynamoDB and S3 are each"
                    + " stopped for --short-outage-s and --long-outage-s (their data kept). Then every result"
                    + " is read back. Exit 0 when lost = duplicated = stuck = dlq = http_500 = 0 and"
                    + " recompute_ratio <= 1.2.",
            "Counters: items = items accepted (requests answered 200/202, plus the job's manifest lines);"
                    + " lost = accepted items without a final answer at the end (pending, missing, in a failed"
                    + " request or job, or answered only with an error); duplicated = extra answers for one item"
                    + " (an id twice in a listing or in the job output, an expert row for an item the gate"
                    + " answered, answered counters above expected); stuck = accepted requests or jobs not"
                    + " complete or failed after --quiesce-timeout-s, plus unfinished request or job rows no"
                    + " accepted call owns (traces left by a refused call); dlq = messages left in the four"
                    + " dead-letter queues plus requests and jobs that ended failed (the reaper fails what"
                    + " reached a DLQ; deadlines are a day or more, so cannot pass here); http_500 and"
                    + " http_503 = answers of that status to the client (a 503 or 429 is retried after its"
                    + " Retry-After); recompute_ratio = expert item-evaluations reported by every worker"
                    + " process (killed ones included) / distinct items answered by the expert (tier expert or"
                    + " cache); seconds_to_quiesce = from the end of the faults until every accepted request"
                    + " and the job are final and the work queues are empty."
        })
public final class ChaosCommand implements Callable<Integer> {
    @Option(
            names = "--bundle",
            paramLabel = "DIR",
            description = "Model bundle (default: the cached SpamAssassin demo bundle, trained on first use).")
    Path bundle;

    @Option(names = "--workers", defaultValue = "3", description = "Worker processes (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(
            names = "--batch-lines",
            defaultValue = "10000",
            description = "Lines of the batch job (default: ${DEFAULT-VALUE}).")
    int batchLines;

    @Option(
            names = "--short-outage-s",
            defaultValue = "30",
            description = "First outage of each emulator, seconds (default: ${DEFAULT-VALUE}).")
    int shortOutage;

    @Option(
            names = "--long-outage-s",
            defaultValue = "120",
            description = "Second outage of each emulator, seconds (default: ${DEFAULT-VALUE}).")
    int longOutage;

    @Option(
            names = "--gap-s",
            defaultValue = "20",
            description = "Calm before each outage, seconds (default: ${DEFAULT-VALUE}).")
    int gap;

    @Option(
            names = "--kill-every-s",
            defaultValue = "25",
            description = "Mean seconds between worker SIGKILLs (uniform 0.5x..1.5x; default: ${DEFAULT-VALUE}).")
    int killEvery;

    @Option(
            names = "--fault-rate",
            defaultValue = "0.05",
            description = "Probability of an injected fault per AWS attempt (default: ${DEFAULT-VALUE}).")
    double faultRate;

    @Option(
            names = "--quiesce-timeout-s",
            defaultValue = "900",
            description = "Longest wait for everything to finish after the faults (default: ${DEFAULT-VALUE}).")
    int quiesceTimeout;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Seed of kills and faults (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--quick",
            description = "Short preset for tests: outages 4 s and 10 s, gaps 3 s, a kill every 10 s, quiesce"
                    + " timeout 300 s (replaces those five options).")
    boolean quick;

    @Option(
            names = "--precision",
            defaultValue = "fp32",
            description = "Expert graph the workers serve: fp32 or int8 (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Worker logs (default: a new temporary directory).")
    Path workDir;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Corpora and bundles (default: ~/.cache/sieve).")
    Path cacheDir;

    @Option(names = "--json", description = "End with one JSON line of the counters.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (quick) {
            shortOutage = 4;
            longOutage = 10;
            gap = 3;
            killEvery = 10;
            quiesceTimeout = 300;
        }
        if (workers < 1 || batchLines < 1 || shortOutage < 0 || longOutage < 0 || gap < 0 || killEvery < 1) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this),
                    "--workers, --batch-lines and --kill-every-s must be at least 1; durations not negative");
        }
        LocalCommand.quietLogs();
        // The handlers' JSON logs go to stdout (as in Lambda); here stdout is for the one result line.
        PrintStream stdout = System.out;
        System.setOut(System.err);
        try {
            return run(stdout);
        } finally {
            System.setOut(stdout);
        }
    }

    private int run(PrintStream stdout) throws Exception {
        PrintStream err = System.err;
        Path cache = cacheDir != null ? cacheDir : Path.of(System.getProperty("user.home"), ".cache", "sieve");
        LocalModels models = new LocalModels(cache, err::println);
        Path bundleDir = (bundle != null ? bundle : models.defaultBundle()).toAbsolutePath();
        ModelBundle opened = ModelBundle.open(bundleDir);
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("sieve-chaos");
        ChaosRun.Settings settings = new ChaosRun.Settings(
                workers, batchLines, shortOutage, longOutage, gap, killEvery, faultRate, quiesceTimeout, seed);
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put(EnvironmentVariables.REALTIME_BUDGET_MS, "2000");
        environment.put(EnvironmentVariables.BATCH_CHUNK_ITEMS, "250");
        environment.put(EnvironmentVariables.EXPERT_PRECISION, precision);
        err.println("chaos: bundle " + bundleDir + " (version " + opened.version() + "), worker logs in " + dir);
        FaultInjector faults = new FaultInjector(faultRate, seed);
        long started = System.nanoTime();
        Map<String, Object> result;
        try (LocalAws aws = LocalAws.startWithOutages();
                LocalSieve sieve = LocalSieve.start(
                        faulty(aws, faults),
                        null,
                        new LocalSieve.Options("chaos", 0, environment),
                        GateLoading.load(opened),
                        bundleDir.toString())) {
            result = new ChaosRun(aws, sieve, faults, settings, dir, err::println)
                    .run(bundleDir, ChaosTexts.of(models, opened));
        }
        result.put("run_seconds", Math.round((System.nanoTime() - started) / 1e9));
        boolean done = ChaosRun.done(result);
        err.println("chaos: " + (done ? "PASS" : "FAIL") + " " + result);
        if (json) {
            Map<String, Object> line = new LinkedHashMap<>(result);
            line.remove("examples");
            line.remove("evidence");
            stdout.println(new ObjectMapper().writeValueAsString(line));
            stdout.flush();
        }
        return done ? 0 : 1;
    }

    /** The emulators as the system under test sees them: every client built with {@code faults}. */
    static AwsBackend faulty(LocalAws aws, FaultInjector faults) {
        List<software.amazon.awssdk.core.interceptor.ExecutionInterceptor> interceptors = List.of(faults);
        return new AwsBackend(
                "embedded, behind outage relays, with injected faults",
                () -> aws.sqsClient(interceptors),
                () -> aws.dynamoDbClient(interceptors),
                () -> aws.s3Client(interceptors),
                aws::s3Presigner,
                aws.environment());
    }
}
