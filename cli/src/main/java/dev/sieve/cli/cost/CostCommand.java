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

    @Override
    public Integer call() {
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
