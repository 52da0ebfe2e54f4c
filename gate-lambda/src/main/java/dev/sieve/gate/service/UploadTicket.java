package dev.sieve.gate.service;

import java.util.Map;

/**
 * The answer of {@code POST /v1/uploads}: PUT the classify body (same JSON as {@code POST
 * /v1/classify}) to {@code uploadUrl} before {@code expiresAt}, then poll {@code resultsUrl}.
 */
public record UploadTicket(
        String requestId,
        String uploadUrl,
        String method,
        Map<String, String> headers,
        String expiresAt,
        String resultsUrl) {}
