package dev.sieve.gate.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.shared.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks real API responses against the OpenAPI document: finds the operation by method and path
 * (templates such as {@code /v1/results/{id}} match any segment), the response by status code, and
 * validates the JSON body against its schema. Covers the schema subset the document uses: {@code $ref},
 * {@code type}, {@code required}, {@code properties}, {@code additionalProperties}, {@code items},
 * {@code enum}, {@code minimum}/{@code maximum}, {@code minLength}/{@code maxLength}, {@code minItems}.
 */
public final class OpenApiValidator {
    private final JsonNode document;

    public OpenApiValidator(String openApiJson) {
        try {
            this.document = Json.mapper().readTree(openApiJson);
        } catch (IOException e) {
            throw new UncheckedIOException("OpenAPI document is not valid JSON", e);
        }
    }

    /** Every way the response breaks the document; empty when it conforms. */
    public List<String> validateResponse(String method, String path, int status, String body) {
        List<String> problems = new ArrayList<>();
        JsonNode operation = operation(method, path);
        if (operation == null && status == 405) {
            // a method the path does not have: the body must still be the documented error shape
            return validateSchema("#/components/schemas/Error", body);
        }
        if (operation == null) {
            problems.add("no operation " + method + " " + path + " in the document");
            return problems;
        }
        JsonNode response = resolve(operation.path("responses").path(Integer.toString(status)));
        if (response.isMissingNode()) {
            problems.add(method + " " + path + " does not document status " + status);
            return problems;
        }
        JsonNode schema = response.path("content").path("application/json").path("schema");
        if (schema.isMissingNode()) {
            return problems;
        }
        JsonNode json;
        try {
            json = Json.mapper().readTree(body);
        } catch (IOException e) {
            problems.add("body is not JSON");
            return problems;
        }
        validate(schema, json, "$", problems);
        return problems;
    }

    /** Validates {@code body} against the schema at {@code ref} (e.g. {@code #/components/schemas/Error}). */
    public List<String> validateSchema(String ref, String body) {
        List<String> problems = new ArrayList<>();
        try {
            validate(
                    Json.mapper().createObjectNode().put("$ref", ref),
                    Json.mapper().readTree(body),
                    "$",
                    problems);
        } catch (IOException e) {
            problems.add("body is not JSON");
        }
        return problems;
    }

    private JsonNode operation(String method, String pathAndQuery) {
        int query = pathAndQuery.indexOf('?');
        String path = query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
        Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> entry = paths.next();
            if (matches(entry.getKey(), path)) {
                JsonNode operation = entry.getValue().get(method.toLowerCase(Locale.ROOT));
                if (operation != null) {
                    return operation;
                }
            }
        }
        return null;
    }

    private static boolean matches(String template, String path) {
        String[] t = template.split("/");
        String[] p = path.split("/");
        if (t.length != p.length) {
            return false;
        }
        for (int i = 0; i < t.length; i++) {
            if (!(t[i].startsWith("{") && t[i].endsWith("}")) && !t[i].equals(p[i])) {
                return false;
            }
        }
        return true;
    }

    private JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        while (current.has("$ref")) {
            String ref = current.get("$ref").asText();
            if (!ref.startsWith("#/")) {
                throw new IllegalArgumentException("only local $refs are supported: " + ref);
            }
            current = document.at(ref.substring(1));
        }
        return current;
    }

    private void validate(JsonNode schemaNode, JsonNode value, String where, List<String> problems) {
        JsonNode schema = resolve(schemaNode);
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> {
                if (!value.isObject()) {
                    problems.add(where + " must be an object");
                    return;
                }
                for (JsonNode name : schema.path("required")) {
                    if (!value.has(name.asText())) {
                        problems.add(where + "." + name.asText() + " is required");
                    }
                }
                JsonNode properties = schema.path("properties");
                JsonNode additional = schema.get("additionalProperties");
                Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    String fieldWhere = where + "." + field.getKey();
                    if (properties.has(field.getKey())) {
                        validate(properties.get(field.getKey()), field.getValue(), fieldWhere, problems);
                    } else if (additional != null && additional.isBoolean() && !additional.asBoolean()) {
                        problems.add(fieldWhere + " is not allowed by the schema");
                    } else if (additional != null && additional.isObject()) {
                        validate(additional, field.getValue(), fieldWhere, problems);
                    }
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    problems.add(where + " must be an array");
                    return;
                }
                if (schema.has("minItems")
                        && value.size() < schema.get("minItems").asInt()) {
                    problems.add(where + " must have at least "
                            + schema.get("minItems").asInt() + " items");
                }
                if (schema.has("items")) {
                    for (int i = 0; i < value.size(); i++) {
                        validate(schema.get("items"), value.get(i), where + "[" + i + "]", problems);
                    }
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    problems.add(where + " must be a string");
                    return;
                }
                int length = value.asText().length();
                if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
                    problems.add(where + " is shorter than "
                            + schema.get("minLength").asInt());
                }
                if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
                    problems.add(
                            where + " is longer than " + schema.get("maxLength").asInt());
                }
            }
            case "integer", "number" -> {
                if (type.equals("integer") ? !value.isIntegralNumber() : !value.isNumber()) {
                    problems.add(where + " must be an " + type);
                    return;
                }
                if (schema.has("minimum")
                        && value.asDouble() < schema.get("minimum").asDouble()) {
                    problems.add(where + " is below " + schema.get("minimum").asDouble());
                }
                if (schema.has("maximum")
                        && value.asDouble() > schema.get("maximum").asDouble()) {
                    problems.add(where + " is above " + schema.get("maximum").asDouble());
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(where + " must be a boolean");
                }
            }
            default -> {
                // untyped schema: anything goes
            }
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode allowed : schema.get("enum")) {
                found |= allowed.equals(value);
            }
            if (!found) {
                problems.add(where + " = " + value + " is not one of " + schema.get("enum"));
            }
        }
    }
}
