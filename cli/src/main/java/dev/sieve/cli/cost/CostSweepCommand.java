package dev.sieve.cli.cost;

import dev.sieve.pricing.CostModel;
import dev.sieve.pricing.CostReport;
import dev.sieve.pricing.Plots;
import dev.sieve.pricing.Sweep;
import dev.sieve.pricing.WorkloadProfile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sieve cost sweep}: PNG plots and CSV of cost per million items as one knob moves. */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        description = {
            "Writes PNG plots and CSV files of cost per million items vs expert routing rate (with the break-even"
                    + " point), vs expert batch size, vs spot share, vs items per request, and a breakdown by"
                    + " component for a few design choices.",
            "Files: cost-vs-expert-rate.png, cost-vs-batch-size.png, cost-vs-spot-share.png,"
                    + " cost-vs-items-per-request.png, cost-breakdown.png, cost-breakdown-by-design.png, sweep.csv,"
                    + " breakdown.csv."
        })
public final class CostSweepCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    CostInputs inputs;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "cost-plots",
            description = "Directory for the PNG and CSV files (created if missing). Default: ${DEFAULT-VALUE}.")
    Path out;

    @Override
    public Integer call() {
        System.setProperty("java.awt.headless", "true");
        return CostCommand.run(spec, () -> {
            WorkloadProfile profile = inputs.profile();
            CostModel model = inputs.model();
            CostReport report = model.estimate(profile);
            Sweep sweep = Sweep.create(model);
            List<Sweep.Result> results = sweep.all(profile);
            List<Sweep.Scenario> scenarios = sweep.designChoices(profile);
            List<Path> files = new java.util.ArrayList<>(Plots.writeAll(report, results, scenarios, out));
            Path csv = out.resolve("sweep.csv");
            Sweep.writeCsv(results, csv);
            files.add(csv);
            Path breakdown = out.resolve("breakdown.csv");
            Sweep.writeBreakdownCsv(scenarios, breakdown);
            files.add(breakdown);
            PrintWriter w = spec.commandLine().getOut();
            files.forEach(f -> w.println("wrote " + f));
            w.flush();
        });
    }
}
