package dev.sieve.cli.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sieve bench}: speed measurements that print one JSON line with {@code --json}. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks (single machine, figures as one JSON line with --json).",
        subcommands = {
            GateBenchCommand.class,
            WorkerBenchCommand.class,
            TokenizerBenchCommand.class,
            RealtimeBenchCommand.class,
            BatchBenchCommand.class
        })
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
