package dev.sieve.cli.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The workers of a chaos run as child processes ({@link ChaosWorkerMain} on this JVM's class path), so
 * that a kill is a real {@code SIGKILL}: no drain, no shutdown hook, leases left to lapse. Each process
 * logs to its own file under {@code dir}; a killed worker is replaced by a new process at once.
 */
final class WorkerFleet implements AutoCloseable {
    private final Path dir;
    private final Map<String, String> environment;
    private final List<String> jvmOptions;
    private final Consumer<String> progress;
    private final List<Process> running = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private int started;
    private int kills;

    /**
     * @param environment the worker's settings ({@code SIEVE_*}, {@code AWS_*})
     * @param jvmOptions extra options, e.g. the fault injector's system properties
     */
    WorkerFleet(Path dir, Map<String, String> environment, List<String> jvmOptions, Consumer<String> progress) {
        this.dir = dir;
        this.environment = Map.copyOf(environment);
        this.jvmOptions = List.copyOf(jvmOptions);
        this.progress = progress;
    }

    synchronized void start(int workers) {
        for (int i = 0; i < workers; i++) {
            running.add(launch());
        }
    }

    /** SIGKILLs one running worker picked by {@code random} and starts a replacement; returns its number. */
    synchronized int killOne(Random random) throws InterruptedException {
        if (running.isEmpty()) {
            return -1;
        }
        int index = random.nextInt(running.size());
        Process victim = running.remove(index);
        victim.destroyForcibly(); // SIGKILL on Linux and macOS
        victim.waitFor(30, TimeUnit.SECONDS);
        kills++;
        running.add(launch());
        return index;
    }

    synchronized int kills() {
        return kills;
    }

    synchronized int started() {
        return started;
    }

    /** Workers that died on their own (not by {@link #killOne}): a crash the run should report. */
    synchronized List<String> crashed() {
        List<String> dead = new ArrayList<>();
        for (Process process : running) {
            if (!process.isAlive()) {
                dead.add("pid " + process.pid() + " exited " + process.exitValue());
            }
        }
        return dead;
    }

    /** Expert item-evaluations that every worker process so far reported (killed ones included). */
    synchronized long expertEvaluations() {
        long total = 0;
        for (Path log : logs) {
            if (!Files.exists(log)) {
                continue;
            }
            try (Stream<String> lines = Files.lines(log)) {
                total += lines.filter(l -> l.startsWith(ChaosWorkerMain.EXPERT_LINE + " "))
                        .mapToLong(l -> Long.parseLong(l.substring(ChaosWorkerMain.EXPERT_LINE.length() + 1)
                                .trim()))
                        .sum();
            } catch (IOException | RuntimeException e) {
                // a line cut short by SIGKILL: the rest still counts
            }
        }
        return total;
    }

    /** Stops every worker with SIGTERM (they drain), SIGKILL after 60 s. */
    @Override
    public synchronized void close() {
        running.forEach(Process::destroy);
        for (Process process : running) {
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        running.clear();
        // SIGKILLed workers never delete what ONNX Runtime extracted (about 24 MB of native libraries each)
        deleteTree(dir.resolve("tmp"));
    }

    private static void deleteTree(Path root) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover temp file is not a failed run
        }
    }

    private Process launch() {
        int number = ++started;
        Path log = dir.resolve("worker-" + number + ".log");
        logs.add(log);
        try {
            Files.createDirectories(dir);
            // an argument file keeps the command line short (ONNX Runtime and long command lines, FINDINGS)
            Path argfile = dir.resolve("worker.args");
            if (!Files.exists(argfile)) {
                Files.writeString(
                        argfile,
                        "-cp \"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"\n");
            }
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx768m");
            command.add("-XX:+UseSerialGC");
            command.add("--enable-native-access=ALL-UNNAMED");
            // its own temp dir, removed at close: a SIGKILLed worker leaves ONNX Runtime's extracted natives
            Path tmp = Files.createDirectories(dir.resolve("tmp"));
            command.add("-Djava.io.tmpdir=" + tmp);
            command.addAll(jvmOptions);
            command.add("-D" + ChaosWorkerMain.SEED + "=" + number);
            command.add("@" + argfile);
            command.add(ChaosWorkerMain.class.getName());
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            progress.accept("chaos: worker " + number + " started (pid " + process.pid() + ")");
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a worker process: " + e.getMessage(), e);
        }
    }
}
