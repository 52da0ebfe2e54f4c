package dev.sieve.gate.api;

import java.util.Map;

/** A status code, extra headers and a JSON body, before it becomes an API Gateway response. */
public record ApiResponse(int statusCode, Map<String, String> headers, String body) {
    public ApiResponse {
        headers = Map.copyOf(headers);
    }
}
