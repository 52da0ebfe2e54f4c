package dev.sieve.gate.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** A status code, extra headers and a JSON body, before it becomes an API Gateway response. */
public record ApiResponse(int statusCode, Map<String, String> headers, String body) {
    public ApiResponse {
        headers = Map.copyOf(headers);
    }

    /** The same response with one more header. */
    public ApiResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiResponse(statusCode, more, body);
    }
}
