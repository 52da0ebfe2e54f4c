package dev.sieve.cli.local;

import dev.sieve.cli.SieveCommand;
import dev.sieve.cli.models.ModelTools;
import dev.sieve.gate.GateLoading;
import dev.sieve.gate.model.GateScorer;
import dev.sieve.gate.model.GateThresholds;
import dev.sieve.shared.bundle.BundleManifest;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.corpus.Dataset;
import dev.sieve.shared.metrics.Metrics;
import dev.sieve.worker.TaskProtection;
import dev.sieve.worker.Worker;
import dev.sieve.worker.WorkerConfig;
import dev.sieve.worker.expert.ExpertException;
import dev.sieve.worker.expert.ExpertInput;
import dev.sieve.worker.expert.OnnxExpert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Where {@code sieve local} gets its models, data and workers: the cached SpamAssassin bundle (trained
 * with {@code sieve train} on first use), the bundle's recorded test split, and in-process workers.
 */
public final class LocalModels {
    private final Path cacheDir;
    private final Consumer<String> progress;

    public LocalModels(Path cacheDir, Consumer<String> progress) {
        this.cacheDir = cacheDir;
        this.progress = progress;
    }

    /**
     * Trains a bundle with {@code sieve train} (the same code path as the command) from labeled JSON
     * Lines, calibrated to escalate about {@code expertRate} of validation items.
     */
    public static void train(Path data, Path out, double expertRate) {
        int exit = SieveCommand.commandLine()
                .execute(
                        "train",
                        "--data",
                        data.toString(),
                        "--out",
                        out.toString(),
                        "--expert-rate",
                        Double.toString(expertRate),
                        "--no-tune");
        if (exit != 0) {
            throw new IllegalStateException("sieve train --data " + data + " failed with exit code " + exit);
        }
    }

    /** The cached SpamAssassin bundle; trained with {@code sieve train} on first use. */
    public Path defaultBundle() {
        Path dir = cacheDir.resolve("bundles").resolve("spamassassin");
        if (Files.isRegularFile(dir.resolve(BundleManifest.FILE_NAME))) {
            return dir;
        }
        progress.accept(
                "sieve local: no cached bundle at " + dir + "; training one with `sieve train` (first run only) ...");
        int exit = SieveCommand.commandLine()
                .execute("train", "--cache-dir", cacheDir.toString(), "--out", dir.toString());
        if (exit != 0) {
            throw new IllegalStateException("sieve train failed (exit " + exit + "); see the messages above");
        }
        return dir;
    }

    /** The test split recorded in the bundle (re-created from the data it was trained on). */
    public List<LocalDemo.DemoItem> testSplit(ModelBundle bundle) {
        Dataset dataset = ModelTools.bundleSplit(bundle, null, cacheDir);
        return dataset.test().stream()
                .map(example -> new LocalDemo.DemoItem(example.id(), example.text(), example.label()))
                .toList();
    }

    public String positiveLabel(ModelBundle bundle) {
        return bundle.labels().contains("spam")
                ? "spam"
                : bundle.labels().get(bundle.labels().size() - 1);
    }

    /** The expert's label for every text (for {@code f1_expert_only}), or null without an expert. */
    Function<List<String>, List<String>> expertOnly(ModelBundle bundle) {
        if (bundle.component(BundleManifest.EXPERT).isEmpty()) {
            return null;
        }
        return texts -> {
            GateScorer gate = GateLoading.load(bundle).scorer();
            List<String> labels = new ArrayList<>(texts.size());
            try (OnnxExpert expert = OnnxExpert.open(bundle, OnnxExpert.Options.cpu(2))) {
                for (int start = 0; start < texts.size(); start += 8) {
                    List<ExpertInput> batch = new ArrayList<>();
                    for (String text : texts.subList(start, Math.min(texts.size(), start + 8))) {
                        batch.add(expert.prepare(text, gate.score(text)));
                    }
                    for (float[] probabilities : expert.predict(batch)) {
                        labels.add(expert.labels().get(GateThresholds.argmax(probabilities)));
                    }
                }
            } catch (ExpertException e) {
                throw new IllegalStateException("the expert failed on the test split: " + e.getMessage(), e);
            }
            return labels;
        };
    }

    /**
     * In-process workers for the local system: the production {@link Worker} with the bundle's ONNX
     * expert on the CPU, wired to the emulators through the same environment variables ECS sets.
     * Closing the handle drains the worker (in-flight items finish or are released) and closes its
     * clients.
     */
    public LocalSieve.WorkerLauncher workerLauncher(ModelBundle bundle) {
        return workerLauncher(bundle, Metrics.noop());
    }

    /** Like {@link #workerLauncher(ModelBundle)}, with the worker's metrics (batch sizes, busy time) sent to {@code metrics}. */
    public LocalSieve.WorkerLauncher workerLauncher(ModelBundle bundle, Metrics metrics) {
        return (backend, environment) -> {
            if (bundle.component(BundleManifest.EXPERT).isEmpty()) {
                progress.accept("sieve local: the bundle has no expert (trained with --skip-expert); escalated"
                        + " items stay pending");
                return () -> {};
            }
            Map<String, String> env = new HashMap<>(environment);
            env.put(EnvironmentVariables.BUNDLE_URI, bundle.directory().toString());
            WorkerConfig config = WorkerConfig.fromEnvironment(env);
            SqsClient sqs = backend.sqs().get();
            DynamoDbClient dynamoDb = backend.dynamoDb().get();
            S3Client s3 = backend.s3().get();
            OnnxExpert expert = OnnxExpert.open(bundle, config.expertOptions());
            Worker worker =
                    Worker.onAws(config, expert, bundle.version(), sqs, dynamoDb, s3, TaskProtection.none(), metrics);
            worker.start();
            progress.accept(
                    "sieve local: worker started (" + config.expertPrecision().label() + " expert on " + config.device()
                            + ", " + config.intraOpThreads() + " ONNX Runtime threads)");
            return () -> {
                try (sqs;
                        dynamoDb;
                        s3;
                        expert;
                        worker) {
                    worker.drain(config.drainGrace());
                }
            };
        };
    }
}
