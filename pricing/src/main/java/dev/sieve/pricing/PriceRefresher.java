package dev.sieve.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Refreshes the entries of a {@link PriceTable} that map reliably onto the AWS Price List Query API
 * ({@code GetProducts}): EC2 on-demand Linux hourly prices of the table's instance types, Lambda request and
 * GB-second prices, SQS standard request prices. Every other entry keeps its value and source.
 *
 * <p>Requests are JSON 1.1 {@code POST /} calls signed with SigV4 (signing name {@code pricing}); the endpoint is
 * a parameter so tests can point it at a local server. Never used by {@code sieve cost} itself.
 */
public final class PriceRefresher {

    /** The Price List Query API endpoint (the API is served from us-east-1). */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://api.pricing.us-east-1.amazonaws.com/");

    static final String TARGET = "AWSPriceListService.GetProducts";
    private static final String SIGNING_REGION = "us-east-1";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, String> LOCATIONS = Map.of(
            "us-east-1", "US East (N. Virginia)",
            "us-east-2", "US East (Ohio)",
            "us-west-2", "US West (Oregon)",
            "eu-west-1", "EU (Ireland)");

    private final URI endpoint;
    private final AwsCredentialsIdentity credentials;
    private final HttpClient http;
    private final Duration requestTimeout;

    public PriceRefresher(URI endpoint, AwsCredentialsIdentity credentials, Duration timeout) {
        this.endpoint = endpoint;
        this.credentials = credentials;
        this.requestTimeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** One refreshed (or skipped) entry: old and new first-tier prices, or why it was not refreshed. */
    public record Change(String key, double oldUsd, Double newUsd, String skippedBecause) {
        public String toLine() {
            if (newUsd == null) {
                return key + ": kept " + oldUsd + " (" + skippedBecause + ")";
            }
            String mark = Double.compare(oldUsd, newUsd) == 0 ? "unchanged" : "changed";
            return key + ": " + oldUsd + " -> " + newUsd + " (" + mark + ")";
        }
    }

    /** The refreshed table as JSON text plus the per-entry changes. */
    public record Result(String tableJson, List<Change> changes) {}

    /** Queries the Price List API for every mappable entry of {@code table} and returns the refreshed table. */
    public Result refresh(PriceTable table, String region, LocalDate today) {
        String location = LOCATIONS.get(region);
        if (location == null) {
            throw new InvalidPricingInputException(
                    "--region " + region + " is not supported; allowed: " + LOCATIONS.keySet());
        }
        String source = "AWS Price List API GetProducts " + today;
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", today.toString());
        root.put("region", region);
        root.put("currency", "USD");
        root.put("as_of", today.toString());
        root.put(
                "note",
                "Refreshed with `sieve cost refresh-prices` on " + today + " from table " + table.version()
                        + " (as of " + table.asOf() + "); entries whose source names the AWS Price List API"
                        + " were refreshed, the rest kept. " + table.note());
        ArrayNode list = root.putArray("prices");
        List<Change> changes = new ArrayList<>();
        for (PriceTable.Price price : table.prices().values()) {
            Map<String, Object> query = queryFor(price.key(), location);
            PriceTable.Price written = price;
            if (query != null) {
                String serviceCode = (String) query.remove("ServiceCode");
                @SuppressWarnings("unchecked")
                Map<String, String> filters = (Map<String, String>) query.get("filters");
                List<PriceTable.Tier> tiers;
                String skipped = null;
                try {
                    tiers = tiersFrom(getProducts(serviceCode, filters));
                } catch (SkipException e) {
                    tiers = null;
                    skipped = e.getMessage();
                }
                if (tiers != null && tiers.size() != price.tiers().size()) {
                    skipped = "the API lists " + tiers.size() + " price tiers, the table "
                            + price.tiers().size();
                    tiers = null;
                }
                if (tiers != null) {
                    written = new PriceTable.Price(price.key(), price.unit(), tiers, source, today, price.estimate());
                    changes.add(new Change(
                            price.key(), price.firstTierUsd(), tiers.get(0).usd(), null));
                } else {
                    changes.add(new Change(price.key(), price.firstTierUsd(), null, skipped));
                }
            }
            list.add(toJson(written));
        }
        try {
            return new Result(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n", changes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The GetProducts query of a table key, or null when the key is not refreshed from the API. */
    static Map<String, Object> queryFor(String key, String location) {
        Map<String, String> filters = new LinkedHashMap<>();
        String serviceCode;
        if (key.startsWith("ec2.") && key.endsWith(".on_demand.hour")) {
            serviceCode = "AmazonEC2";
            filters.put("instanceType", key.substring(4, key.length() - ".on_demand.hour".length()));
            filters.put("location", location);
            filters.put("operatingSystem", "Linux");
            filters.put("tenancy", "Shared");
            filters.put("preInstalledSw", "NA");
            filters.put("capacitystatus", "Used");
        } else if (key.startsWith("lambda.")) {
            serviceCode = "AWSLambda";
            boolean arm = key.startsWith("lambda.arm64.");
            String group;
            if (key.endsWith(".request")) {
                group = arm ? "AWS-Lambda-Requests-ARM" : "AWS-Lambda-Requests";
            } else if (key.endsWith(".gb_second")) {
                group = arm ? "AWS-Lambda-Duration-ARM" : "AWS-Lambda-Duration";
            } else {
                return null;
            }
            filters.put("location", location);
            filters.put("group", group);
        } else if (key.equals("sqs.standard.request")) {
            serviceCode = "AWSQueueService";
            filters.put("location", location);
            filters.put("queueType", "Standard");
            filters.put("group", "SQS-APIRequest-Tier1");
        } else {
            return null;
        }
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("ServiceCode", serviceCode);
        query.put("filters", filters);
        return query;
    }

    private List<JsonNode> getProducts(String serviceCode, Map<String, String> filters) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("ServiceCode", serviceCode);
        ArrayNode f = body.putArray("Filters");
        filters.forEach((field, value) ->
                f.addObject().put("Type", "TERM_MATCH").put("Field", field).put("Value", value));
        body.put("FormatVersion", "aws_v1");
        body.put("MaxResults", 100);
        String json = body.toString();
        JsonNode response = post(json);
        List<JsonNode> products = new ArrayList<>();
        for (JsonNode entry : response.path("PriceList")) {
            try {
                products.add(MAPPER.readTree(entry.isTextual() ? entry.asText() : entry.toString()));
            } catch (IOException e) {
                throw new SkipException("a PriceList entry is not JSON");
            }
        }
        return products;
    }

    private JsonNode post(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest unsigned = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", TARGET)
                .build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(credentials)
                .request(unsigned)
                .payload(ContentStreamProvider.fromByteArray(bytes))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "pricing")
                .putProperty(AwsV4HttpSigner.REGION_NAME, SIGNING_REGION));
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(requestTimeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        signed.request().forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> request.header(name, v));
            }
        });
        try {
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                byte[] body = in.readAllBytes();
                if (response.statusCode() != 200) {
                    String text = new String(body, StandardCharsets.UTF_8);
                    throw new PriceRefreshException("the AWS Price List API answered HTTP " + response.statusCode()
                            + ": " + text.substring(0, Math.min(200, text.length())));
                }
                return MAPPER.readTree(body);
            }
        } catch (IOException e) {
            throw new PriceRefreshException("cannot reach the AWS Price List API at " + endpoint + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PriceRefreshException("interrupted while calling the AWS Price List API");
        }
    }

    /** Tiers of the single product's single on-demand term, ordered by beginRange; skip when ambiguous. */
    static List<PriceTable.Tier> tiersFrom(List<JsonNode> products) {
        if (products.size() != 1) {
            throw new SkipException("the API returned " + products.size() + " products, expected exactly 1");
        }
        JsonNode onDemand = products.get(0).path("terms").path("OnDemand");
        if (onDemand.size() != 1) {
            throw new SkipException("the product has " + onDemand.size() + " on-demand terms, expected 1");
        }
        JsonNode dimensions = onDemand.elements().next().path("priceDimensions");
        List<JsonNode> dims = new ArrayList<>();
        dimensions.elements().forEachRemaining(dims::add);
        if (dims.isEmpty()) {
            throw new SkipException("the product has no price dimensions");
        }
        dims.sort(Comparator.comparingDouble(d -> d.path("beginRange").asDouble(0)));
        List<PriceTable.Tier> tiers = new ArrayList<>();
        for (JsonNode d : dims) {
            JsonNode usd = d.path("pricePerUnit").path("USD");
            if (!usd.isTextual() && !usd.isNumber()) {
                throw new SkipException("a price dimension has no USD price");
            }
            double value;
            try {
                value = Double.parseDouble(usd.asText());
            } catch (NumberFormatException e) {
                throw new SkipException("a USD price is not a number: " + usd.asText());
            }
            String end = d.path("endRange").asText("Inf");
            Double upTo = end.equals("Inf") || end.isEmpty() ? null : Double.valueOf(end);
            tiers.add(new PriceTable.Tier(upTo, value));
        }
        if (tiers.size() > 1 && tiers.get(0).usd() == 0) {
            tiers.remove(0); // a free tier: the table ignores free tiers on purpose (see its note)
        }
        return tiers;
    }

    private static ObjectNode toJson(PriceTable.Price price) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("key", price.key());
        node.put("unit", price.unit());
        if (price.tiers().size() == 1 && price.tiers().get(0).upTo() == null) {
            node.put("usd", price.firstTierUsd());
        } else {
            ArrayNode tiers = node.putArray("tiers");
            for (PriceTable.Tier t : price.tiers()) {
                ObjectNode tier = tiers.addObject();
                if (t.upTo() == null) {
                    tier.putNull("up_to");
                } else {
                    tier.put("up_to", t.upTo());
                }
                tier.put("usd", t.usd());
            }
        }
        if (price.estimate()) {
            node.put("estimate", true);
        }
        node.put("source", price.source());
        node.put("as_of", price.asOf().toString());
        return node;
    }

    /** An entry the API cannot price unambiguously; it keeps its old value. */
    static final class SkipException extends RuntimeException {
        SkipException(String message) {
            super(message, null, false, false);
        }
    }

    /** The API could not be reached or answered with an error. */
    public static final class PriceRefreshException extends RuntimeException {
        public PriceRefreshException(String message) {
            super(message);
        }
    }
}
