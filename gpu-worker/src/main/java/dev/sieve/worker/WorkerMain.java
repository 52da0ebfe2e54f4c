package dev.sieve.worker;

import dev.sieve.contract.BundleLocator;
import dev.sieve.shared.bundle.BundleException;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.config.ConfigException;
import dev.sieve.shared.metrics.EmfMetrics;
import dev.sieve.worker.expert.Expert;
import dev.sieve.worker.expert.OnnxExpert;
import dev.sieve.worker.internal.AwsClients;
import dev.sieve.worker.internal.EcsTaskProtection;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker process (ECS task, or a child process in tests): reads {@link WorkerConfig} from the
 * environment, opens the bundle and the expert, runs a {@link Worker} until SIGTERM/SIGINT, then
 * drains within {@code SIEVE_DRAIN_GRACE_S} and exits 0. Exit 2 for bad settings or a bad bundle.
 */
public final class WorkerMain {
    private static final String LOGBACK_CONFIG = "logback.configurationFile";

    private WorkerMain() {}

    public static void main(String[] args) {
        main(WorkerMain::openExpert);
    }

    /** Opens the expert of a bundle (tests substitute a deterministic one). */
    @FunctionalInterface
    interface ExpertOpener {
        Expert open(ModelBundle bundle, WorkerConfig config);
    }

    static void main(ExpertOpener opener) {
        if (System.getProperty(LOGBACK_CONFIG) == null) {
            System.setProperty(LOGBACK_CONFIG, "dev/sieve/worker/logback-worker.xml");
        }
        Logger log = LoggerFactory.getLogger(WorkerMain.class);
        WorkerConfig config;
        try {
            config = WorkerConfig.fromEnvironment(System.getenv());
        } catch (ConfigException e) {
            log.error("invalid worker setting: {}", e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(config, log, opener));
    }

    static int run(WorkerConfig config, Logger log, ExpertOpener opener) {
        try (AwsClients aws = AwsClients.create(config.writerThreads() + 8, config.s3PathStyle())) {
            ModelBundle bundle;
            Expert expert;
            try {
                bundle = BundleLocator.open(config.bundleUri(), config.bundleCacheDir(), aws.s3());
                expert = opener.open(bundle, config);
            } catch (BundleException e) {
                log.error("cannot load the model bundle: {}", e.getMessage());
                return 2;
            }
            try (expert) {
                Worker worker = Worker.onAws(
                        config,
                        expert,
                        bundle.version(),
                        aws.sqs(),
                        aws.dynamoDb(),
                        aws.s3(),
                        protection(config),
                        EmfMetrics.toStdout(config.metricsNamespace(), "worker"));
                runUntilSignalled(worker, config.drainGrace(), log);
            }
        }
        return 0;
    }

    /**
     * Runs until SIGTERM or SIGINT (ECS stop, spot interruption, Ctrl-C). The shutdown hook drains the
     * worker and then halts with status 0: a signal-initiated JVM exit would otherwise report 143.
     */
    private static void runUntilSignalled(Worker worker, Duration grace, Logger log) {
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            log.info("stop requested; draining for up to {} s", grace.toSeconds());
                            worker.drain(grace);
                            System.out.flush();
                            Runtime.getRuntime().halt(0);
                        },
                        "sieve-shutdown"));
        worker.start();
        try {
            forever.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static TaskProtection protection(WorkerConfig config) {
        return config.ecsAgentUri()
                .<TaskProtection>map(uri -> new EcsTaskProtection(
                        HttpClient.newBuilder()
                                .connectTimeout(Duration.ofSeconds(2))
                                .build(),
                        uri))
                .orElse(TaskProtection.none());
    }

    private static Expert openExpert(ModelBundle bundle, WorkerConfig config) {
        return OnnxExpert.open(bundle, config.expertOptions());
    }
}
