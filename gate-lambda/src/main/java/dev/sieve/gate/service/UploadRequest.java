package dev.sieve.gate.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.gate.GateConfig;
import dev.sieve.shared.json.Json;
import java.io.IOException;

/**
 * A {@code POST /v1/uploads} body: {@code {"content_length": <bytes>}}, the exact size of the body the
 * caller will PUT (signed into the URL, so S3 refuses any other size).
 */
record UploadRequest(long contentLength) {
    private static final String RULE = "must be the exact size in bytes of the body to upload, from 1 to "
            + GateConfig.MAX_UPLOAD_BYTES + " (larger inputs: a batch manifest)";

    static UploadRequest parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidRequestException("content_length", RULE);
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new InvalidRequestException("body", "must be valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException("body", "must be a JSON object with a 'content_length' field");
        }
        JsonNode length = root.get("content_length");
        if (length == null
                || !length.isIntegralNumber()
                || !length.canConvertToLong()
                || length.asLong() < 1
                || length.asLong() > GateConfig.MAX_UPLOAD_BYTES) {
            throw new InvalidRequestException("content_length", RULE);
        }
        return new UploadRequest(length.asLong());
    }
}
