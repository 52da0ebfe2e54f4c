package dev.sieve.cli.simulate;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sieve simulate}: what the cloud deployment would do, computed from its synthesized template. */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description = "Simulations of the cloud deployment from its synthesized template.",
        subcommands = {ScalingCommand.class})
public final class SimulateCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
