package dev.sieve.pricing;

import static dev.sieve.pricing.InvalidPricingInputException.checkRange;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.shared.config.ResourceDefaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a deployment does in a day, as far as cost is concerned: volume, mode mix, routing rate, item sizes
 * and the knobs of the gate, the queue and the GPU workers.
 *
 * <p>Every field has a default ({@link #defaults()}); a JSON profile file names only what differs, in
 * snake_case ({@link #fromJson(String)}). Every value is checked when the record is built; a bad one fails
 * with an {@link InvalidPricingInputException} that names the JSON field and the allowed range.
 */
public record WorkloadProfile(
        String name,
        double itemsPerDay,
        ModeMix modeMix,
        double expertRate,
        int itemsPerRequest,
        int avgItemBytes,
        double avgTokensPerItem,
        int expertMaxTokens,
        int resultBytesPerItem,
        int batchChunkItems,
        double itemsPerJob,
        ResultSink batchResultSink,
        int maxItemsPerMessage,
        int maxMessageBytes,
        int messageOverheadBytes,
        int itemOverheadBytes,
        int sqsReceiveBatch,
        double visibilityChangesPerMessage,
        double gateMsPerItem,
        double gateOverheadMs,
        int gateMemoryMb,
        Architecture gateArchitecture,
        double realtimeWaitMs,
        double realtimePollsPerRequest,
        double asyncClientPollsPerRequest,
        double logBytesPerInvocation,
        String expertInstanceType,
        int expertBatchSize,
        double gpuUtilization,
        double spotFraction,
        double spotReworkFraction,
        int minInstances,
        double ebsGbPerInstance,
        double emptyReceivesPerInstanceHour,
        int natGateways,
        double fixedMonthlyUsd,
        double resultTtlDays,
        double s3RetentionDays,
        int batchChunkBytes,
        double transientObjectDays) {

    /** Names of the JSON fields, in the order of the record. */
    public static final List<String> JSON_FIELDS = List.of(
            "name",
            "items_per_day",
            "mode_mix",
            "expert_rate",
            "items_per_request",
            "avg_item_bytes",
            "avg_tokens_per_item",
            "expert_max_tokens",
            "result_bytes_per_item",
            "batch_chunk_items",
            "items_per_job",
            "batch_result_sink",
            "max_items_per_message",
            "max_message_bytes",
            "message_overhead_bytes",
            "item_overhead_bytes",
            "sqs_receive_batch",
            "visibility_changes_per_message",
            "gate_ms_per_item",
            "gate_overhead_ms",
            "gate_memory_mb",
            "gate_architecture",
            "realtime_wait_ms",
            "realtime_polls_per_request",
            "async_client_polls_per_request",
            "log_bytes_per_invocation",
            "expert_instance_type",
            "expert_batch_size",
            "gpu_utilization",
            "spot_fraction",
            "spot_rework_fraction",
            "min_instances",
            "ebs_gb_per_instance",
            "empty_receives_per_instance_hour",
            "nat_gateways",
            "fixed_monthly_usd",
            "result_ttl_days",
            "s3_retention_days",
            "batch_chunk_bytes",
            "transient_object_days");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public WorkloadProfile {
        requireNonNull("name", name);
        checkRange("items_per_day", itemsPerDay, 1, 10000000000000.0);
        requireNonNull("mode_mix", modeMix);
        checkRange("expert_rate", expertRate, 0, 1);
        checkRange("items_per_request", itemsPerRequest, 1, 100000);
        checkRange("avg_item_bytes", avgItemBytes, 1, 1048576);
        checkRange("avg_tokens_per_item", avgTokensPerItem, 1, 1000000);
        checkRange("expert_max_tokens", expertMaxTokens, 1, 100000);
        checkRange("result_bytes_per_item", resultBytesPerItem, 1, 400000);
        checkRange("batch_chunk_items", batchChunkItems, 1, 1000000);
        checkRange("items_per_job", itemsPerJob, 1, 1000000000000.0);
        requireNonNull("batch_result_sink", batchResultSink);
        checkRange("max_items_per_message", maxItemsPerMessage, 1, 100000);
        checkRange("max_message_bytes", maxMessageBytes, 1024, 1048576);
        checkRange("message_overhead_bytes", messageOverheadBytes, 0, 65536);
        checkRange("item_overhead_bytes", itemOverheadBytes, 0, 65536);
        checkRange("sqs_receive_batch", sqsReceiveBatch, 1, 10);
        checkRange("visibility_changes_per_message", visibilityChangesPerMessage, 0, 1000);
        checkRange("gate_ms_per_item", gateMsPerItem, 0, 10000);
        checkRange("gate_overhead_ms", gateOverheadMs, 0, 900000);
        checkRange("gate_memory_mb", gateMemoryMb, 128, 10240);
        requireNonNull("gate_architecture", gateArchitecture);
        checkRange("realtime_wait_ms", realtimeWaitMs, 0, 30000);
        checkRange("realtime_polls_per_request", realtimePollsPerRequest, 0, 1000);
        checkRange("async_client_polls_per_request", asyncClientPollsPerRequest, 0, 1000);
        checkRange("log_bytes_per_invocation", logBytesPerInvocation, 0, 10000000.0);
        requireNonNull("expert_instance_type", expertInstanceType);
        checkRange("expert_batch_size", expertBatchSize, 1, 65536);
        checkRange("gpu_utilization", gpuUtilization, 0.01, 1);
        checkRange("spot_fraction", spotFraction, 0, 1);
        checkRange("spot_rework_fraction", spotReworkFraction, 0, 1);
        checkRange("min_instances", minInstances, 0, 10000);
        checkRange("ebs_gb_per_instance", ebsGbPerInstance, 0, 16384);
        checkRange("empty_receives_per_instance_hour", emptyReceivesPerInstanceHour, 0, 1000000.0);
        checkRange("nat_gateways", natGateways, 0, 100);
        checkRange("fixed_monthly_usd", fixedMonthlyUsd, 0, 1000000000.0);
        checkRange("result_ttl_days", resultTtlDays, 0, 3650);
        checkRange("s3_retention_days", s3RetentionDays, 0, 3650);
        checkRange("batch_chunk_bytes", batchChunkBytes, 1, 268435456);
        checkRange("transient_object_days", transientObjectDays, 0, 3650);
        if (name.isBlank()) {
            throw new InvalidPricingInputException("name must not be blank");
        }
        if (expertInstanceType.isBlank()) {
            throw new InvalidPricingInputException("expert_instance_type must not be blank");
        }
    }

    private static void requireNonNull(String field, Object value) {
        if (value == null) {
            throw new InvalidPricingInputException(field + " is required");
        }
    }

    /** The traffic modes of Sieve (see DESIGN.md). */
    public enum Mode {
        REALTIME,
        ASYNC,
        BATCH;

        /** The JSON / CLI spelling: realtime, async, batch. */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Mode fromJson(String field, String value) {
            for (Mode m : values()) {
                if (m.jsonName().equalsIgnoreCase(value) || (m == BATCH && "batch-transform".equalsIgnoreCase(value))) {
                    return m;
                }
            }
            throw new InvalidPricingInputException(
                    field + ": unknown mode \"" + value + "\"; allowed: realtime, async, batch");
        }
    }

    /** Where batch-transform results are written. */
    public enum ResultSink {
        /** One S3 PUT per chunk of gate answers and one per expert message (the design's default). */
        S3_PART_FILES,
        /** One DynamoDB item per result (shown for comparison: costs far more at scale). */
        DYNAMODB_PER_ITEM;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static ResultSink fromJson(String field, String value) {
            for (ResultSink s : values()) {
                if (s.jsonName().equalsIgnoreCase(value)) {
                    return s;
                }
            }
            throw new InvalidPricingInputException(
                    field + " must be s3_part_files or dynamodb_per_item (got \"" + value + "\")");
        }
    }

    /** Lambda architecture of the gate. */
    public enum Architecture {
        X86_64,
        ARM64;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Architecture fromJson(String field, String value) {
            for (Architecture a : values()) {
                if (a.jsonName().equalsIgnoreCase(value)) {
                    return a;
                }
            }
            throw new InvalidPricingInputException(field + " must be x86_64 or arm64 (got \"" + value + "\")");
        }
    }

    /** Share of items per mode; the three shares are in [0, 1] and add up to 1. */
    public record ModeMix(double realtime, double async, double batch) {
        public ModeMix {
            checkRange("mode_mix.realtime", realtime, 0, 1);
            checkRange("mode_mix.async", async, 0, 1);
            checkRange("mode_mix.batch", batch, 0, 1);
            double sum = realtime + async + batch;
            if (Math.abs(sum - 1) > 1e-6) {
                throw new InvalidPricingInputException(
                        "mode_mix shares must add up to 1 (got " + InvalidPricingInputException.format(sum) + ")");
            }
        }

        /** All items in one mode. */
        public static ModeMix of(Mode mode) {
            return new ModeMix(mode == Mode.REALTIME ? 1 : 0, mode == Mode.ASYNC ? 1 : 0, mode == Mode.BATCH ? 1 : 0);
        }

        public double share(Mode mode) {
            return switch (mode) {
                case REALTIME -> realtime;
                case ASYNC -> async;
                case BATCH -> batch;
            };
        }

        static ModeMix fromJson(JsonNode node) {
            if (node.isTextual()) {
                return of(Mode.fromJson("mode_mix", node.asText()));
            }
            if (!node.isObject()) {
                throw new InvalidPricingInputException(
                        "mode_mix must be an object like {\"realtime\": 0.2, \"batch\": 0.8} or a mode name");
            }
            double[] shares = new double[3];
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                Mode mode = Mode.fromJson("mode_mix", key);
                JsonNode v = node.get(key);
                if (!v.isNumber()) {
                    throw new InvalidPricingInputException("mode_mix." + key + " must be a number between 0 and 1");
                }
                shares[mode.ordinal()] = v.asDouble();
            }
            return new ModeMix(shares[0], shares[1], shares[2]);
        }
    }

    /** A profile with every default. */
    public static WorkloadProfile defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .name(name)
                .itemsPerDay(itemsPerDay)
                .modeMix(modeMix)
                .expertRate(expertRate)
                .itemsPerRequest(itemsPerRequest)
                .avgItemBytes(avgItemBytes)
                .avgTokensPerItem(avgTokensPerItem)
                .expertMaxTokens(expertMaxTokens)
                .resultBytesPerItem(resultBytesPerItem)
                .batchChunkItems(batchChunkItems)
                .itemsPerJob(itemsPerJob)
                .batchResultSink(batchResultSink)
                .maxItemsPerMessage(maxItemsPerMessage)
                .maxMessageBytes(maxMessageBytes)
                .messageOverheadBytes(messageOverheadBytes)
                .itemOverheadBytes(itemOverheadBytes)
                .sqsReceiveBatch(sqsReceiveBatch)
                .visibilityChangesPerMessage(visibilityChangesPerMessage)
                .gateMsPerItem(gateMsPerItem)
                .gateOverheadMs(gateOverheadMs)
                .gateMemoryMb(gateMemoryMb)
                .gateArchitecture(gateArchitecture)
                .realtimeWaitMs(realtimeWaitMs)
                .realtimePollsPerRequest(realtimePollsPerRequest)
                .asyncClientPollsPerRequest(asyncClientPollsPerRequest)
                .logBytesPerInvocation(logBytesPerInvocation)
                .expertInstanceType(expertInstanceType)
                .expertBatchSize(expertBatchSize)
                .gpuUtilization(gpuUtilization)
                .spotFraction(spotFraction)
                .spotReworkFraction(spotReworkFraction)
                .minInstances(minInstances)
                .ebsGbPerInstance(ebsGbPerInstance)
                .emptyReceivesPerInstanceHour(emptyReceivesPerInstanceHour)
                .natGateways(natGateways)
                .fixedMonthlyUsd(fixedMonthlyUsd)
                .resultTtlDays(resultTtlDays)
                .s3RetentionDays(s3RetentionDays)
                .batchChunkBytes(batchChunkBytes)
                .transientObjectDays(transientObjectDays);
    }

    /** Reads a profile file; fields it leaves out keep their defaults. */
    public static WorkloadProfile load(Path file) {
        String json;
        try {
            json = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InvalidPricingInputException("profile file not found: " + file);
        } catch (IOException e) {
            throw new InvalidPricingInputException("cannot read profile file " + file + ": " + e.getMessage());
        }
        return fromJson(json);
    }

    /** Parses a profile; fields it leaves out keep their defaults; unknown fields are an error (typos). */
    public static WorkloadProfile fromJson(String text) {
        JsonNode json;
        try {
            json = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidPricingInputException("profile is not valid JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ")");
        }
        if (json == null || !json.isObject()) {
            throw new InvalidPricingInputException("profile must be a JSON object");
        }
        Set<String> known = Set.copyOf(JSON_FIELDS);
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field) && !field.startsWith("_") && !field.equals("description")) {
                unknown.add(field);
            }
        }
        if (!unknown.isEmpty()) {
            throw new InvalidPricingInputException("unknown profile field(s) " + unknown + "; allowed: "
                    + String.join(", ", JSON_FIELDS) + " (and \"description\" or \"_...\" comments)");
        }
        Builder b = builder();
        if (json.has("name")) b.name(string(json, "name"));
        if (json.has("items_per_day")) b.itemsPerDay(number(json, "items_per_day"));
        if (json.has("mode_mix")) b.modeMix(ModeMix.fromJson(json.get("mode_mix")));
        if (json.has("expert_rate")) b.expertRate(number(json, "expert_rate"));
        if (json.has("items_per_request")) b.itemsPerRequest(integer(json, "items_per_request"));
        if (json.has("avg_item_bytes")) b.avgItemBytes(integer(json, "avg_item_bytes"));
        if (json.has("avg_tokens_per_item")) b.avgTokensPerItem(number(json, "avg_tokens_per_item"));
        if (json.has("expert_max_tokens")) b.expertMaxTokens(integer(json, "expert_max_tokens"));
        if (json.has("result_bytes_per_item")) b.resultBytesPerItem(integer(json, "result_bytes_per_item"));
        if (json.has("batch_chunk_items")) b.batchChunkItems(integer(json, "batch_chunk_items"));
        if (json.has("items_per_job")) b.itemsPerJob(number(json, "items_per_job"));
        if (json.has("batch_result_sink"))
            b.batchResultSink(ResultSink.fromJson("batch_result_sink", text(json, "batch_result_sink")));
        if (json.has("max_items_per_message")) b.maxItemsPerMessage(integer(json, "max_items_per_message"));
        if (json.has("max_message_bytes")) b.maxMessageBytes(integer(json, "max_message_bytes"));
        if (json.has("message_overhead_bytes")) b.messageOverheadBytes(integer(json, "message_overhead_bytes"));
        if (json.has("item_overhead_bytes")) b.itemOverheadBytes(integer(json, "item_overhead_bytes"));
        if (json.has("sqs_receive_batch")) b.sqsReceiveBatch(integer(json, "sqs_receive_batch"));
        if (json.has("visibility_changes_per_message"))
            b.visibilityChangesPerMessage(number(json, "visibility_changes_per_message"));
        if (json.has("gate_ms_per_item")) b.gateMsPerItem(number(json, "gate_ms_per_item"));
        if (json.has("gate_overhead_ms")) b.gateOverheadMs(number(json, "gate_overhead_ms"));
        if (json.has("gate_memory_mb")) b.gateMemoryMb(integer(json, "gate_memory_mb"));
        if (json.has("gate_architecture"))
            b.gateArchitecture(Architecture.fromJson("gate_architecture", text(json, "gate_architecture")));
        if (json.has("realtime_wait_ms")) b.realtimeWaitMs(number(json, "realtime_wait_ms"));
        if (json.has("realtime_polls_per_request"))
            b.realtimePollsPerRequest(number(json, "realtime_polls_per_request"));
        if (json.has("async_client_polls_per_request"))
            b.asyncClientPollsPerRequest(number(json, "async_client_polls_per_request"));
        if (json.has("log_bytes_per_invocation")) b.logBytesPerInvocation(number(json, "log_bytes_per_invocation"));
        if (json.has("expert_instance_type")) b.expertInstanceType(string(json, "expert_instance_type"));
        if (json.has("expert_batch_size")) b.expertBatchSize(integer(json, "expert_batch_size"));
        if (json.has("gpu_utilization")) b.gpuUtilization(number(json, "gpu_utilization"));
        if (json.has("spot_fraction")) b.spotFraction(number(json, "spot_fraction"));
        if (json.has("spot_rework_fraction")) b.spotReworkFraction(number(json, "spot_rework_fraction"));
        if (json.has("min_instances")) b.minInstances(integer(json, "min_instances"));
        if (json.has("ebs_gb_per_instance")) b.ebsGbPerInstance(number(json, "ebs_gb_per_instance"));
        if (json.has("empty_receives_per_instance_hour"))
            b.emptyReceivesPerInstanceHour(number(json, "empty_receives_per_instance_hour"));
        if (json.has("nat_gateways")) b.natGateways(integer(json, "nat_gateways"));
        if (json.has("fixed_monthly_usd")) b.fixedMonthlyUsd(number(json, "fixed_monthly_usd"));
        if (json.has("result_ttl_days")) b.resultTtlDays(number(json, "result_ttl_days"));
        if (json.has("s3_retention_days")) b.s3RetentionDays(number(json, "s3_retention_days"));
        if (json.has("batch_chunk_bytes")) b.batchChunkBytes(integer(json, "batch_chunk_bytes"));
        if (json.has("transient_object_days")) b.transientObjectDays(number(json, "transient_object_days"));
        return b.build();
    }

    private static double number(JsonNode json, String field) {
        JsonNode v = json.get(field);
        if (!v.isNumber()) {
            throw new InvalidPricingInputException(field + " must be a number (got " + v + ")");
        }
        return v.asDouble();
    }

    private static int integer(JsonNode json, String field) {
        JsonNode v = json.get(field);
        if (!v.isNumber() || v.asDouble() != Math.rint(v.asDouble()) || Math.abs(v.asDouble()) > Integer.MAX_VALUE) {
            throw new InvalidPricingInputException(field + " must be a whole number (got " + v + ")");
        }
        return v.asInt();
    }

    private static String string(JsonNode json, String field) {
        return text(json, field);
    }

    private static String text(JsonNode json, String field) {
        JsonNode v = json.get(field);
        if (!v.isTextual()) {
            throw new InvalidPricingInputException(field + " must be a string (got " + v + ")");
        }
        return v.asText();
    }

    /** Builds a {@link WorkloadProfile}; starts from the defaults. */
    public static final class Builder {
        private String name = "default";
        private double itemsPerDay = 1e9;
        private ModeMix modeMix = ModeMix.of(Mode.BATCH);
        private double expertRate = 0.05;
        private int itemsPerRequest = 100;
        private int avgItemBytes = 3000;
        private double avgTokensPerItem = 330;
        private int expertMaxTokens = 512;
        private int resultBytesPerItem = 200;
        private int batchChunkItems = ResourceDefaults.BATCH_CHUNK_ITEMS; // SIEVE_BATCH_CHUNK_ITEMS default
        private double itemsPerJob = 1e6;
        private ResultSink batchResultSink = ResultSink.S3_PART_FILES;
        private int maxItemsPerMessage = 256;
        private int maxMessageBytes = 262144;
        private int messageOverheadBytes = 512;
        private int itemOverheadBytes = 64;
        private int sqsReceiveBatch = 10;
        private double visibilityChangesPerMessage = 1;
        private double gateMsPerItem = 0.2;
        private double gateOverheadMs = 5;
        private int gateMemoryMb = 1024;
        private Architecture gateArchitecture = Architecture.X86_64;
        private double realtimeWaitMs = 300;
        private double realtimePollsPerRequest = 3;
        private double asyncClientPollsPerRequest = 2;
        private double logBytesPerInvocation = 1024;
        private String expertInstanceType = "g5.xlarge";
        private int expertBatchSize = 128;
        private double gpuUtilization = 0.7;
        private double spotFraction = 0;
        private double spotReworkFraction = 0.02;
        private int minInstances = 0;
        private double ebsGbPerInstance = 60;
        private double emptyReceivesPerInstanceHour = 540;
        private int natGateways = 0;
        private double fixedMonthlyUsd = 0;
        private double resultTtlDays = 7;
        private double s3RetentionDays = 30;
        private int batchChunkBytes = ResourceDefaults.BATCH_CHUNK_BYTES; // SIEVE_BATCH_CHUNK_BYTES default
        private double transientObjectDays = ResourceDefaults.TRANSIENT_OBJECT_DAYS; // the stack's lifecycle rules

        private Builder() {}

        /** A label for reports (JSON {@code name}). */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Items classified per day (all modes) (JSON {@code items_per_day}). */
        public Builder itemsPerDay(double itemsPerDay) {
            this.itemsPerDay = itemsPerDay;
            return this;
        }

        /** Share of items per mode: realtime, async, batch (sums to 1) (JSON {@code mode_mix}). */
        public Builder modeMix(ModeMix modeMix) {
            this.modeMix = modeMix;
            return this;
        }

        /** Fraction of items the gate escalates to the expert (JSON {@code expert_rate}). */
        public Builder expertRate(double expertRate) {
            this.expertRate = expertRate;
            return this;
        }

        /** Items per HTTP request (real-time and async) (JSON {@code items_per_request}). */
        public Builder itemsPerRequest(int itemsPerRequest) {
            this.itemsPerRequest = itemsPerRequest;
            return this;
        }

        /** Average UTF-8 bytes of one item's text (JSON {@code avg_item_bytes}). */
        public Builder avgItemBytes(int avgItemBytes) {
            this.avgItemBytes = avgItemBytes;
            return this;
        }

        /** Average expert tokens per item before truncation (JSON {@code avg_tokens_per_item}). */
        public Builder avgTokensPerItem(double avgTokensPerItem) {
            this.avgTokensPerItem = avgTokensPerItem;
            return this;
        }

        /** The expert's maximum sequence length (longer items are truncated) (JSON {@code expert_max_tokens}). */
        public Builder expertMaxTokens(int expertMaxTokens) {
            this.expertMaxTokens = expertMaxTokens;
            return this;
        }

        /** Bytes of one stored result (id, label, scores) (JSON {@code result_bytes_per_item}). */
        public Builder resultBytesPerItem(int resultBytesPerItem) {
            this.resultBytesPerItem = resultBytesPerItem;
            return this;
        }

        /** Items per batch-transform chunk (one Lambda invocation, one manifest GET) (JSON {@code batch_chunk_items}). */
        public Builder batchChunkItems(int batchChunkItems) {
            this.batchChunkItems = batchChunkItems;
            return this;
        }

        /** Items per batch-transform manifest (job) (JSON {@code items_per_job}). */
        public Builder itemsPerJob(double itemsPerJob) {
            this.itemsPerJob = itemsPerJob;
            return this;
        }

        /** Where batch results go: s3_part_files or dynamodb_per_item (JSON {@code batch_result_sink}). */
        public Builder batchResultSink(ResultSink batchResultSink) {
            this.batchResultSink = batchResultSink;
            return this;
        }

        /** Most items the gate packs into one SQS message (JSON {@code max_items_per_message}). */
        public Builder maxItemsPerMessage(int maxItemsPerMessage) {
            this.maxItemsPerMessage = maxItemsPerMessage;
            return this;
        }

        /** SQS message size limit the gate packs to (256 KiB; SQS accepts up to 1 MiB) (JSON {@code max_message_bytes}). */
        public Builder maxMessageBytes(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
            return this;
        }

        /** Queue envelope bytes per message (ids, deadline, bundle version) (JSON {@code message_overhead_bytes}). */
        public Builder messageOverheadBytes(int messageOverheadBytes) {
            this.messageOverheadBytes = messageOverheadBytes;
            return this;
        }

        /** Envelope bytes per item in a message (item id, JSON quoting) (JSON {@code item_overhead_bytes}). */
        public Builder itemOverheadBytes(int itemOverheadBytes) {
            this.itemOverheadBytes = itemOverheadBytes;
            return this;
        }

        /** Messages per ReceiveMessage / DeleteMessageBatch call (JSON {@code sqs_receive_batch}). */
        public Builder sqsReceiveBatch(int sqsReceiveBatch) {
            this.sqsReceiveBatch = sqsReceiveBatch;
            return this;
        }

        /** Visibility heart-beats per message (batched like deletes) (JSON {@code visibility_changes_per_message}). */
        public Builder visibilityChangesPerMessage(double visibilityChangesPerMessage) {
            this.visibilityChangesPerMessage = visibilityChangesPerMessage;
            return this;
        }

        /** Gate CPU time per item in Lambda (TF-IDF + logistic regression), ms (JSON {@code gate_ms_per_item}). */
        public Builder gateMsPerItem(double gateMsPerItem) {
            this.gateMsPerItem = gateMsPerItem;
            return this;
        }

        /** Fixed Lambda time per invocation (parse, enqueue, respond), ms (JSON {@code gate_overhead_ms}). */
        public Builder gateOverheadMs(double gateOverheadMs) {
            this.gateOverheadMs = gateOverheadMs;
            return this;
        }

        /** Gate Lambda memory, MB (JSON {@code gate_memory_mb}). */
        public Builder gateMemoryMb(int gateMemoryMb) {
            this.gateMemoryMb = gateMemoryMb;
            return this;
        }

        /** Gate Lambda architecture: x86_64 or arm64 (JSON {@code gate_architecture}). */
        public Builder gateArchitecture(Architecture gateArchitecture) {
            this.gateArchitecture = gateArchitecture;
            return this;
        }

        /** Extra Lambda time a real-time request with escalated items waits for the expert, ms (JSON {@code realtime_wait_ms}). */
        public Builder realtimeWaitMs(double realtimeWaitMs) {
            this.realtimeWaitMs = realtimeWaitMs;
            return this;
        }

        /** DynamoDB result reads while a real-time request waits (JSON {@code realtime_polls_per_request}). */
        public Builder realtimePollsPerRequest(double realtimePollsPerRequest) {
            this.realtimePollsPerRequest = realtimePollsPerRequest;
            return this;
        }

        /** GET /v1/results calls per async request (JSON {@code async_client_polls_per_request}). */
        public Builder asyncClientPollsPerRequest(double asyncClientPollsPerRequest) {
            this.asyncClientPollsPerRequest = asyncClientPollsPerRequest;
            return this;
        }

        /** CloudWatch log bytes per Lambda invocation and per expert message (JSON log + EMF) (JSON {@code log_bytes_per_invocation}). */
        public Builder logBytesPerInvocation(double logBytesPerInvocation) {
            this.logBytesPerInvocation = logBytesPerInvocation;
            return this;
        }

        /** EC2 instance type of the GPU workers (JSON {@code expert_instance_type}). */
        public Builder expertInstanceType(String expertInstanceType) {
            this.expertInstanceType = expertInstanceType;
            return this;
        }

        /** Items per expert batch (selects the point on the throughput curve) (JSON {@code expert_batch_size}). */
        public Builder expertBatchSize(int expertBatchSize) {
            this.expertBatchSize = expertBatchSize;
            return this;
        }

        /** Share of a running instance's measured throughput actually used (JSON {@code gpu_utilization}). */
        public Builder gpuUtilization(double gpuUtilization) {
            this.gpuUtilization = gpuUtilization;
            return this;
        }

        /** Share of GPU instance-hours on spot (JSON {@code spot_fraction}). */
        public Builder spotFraction(double spotFraction) {
            this.spotFraction = spotFraction;
            return this;
        }

        /** Extra spot hours spent redoing work lost to interruptions (JSON {@code spot_rework_fraction}). */
        public Builder spotReworkFraction(double spotReworkFraction) {
            this.spotReworkFraction = spotReworkFraction;
            return this;
        }

        /** GPU instances that stay up when there is no work (0 = scale to zero) (JSON {@code min_instances}). */
        public Builder minInstances(int minInstances) {
            this.minInstances = minInstances;
            return this;
        }

        /** Gp3 GB attached to each GPU instance (JSON {@code ebs_gb_per_instance}). */
        public Builder ebsGbPerInstance(double ebsGbPerInstance) {
            this.ebsGbPerInstance = ebsGbPerInstance;
            return this;
        }

        /** SQS long-poll receives per running instance-hour (3 queues x 20 s waits) (JSON {@code empty_receives_per_instance_hour}). */
        public Builder emptyReceivesPerInstanceHour(double emptyReceivesPerInstanceHour) {
            this.emptyReceivesPerInstanceHour = emptyReceivesPerInstanceHour;
            return this;
        }

        /** NAT gateways that stay up for the workers (0 with public subnets or VPC endpoints) (JSON {@code nat_gateways}). */
        public Builder natGateways(int natGateways) {
            this.natGateways = natGateways;
            return this;
        }

        /** Other always-on cost per month (alarms, dashboards, custom metrics), USD (JSON {@code fixed_monthly_usd}). */
        public Builder fixedMonthlyUsd(double fixedMonthlyUsd) {
            this.fixedMonthlyUsd = fixedMonthlyUsd;
            return this;
        }

        /** Days results stay in DynamoDB before TTL deletes them (JSON {@code result_ttl_days}). */
        public Builder resultTtlDays(double resultTtlDays) {
            this.resultTtlDays = resultTtlDays;
            return this;
        }

        /**
         * Most bytes of manifest per batch-transform chunk; a chunk closes at whichever of {@code
         * batch_chunk_items} lines and this many bytes comes first (JSON {@code batch_chunk_bytes}).
         */
        public Builder batchChunkBytes(int batchChunkBytes) {
            this.batchChunkBytes = batchChunkBytes;
            return this;
        }

        /**
         * Days part files, queue payloads and uploads stay in S3 before the bucket's lifecycle rule expires them
         * (JSON {@code transient_object_days}; default {@link ResourceDefaults#TRANSIENT_OBJECT_DAYS}, what the
         * stack deploys).
         */
        public Builder transientObjectDays(double transientObjectDays) {
            this.transientObjectDays = transientObjectDays;
            return this;
        }

        /** Days bodies and job outputs stay in S3 (JSON {@code s3_retention_days}). */
        public Builder s3RetentionDays(double s3RetentionDays) {
            this.s3RetentionDays = s3RetentionDays;
            return this;
        }

        public WorkloadProfile build() {
            return new WorkloadProfile(
                    name,
                    itemsPerDay,
                    modeMix,
                    expertRate,
                    itemsPerRequest,
                    avgItemBytes,
                    avgTokensPerItem,
                    expertMaxTokens,
                    resultBytesPerItem,
                    batchChunkItems,
                    itemsPerJob,
                    batchResultSink,
                    maxItemsPerMessage,
                    maxMessageBytes,
                    messageOverheadBytes,
                    itemOverheadBytes,
                    sqsReceiveBatch,
                    visibilityChangesPerMessage,
                    gateMsPerItem,
                    gateOverheadMs,
                    gateMemoryMb,
                    gateArchitecture,
                    realtimeWaitMs,
                    realtimePollsPerRequest,
                    asyncClientPollsPerRequest,
                    logBytesPerInvocation,
                    expertInstanceType,
                    expertBatchSize,
                    gpuUtilization,
                    spotFraction,
                    spotReworkFraction,
                    minInstances,
                    ebsGbPerInstance,
                    emptyReceivesPerInstanceHour,
                    natGateways,
                    fixedMonthlyUsd,
                    resultTtlDays,
                    s3RetentionDays,
                    batchChunkBytes,
                    transientObjectDays);
        }
    }
}
