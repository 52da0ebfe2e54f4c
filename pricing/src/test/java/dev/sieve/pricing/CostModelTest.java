package dev.sieve.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sieve.pricing.WorkloadProfile.Mode;
import dev.sieve.pricing.WorkloadProfile.ModeMix;
import dev.sieve.pricing.WorkloadProfile.ResultSink;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Every expected number below is worked out by hand in the comment above it. */
class CostModelTest {

    private static final Offset<Double> CENT_FRACTION = within(1e-9);
    private static final double GIB = 1024.0 * 1024 * 1024;

    /** 1,000 items/s at batch 128, sequence length 128, for g5.xlarge. */
    private static final ThroughputTable FLAT_1000 =
            ThroughputTable.of(List.of(new ThroughputTable.Point("g5.xlarge", 128, 1000, 128)), "test");

    private final CostModel model = CostModel.create(PriceTable.defaults(), FLAT_1000);

    /** 1M items/day (every tiered price stays in its first tier), batch mode, round numbers. */
    private static WorkloadProfile.Builder batch() {
        return WorkloadProfile.builder()
                .itemsPerDay(1e6)
                .modeMix(ModeMix.of(Mode.BATCH))
                .expertRate(0)
                .batchChunkItems(1000)
                .itemsPerJob(1e6)
                .gateMsPerItem(0.2)
                .gateOverheadMs(5)
                .gateMemoryMb(1024)
                .resultBytesPerItem(200)
                .avgItemBytes(3000)
                .avgTokensPerItem(128)
                .s3RetentionDays(30)
                .logBytesPerInvocation(1024)
                .ebsGbPerInstance(0)
                .expertInstanceType("g5.xlarge")
                .expertBatchSize(128)
                .gpuUtilization(0.5);
    }

    @Test
    void tiered_whenChunkBytesFillBeforeChunkLines_cutsChunksByBytes() {
        // 10,000 lines allowed, but 4 MiB of 3,064-byte lines (3,000 text + 64 envelope) holds 1,368 of them
        CostBreakdown b = model.tiered(batch().batchChunkItems(10_000)
                .batchChunkBytes(4 * 1024 * 1024)
                .itemOverheadBytes(64)
                .build());
        assertThat(CostModel.chunkItems(batch().batchChunkItems(10_000)
                        .batchChunkBytes(4 * 1024 * 1024)
                        .build()))
                .isEqualTo(1368);
        assertThat(b.usage(CostModel.LAMBDA_INVOCATIONS)).isCloseTo(1e6 / 1368 + 2, within(1e-9));
        // with room for the lines, the line limit cuts: 100 chunk invocations + dispatch + assembly
        CostBreakdown roomy = model.tiered(batch().batchChunkItems(10_000)
                .batchChunkBytes(64 * 1024 * 1024)
                .build());
        assertThat(roomy.usage(CostModel.LAMBDA_INVOCATIONS)).isCloseTo(102, within(1e-9));
    }

    @Test
    void tiered_whenTransientObjectsExpireSooner_storesPartFilesForThoseDaysOnly() {
        double week = model.tiered(batch().transientObjectDays(7).build()).perMillion(Component.S3_STORAGE);
        double twoDays = model.tiered(batch().transientObjectDays(2).build()).perMillion(Component.S3_STORAGE);
        // the 200 MB of part files per million items, 5 days fewer
        assertThat(week - twoDays).isCloseTo(1e6 * 200 / GIB * 5 / 30.4375 * 0.023, CENT_FRACTION);
    }

    @Test
    void tiered_whenBatchWithNoEscalation_matchesHandComputedComponents() {
        CostBreakdown b = model.tiered(batch().build());
        // 1,000 chunks of 1,000 items + 1 job per million items; 1,000 gate part files per job.
        // Lambda: 1,000 chunk invocations + 1 dispatch + 1 assembly = 1,002 x $0.20/M
        assertThat(b.perMillion(Component.LAMBDA_REQUESTS)).isCloseTo(1002 * 0.2e-6, CENT_FRACTION);
        // GB-s (1 GB): chunks 1000 x ceil(5 + 1000 x 0.2) ms = 205; dispatch ceil(5 + 1000 chunks x 2 ms) = 2.005;
        // assembly ceil(5 + 2 parts x 1000 chunks x 10 ms) = 20.005
        assertThat(b.usage(CostModel.LAMBDA_GB_SECONDS)).isCloseTo(227.01, within(1e-9));
        assertThat(b.perMillion(Component.LAMBDA_COMPUTE)).isCloseTo(227.01 * 0.0000166667, CENT_FRACTION);
        // S3 PUT: 1,000 gate part files + the chunk index + the output as a multipart upload (create, 24 parts of
        // 8 MiB for 200 MB, complete) = 1,027 x $0.005/1k
        // S3 GET: 1,000 ranged manifest GETs + 1 HEAD + the index and 2 part files per chunk at assembly = 3,002
        assertThat(b.usage(CostModel.S3_PUTS)).isCloseTo(1027, within(1e-9));
        assertThat(b.perMillion(Component.S3_REQUESTS)).isCloseTo(1027 * 5e-6 + 3002 * 4e-7, CENT_FRACTION);
        // S3 storage: 1e6 x 200 B of part files for 4 days (lifecycle rule) and of output for 30 days
        assertThat(b.perMillion(Component.S3_STORAGE))
                .isCloseTo(1e6 * 200 / GIB * (30 + 4) / 30.4375 * 0.023, CENT_FRACTION);
        // DynamoDB: the chunk-done transaction (2 WRU) per chunk + 3 status writes per job = 2,003 WRU x $0.625/M
        assertThat(b.perMillion(Component.DYNAMODB_WRITES)).isCloseTo(2003 * 0.625e-6, CENT_FRACTION);
        // Logs: 1,002 invocations x 1 KiB = 1,002 / 2^20 GB x $0.50
        assertThat(b.perMillion(Component.CLOUDWATCH_LOGS)).isCloseTo(1002 * 1024 / GIB * 0.5, CENT_FRACTION);
        // SQS: each chunk task is sent, received and deleted in batches of 10 = 300 requests x $0.40/M
        assertThat(b.perMillion(Component.SQS_REQUESTS)).isCloseTo(300 * 0.4e-6, CENT_FRACTION);
        assertThat(b.perMillion(Component.GPU_INSTANCES)).isZero();
        assertThat(b.perMillion(Component.API_GATEWAY)).isZero();
    }

    @Test
    void tiered_whenTenPercentRouted_gpuHoursFollowThroughputAndUtilization() {
        CostBreakdown b = model.tiered(batch().expertRate(0.1).build());
        // 100,000 expert items / (1,000 items/s x 0.5) = 200 s = 0.0555... h x $1.006
        assertThat(b.usage(CostModel.GPU_BUSY_HOURS)).isCloseTo(200.0 / 3600, within(1e-12));
        assertThat(b.perMillion(Component.GPU_INSTANCES)).isCloseTo(200.0 / 3600 * 1.006, CENT_FRACTION);
    }

    @Test
    void gpuHourlyUsd_whenHalfSpot_blendsOnDemandAndSpotWithRework() {
        WorkloadProfile p = batch().spotFraction(0.5).spotReworkFraction(0.1).build();
        // 0.5 x 1.006 + 0.5 x 0.4024 x 1.1
        assertThat(model.gpuHourlyUsd(p)).isCloseTo(0.503 + 0.22132, within(1e-12));
        // + 100 GB gp3 at $0.08/GB-month over 730 h
        assertThat(model.gpuHourlyUsd(p.toBuilder().ebsGbPerInstance(100).build()))
                .isCloseTo(0.503 + 0.22132 + 8.0 / 730, within(1e-12));
    }

    @Test
    void tiered_whenMinimumCapacityAndNat_addsIdleCost() {
        WorkloadProfile p = batch().minInstances(2)
                .natGateways(1)
                .fixedMonthlyUsd(304.375)
                .emptyReceivesPerInstanceHour(0)
                .build();
        CostBreakdown b = model.tiered(p);
        // 1M items/day: 2 instances x 24 h x $1.006 + 1 NAT x 24 h x $0.045 + $304.375 / 30.4375 days
        assertThat(b.perMillion(Component.IDLE)).isCloseTo(48 * 1.006 + 24 * 0.045 + 10, within(1e-9));
    }

    @Test
    void tiered_whenBusyHoursExceedMinimumCapacity_hasNoIdleInstanceCost() {
        // 1e9 items/day x 10% / 500 items/s = 55.6 h/day busy > 2 x 24 h minimum
        WorkloadProfile p =
                batch().itemsPerDay(1e9).expertRate(0.1).minInstances(2).build();
        assertThat(model.tiered(p).usage(CostModel.GPU_IDLE_HOURS)).isZero();
    }

    @Test
    void tiered_whenBatchResultsInDynamoDb_paysOneWritePerItem() {
        CostBreakdown s3 = model.tiered(batch().build());
        CostBreakdown ddb = model.tiered(
                batch().batchResultSink(ResultSink.DYNAMODB_PER_ITEM).build());
        // + 1e6 items x ceil(200 B / 1 KB) = 1e6 WRU x $0.625/M = $0.625 per million items
        assertThat(ddb.perMillion(Component.DYNAMODB_WRITES) - s3.perMillion(Component.DYNAMODB_WRITES))
                .isCloseTo(0.625, within(1e-9));
        // and no part files to write or assemble: the 1,001 manifest GETs and the chunk index remain
        assertThat(ddb.perMillion(Component.S3_REQUESTS)).isCloseTo(1001 * 4e-7 + 5e-6, CENT_FRACTION);
    }

    @Test
    void packing_whenFiftyItemsOfThreeKilobytes_countsSqsRequestsPer64KbChunk() {
        CostModel.Packing pack = CostModel.Packing.of(batch().build());
        // (262,144 - 512) / (3,000 + 64) = 85.4 => 85 items fit in one message
        assertThat(pack.itemsPerMessage()).isEqualTo(85);
        // 512 + 50 x 3,064 = 153,712 B: send ceil(2.35) = 3; receive of 10 such = ceil(23.45) = 24 / 10 = 2.4;
        // delete + one visibility change, each batched by 10 = 0.2  =>  5.6
        assertThat(pack.requestsPerMessage(50)).isCloseTo(5.6, within(1e-12));
        // 100 items = one full message of 85 + one of 15 (512 + 15 x 3,064 = 46,472 B: 1 + 0.8 + 0.2)
        assertThat(pack.sqsRequests(100)).isCloseTo(pack.requestsPerMessage(85) + 2.0, within(1e-12));
        assertThat(pack.messages(100)).isEqualTo(2);
    }

    @Test
    void packing_whenItemDoesNotFitInAMessage_failsNamingTheFields() {
        assertThatThrownBy(
                        () -> CostModel.Packing.of(batch().avgItemBytes(300_000).build()))
                .isInstanceOf(InvalidPricingInputException.class)
                .hasMessageContaining("max_message_bytes");
    }

    @Test
    void tiered_whenRealtimeTwoHundredItems_metersApiGatewayPer512Kb() {
        WorkloadProfile p =
                batch().modeMix(ModeMix.of(Mode.REALTIME)).itemsPerRequest(200).build();
        CostBreakdown b = model.tiered(p);
        // 200 x (3,000 + 64) = 612,800 B = 2 metered requests per 200 items => 10,000 per million x $1.00/M
        assertThat(b.usage(CostModel.APIGW_REQUESTS)).isCloseTo(10_000, within(1e-9));
        assertThat(b.perMillion(Component.API_GATEWAY)).isCloseTo(0.01, CENT_FRACTION);
        // results go back to the client: 1e6 x 200 B / 2^30 GB x $0.09
        assertThat(b.perMillion(Component.DATA_TRANSFER_OUT)).isCloseTo(1e6 * 200 / GIB * 0.09, CENT_FRACTION);
    }

    @Test
    void tiered_whenRealtimeEverythingEscalated_writesAndWaitsPerRequest() {
        WorkloadProfile p = batch().modeMix(ModeMix.of(Mode.REALTIME))
                .itemsPerRequest(10)
                .expertRate(1)
                .realtimeWaitMs(300)
                .realtimePollsPerRequest(3)
                .build();
        CostBreakdown b = model.tiered(p);
        // per request of 10: status item + 10 results = 11 WRU => 1.1M WRU per million items
        assertThat(b.usage(CostModel.DYNAMODB_WRU)).isCloseTo(1.1e6, within(1e-6));
        // 3 polls x 0.5 RRU x ceil(10 x 200 B / 4 KB) = 1.5 RRU per request => 150,000 per million
        assertThat(b.usage(CostModel.DYNAMODB_RRU)).isCloseTo(150_000, within(1e-6));
        // Lambda: ceil(5 + 10 x 0.2 + 300) = 307 ms x 1 GB per request => 30,700 GB-s per million
        assertThat(b.usage(CostModel.LAMBDA_GB_SECONDS)).isCloseTo(30_700, within(1e-6));
    }

    @Test
    void expertOnly_whenComputed_routesEverythingAndSkipsGateTime() {
        // results in DynamoDB: no part files to assemble, so Lambda time is chunks + dispatch only
        WorkloadProfile p = batch().expertRate(0.05)
                .batchResultSink(ResultSink.DYNAMODB_PER_ITEM)
                .build();
        CostBreakdown e = model.expertOnly(p);
        assertThat(e.usage(CostModel.EXPERT_ITEMS)).isEqualTo(1e6);
        // chunk invocations bill only the 5 ms overhead: 1000 x 0.005 + dispatch 2.005 GB-s
        assertThat(e.usage(CostModel.LAMBDA_GB_SECONDS)).isCloseTo(7.005, within(1e-9));
    }

    @Test
    void breakEvenExpertRate_whenOnlyLambdaAndGpuArePriced_matchesAnalyticSolution() {
        // Every price zero except Lambda x86 GB-s ($1e-5) and the GPU ($3.60/h), so cost is linear in the rate:
        //   tiered(r)   = 202 GB-s x 1e-5 + r x 1e6 items / 1,000 items/s / 3,600 x $3.60  = 0.00202 + r
        //   expert-only =   2 GB-s x 1e-5 + 1.0                                              = 1.00002
        //   => r* = 0.998   (results in DynamoDB, priced at zero here, so no part files to assemble)
        CostModel linear = CostModel.create(PriceTable.fromJson(ZERO_EXCEPT_LAMBDA_AND_GPU), FLAT_1000);
        WorkloadProfile p = batch().gateOverheadMs(0)
                .gpuUtilization(1)
                .expertRate(0.05)
                .batchResultSink(ResultSink.DYNAMODB_PER_ITEM)
                .build();
        assertThat(linear.tiered(p).totalPerMillion()).isCloseTo(0.00202 + 0.05, within(1e-9));
        assertThat(linear.expertOnly(p).totalPerMillion()).isCloseTo(1.00002, within(1e-9));
        assertThat(linear.breakEvenExpertRate(p)).isCloseTo(0.998, within(1e-9));
    }

    @Test
    void tiered_withASimulatedFleet_pricesItsInstanceHoursPerExpertItem_andLeavesExpertOnlyAlone() {
        // the linear fixture: GPU $3.60/h, Lambda 202 GB-s -> $0.00202; the simulated fleet ran 10 instance-hours
        // for 1e6 expert items (10 per million), so at r = 0.05 the GPU line is 0.05 x 10 x 3.60 = 1.8
        CostModel linear = CostModel.create(PriceTable.fromJson(ZERO_EXCEPT_LAMBDA_AND_GPU), FLAT_1000);
        WorkloadProfile p = batch().gateOverheadMs(0)
                .gpuUtilization(1)
                .expertRate(0.05)
                .minInstances(1) // an always-on instance: inside the simulated hours, not added on top
                .batchResultSink(ResultSink.DYNAMODB_PER_ITEM)
                .build();
        CostModel simulated = linear.withSimulatedFleet(new SimulatedFleet(10, 1e6, 1440, "built-in day"));

        CostBreakdown tiered = simulated.tiered(p);
        assertThat(tiered.perMillion(Component.GPU_INSTANCES)).isCloseTo(1.8, within(1e-9));
        assertThat(tiered.perMillion(Component.IDLE)).isCloseTo(0, within(1e-12));
        assertThat(tiered.totalPerMillion()).isCloseTo(0.00202 + 1.8, within(1e-9));
        assertThat(simulated.expertOnly(p).totalPerMillion())
                .isEqualTo(linear.expertOnly(p).totalPerMillion());
        CostReport report = simulated.estimate(p);
        assertThat(report.toJsonLine())
                .contains("\"simulated_fleet\":{\"trace\":\"built-in day\",\"gpu_hours\":10,\"trace_items\":1000000,"
                        + "\"instance_hours_per_million_expert_items\":10,");
        assertThat(report.toText()).contains("simulated fleet (built-in day)");
        // the trace sent 1e6 expert items in a day, the profile 1e6 x 0.05: its hours per item do not carry over
        assertThat(report.toJsonLine()).contains("\"volume_matches_profile\":false");
        assertThat(report.toText())
                .contains("WARNING: the trace carried 1 million expert items/day, the profile" + " sends 50000");
        CostReport matched = linear.withSimulatedFleet(new SimulatedFleet(0.5, 50_000, 1440, "at the profile's rate"))
                .estimate(p);
        assertThat(matched.toJsonLine()).contains("\"volume_matches_profile\":true");
        assertThat(matched.toText()).doesNotContain("WARNING");
        assertThat(linear.estimate(p).toJsonLine()).doesNotContain("simulated_fleet");
    }

    @Test
    void simulatedFleet_fromTheSimulatorsJsonLine_readsGpuHoursAndTraceItems_andNamesAMissingField() {
        SimulatedFleet fleet = SimulatedFleet.fromJson(
                "{\"simulate\":\"scaling\",\"trace\":\"day\",\"ticks\":1560,\"gpu_hours\":63.03,\"trace_items\":4200000}",
                "sim.json");
        assertThat(fleet.instanceHoursPerMillionExpertItems()).isCloseTo(63.03 / 4.2, within(1e-9));
        assertThat(fleet.trace()).isEqualTo("day");
        assertThat(fleet.expertItemsPerDay()).isCloseTo(4_200_000 / 1560.0 * 1440, within(1e-6));
        assertThatThrownBy(() -> SimulatedFleet.fromJson("{\"gpu_hours\":1}", "sim.json"))
                .isInstanceOf(InvalidPricingInputException.class)
                .hasMessage("sim.json has no number trace_items (write it with sieve simulate scaling --json > FILE)");
        assertThatThrownBy(
                        () -> SimulatedFleet.fromJson("{\"gpu_hours\":1,\"trace_items\":0,\"ticks\":60}", "sim.json"))
                .isInstanceOf(InvalidPricingInputException.class)
                .hasMessageContaining("trace_items must be greater than 0");
        assertThatThrownBy(() -> SimulatedFleet.fromJson("not json", "sim.json"))
                .isInstanceOf(InvalidPricingInputException.class)
                .hasMessageContaining("sim.json is not valid JSON");
    }

    @Test
    void breakEvenExpertRate_whenDefaultPrices_equalisesTieredAndExpertOnly() {
        WorkloadProfile p = batch().itemsPerDay(1e9).expertRate(0.05).build();
        double r = model.breakEvenExpertRate(p);
        assertThat(r).isBetween(0.5, 1.0);
        assertThat(model.evaluate(p, r, p.gateMsPerItem()).totalPerMillion())
                .isCloseTo(model.expertOnly(p).totalPerMillion(), within(1e-6));
    }

    @Test
    void breakEvenExpertRate_whenGateCostsMoreThanExpert_isZero() {
        // a 10-second gate per item costs more than the GPU ever would
        WorkloadProfile p = batch().gateMsPerItem(10_000).batchChunkItems(10).build();
        assertThat(model.breakEvenExpertRate(p)).isZero();
    }

    @Test
    void estimate_whenUnknownInstanceType_failsListingPricedTypes() {
        assertThatThrownBy(() ->
                        model.estimate(batch().expertInstanceType("p5.48xlarge").build()))
                .isInstanceOf(InvalidPricingInputException.class)
                .hasMessageContaining("p5.48xlarge");
    }

    @Test
    void tiered_whenModeMixed_isShareWeightedSumOfModes() {
        WorkloadProfile rt =
                batch().modeMix(ModeMix.of(Mode.REALTIME)).expertRate(0.05).build();
        WorkloadProfile bt = rt.toBuilder().modeMix(ModeMix.of(Mode.BATCH)).build();
        WorkloadProfile mix = rt.toBuilder().modeMix(new ModeMix(0.25, 0, 0.75)).build();
        assertThat(model.tiered(mix).totalPerMillion())
                .isCloseTo(
                        0.25 * model.tiered(rt).totalPerMillion()
                                + 0.75 * model.tiered(bt).totalPerMillion(),
                        within(1e-9));
    }

    @Test
    void estimate_whenJson_hasRequiredKeysOnOneLine() {
        String json = model.estimate(batch().expertRate(0.05).build()).toJsonLine();
        assertThat(json)
                .doesNotContain("\n")
                .contains("\"cost_per_million_usd\":")
                .contains("\"expert_only_cost_per_million_usd\":")
                .contains("\"ratio\":")
                .contains("\"components\":{\"api_gateway\":")
                .contains("\"break_even_expert_rate\":");
    }

    private static final String ZERO_EXCEPT_LAMBDA_AND_GPU = """
            {"as_of": "2026-01-01", "version": "test", "prices": [
              {"key": "apigw.http.request", "usd": 0, "source": "t", "as_of": "2026-01-01"},
              {"key": "lambda.x86_64.request", "usd": 0, "source": "t", "as_of": "2026-01-01"},
              {"key": "lambda.x86_64.gb_second", "usd": 0.00001, "source": "t", "as_of": "2026-01-01"},
              {"key": "sqs.standard.request", "usd": 0, "source": "t", "as_of": "2026-01-01"},
              {"key": "dynamodb.on_demand.write_request_unit", "usd": 0, "source": "t", "as_of": "2026-01-01"},
              {"key": "dynamodb.on_demand.read_request_unit", "usd": 0, "source": "t", "as_of": "2026-01-01"},
              {"key": "dynamodb.storage.gb_month", "usd": 0, "source": "t", "as_of": "2026-01-01"},
              {"key": "s3.standard.put_request", "usd": 0, "source": "t", "as_of": "2026-01-01"},
              {"key": "s3.standard.get_request", "usd": 0, "source": "t", "as_of": "2026-01-01"},
              {"key": "s3.standard.storage_gb_month", "usd": 0, "source": "t", "as_of": "2026-01-01"},
              {"key": "data_transfer.out_to_internet_gb", "usd": 0, "source": "t", "as_of": "2026-01-01"},
              {"key": "cloudwatch.logs_ingested_gb", "usd": 0, "source": "t", "as_of": "2026-01-01"},
              {"key": "ebs.gp3.gb_month", "usd": 0, "source": "t", "as_of": "2026-01-01"},
              {"key": "vpc.nat_gateway.hour", "usd": 0, "source": "t", "as_of": "2026-01-01"},
              {"key": "ec2.g5.xlarge.on_demand.hour", "usd": 3.6, "source": "t", "as_of": "2026-01-01"},
              {"key": "ec2.g5.xlarge.spot.hour", "usd": 3.6, "source": "t", "as_of": "2026-01-01"}
            ]}
            """;
}
