package dev.sieve.cli.cost;

import dev.sieve.pricing.CostModel;
import dev.sieve.pricing.CostReport;
import dev.sieve.pricing.InvalidPricingInputException;
import dev.sieve.pricing.WorkloadProfile;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sieve cost}: dollars per million items of a workload profile, tiered vs expert-only. */
@Command(
        name = "cost",
        mixinStandardHelpOptions = true,
        description = {
            "Cost per million items of a workload profile, by component (API Gateway, Lambda, SQS, DynamoDB, S3,"
                    + " GPU hours, idle), with the expert-only cost of the same workload and the break-even"
                    + " routing rate. Runs offline from a dated us-east-1 price table.",
            "Exit codes: 0 ok, 2 bad input (the message names the field and the allowed range)."
        },
        subcommands = {CostSweepCommand.class, CostUnitPricesCommand.class, CostRefreshPricesCommand.class})
public final class CostCommand implements Callable<Integer> {

    /** Exit code for input the user has to fix. */
    static final int EXIT_BAD_INPUT = 2;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    CostInputs inputs;

    @Option(names = "--json", description = "Print one JSON line instead of the table.")
    boolean json;

    @Option(
            names = "--by-tenant",
            description = "Dollars per tenant of the usage in --usage (EMF records exported from the gate and worker"
                    + " logs), priced with the profile's unit prices.")
    boolean byTenant;

    @Option(
            names = "--usage",
            paramLabel = "FILE",
            description = "With --by-tenant: JSON Lines of Sieve's EMF records, or of CloudWatch Logs events holding"
                    + " them in 'message'.")
    java.nio.file.Path usage;

    @Option(
            names = "--load-report",
            paramLabel = "FILE",
            description = "A sieve load report (its steps.jsonl, or the --json output saved): the best step's mode,"
                    + " items per request, routing rate and gate time per item replace the profile's, and the"
                    + " resources it counted per item (local mode) are priced as measured. --profile is optional"
                    + " here (unit prices, GPU type, volume).")
    java.nio.file.Path loadReport;

    @Option(
            names = "--report-throughput",
            description = "With --load-report: the GPU hours come from the expert throughput the run measured (expert"
                    + " items per busy second of its worker), taken as the profile's instance type. Use it when that"
                    + " worker ran on that instance; by default the profile's throughput table is used.")
    boolean reportThroughput;

    @Override
    public Integer call() {
        if (loadReport != null) {
            return run(spec, this::priceLoadReport);
        }
        if (reportThroughput) {
            return run(spec, () -> {
                throw new InvalidPricingInputException("--report-throughput needs --load-report FILE");
            });
        }
        if (byTenant) {
            return run(spec, () -> {
                if (usage == null) {
                    throw new InvalidPricingInputException("--by-tenant needs --usage FILE (an export of EMF records)");
                }
                TenantUsage totals = TenantUsage.read(usage);
                dev.sieve.pricing.UnitPrices prices =
                        dev.sieve.pricing.UnitPrices.forProfile(inputs.model(), inputs.profile());
                PrintWriter out = spec.commandLine().getOut();
                out.print(json ? totals.toJsonLine(prices) + "\n" : totals.toText(prices));
                out.flush();
            });
        }
        return run(spec, () -> {
            WorkloadProfile profile = inputs.profile();
            CostModel model = inputs.model();
            CostReport report = model.estimate(profile);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(report.toJsonLine());
            } else {
                out.print(report.toText());
            }
            out.flush();
        });
    }

    /** {@code --load-report}: the measured run priced, with what was measured and what was projected. */
    private void priceLoadReport() {
        LoadReport report = LoadReport.read(loadReport);
        if (reportThroughput && inputs.hasThroughput()) {
            throw new InvalidPricingInputException("give either --report-throughput or --throughput, not both");
        }
        WorkloadProfile profile = report.apply(inputs.profileOr(WorkloadProfile.defaults()));
        CostModel model = reportThroughput ? inputs.model(report.measuredThroughput(profile)) : inputs.model();
        CostReport cost =
                report.counted() ? model.estimateMeasured(profile, report.usagePerMillion()) : model.estimate(profile);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            com.fasterxml.jackson.databind.node.ObjectNode line = (com.fasterxml.jackson.databind.node.ObjectNode)
                    dev.sieve.shared.json.Json.read(cost.toJsonLine(), com.fasterxml.jackson.databind.JsonNode.class);
            com.fasterxml.jackson.databind.node.ObjectNode measured = line.putObject("load_report");
            measured.put("file", report.file().toString());
            measured.put("usage", report.counted() ? "measured" : "projected (the run counted nothing)");
            measured.put("mode", report.mode().jsonName());
            measured.put("items_per_request", report.itemsPerRequest());
            measured.put("routing_rate", report.routingRate());
            measured.put("best_items_per_s", report.bestItemsPerSecond());
            if (report.expertItemsPerSecond() != null) {
                measured.put("expert_items_per_busy_s", report.expertItemsPerSecond());
            }
            measured.put("gpu_throughput", reportThroughput ? "measured" : "profile");
            out.println(dev.sieve.shared.json.Json.write(line));
        } else {
            out.printf(
                    java.util.Locale.ROOT,
                    "Load report %s: %s, %d items per request, %.1f items/s at the best step, routing %.4f;"
                            + " usage %s, GPU throughput from %s.%n%n",
                    report.file(),
                    report.mode().jsonName(),
                    report.itemsPerRequest(),
                    report.bestItemsPerSecond(),
                    report.routingRate(),
                    report.counted() ? "as counted in the run" : "projected (the run counted nothing)",
                    reportThroughput ? "the run's expert" : "the profile's table");
            out.print(cost.toText());
        }
        out.flush();
    }

    /** A unit of work that may fail on bad input. */
    interface Work {
        void run();
    }

    /** Runs {@code work}; bad input becomes one line on stderr and exit code 2, never a stack trace. */
    static int run(CommandLine.Model.CommandSpec spec, Work work) {
        try {
            work.run();
            return 0;
        } catch (InvalidPricingInputException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("sieve " + spec.qualifiedName().replaceFirst("^sieve ", "") + ": " + e.getMessage());
            err.flush();
            return EXIT_BAD_INPUT;
        } catch (java.io.UncheckedIOException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("sieve " + spec.qualifiedName().replaceFirst("^sieve ", "") + ": " + e.getMessage() + ": "
                    + e.getCause().getMessage());
            err.flush();
            return EXIT_BAD_INPUT;
        }
    }
}
