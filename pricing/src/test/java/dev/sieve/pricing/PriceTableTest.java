package dev.sieve.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class PriceTableTest {

    private final PriceTable table = PriceTable.defaults();

    @Test
    void defaults_whenLoaded_everyPriceHasSourceAndDate() {
        assertThat(table.prices()).isNotEmpty();
        assertThat(table.asOf()).isNotNull();
        for (PriceTable.Price price : table.prices().values()) {
            assertThat(price.source()).as(price.key()).isNotBlank();
            assertThat(price.asOf()).as(price.key()).isNotNull().isBeforeOrEqualTo(table.asOf());
            assertThat(price.tiers()).as(price.key()).isNotEmpty();
            assertThat(price.firstTierUsd()).as(price.key()).isPositive();
        }
    }

    @Test
    void defaults_whenLoaded_sourcesPointAtAwsPricingPages() {
        table.prices().values().forEach(p -> assertThat(p.source()).as(p.key()).contains("https://aws.amazon.com/"));
    }

    @Test
    void defaults_whenLoaded_resourceNameCarriesTheTableVersion() {
        assertThat(PriceTable.DEFAULT_RESOURCE).contains(table.version()).contains(table.region());
        assertThat(table.region()).isEqualTo("us-east-1");
    }

    @Test
    void defaults_whenSpotPrice_isMarkedAsEstimate() {
        for (String type : table.instanceTypes()) {
            PriceTable.Price spot = table.price(PriceTable.spotKey(type));
            assertThat(spot.estimate()).as(type).isTrue();
            assertThat(spot.source()).as(type).startsWith("ESTIMATE");
            assertThat(spot.firstTierUsd())
                    .isLessThan(table.price(PriceTable.onDemandKey(type)).firstTierUsd());
        }
        assertThat(table.instanceTypes()).containsExactly("g4dn.xlarge", "g5.xlarge", "g6.xlarge");
    }

    @Test
    void defaults_whenListPrices_matchThePublishedOnes() {
        assertThat(table.price("apigw.http.request").firstTierUsd()).isCloseTo(1.00 / 1e6, within(1e-15));
        assertThat(table.price("lambda.x86_64.gb_second").firstTierUsd()).isCloseTo(0.0000166667, within(1e-15));
        assertThat(table.price("lambda.arm64.gb_second").firstTierUsd()).isCloseTo(0.0000133334, within(1e-15));
        assertThat(table.price("sqs.standard.request").firstTierUsd()).isCloseTo(0.40 / 1e6, within(1e-15));
        assertThat(table.price("dynamodb.on_demand.write_request_unit").firstTierUsd())
                .isEqualTo(0.625 / 1e6);
        assertThat(table.price("dynamodb.on_demand.read_request_unit").firstTierUsd())
                .isEqualTo(0.125 / 1e6);
        assertThat(table.price("s3.standard.put_request").firstTierUsd()).isCloseTo(0.005 / 1000, within(1e-15));
        assertThat(table.price("s3.standard.get_request").firstTierUsd()).isCloseTo(0.0004 / 1000, within(1e-15));
        assertThat(table.price("ec2.g5.xlarge.on_demand.hour").firstTierUsd()).isCloseTo(1.006, within(1e-15));
    }

    @Test
    void averageUsd_whenVolumeSpansTwoTiers_blendsByVolume() {
        PriceTable.Price apigw = table.price("apigw.http.request");
        // 600M requests: 300M at $1.00/M + 300M at $0.90/M = $570 => $0.95/M
        assertThat(apigw.averageUsd(600e6)).isCloseTo(0.95e-6, within(1e-15));
        assertThat(apigw.averageUsd(100e6)).isEqualTo(1e-6);
    }

    @Test
    void fromJson_whenPriceHasNoSource_failsNamingTheField() {
        String json = """
                {"as_of": "2026-01-01", "prices": [{"key": "x", "usd": 1, "as_of": "2026-01-01"}]}
                """;
        assertThatThrownBy(() -> PriceTable.fromJson(json))
                .isInstanceOf(InvalidPricingInputException.class)
                .hasMessageContaining("\"source\"");
    }

    @Test
    void fromJson_whenDateMalformed_failsNamingTheField() {
        String json = """
                {"as_of": "2026-01-01", "prices": [{"key": "x", "usd": 1, "source": "s", "as_of": "soon"}]}
                """;
        assertThatThrownBy(() -> PriceTable.fromJson(json))
                .isInstanceOf(InvalidPricingInputException.class)
                .hasMessageContaining("as_of");
        assertThat(LocalDate.parse("2026-01-01")).isNotNull();
    }
}
