package dev.sieve.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sieve} command: entry point for every sub-command. */
@Command(
        name = "sieve",
        mixinStandardHelpOptions = true,
        version = "sieve 0.1.0-SNAPSHOT",
        description = "Tiered text classification at scale: a cheap gate answers most items, an ONNX expert the rest.",
        subcommands = {
            CommandLine.HelpCommand.class,
            dev.sieve.cli.cost.CostCommand.class,
            dev.sieve.cli.models.TrainCommand.class,
            dev.sieve.cli.models.CalibrateCommand.class,
            dev.sieve.cli.models.EvalCommand.class,
            dev.sieve.cli.models.BundleCommand.class,
            dev.sieve.cli.models.CorpusCommand.class,
            dev.sieve.cli.bench.BenchCommand.class,
            dev.sieve.cli.local.LocalCommand.class,
            dev.sieve.cli.load.LoadCommand.class,
            dev.sieve.cli.chaos.ChaosCommand.class,
            dev.sieve.cli.local.TokenCommand.class,
            dev.sieve.cli.simulate.SimulateCommand.class,
        })
public final class SieveCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Builds the command line with the exit-code and error mapping every sub-command shares. */
    public static CommandLine commandLine() {
        return new CommandLine(new SieveCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
