package dev.sieve.pricing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The GPU fleet as {@code sieve simulate scaling} replayed it: every instance-hour of a traffic trace (busy,
 * booting, pulling the image, waiting for the scale-in alarm) over the items the trace sent to the expert.
 * {@link CostModel#withSimulatedFleet} prices the tiered deployment's GPU from it instead of from busy
 * hours at a utilization, so the cost includes what scaling from and to zero really spends.
 *
 * <p>Instance-hours per expert item depend on the volume (a fleet that scales to zero wastes more per item
 * at a trickle), so the trace should carry the profile's expert items per day: {@link #expertItemsPerDay}.
 *
 * @param gpuHours instance-hours of the whole trace ({@value #GPU_HOURS} of the simulator's JSON line)
 * @param expertItems items the trace sent to the worker queues ({@value #TRACE_ITEMS})
 * @param minutes minutes simulated ({@value #MINUTES}, one tick a minute)
 * @param trace what was replayed ({@value #TRACE}), shown beside the figure
 */
public record SimulatedFleet(double gpuHours, double expertItems, double minutes, String trace) {

    /** The simulator's JSON keys this reads; {@code sieve simulate scaling} writes them under these names. */
    public static final String GPU_HOURS = "gpu_hours";

    public static final String TRACE_ITEMS = "trace_items";
    public static final String TRACE = "trace";
    public static final String MINUTES = "ticks";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public SimulatedFleet {
        InvalidPricingInputException.checkRange(GPU_HOURS, gpuHours, 0, 1e12);
        InvalidPricingInputException.checkPositive(TRACE_ITEMS, expertItems, 1e15);
        InvalidPricingInputException.checkPositive(MINUTES, minutes, 1e9);
        trace = trace == null ? "a simulated trace" : trace;
    }

    /** Instance-hours per million expert items. */
    public double instanceHoursPerMillionExpertItems() {
        return gpuHours / expertItems * 1e6;
    }

    /** Expert items per day the trace carried: compare with the profile's {@code items_per_day x expert_rate}. */
    public double expertItemsPerDay() {
        return expertItems / minutes * 1440;
    }

    /** The JSON object {@code sieve simulate scaling --json} prints; {@code source} names it in messages. */
    public static SimulatedFleet fromJson(String json, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidPricingInputException(
                    source + " is not valid JSON (expected the line of sieve simulate scaling --json): "
                            + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidPricingInputException(
                    source + " is not a JSON object (expected the line of sieve simulate scaling --json)");
        }
        return new SimulatedFleet(
                number(root, GPU_HOURS, source),
                number(root, TRACE_ITEMS, source),
                number(root, MINUTES, source),
                root.path(TRACE).isTextual() ? root.get(TRACE).asText() : null);
    }

    public static SimulatedFleet load(Path file) {
        try {
            return fromJson(Files.readString(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new InvalidPricingInputException("simulation file not found: " + file);
        } catch (IOException e) {
            throw new InvalidPricingInputException("cannot read simulation file " + file + ": " + e.getMessage(), e);
        }
    }

    private static double number(JsonNode root, String field, String source) {
        JsonNode value = root.get(field);
        if (value == null || !value.isNumber()) {
            throw new InvalidPricingInputException(
                    source + " has no number " + field + " (write it with sieve simulate scaling --json > FILE)");
        }
        return value.asDouble();
    }
}
