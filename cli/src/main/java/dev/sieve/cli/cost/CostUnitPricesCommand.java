package dev.sieve.cli.cost;

import dev.sieve.pricing.UnitPrices;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code sieve cost unit-prices}: the constants the dashboard's live cost-per-million metric math uses. */
@Command(
        name = "unit-prices",
        mixinStandardHelpOptions = true,
        description = "Prints one JSON line of per-unit dollar constants (per gate item, per escalated item, per GPU"
                + " instance-second) for the dashboard's live cost per million items.")
public final class CostUnitPricesCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    CostInputs inputs;

    @Override
    public Integer call() {
        return CostCommand.run(spec, () -> {
            PrintWriter out = spec.commandLine().getOut();
            out.println(UnitPrices.forProfile(inputs.model(), inputs.profile()).toJsonLine());
            out.flush();
        });
    }
}
