package dev.sieve.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A versioned, dated table of unit prices for one region, every price with its source.
 *
 * <p>The default table is a resource of this module ({@value #DEFAULT_RESOURCE}); {@link #load(Path)} reads
 * another file of the same format (for example one refreshed from the AWS Price List API).
 */
public final class PriceTable {

    /** The price table that ships with Sieve. */
    public static final String DEFAULT_RESOURCE = "prices-us-east-1-2026-11-23.json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String version;
    private final String region;
    private final LocalDate asOf;
    private final String note;
    private final Map<String, Price> prices;

    private PriceTable(String version, String region, LocalDate asOf, String note, Map<String, Price> prices) {
        this.version = version;
        this.region = region;
        this.asOf = asOf;
        this.note = note;
        this.prices = Collections.unmodifiableMap(prices);
    }

    /** One tier of a tiered price: {@code usd} per unit up to {@code upTo} units a month (null: no limit). */
    public record Tier(Double upTo, double usd) {}

    /**
     * The price of one unit. Tiered prices (API Gateway, Lambda, SQS, S3 storage, data transfer) depend on the
     * monthly volume; {@link #averageUsd(double)} gives the average unit price at a volume.
     */
    public record Price(String key, String unit, List<Tier> tiers, String source, LocalDate asOf, boolean estimate) {
        public Price {
            tiers = List.copyOf(tiers);
        }

        /** The price of the first unit (the first tier). */
        public double firstTierUsd() {
            return tiers.get(0).usd();
        }

        /** Average price per unit when {@code monthlyUnits} units are bought in a month. */
        public double averageUsd(double monthlyUnits) {
            if (tiers.size() == 1 || monthlyUnits <= 0) {
                return firstTierUsd();
            }
            double total = 0;
            double below = 0;
            for (Tier tier : tiers) {
                double top = tier.upTo() == null ? Double.POSITIVE_INFINITY : tier.upTo();
                double inTier = Math.min(monthlyUnits, top) - below;
                if (inTier <= 0) {
                    break;
                }
                total += inTier * tier.usd();
                below = top;
            }
            return total / monthlyUnits;
        }
    }

    /** The table that ships with this module. */
    public static PriceTable defaults() {
        try (InputStream in = PriceTable.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
            }
            return parse(MAPPER.readTree(in), DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULT_RESOURCE, e);
        }
    }

    /** Reads a price table file in the same format as the default resource. */
    public static PriceTable load(Path file) {
        try {
            return parse(MAPPER.readTree(Files.readAllBytes(file)), file.toString());
        } catch (NoSuchFileException e) {
            throw new InvalidPricingInputException("prices file not found: " + file);
        } catch (IOException e) {
            throw new InvalidPricingInputException(
                    "prices file " + file + " is not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    /** Parses a price table from JSON text (tests and tools). */
    static PriceTable fromJson(String json) {
        try {
            return parse(MAPPER.readTree(json), "inline JSON");
        } catch (IOException e) {
            throw new InvalidPricingInputException("price table is not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    static PriceTable parse(JsonNode root, String origin) {
        if (root == null || !root.isObject()) {
            throw new InvalidPricingInputException("prices file " + origin + " must hold a JSON object");
        }
        LocalDate asOf = date(root, "as_of", origin);
        JsonNode list = root.path("prices");
        if (!list.isArray() || list.isEmpty()) {
            throw new InvalidPricingInputException("prices file " + origin + ": \"prices\" must be a non-empty array");
        }
        Map<String, Price> prices = new LinkedHashMap<>();
        for (JsonNode p : list) {
            String key = text(p, "key", origin);
            List<Tier> tiers = new ArrayList<>();
            if (p.has("tiers")) {
                for (JsonNode t : p.get("tiers")) {
                    JsonNode upTo = t.get("up_to");
                    tiers.add(new Tier(upTo == null || upTo.isNull() ? null : upTo.asDouble(), usd(t, key, origin)));
                }
            } else {
                tiers.add(new Tier(null, usd(p, key, origin)));
            }
            if (tiers.isEmpty()) {
                throw new InvalidPricingInputException("prices file " + origin + ": " + key + " has no tiers");
            }
            prices.put(
                    key,
                    new Price(
                            key,
                            p.path("unit").asText(""),
                            tiers,
                            text(p, "source", origin + " price " + key),
                            date(p, "as_of", origin + " price " + key),
                            p.path("estimate").asBoolean(false)));
        }
        return new PriceTable(
                root.path("version").asText(asOf.toString()),
                root.path("region").asText("us-east-1"),
                asOf,
                root.path("note").asText(""),
                prices);
    }

    private static double usd(JsonNode node, String key, String origin) {
        JsonNode usd = node.get("usd");
        if (usd == null || !usd.isNumber() || usd.asDouble() < 0) {
            throw new InvalidPricingInputException("prices file " + origin + ": " + key + ".usd must be a number >= 0");
        }
        return usd.asDouble();
    }

    private static String text(JsonNode node, String field, String origin) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new InvalidPricingInputException(origin + ": \"" + field + "\" is required (a non-empty string)");
        }
        return value.asText();
    }

    private static LocalDate date(JsonNode node, String field, String origin) {
        String value = text(node, field, origin);
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidPricingInputException(
                    origin + ": \"" + field + "\" must be a date like 2025-08-01 (got " + value + ")");
        }
    }

    private static String firstLine(String message) {
        String m = Objects.toString(message, "");
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** The price for {@code key}; fails with the list of known keys when there is none. */
    public Price price(String key) {
        Price price = prices.get(key);
        if (price == null) {
            throw new InvalidPricingInputException("the price table has no price \"" + key + "\"");
        }
        return price;
    }

    /** Whether the table has a price for {@code key}. */
    public boolean has(String key) {
        return prices.containsKey(key);
    }

    /** Hourly on-demand price key of an EC2 instance type. */
    public static String onDemandKey(String instanceType) {
        return "ec2." + instanceType + ".on_demand.hour";
    }

    /** Hourly spot price key of an EC2 instance type (an estimate). */
    public static String spotKey(String instanceType) {
        return "ec2." + instanceType + ".spot.hour";
    }

    /** EC2 instance types that have both an on-demand and a spot price in this table. */
    public List<String> instanceTypes() {
        TreeSet<String> types = new TreeSet<>();
        for (String key : prices.keySet()) {
            if (key.startsWith("ec2.") && key.endsWith(".on_demand.hour")) {
                String type = key.substring(4, key.length() - ".on_demand.hour".length());
                if (prices.containsKey(spotKey(type))) {
                    types.add(type);
                }
            }
        }
        return List.copyOf(types);
    }

    public Map<String, Price> prices() {
        return prices;
    }

    public String version() {
        return version;
    }

    public String region() {
        return region;
    }

    public LocalDate asOf() {
        return asOf;
    }

    public String note() {
        return note;
    }
}
