package dev.sieve.gate.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.gate.GateConfig;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.mode.ModeSelector.RequestedMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates a classify body. Every rule violation becomes an {@link
 * InvalidRequestException} naming the field (a JSON path) and the rule; the first violation wins.
 *
 * <p>Rules: the body is a JSON object; {@code items} is a non-empty array of at most {@code maxItems}
 * objects; each {@code id} is a non-empty string of at most {@value GateConfig#MAX_ID_LENGTH}
 * characters, unique within the request; each {@code text} is a non-empty string of at most {@value
 * GateConfig#MAX_TEXT_BYTES} UTF-8 bytes; {@code mode}, if present, is one of {@code auto}, {@code
 * realtime}, {@code async}; {@code allow_gate_fallback}, if present, is a boolean. Unknown fields are
 * ignored.
 */
public final class RequestValidator {
    private final int maxItems;

    public RequestValidator(int maxItems) {
        this.maxItems = maxItems;
    }

    public ClassifyRequest parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidRequestException("body", "must be a JSON object with an 'items' array; the body is empty");
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null
                    ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")";
            throw new InvalidRequestException("body", "must be valid JSON" + where);
        } catch (IOException e) {
            throw new InvalidRequestException("body", "must be valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException("body", "must be a JSON object with an 'items' array");
        }
        RequestedMode mode = RequestedMode.AUTO;
        JsonNode modeNode = root.get("mode");
        if (modeNode != null && !modeNode.isNull()) {
            mode = modeNode.isTextual() ? RequestedMode.parse(modeNode.asText()) : null;
            if (mode == null) {
                throw new InvalidRequestException("mode", "must be one of \"auto\", \"realtime\", \"async\"");
            }
        }
        boolean allowGateFallback = false;
        JsonNode fallbackNode = root.get("allow_gate_fallback");
        if (fallbackNode != null && !fallbackNode.isNull()) {
            if (!fallbackNode.isBoolean()) {
                throw new InvalidRequestException("allow_gate_fallback", "must be true or false");
            }
            allowGateFallback = fallbackNode.booleanValue();
        }
        JsonNode itemsNode = root.get("items");
        if (itemsNode == null || itemsNode.isNull()) {
            throw new InvalidRequestException("items", "is required");
        }
        if (!itemsNode.isArray()) {
            throw new InvalidRequestException("items", "must be an array of {\"id\", \"text\"} objects");
        }
        if (itemsNode.isEmpty()) {
            throw new InvalidRequestException("items", "must contain at least one item");
        }
        if (itemsNode.size() > maxItems) {
            throw new InvalidRequestException(
                    "items",
                    "must contain at most " + maxItems + " items (got " + itemsNode.size()
                            + "); split the request or use a batch manifest");
        }
        List<ClassifyRequest.Item> items = new ArrayList<>(itemsNode.size());
        Map<String, Integer> seen = new HashMap<>(itemsNode.size() * 2);
        for (int i = 0; i < itemsNode.size(); i++) {
            JsonNode item = itemsNode.get(i);
            String path = "items[" + i + "]";
            if (!item.isObject()) {
                throw new InvalidRequestException(path, "must be an object with string fields 'id' and 'text'");
            }
            String id = requireString(item, path + ".id");
            requireWellFormed(id, path + ".id");
            if (id.length() > GateConfig.MAX_ID_LENGTH) {
                throw new InvalidRequestException(
                        path + ".id", "must be at most " + GateConfig.MAX_ID_LENGTH + " characters");
            }
            Integer first = seen.putIfAbsent(id, i);
            if (first != null) {
                throw new InvalidRequestException(
                        path + ".id", "must be unique within the request (items[" + first + "] has the same id)");
            }
            String text = requireString(item, path + ".text");
            if (text.length() > GateConfig.MAX_TEXT_BYTES / 3
                    && text.getBytes(StandardCharsets.UTF_8).length > GateConfig.MAX_TEXT_BYTES) {
                throw new InvalidRequestException(
                        path + ".text", "must be at most " + GateConfig.MAX_TEXT_BYTES + " bytes of UTF-8");
            }
            requireWellFormed(text, path + ".text");
            items.add(new ClassifyRequest.Item(id, text));
        }
        return new ClassifyRequest(items, mode, allowGateFallback);
    }

    /**
     * Rejects a lone surrogate (JSON's {@code \\ud800} without its pair): it is not Unicode, SQS refuses
     * the message and UTF-8 cannot encode it, so it would fail after the request was accepted.
     */
    private static void requireWellFormed(String value, String path) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidRequestException(
                        path,
                        "must be valid Unicode: a lone surrogate (U+"
                                + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + ") at character " + i);
            }
        }
    }

    private static String requireString(JsonNode item, String path) {
        String name = path.substring(path.lastIndexOf('.') + 1);
        JsonNode node = item.get(name);
        if (node == null || node.isNull()) {
            throw new InvalidRequestException(path, "is required and must be a non-empty string");
        }
        if (!node.isTextual() || node.asText().isEmpty()) {
            throw new InvalidRequestException(path, "must be a non-empty string");
        }
        return node.asText();
    }
}
