package dev.sieve.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

class PriceRefresherTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final LocalDate TODAY = LocalDate.parse("2026-11-23");
    private static final List<String> CANNED =
            List.of("g5.xlarge", "g6.xlarge", "g4dn.xlarge", "AWS-Lambda-Duration-ARM", "SQS-APIRequest-Tier1");

    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI serve(int status, Function<String, String> responder) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(Map.of(
                    "method", exchange.getRequestMethod(),
                    "authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
                    "target", String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target")),
                    "contentType", String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")),
                    "body", body));
            byte[] answer = responder.apply(body).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private static String canned(String body) {
        for (String name : CANNED) {
            if (body.contains("\"" + name + "\"")) {
                return resource(name);
            }
        }
        return resource("empty");
    }

    private static String resource(String name) {
        try (InputStream in = PriceRefresherTest.class.getResourceAsStream("getproducts/" + name + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private PriceRefresher refresher(URI endpoint) {
        return new PriceRefresher(
                endpoint, AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG"), Duration.ofSeconds(5));
    }

    @Test
    void refresh_whenApiAnswers_signsJson11RequestsAndRefreshesMappableEntries() throws Exception {
        PriceRefresher.Result result =
                refresher(serve(200, PriceRefresherTest::canned)).refresh(PriceTable.defaults(), "us-east-1", TODAY);

        assertThat(requests).isNotEmpty().allSatisfy(r -> {
            assertThat(r.get("method")).isEqualTo("POST");
            assertThat(r.get("authorization"))
                    .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                    .contains("/us-east-1/pricing/aws4_request");
            assertThat(r.get("target")).isEqualTo("AWSPriceListService.GetProducts");
            assertThat(r.get("contentType")).isEqualTo("application/x-amz-json-1.1");
        });
        JsonNode g5Request = MAPPER.readTree(requests.stream()
                .map(r -> r.get("body"))
                .filter(b -> b.contains("g5.xlarge"))
                .findFirst()
                .orElseThrow());
        assertThat(g5Request.path("ServiceCode").asText()).isEqualTo("AmazonEC2");
        assertThat(g5Request.path("FormatVersion").asText()).isEqualTo("aws_v1");
        assertThat(g5Request.path("Filters").toString())
                .contains("{\"Type\":\"TERM_MATCH\",\"Field\":\"location\",\"Value\":\"US East (N. Virginia)\"}")
                .contains("\"capacitystatus\"");

        PriceTable refreshed = PriceTable.fromJson(result.tableJson());
        assertThat(refreshed.asOf()).isEqualTo(TODAY);
        String apiSource = "AWS Price List API GetProducts 2026-11-23";
        assertThat(refreshed.price("ec2.g5.xlarge.on_demand.hour").firstTierUsd())
                .isEqualTo(1.1);
        assertThat(refreshed.price("ec2.g5.xlarge.on_demand.hour").source()).isEqualTo(apiSource);
        assertThat(refreshed.price("ec2.g6.xlarge.on_demand.hour").firstTierUsd())
                .isEqualTo(0.8048);
        assertThat(refreshed.price("lambda.arm64.gb_second").tiers())
                .containsExactly(
                        new PriceTable.Tier(7.5e9, 0.0000133334),
                        new PriceTable.Tier(1.875e10, 0.0000120001),
                        new PriceTable.Tier(null, 0.0000106667));
        assertThat(refreshed.price("sqs.standard.request").tiers()).hasSize(3);
        assertThat(refreshed.price("sqs.standard.request").firstTierUsd()).isEqualTo(0.00000045);
        // two products match g4dn.xlarge: ambiguous, so the old price and source stay
        PriceTable original = PriceTable.defaults();
        assertThat(refreshed.price("ec2.g4dn.xlarge.on_demand.hour"))
                .isEqualTo(original.price("ec2.g4dn.xlarge.on_demand.hour"));
        assertThat(refreshed.price("dynamodb.on_demand.write_request_unit"))
                .isEqualTo(original.price("dynamodb.on_demand.write_request_unit"));
        assertThat(refreshed.prices().keySet())
                .containsExactlyElementsOf(original.prices().keySet());

        assertThat(result.changes())
                .extracting(PriceRefresher.Change::toLine)
                .contains("ec2.g5.xlarge.on_demand.hour: 1.006 -> 1.1 (changed)")
                .contains("ec2.g6.xlarge.on_demand.hour: 0.8048 -> 0.8048 (unchanged)")
                .anySatisfy(line -> assertThat(line)
                        .startsWith("ec2.g4dn.xlarge.on_demand.hour: kept 0.526")
                        .contains("2 products"));
    }

    @Test
    void refresh_whenApiAnswersError_throwsWithStatus() throws Exception {
        URI endpoint = serve(400, body -> "{\"__type\":\"InvalidParameterException\"}");
        assertThatThrownBy(() -> refresher(endpoint).refresh(PriceTable.defaults(), "us-east-1", TODAY))
                .isInstanceOf(PriceRefresher.PriceRefreshException.class)
                .hasMessageContaining("HTTP 400")
                .hasMessageContaining("InvalidParameterException");
    }

    @Test
    void refresh_whenRegionUnknown_failsNamingAllowedRegions() {
        assertThatThrownBy(() ->
                        refresher(URI.create("http://127.0.0.1:1/")).refresh(PriceTable.defaults(), "mars-1", TODAY))
                .isInstanceOf(InvalidPricingInputException.class)
                .hasMessageContaining("--region mars-1")
                .hasMessageContaining("us-east-1");
    }
}
