package dev.sieve.gate.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.gate.service.InvalidRequestException;
import dev.sieve.shared.json.Json;
import java.io.IOException;

/** Parses {@code POST /v1/jobs} bodies: {@code {"manifest": "jobs/in/<name>.jsonl"}} (or an s3:// URI). */
final class JobRequest {
    private JobRequest() {}

    /** The manifest's object key in Sieve's bucket. */
    static String parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidRequestException("body", "must be a JSON object with a 'manifest' field");
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new InvalidRequestException("body", "must be valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException("body", "must be a JSON object with a 'manifest' field");
        }
        JsonNode manifest = root.get("manifest");
        if (manifest == null || !manifest.isTextual() || manifest.asText().isBlank()) {
            throw new InvalidRequestException(
                    "manifest", "must be a non-empty string: an object key under jobs/in/ or an s3:// URI of one");
        }
        String value = manifest.asText();
        if (value.startsWith("s3://")) {
            int slash = value.indexOf('/', "s3://".length());
            if (slash < 0) {
                throw new InvalidRequestException("manifest", "must be s3://<bucket>/jobs/in/<name>");
            }
            value = value.substring(slash + 1);
        }
        return value;
    }
}
