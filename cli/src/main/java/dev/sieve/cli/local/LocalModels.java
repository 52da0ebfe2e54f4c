package dev.sieve.cli.local;

import dev.sieve.cli.SieveCommand;
import dev.sieve.shared.bundle.ModelBundle;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

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

    Path defaultBundle() {
        throw new IllegalStateException(
                "pass --bundle DIR (default bundle training is not wired yet); cache " + cacheDir);
    }

    List<LocalDemo.DemoItem> testSplit(ModelBundle bundle) {
        throw new IllegalStateException("the bundle's test split is not available in this build yet");
    }

    String positiveLabel(ModelBundle bundle) {
        return bundle.labels().contains("spam")
                ? "spam"
                : bundle.labels().get(bundle.labels().size() - 1);
    }

    Function<List<String>, List<String>> expertOnly(ModelBundle bundle) {
        return null;
    }

    public LocalSieve.WorkerLauncher workerLauncher(ModelBundle bundle) {
        return (aws, environment) -> {
            progress.accept("sieve local: no worker in this build; escalated items stay pending");
            return () -> {};
        };
    }
}
