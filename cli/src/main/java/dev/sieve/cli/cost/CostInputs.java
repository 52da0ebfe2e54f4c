package dev.sieve.cli.cost;

import dev.sieve.pricing.CostModel;
import dev.sieve.pricing.InvalidPricingInputException;
import dev.sieve.pricing.PriceTable;
import dev.sieve.pricing.SimulatedFleet;
import dev.sieve.pricing.ThroughputTable;
import dev.sieve.pricing.WorkloadProfile;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every {@code sieve cost} command shares: the profile, the tables, and a few overrides. */
public final class CostInputs {

    @Option(
            names = "--profile",
            paramLabel = "FILE",
            description = "Workload profile (JSON). Fields left out keep their defaults; see pricing/README.md.")
    Path profile;

    @Option(
            names = "--prices",
            paramLabel = "FILE",
            description = "Price table (JSON, same format as the shipped one). Default: the shipped us-east-1 table.")
    Path prices;

    @Option(
            names = "--throughput",
            paramLabel = "FILE",
            description = "Measured expert throughput (JSON written by the worker benchmark). Default: reference"
                    + " estimates scaled from an H100 measurement.")
    Path throughput;

    @Option(
            names = "--expert-rate",
            paramLabel = "RATE",
            description = "Override the share of items routed to the expert, 0 to 1.")
    String expertRate;

    @Option(
            names = "--mode",
            paramLabel = "MODE",
            description = "Override the mode mix with one mode: realtime, async or batch.")
    String mode;

    @Option(names = "--items-per-day", paramLabel = "N", description = "Override items per day (> 0).")
    String itemsPerDay;

    @Option(names = "--instance-type", paramLabel = "TYPE", description = "Override the GPU instance type.")
    String instanceType;

    @Option(
            names = "--spot-fraction",
            paramLabel = "SHARE",
            description = "Override the share of GPU hours on spot, 0 to 1.")
    String spotFraction;

    @Option(
            names = "--gpu-hours-from",
            paramLabel = "FILE",
            description = "The JSON line of sieve simulate scaling --json: the tiered GPU cost then comes from the"
                    + " simulated fleet's instance-hours per expert item (boot, image pull and scale-in included)"
                    + " rather than from busy hours at gpu_utilization. Simulate with the throughput of the"
                    + " profile's instance type (--items-per-second-per-task).")
    Path gpuHoursFrom;

    /** The profile file with the command-line overrides applied. */
    WorkloadProfile profile() {
        if (profile == null) {
            throw new InvalidPricingInputException(
                    "--profile FILE is required (for example" + " pricing/profiles/spamassassin-batch-1b.json)");
        }
        return withOverrides(WorkloadProfile.load(profile));
    }

    /** The profile file, or {@code fallback} when none is given, with the command-line overrides applied. */
    WorkloadProfile profileOr(WorkloadProfile fallback) {
        return profile == null ? withOverrides(fallback) : profile();
    }

    private WorkloadProfile withOverrides(WorkloadProfile base) {
        WorkloadProfile.Builder b = base.toBuilder();
        if (expertRate != null) {
            b.expertRate(range("--expert-rate", expertRate, 0, 1));
        }
        if (mode != null) {
            b.modeMix(WorkloadProfile.ModeMix.of(WorkloadProfile.Mode.fromJson("--mode", mode)));
        }
        if (itemsPerDay != null) {
            double items = number("--items-per-day", itemsPerDay, "greater than 0 and at most 1e13");
            if (!(items > 0 && items <= 1e13)) {
                throw new InvalidPricingInputException(
                        "--items-per-day must be greater than 0 and at most 1e13 (got " + itemsPerDay + ")");
            }
            b.itemsPerDay(items);
        }
        if (instanceType != null) {
            b.expertInstanceType(instanceType);
        }
        if (spotFraction != null) {
            b.spotFraction(range("--spot-fraction", spotFraction, 0, 1));
        }
        return b.build();
    }

    CostModel model() {
        return model(throughput == null ? ThroughputTable.reference() : ThroughputTable.load(throughput));
    }

    /** Whether --throughput was given. */
    boolean hasThroughput() {
        return throughput != null;
    }

    /** The model with the given GPU throughput table (the price table and simulated fleet as given). */
    CostModel model(ThroughputTable curves) {
        PriceTable table = prices == null ? PriceTable.defaults() : PriceTable.load(prices);
        CostModel model = CostModel.create(table, curves);
        return gpuHoursFrom == null ? model : model.withSimulatedFleet(SimulatedFleet.load(gpuHoursFrom));
    }

    private static double range(String option, String text, double min, double max) {
        String allowed = "a number between " + (int) min + " and " + (int) max;
        double value = number(option, text, allowed);
        if (Double.isNaN(value) || value < min || value > max) {
            throw new InvalidPricingInputException(
                    option + " must be between " + (int) min + " and " + (int) max + " (got " + text + ")");
        }
        return value;
    }

    private static double number(String option, String text, String allowed) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidPricingInputException(option + " must be " + allowed + " (got \"" + text + "\")");
        }
    }
}
