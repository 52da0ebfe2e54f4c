package dev.sieve.contract;

/**
 * What the gate decided for one item of an API request, stored with the request (in request order)
 * so that {@code GET /v1/results/{id}} can return every item: the gate's answer, or for escalated
 * items the gate's guess until the expert's result arrives.
 */
public record GateEntry(String id, String label, double confidence, boolean escalated) {}
