package dev.sieve.pricing;

import dev.sieve.pricing.WorkloadProfile.Architecture;
import dev.sieve.pricing.WorkloadProfile.Mode;
import dev.sieve.pricing.WorkloadProfile.ResultSink;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Dollars per million items for a {@link WorkloadProfile}, from a {@link PriceTable} and a {@link
 * ThroughputTable}. Pure arithmetic, no I/O; the formulas are written out in {@code pricing/README.md}.
 */
public final class CostModel {

    /** Days in an average month (tiered prices are monthly; storage is billed per GB-month). */
    public static final double DAYS_PER_MONTH = 30.4375;

    /** Hours per month in AWS's monthly-to-hourly conversions (EBS). */
    public static final double HOURS_PER_MONTH = 730;

    static final double GIB = 1024.0 * 1024 * 1024;
    static final double SQS_CHUNK_BYTES = 64 * 1024;
    static final double API_GATEWAY_METER_BYTES = 512 * 1024;
    static final double DYNAMODB_WRITE_UNIT_BYTES = 1024;
    static final double DYNAMODB_READ_UNIT_BYTES = 4096;
    /** DynamoDB adds 100 bytes of overhead per stored item. */
    static final double DYNAMODB_ITEM_OVERHEAD_BYTES = 100;
    /** Bytes of a request or job status item in DynamoDB. */
    static final double STATUS_ITEM_BYTES = 300;
    /** Lambda time to dispatch one batch chunk (an asynchronous Invoke) from the job handler. */
    static final double CHUNK_DISPATCH_MS = 2;
    /** Lambda time per part file when a job's part files are assembled into {@code jobs/out/<name>.out}. */
    static final double ASSEMBLY_MS_PER_PART = 10;
    /** Part size of a job output's multipart upload ({@code JobService} in gate-lambda). */
    static final double OUTPUT_PART_BYTES = 8 * 1024 * 1024;
    /** Job tasks per SQS batch call (SendMessageBatch, the Lambda event source's receive, DeleteMessageBatch). */
    static final int JOB_TASKS_PER_SQS_BATCH = 10;

    // Usage keys, per million items.
    public static final String APIGW_REQUESTS = "apigw_requests";
    public static final String LAMBDA_INVOCATIONS = "lambda_invocations";
    public static final String LAMBDA_GB_SECONDS = "lambda_gb_seconds";
    public static final String SQS_REQUESTS = "sqs_requests";
    public static final String SQS_MESSAGES = "sqs_messages";
    public static final String DYNAMODB_WRU = "dynamodb_write_units";
    public static final String DYNAMODB_RRU = "dynamodb_read_units";
    public static final String DYNAMODB_GB_MONTHS = "dynamodb_gb_months";
    public static final String S3_PUTS = "s3_put_requests";
    public static final String S3_GETS = "s3_get_requests";
    public static final String S3_GB_MONTHS = "s3_gb_months";
    public static final String DATA_OUT_GB = "data_transfer_out_gb";
    public static final String LOGS_GB = "cloudwatch_logs_gb";
    public static final String EXPERT_ITEMS = "expert_items";
    public static final String GPU_BUSY_HOURS = "gpu_busy_instance_hours";
    public static final String GPU_IDLE_HOURS = "gpu_idle_instance_hours";
    public static final String NAT_HOURS = "nat_gateway_hours";

    private final PriceTable prices;
    private final ThroughputTable throughput;
    private final SimulatedFleet fleet;

    private CostModel(PriceTable prices, ThroughputTable throughput, SimulatedFleet fleet) {
        this.prices = prices;
        this.throughput = throughput;
        this.fleet = fleet;
    }

    public static CostModel create(PriceTable prices, ThroughputTable throughput) {
        return new CostModel(prices, throughput, null);
    }

    /**
     * This model with the tiered deployment's GPU instance-hours taken from a scaling simulation: expert
     * items x the fleet's instance-hours per expert item, booting and waiting to scale in included, and no
     * separate idle hours. The expert-only comparison keeps busy hours at the profile's utilization (its
     * fleet would be larger, so the simulated overhead per item does not carry over); that understates
     * expert-only cost, so the savings shown stay conservative.
     */
    public CostModel withSimulatedFleet(SimulatedFleet simulated) {
        return new CostModel(prices, throughput, Objects.requireNonNull(simulated, "simulated"));
    }

    /** The simulated fleet the tiered GPU cost comes from, or null (busy hours at a utilization). */
    public SimulatedFleet simulatedFleet() {
        return fleet;
    }

    /** The shipped price table and the reference throughput estimates. */
    public static CostModel withDefaults() {
        return create(PriceTable.defaults(), ThroughputTable.reference());
    }

    public PriceTable prices() {
        return prices;
    }

    public ThroughputTable throughputTable() {
        return throughput;
    }

    /** Tiered cost, expert-only cost and break-even routing rate of a profile. */
    public CostReport estimate(WorkloadProfile profile) {
        CostBreakdown tiered = tiered(profile);
        CostBreakdown expertOnly = expertOnly(profile);
        return new CostReport(
                profile,
                tiered,
                expertOnly,
                breakEvenExpertRate(profile),
                expertThroughput(profile),
                gpuHourlyUsd(profile),
                fleet,
                prices.version(),
                prices.asOf());
    }

    /** Cost with the gate in front: a share {@code expert_rate} of items goes on to the expert. */
    public CostBreakdown tiered(WorkloadProfile profile) {
        return evaluate(profile, profile.expertRate(), profile.gateMsPerItem());
    }

    /**
     * The same workload with no gate model: every item goes to the expert, and still pays the entry path
     * (API Gateway, Lambda overhead without scoring time, queues, result storage).
     */
    public CostBreakdown expertOnly(WorkloadProfile profile) {
        return evaluate(profile, 1.0, 0.0, false);
    }

    /**
     * The routing rate at which tiered cost equals expert-only cost (bisection; tiered cost grows with the
     * rate). 0 when the gate costs more than the expert even at rate 0; 1 when tiering never costs more.
     */
    public double breakEvenExpertRate(WorkloadProfile profile) {
        double target = expertOnly(profile).totalPerMillion();
        double lo = 0;
        double hi = 1;
        if (evaluate(profile, lo, profile.gateMsPerItem()).totalPerMillion() >= target) {
            return 0;
        }
        if (evaluate(profile, hi, profile.gateMsPerItem()).totalPerMillion() <= target) {
            return 1;
        }
        for (int i = 0; i < 50; i++) {
            double mid = (lo + hi) / 2;
            if (evaluate(profile, mid, profile.gateMsPerItem()).totalPerMillion() < target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** The expert throughput the profile's GPU cost is computed from. */
    public ThroughputTable.Throughput expertThroughput(WorkloadProfile profile) {
        return throughput.lookup(profile.expertInstanceType(), profile.expertBatchSize(), expertTokens(profile));
    }

    /** Tokens per item the expert actually sees (truncated to its maximum sequence length). */
    static double expertTokens(WorkloadProfile profile) {
        return Math.min(profile.avgTokensPerItem(), profile.expertMaxTokens());
    }

    /**
     * Dollars per hour of one running GPU instance: on-demand/spot mix (spot hours inflated by the rework
     * share), plus its EBS volume.
     */
    public double gpuHourlyUsd(WorkloadProfile profile) {
        String type = profile.expertInstanceType();
        if (!prices.has(PriceTable.onDemandKey(type)) || !prices.has(PriceTable.spotKey(type))) {
            throw new InvalidPricingInputException("expert_instance_type \"" + type
                    + "\" has no on-demand and spot price;" + " allowed: " + String.join(", ", prices.instanceTypes()));
        }
        double onDemand = prices.price(PriceTable.onDemandKey(type)).firstTierUsd();
        double spot = prices.price(PriceTable.spotKey(type)).firstTierUsd();
        double s = profile.spotFraction();
        double compute = (1 - s) * onDemand + s * spot * (1 + profile.spotReworkFraction());
        double ebs =
                profile.ebsGbPerInstance() * prices.price("ebs.gp3.gb_month").firstTierUsd() / HOURS_PER_MONTH;
        return compute + ebs;
    }

    /** Cost of the tiered deployment at routing rate {@code r} with {@code gateMs} of gate time per item. */
    CostBreakdown evaluate(WorkloadProfile p, double r, double gateMs) {
        return evaluate(p, r, gateMs, true);
    }

    /**
     * Cost at routing rate {@code r} with {@code gateMs} of gate time per item; {@code tieredFleet}: the GPU
     * fleet is the tiered deployment's (the simulated one, when there is one).
     */
    private CostBreakdown evaluate(WorkloadProfile p, double r, double gateMs, boolean tieredFleet) {
        Usage total = new Usage();
        for (Mode mode : Mode.values()) {
            double share = p.modeMix().share(mode);
            if (share > 0) {
                Usage u =
                        switch (mode) {
                            case REALTIME -> realtime(p, r, gateMs);
                            case ASYNC -> async(p, r, gateMs);
                            case BATCH -> batch(p, r, gateMs);
                        };
                total.addScaled(u, share);
            }
        }
        return price(p, total, r * 1e6, tieredFleet ? fleet : null);
    }

    /**
     * Prices usage measured elsewhere (a load run's counted requests, per million items; keys are this
     * class's usage constants): the same unit prices and GPU model as {@link #tiered}, with GPU hours from
     * the usage's {@link #EXPERT_ITEMS} and the profile's instance throughput.
     */
    public CostBreakdown priceUsage(WorkloadProfile p, Map<String, Double> usagePerMillion) {
        Usage total = new Usage();
        usagePerMillion.forEach((key, value) -> {
            if (!key.equals(EXPERT_ITEMS)
                    && !key.equals(GPU_BUSY_HOURS)
                    && !key.equals(GPU_IDLE_HOURS)
                    && !key.equals(NAT_HOURS)) {
                total.add(key, value);
            }
        });
        return price(p, total, usagePerMillion.getOrDefault(EXPERT_ITEMS, 0.0), null);
    }

    /**
     * The report of {@link #estimate} for usage measured elsewhere ({@link #priceUsage}): the tiered figures
     * are the measured usage priced; expert-only and break-even stay the model's projections for the profile.
     */
    public CostReport estimateMeasured(WorkloadProfile profile, Map<String, Double> usagePerMillion) {
        return new CostReport(
                profile,
                priceUsage(profile, usagePerMillion),
                expertOnly(profile),
                breakEvenExpertRate(profile),
                expertThroughput(profile),
                gpuHourlyUsd(profile),
                null,
                prices.version(),
                prices.asOf());
    }

    private CostBreakdown price(WorkloadProfile p, Usage total, double expertItems, SimulatedFleet simulated) {
        double millionsPerDay = p.itemsPerDay() / 1e6;
        double busyHours;
        double idleHours;
        if (simulated != null) {
            // every instance-hour the simulated fleet ran per expert item; its idle time is inside
            busyHours = expertItems / 1e6 * simulated.instanceHoursPerMillionExpertItems();
            idleHours = 0;
        } else {
            // GPU: expert items / (items/s x utilization), in hours.
            double itemsPerSecond = throughput
                    .lookup(p.expertInstanceType(), p.expertBatchSize(), expertTokens(p))
                    .itemsPerSecond();
            busyHours = expertItems / (itemsPerSecond * p.gpuUtilization()) / 3600;
            double idleHoursPerDay = Math.max(0, p.minInstances() * 24.0 - busyHours * millionsPerDay);
            idleHours = idleHoursPerDay / millionsPerDay;
        }
        total.add(EXPERT_ITEMS, expertItems);
        total.add(GPU_BUSY_HOURS, busyHours);
        total.add(GPU_IDLE_HOURS, idleHours);
        total.add(SQS_REQUESTS, p.emptyReceivesPerInstanceHour() * (busyHours + idleHours));
        total.add(NAT_HOURS, p.natGateways() * 24.0 / millionsPerDay);

        Map<String, Double> usage = total.values;
        Map<Component, Double> usd = new EnumMap<>(Component.class);
        Architecture arch = p.gateArchitecture();
        String lambda = "lambda." + arch.jsonName();
        usd.put(Component.API_GATEWAY, cost(usage, APIGW_REQUESTS, "apigw.http.request", millionsPerDay));
        usd.put(Component.LAMBDA_REQUESTS, cost(usage, LAMBDA_INVOCATIONS, lambda + ".request", millionsPerDay));
        usd.put(Component.LAMBDA_COMPUTE, cost(usage, LAMBDA_GB_SECONDS, lambda + ".gb_second", millionsPerDay));
        usd.put(Component.SQS_REQUESTS, cost(usage, SQS_REQUESTS, "sqs.standard.request", millionsPerDay));
        usd.put(
                Component.DYNAMODB_WRITES,
                cost(usage, DYNAMODB_WRU, "dynamodb.on_demand.write_request_unit", millionsPerDay));
        usd.put(
                Component.DYNAMODB_READS,
                cost(usage, DYNAMODB_RRU, "dynamodb.on_demand.read_request_unit", millionsPerDay));
        usd.put(
                Component.DYNAMODB_STORAGE,
                cost(usage, DYNAMODB_GB_MONTHS, "dynamodb.storage.gb_month", millionsPerDay));
        usd.put(
                Component.S3_REQUESTS,
                cost(usage, S3_PUTS, "s3.standard.put_request", millionsPerDay)
                        + cost(usage, S3_GETS, "s3.standard.get_request", millionsPerDay));
        usd.put(Component.S3_STORAGE, cost(usage, S3_GB_MONTHS, "s3.standard.storage_gb_month", millionsPerDay));
        usd.put(
                Component.DATA_TRANSFER_OUT,
                cost(usage, DATA_OUT_GB, "data_transfer.out_to_internet_gb", millionsPerDay));
        usd.put(Component.CLOUDWATCH_LOGS, cost(usage, LOGS_GB, "cloudwatch.logs_ingested_gb", millionsPerDay));
        double hourly = gpuHourlyUsd(p);
        usd.put(Component.GPU_INSTANCES, busyHours * hourly);
        double fixedPerMillion = p.fixedMonthlyUsd() / DAYS_PER_MONTH / millionsPerDay;
        usd.put(
                Component.IDLE,
                idleHours * hourly
                        + usage.get(NAT_HOURS)
                                * prices.price("vpc.nat_gateway.hour").firstTierUsd()
                        + fixedPerMillion);
        return new CostBreakdown(usd, usage, p.itemsPerDay());
    }

    /** Usage per million items times the average unit price at this workload's monthly volume. */
    private double cost(Map<String, Double> usage, String usageKey, String priceKey, double millionsPerDay) {
        double units = usage.getOrDefault(usageKey, 0.0);
        if (units == 0) {
            return 0;
        }
        double monthlyUnits = units * millionsPerDay * DAYS_PER_MONTH;
        return units * prices.price(priceKey).averageUsd(monthlyUnits);
    }

    // ---- modes: usage per million items of that mode ----

    /** Real-time: one HTTP request of n items; escalated items are awaited within the latency budget. */
    Usage realtime(WorkloadProfile p, double r, double gateMs) {
        int n = p.itemsPerRequest();
        Packing pack = Packing.of(p);
        double anyEscalated = 1 - Math.pow(1 - r, n);
        double requestBytes = n * (double) (p.avgItemBytes() + p.itemOverheadBytes());
        double baseMs = p.gateOverheadMs() + n * gateMs;
        double resultBytes = p.resultBytesPerItem();
        Usage u = new Usage();
        u.add(APIGW_REQUESTS, Math.ceil(requestBytes / API_GATEWAY_METER_BYTES));
        u.add(LAMBDA_INVOCATIONS, 1);
        double billedMs =
                (1 - anyEscalated) * Math.ceil(baseMs) + anyEscalated * Math.ceil(baseMs + p.realtimeWaitMs());
        u.add(LAMBDA_GB_SECONDS, gbSeconds(p, billedMs));
        double messages = Binomial.expect(n, r, pack::messages);
        u.add(SQS_MESSAGES, messages);
        u.add(SQS_REQUESTS, Binomial.expect(n, r, pack::sqsRequests));
        // Status item for a request with escalated items + one result item per escalated item.
        u.add(DYNAMODB_WRU, anyEscalated + n * r * Math.ceil(resultBytes / DYNAMODB_WRITE_UNIT_BYTES));
        // Polls: eventually consistent Query over the request's results, 0.5 RRU per 4 KB.
        u.add(
                DYNAMODB_RRU,
                p.realtimePollsPerRequest()
                        * Binomial.expect(
                                n, r, k -> k == 0 ? 0 : 0.5 * Math.ceil(k * resultBytes / DYNAMODB_READ_UNIT_BYTES)));
        u.add(
                DYNAMODB_GB_MONTHS,
                (n * r * (resultBytes + DYNAMODB_ITEM_OVERHEAD_BYTES)
                                + anyEscalated * (STATUS_ITEM_BYTES + DYNAMODB_ITEM_OVERHEAD_BYTES))
                        / GIB
                        * p.resultTtlDays()
                        / DAYS_PER_MONTH);
        u.add(DATA_OUT_GB, n * resultBytes / GIB);
        u.add(LOGS_GB, (1 + messages) * p.logBytesPerInvocation() / GIB);
        return u.perItems(n);
    }

    /** Async: submit (presigned upload), S3-triggered gate run, part files, client polls and downloads. */
    Usage async(WorkloadProfile p, double r, double gateMs) {
        int n = p.itemsPerRequest();
        Packing pack = Packing.of(p);
        double polls = p.asyncClientPollsPerRequest();
        double resultBytes = p.resultBytesPerItem();
        double messages = Binomial.expect(n, r, pack::messages);
        Usage u = new Usage();
        u.add(APIGW_REQUESTS, 1 + polls);
        u.add(LAMBDA_INVOCATIONS, 2 + polls);
        double overhead = Math.ceil(p.gateOverheadMs());
        u.add(
                LAMBDA_GB_SECONDS,
                gbSeconds(p, overhead + Math.ceil(p.gateOverheadMs() + n * gateMs) + polls * overhead));
        u.add(SQS_MESSAGES, messages);
        u.add(SQS_REQUESTS, Binomial.expect(n, r, pack::sqsRequests));
        // PUT: body upload, gate part file, one part file per expert message. GET: body, then the client
        // reads every part file.
        u.add(S3_PUTS, 2 + messages);
        u.add(S3_GETS, 1 + 1 + messages);
        u.add(S3_GB_MONTHS, n * (p.avgItemBytes() + resultBytes) / GIB * p.s3RetentionDays() / DAYS_PER_MONTH);
        // Status: create, gate progress, one progress update per expert message; polls are GetItem (0.5 RRU).
        u.add(DYNAMODB_WRU, 2 + messages);
        u.add(DYNAMODB_RRU, 0.5 * polls);
        u.add(
                DYNAMODB_GB_MONTHS,
                (STATUS_ITEM_BYTES + DYNAMODB_ITEM_OVERHEAD_BYTES) / GIB * p.resultTtlDays() / DAYS_PER_MONTH);
        u.add(DATA_OUT_GB, n * resultBytes / GIB);
        u.add(LOGS_GB, (2 + polls + messages) * p.logBytesPerInvocation() / GIB);
        return u.perItems(n);
    }

    /**
     * Batch-transform, as the job code runs it: per chunk one jobs-queue task (sent, received and deleted in
     * batches of {@value #JOB_TASKS_PER_SQS_BATCH}), one ranged manifest GET, one Lambda invocation, one gate
     * part file and the chunk-done transaction; a chunk with escalated items sends them as ONE queue message
     * (inline when they fit, else an S3 payload the worker reads back) and the worker writes ONE expert part
     * file. Per job: one dispatching invocation, one manifest HEAD, status writes, and an assembly invocation
     * that GETs both part files of every chunk and PUTs {@code <name>.out}.
     */
    Usage batch(WorkloadProfile p, double r, double gateMs) {
        double job = p.itemsPerJob();
        int n = (int) Math.min(chunkItems(p), job);
        double chunksPerJob = Math.ceil(job / n);
        Packing pack = Packing.of(p);
        double resultBytes = p.resultBytesPerItem();
        boolean s3 = p.batchResultSink() == ResultSink.S3_PART_FILES;
        double anyEscalated = 1 - Math.pow(1 - r, n);
        // K escalated items fit one inline message when K <= c; otherwise the message points at an S3 payload.
        double inline = Binomial.expect(n, r, k -> k >= 1 && k <= pack.itemsPerMessage() ? 1 : 0);
        double pointer = anyEscalated - inline;
        Usage chunk = new Usage();
        chunk.add(LAMBDA_INVOCATIONS, 1);
        chunk.add(LAMBDA_GB_SECONDS, gbSeconds(p, Math.ceil(p.gateOverheadMs() + n * gateMs)));
        chunk.add(S3_GETS, 1);
        chunk.add(SQS_MESSAGES, anyEscalated);
        chunk.add(
                SQS_REQUESTS,
                3.0 / JOB_TASKS_PER_SQS_BATCH
                        + Binomial.expect(n, r, k -> k >= 1 && k <= pack.itemsPerMessage() ? pack.sqsRequests(k) : 0)
                        + pointer * pack.requestsPerMessage(0));
        chunk.add(S3_PUTS, pointer);
        chunk.add(S3_GETS, pointer);
        chunk.add(
                S3_GB_MONTHS,
                Binomial.expect(n, r, k -> k > pack.itemsPerMessage() ? k : 0)
                        * (p.avgItemBytes() + p.itemOverheadBytes())
                        / GIB
                        * p.transientObjectDays()
                        / DAYS_PER_MONTH);
        // chunk-done transaction (marker + counter) and the worker's progress update
        chunk.add(DYNAMODB_WRU, 2 + anyEscalated);
        if (s3) {
            double gatePart = 1 - Math.pow(r, n); // a chunk with at least one confident item
            chunk.add(S3_PUTS, gatePart + anyEscalated);
            // part files live until the transient-object lifecycle rule expires them; the output until retention
            chunk.add(S3_GB_MONTHS, n * resultBytes / GIB * p.transientObjectDays() / DAYS_PER_MONTH);
            chunk.add(S3_GB_MONTHS, n * resultBytes / GIB * p.s3RetentionDays() / DAYS_PER_MONTH);
        } else {
            chunk.add(DYNAMODB_WRU, n * Math.ceil(resultBytes / DYNAMODB_WRITE_UNIT_BYTES));
            chunk.add(
                    DYNAMODB_GB_MONTHS,
                    n * (resultBytes + DYNAMODB_ITEM_OVERHEAD_BYTES) / GIB * p.resultTtlDays() / DAYS_PER_MONTH);
        }
        chunk.add(LOGS_GB, (1 + anyEscalated) * p.logBytesPerInvocation() / GIB);
        Usage perJob = new Usage();
        perJob.add(LAMBDA_INVOCATIONS, 1);
        perJob.add(LAMBDA_GB_SECONDS, gbSeconds(p, Math.ceil(p.gateOverheadMs() + chunksPerJob * CHUNK_DISPATCH_MS)));
        perJob.add(S3_GETS, 1);
        perJob.add(S3_PUTS, 1); // the chunk index
        perJob.add(DYNAMODB_WRU, 3);
        perJob.add(LOGS_GB, p.logBytesPerInvocation() / GIB);
        if (s3) {
            perJob.add(LAMBDA_INVOCATIONS, 1);
            perJob.add(
                    LAMBDA_GB_SECONDS,
                    gbSeconds(p, Math.ceil(p.gateOverheadMs() + 2 * chunksPerJob * ASSEMBLY_MS_PER_PART)));
            perJob.add(S3_GETS, 1 + 2 * chunksPerJob); // the chunk index, then gate and expert part of every chunk
            // <name>.out as a multipart upload: create, one part per 8 MiB, complete
            perJob.add(S3_PUTS, 2 + Math.ceil(job * p.resultBytesPerItem() / OUTPUT_PART_BYTES));
            perJob.add(LOGS_GB, p.logBytesPerInvocation() / GIB);
        }
        Usage u = chunk.perItems(n);
        u.addScaled(perJob.perItems(job), 1);
        return u;
    }

    /**
     * Items per batch chunk as the job code cuts them: {@code batch_chunk_items} lines, or fewer when {@code
     * batch_chunk_bytes} of manifest fill up first (lines of {@code avg_item_bytes + item_overhead_bytes}).
     */
    static int chunkItems(WorkloadProfile p) {
        long byBytes = (long) Math.floor(p.batchChunkBytes() / (double) (p.avgItemBytes() + p.itemOverheadBytes()));
        return (int) Math.max(1, Math.min(p.batchChunkItems(), byBytes));
    }

    private static double gbSeconds(WorkloadProfile p, double billedMs) {
        return p.gateMemoryMb() / 1024.0 * billedMs / 1000;
    }

    /** How escalated items are packed into SQS messages and what each message costs in requests. */
    record Packing(int itemsPerMessage, double itemBytes, double overheadBytes, int receiveBatch, double visibility) {

        static Packing of(WorkloadProfile p) {
            double itemBytes = p.avgItemBytes() + p.itemOverheadBytes();
            int byBytes = (int) Math.floor((p.maxMessageBytes() - p.messageOverheadBytes()) / itemBytes);
            if (byBytes < 1) {
                throw new InvalidPricingInputException("avg_item_bytes + item_overhead_bytes + message_overhead_bytes ("
                        + InvalidPricingInputException.format(itemBytes + p.messageOverheadBytes())
                        + ") must fit in max_message_bytes (" + p.maxMessageBytes() + ")");
            }
            return new Packing(
                    Math.min(p.maxItemsPerMessage(), byBytes),
                    itemBytes,
                    p.messageOverheadBytes(),
                    p.sqsReceiveBatch(),
                    p.visibilityChangesPerMessage());
        }

        double messageBytes(int items) {
            return overheadBytes + items * itemBytes;
        }

        /** Messages for k escalated items of one group. */
        double messages(int k) {
            return Math.ceil((double) k / itemsPerMessage);
        }

        /**
         * Requests for one message of {@code items} items: SendMessage (one request per 64 KB chunk), its share
         * of a ReceiveMessage of {@code receiveBatch} such messages (64 KB chunks of the whole response), its
         * share of a DeleteMessageBatch and of ChangeMessageVisibilityBatch heart-beats.
         */
        double requestsPerMessage(int items) {
            double bytes = messageBytes(items);
            double send = Math.ceil(bytes / SQS_CHUNK_BYTES);
            double receive = Math.ceil(receiveBatch * bytes / SQS_CHUNK_BYTES) / receiveBatch;
            return send + receive + (1 + visibility) / receiveBatch;
        }

        /** SQS requests for k escalated items of one group: full messages, then the remainder. */
        double sqsRequests(int k) {
            if (k == 0) {
                return 0;
            }
            int full = k / itemsPerMessage;
            int rest = k % itemsPerMessage;
            return full * requestsPerMessage(itemsPerMessage) + (rest > 0 ? requestsPerMessage(rest) : 0);
        }
    }

    /** Usage counters of one unit of work (a request, a chunk, a job). */
    static final class Usage {
        final Map<String, Double> values = new LinkedHashMap<>();

        Usage() {
            for (String key : new String[] {
                APIGW_REQUESTS,
                LAMBDA_INVOCATIONS,
                LAMBDA_GB_SECONDS,
                SQS_MESSAGES,
                SQS_REQUESTS,
                DYNAMODB_WRU,
                DYNAMODB_RRU,
                DYNAMODB_GB_MONTHS,
                S3_PUTS,
                S3_GETS,
                S3_GB_MONTHS,
                DATA_OUT_GB,
                LOGS_GB
            }) {
                values.put(key, 0.0);
            }
        }

        void add(String key, double amount) {
            values.merge(key, amount, Double::sum);
        }

        void addScaled(Usage other, double factor) {
            other.values.forEach((k, v) -> add(k, v * factor));
        }

        /** This unit of work's usage per million items, when it covers {@code items} items. */
        Usage perItems(double items) {
            Usage u = new Usage();
            values.forEach((k, v) -> u.values.put(k, v * 1e6 / items));
            return u;
        }
    }
}
