package dev.sieve.cli.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks response bodies against the API's own OpenAPI 3.0 document (as served at {@code GET
 * /v1/openapi.json}): the schema of the route, method and status, with the keywords that document uses
 * ({@code $ref}, {@code type}, {@code nullable}, {@code required}, {@code properties}, {@code
 * additionalProperties}, {@code items}, {@code enum}, {@code minimum}/{@code maximum}, {@code
 * minLength}/{@code maxLength}, {@code minItems}). A status the document does not list is a violation.
 */
public final class ResponseValidator {
    private final JsonNode document;

    private ResponseValidator(JsonNode document) {
        this.document = document;
    }

    public static ResponseValidator of(JsonNode openApiDocument) {
        if (!openApiDocument.path("paths").isObject()) {
            throw new IllegalArgumentException("not an OpenAPI document: no 'paths'");
        }
        return new ResponseValidator(openApiDocument);
    }

    /** Problems of one response (empty when valid). */
    public List<String> validate(String method, String pathTemplate, int status, JsonNode body) {
        JsonNode operation = document.path("paths").path(pathTemplate).path(method.toLowerCase(Locale.ROOT));
        if (operation.isMissingNode()) {
            return List.of("the document has no " + method + " " + pathTemplate);
        }
        JsonNode response = resolve(operation.path("responses").path(Integer.toString(status)));
        if (response.isMissingNode()) {
            response = resolve(operation.path("responses").path("default"));
        }
        if (response.isMissingNode()) {
            return List.of("status " + status + " is not a documented response");
        }
        JsonNode schema = response.path("content").path("application/json").path("schema");
        List<String> problems = new ArrayList<>();
        if (schema.isMissingNode()) {
            return problems;
        }
        if (body == null) {
            return List.of("empty body where the document has a schema");
        }
        check(schema, body, "$", problems);
        return problems;
    }

    private JsonNode resolve(JsonNode node) {
        int depth = 0;
        while (node.has("$ref") && depth++ < 20) {
            String ref = node.get("$ref").asText();
            if (!ref.startsWith("#/")) {
                return node;
            }
            node = document.at(ref.substring(1));
        }
        return node;
    }

    private void check(JsonNode schemaNode, JsonNode value, String at, List<String> problems) {
        if (problems.size() >= 10) {
            return;
        }
        JsonNode schema = resolve(schemaNode);
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false) && schema.has("type")) {
                problems.add(at + " is null but not nullable");
            }
            return;
        }
        String type = schema.path("type").asText("");
        if (!type.isEmpty() && !hasType(value, type)) {
            problems.add(at + " should be " + type + " but is "
                    + value.getNodeType().name().toLowerCase(Locale.ROOT));
            return;
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode allowed : schema.get("enum")) {
                found |= allowed.equals(value);
            }
            if (!found) {
                problems.add(at + " = " + value + " is not one of " + schema.get("enum"));
            }
        }
        if (value.isNumber()) {
            if (schema.has("minimum")
                    && value.asDouble() < schema.get("minimum").asDouble()) {
                problems.add(at + " = " + value + " is below the minimum " + schema.get("minimum"));
            }
            if (schema.has("maximum")
                    && value.asDouble() > schema.get("maximum").asDouble()) {
                problems.add(at + " = " + value + " is above the maximum " + schema.get("maximum"));
            }
        }
        if (value.isTextual()) {
            int length = value.asText().codePointCount(0, value.asText().length());
            if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
                problems.add(at + " is shorter than " + schema.get("minLength"));
            }
            if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
                problems.add(at + " is longer than " + schema.get("maxLength"));
            }
        }
        if (value.isArray()) {
            if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
                problems.add(at + " has fewer than " + schema.get("minItems") + " items");
            }
            if (schema.has("items")) {
                for (int i = 0; i < value.size(); i++) {
                    check(schema.get("items"), value.get(i), at + "[" + i + "]", problems);
                }
            }
        }
        if (value.isObject()) {
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asText())) {
                    problems.add(at + " lacks the required field '" + required.asText() + "'");
                }
            }
            JsonNode properties = schema.path("properties");
            JsonNode additional = schema.path("additionalProperties");
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String name = field.getKey();
                if (properties.has(name)) {
                    check(properties.get(name), field.getValue(), at + "." + name, problems);
                } else if (additional.isBoolean() && !additional.asBoolean()) {
                    problems.add(at + " has the undocumented field '" + name + "'");
                } else if (additional.isObject()) {
                    check(additional, field.getValue(), at + "." + name, problems);
                }
            }
        }
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" ->
                value.isIntegralNumber() || (value.isNumber() && value.asDouble() == Math.rint(value.asDouble()));
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
    }
}
