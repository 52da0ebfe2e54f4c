package dev.sieve.cli.local;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.sieve.gate.GateLoading;
import dev.sieve.gate.service.LoadedGate;
import dev.sieve.localaws.LocalAws;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.tenant.Tenant;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sieve local}: the complete system on this machine. Starts embedded SQS, DynamoDB and S3,
 * creates Sieve's queues, table and bucket like the production stack, serves the HTTP API through the
 * real Lambda handler, runs worker(s) in-process and triggers batch jobs itself. {@code --demo} sends
 * the SpamAssassin test split through it and reports.
 */
@Command(
        name = "local",
        mixinStandardHelpOptions = true,
        description = {
            "Runs Sieve on this machine: embedded SQS (ElasticMQ), DynamoDB Local and S3Proxy, the gate's HTTP API"
                    + " on a local port, in-process worker(s), batch jobs triggered from the bucket.",
            "Ordinary clients work against it: curl for the API, the AWS CLI with the printed endpoints.",
            "--demo sends the SpamAssassin test split through the API (real-time) and as a batch manifest,"
                    + " reads every result back and prints a report (--json: one JSON line at the end)."
        })
public final class LocalCommand implements Callable<Integer> {

    @Option(
            names = "--bundle",
            paramLabel = "DIR",
            description = "Model bundle directory (default: the cached SpamAssassin bundle, trained on first use).")
    Path bundle;

    @Option(
            names = "--port",
            defaultValue = "8787",
            description = "HTTP port of the API (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--workers", defaultValue = "1", description = "In-process workers (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(
            names = "--prefix",
            defaultValue = "sieve",
            description = "Resource name prefix (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Option(
            names = "--budget-ms",
            defaultValue = "2000",
            description = "Real-time latency budget in ms (default: ${DEFAULT-VALUE}).")
    int budgetMs;

    @Option(
            names = "--precision",
            defaultValue = "fp32",
            description = "Expert graph the workers serve: fp32, int8 (faster on CPUs) or fp16 (CUDA only);"
                    + " sets SIEVE_EXPERT_PRECISION (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(
            names = "--tenants",
            split = ",",
            defaultValue = "demo",
            paramLabel = "NAME[,NAME...]",
            description =
                    "Tenants to print tokens for at start (default: ${DEFAULT-VALUE}); the demo runs as the first.")
    List<String> tenants;

    @Option(
            names = "--dedicated-tenants",
            split = ",",
            paramLabel = "NAME[,NAME...]",
            description = "Tenants with a dedicated real-time lane: their real-time escalations go to their own"
                    + " queue, drained by one more worker each that polls only it (as the stack's lane service"
                    + " does with -c dedicatedTenants).")
    List<String> dedicatedTenants = List.of();

    @Option(names = "--demo", description = "Run the demo, print the report and exit.")
    boolean demo;

    @Option(names = "--json", description = "With --demo: end with one JSON line of the figures.")
    boolean json;

    @Option(
            names = "--cache-dir",
            paramLabel = "DIR",
            description = "Where corpora and bundles are cached (default: ~/.cache/sieve).")
    Path cacheDir;

    @Override
    public Integer call() throws Exception {
        requireTenantNames("--tenants", tenants);
        requireTenantNames("--dedicated-tenants", dedicatedTenants);
        quietLogs();
        PrintStream out = System.out;
        PrintStream err = System.err;
        Path cache = cacheDir != null ? cacheDir : Path.of(System.getProperty("user.home"), ".cache", "sieve");
        LocalModels models = new LocalModels(cache, err::println);
        Path bundleDir = bundle != null ? bundle : models.defaultBundle();
        ModelBundle opened = ModelBundle.open(bundleDir);
        LoadedGate gate = GateLoading.load(opened);
        err.println("sieve local: bundle " + bundleDir + " (version " + opened.version() + ", components "
                + opened.manifest().components().keySet() + ")");
        err.println("sieve local: starting embedded SQS, DynamoDB and S3 ...");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(EnvironmentVariables.REALTIME_BUDGET_MS, Integer.toString(budgetMs));
        settings.put(EnvironmentVariables.BATCH_CHUNK_ITEMS, "250");
        settings.put(EnvironmentVariables.EXPERT_PRECISION, precision);
        try (LocalSieve sieve = LocalSieve.start(
                new LocalSieve.Options(prefix, demo ? 0 : port, settings, TokenCommand.issuerDir(cache))
                        .withDedicatedTenants(dedicatedTenants),
                gate,
                bundleDir.toString())) {
            for (int i = 0; i < workers; i++) {
                sieve.launchWorkers(models.workerLauncher(opened));
            }
            sieve.launchLaneWorkers(models.workerLauncher(opened));
            if (!demo) {
                out.println(sieve.describe(tenants));
                out.println("Press Ctrl-C to stop (workers drain first).");
                out.flush();
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    err.println("sieve local: stopping (draining workers) ...");
                    sieve.close();
                    stop.countDown();
                }));
                stop.await();
                return 0;
            }
            err.println(sieve.describe(tenants));
            List<LocalDemo.DemoItem> test = models.testSplit(opened);
            DemoReport report = new LocalDemo(sieve, tenants.get(0), err::println)
                    .run(test, models.positiveLabel(opened), models.expertOnly(opened));
            out.println(report.readable());
            if (json) {
                out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(report.asJson()));
            }
            out.flush();
            return report.lost() == 0 && report.batchLost() == 0 ? 0 : 1;
        }
    }

    private void requireTenantNames(String option, List<String> names) {
        for (String tenant : names) {
            if (!Tenant.isValid(tenant)) {
                throw new picocli.CommandLine.ParameterException(
                        new picocli.CommandLine(this),
                        option + ": '" + tenant + "' is not a tenant name (1-64 letters, digits, '.', '_', '-')");
            }
        }
    }

    /** Emulators and SDKs stay at WARN so the console shows Sieve's own output. */
    public static void quietLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
            for (String name : LocalAws.EMULATOR_LOGGERS) {
                context.getLogger(name).setLevel(Level.WARN);
            }
        }
    }
}
