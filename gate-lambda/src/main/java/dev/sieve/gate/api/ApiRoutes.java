package dev.sieve.gate.api;

import dev.sieve.contract.CapacityException;
import dev.sieve.gate.JsonLog;
import dev.sieve.gate.batch.JobService;
import dev.sieve.gate.service.BodyTooLargeException;
import dev.sieve.gate.service.GateService;
import dev.sieve.gate.service.IdempotencyConflictException;
import dev.sieve.gate.service.IdempotencyKey;
import dev.sieve.gate.service.InvalidRequestException;
import dev.sieve.gate.service.ModelNotLoadedException;
import dev.sieve.gate.service.NotFoundException;
import dev.sieve.gate.service.ResultsPage;
import dev.sieve.gate.tenant.Caller;
import dev.sieve.gate.tenant.ForbiddenException;
import dev.sieve.gate.tenant.QuotaExceededException;
import dev.sieve.gate.tenant.TenantResolver;
import dev.sieve.gate.tenant.UnauthenticatedException;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.tenant.Tenant;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Routes API calls to the services and maps their typed errors to HTTP, once: invalid input → 400, no
 * credentials → 401, no valid tenant → 403, unknown id (or another tenant's) or route → 404, wrong method → 405, body too large → 413, Idempotency-Key reused with another body → 422, over the tenant's quota or throttled → 429, unavailable →
 * 503 (both with {@code Retry-After}), anything else → 500 logged once with the request id.
 */
public final class ApiRoutes {
    static final String JSON = "application/json";

    private final GateService gateService;
    private final JobService jobService;
    private final TenantResolver tenants;
    private final String openApiJson;

    public ApiRoutes(GateService gateService, JobService jobService, TenantResolver tenants, String openApiJson) {
        this.gateService = Objects.requireNonNull(gateService, "gateService");
        this.jobService = Objects.requireNonNull(jobService, "jobService");
        this.tenants = Objects.requireNonNull(tenants, "tenants");
        this.openApiJson = Objects.requireNonNull(openApiJson, "openApiJson");
    }

    /**
     * Answers one call. Every route but {@code GET /v1/openapi.json} needs a tenant, resolved from {@code
     * caller} (401 without credentials, 403 when they name no valid tenant). {@code rawQuery} is the query
     * string as sent (percent-encoded, without the {@code ?}; null or empty for none); {@code headers} the
     * request's headers (names in any case; null for none).
     */
    public ApiResponse handle(
            String method,
            String path,
            String rawQuery,
            Map<String, String> headers,
            byte[] body,
            Caller caller,
            String awsRequestId) {
        try {
            return route(
                    method == null ? "" : method.toUpperCase(java.util.Locale.ROOT),
                    path == null ? "" : path,
                    rawQuery,
                    headers,
                    body,
                    caller);
        } catch (UnauthenticatedException e) {
            return error(
                    401,
                    "unauthenticated",
                    "Authorization",
                    e.getMessage(),
                    Map.of("WWW-Authenticate", "Bearer realm=\"sieve\""));
        } catch (ForbiddenException e) {
            return error(403, "forbidden", null, e.getMessage(), Map.of());
        } catch (QuotaExceededException e) {
            return error(
                    429,
                    "quota_exceeded",
                    e.limit(),
                    e.getMessage(),
                    Map.of("Retry-After", Long.toString(e.retryAfterSeconds())));
        } catch (IdempotencyConflictException e) {
            return error(422, "idempotency_key_reused", IdempotencyKey.HEADER, e.getMessage(), Map.of());
        } catch (InvalidRequestException e) {
            return error(400, "invalid_request", e.field(), e.rule(), Map.of());
        } catch (NotFoundException e) {
            return error(404, "not_found", null, e.getMessage(), Map.of());
        } catch (MethodNotAllowedException e) {
            return error(405, "method_not_allowed", null, e.getMessage(), Map.of());
        } catch (BodyTooLargeException e) {
            return error(413, "body_too_large", "body", e.getMessage(), Map.of());
        } catch (ModelNotLoadedException e) {
            return error(
                    503,
                    "model_not_loaded",
                    null,
                    e.getMessage(),
                    Map.of("Retry-After", Integer.toString(e.retryAfterSeconds())));
        } catch (CapacityException e) {
            JsonLog.warn(
                    "dependency over capacity",
                    Map.of("aws_request_id", String.valueOf(awsRequestId), "reason", e.getMessage()));
            return error(
                    e.throttled() ? 429 : 503,
                    e.throttled() ? "throttled" : "unavailable",
                    null,
                    "Sieve is over capacity right now; retry after " + e.retryAfterSeconds() + " s",
                    Map.of("Retry-After", Integer.toString(e.retryAfterSeconds())));
        } catch (RuntimeException e) {
            JsonLog.error(
                    "unhandled error",
                    Map.of("aws_request_id", String.valueOf(awsRequestId), "method", method, "path", path),
                    e);
            return error(
                    500,
                    "internal_error",
                    null,
                    "internal error; quote request id " + awsRequestId + " when reporting it",
                    Map.of());
        }
    }

    private ApiResponse route(
            String method, String path, String rawQuery, Map<String, String> headers, byte[] body, Caller caller) {
        String[] parts = path.replaceAll("/+$", "").split("/");
        // parts[0] is "" (leading slash), parts[1] "v1"
        if (parts.length < 3 || !parts[1].equals("v1")) {
            return notFound(method, path);
        }
        String resource = parts[2];
        if (parts.length == 3) {
            switch (resource) {
                case "classify" -> {
                    requireMethod(method, "POST", path);
                    Tenant tenant = tenants.resolve(caller);
                    GateService.Outcome outcome = gateService.classify(
                            tenant, body == null ? new byte[0] : body, IdempotencyKey.from(headers));
                    ApiResponse response = json(outcome.statusCode(), outcome.view());
                    return outcome.replayed() ? response.withHeader(IdempotencyKey.REPLAYED_HEADER, "true") : response;
                }
                case "uploads" -> {
                    requireMethod(method, "POST", path);
                    return json(201, gateService.createUpload(tenants.resolve(caller), body));
                }
                case "jobs" -> {
                    requireMethod(method, "POST", path);
                    Tenant tenant = tenants.resolve(caller);
                    JobService.Started started = jobService.start(
                            tenant,
                            JobRequest.parse(body),
                            IdempotencyKey.from(headers),
                            body == null ? new byte[0] : body);
                    ApiResponse response = json(202, started.view());
                    return started.replayed() ? response.withHeader(IdempotencyKey.REPLAYED_HEADER, "true") : response;
                }
                case "openapi.json" -> {
                    requireMethod(method, "GET", path);
                    return new ApiResponse(200, Map.of("Content-Type", JSON), openApiJson);
                }
                default -> {
                    return notFound(method, path);
                }
            }
        }
        if (parts.length == 4) {
            switch (resource) {
                case "results" -> {
                    requireMethod(method, "GET", path);
                    Tenant tenant = tenants.resolve(caller);
                    ResultsPage page = ResultsPage.parse(query(rawQuery));
                    return json(200, gateService.results(tenant, decodeId(parts[3]), page));
                }
                case "jobs" -> {
                    requireMethod(method, "GET", path);
                    Tenant tenant = tenants.resolve(caller);
                    return json(200, jobService.status(tenant, decodeId(parts[3])));
                }
                default -> {
                    return notFound(method, path);
                }
            }
        }
        return notFound(method, path);
    }

    /** The id path segment, percent-decoded; a malformed escape ({@code %zz}) is the caller's error. */
    private static String decodeId(String segment) {
        try {
            return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(
                    "id", "must be a valid percent-encoded path segment (got '" + sanitize(segment) + "')");
        }
    }

    /** The query's parameters, percent-decoded (the first of repeated names wins). */
    static Map<String, String> query(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                params.putIfAbsent(
                        java.net.URLDecoder.decode(name, StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException(
                        "query", "must be percent-encoded correctly (got '" + sanitize(pair) + "')");
            }
        }
        return params;
    }

    private static void requireMethod(String actual, String expected, String path) {
        if (!actual.equals(expected)) {
            throw new MethodNotAllowedException(path + " accepts " + expected + ", not " + actual);
        }
    }

    private static ApiResponse notFound(String method, String path) {
        throw new NotFoundException("no route for " + method + " " + sanitize(path) + "; see GET /v1/openapi.json");
    }

    static ApiResponse json(int status, Object body) {
        return new ApiResponse(status, Map.of("Content-Type", JSON), Json.write(body));
    }

    static ApiResponse error(int status, String code, String field, String message, Map<String, String> headers) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        if (field != null) {
            error.put("field", field);
        }
        error.put("message", message);
        Map<String, String> allHeaders = new LinkedHashMap<>(headers);
        allHeaders.put("Content-Type", JSON);
        return new ApiResponse(status, allHeaders, Json.write(Map.of("error", error)));
    }

    private static String sanitize(String path) {
        String shown = path.length() > 100 ? path.substring(0, 100) + "..." : path;
        return shown.replaceAll("[^\\x20-\\x7E]", "?");
    }

    /** Wrong HTTP method on a known path. */
    static final class MethodNotAllowedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MethodNotAllowedException(String message) {
            super(message);
        }
    }
}
