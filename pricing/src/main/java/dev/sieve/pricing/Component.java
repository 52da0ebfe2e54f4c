package dev.sieve.pricing;

import java.util.Locale;

/** The parts of the bill a cost breakdown is split into. */
public enum Component {
    API_GATEWAY("HTTP API requests (metered per 512 KB)"),
    LAMBDA_REQUESTS("Lambda invocations"),
    LAMBDA_COMPUTE("Lambda GB-seconds (gate time x memory)"),
    SQS_REQUESTS("SQS send/receive/delete/visibility requests, per 64 KB chunk"),
    DYNAMODB_WRITES("DynamoDB on-demand write request units"),
    DYNAMODB_READS("DynamoDB on-demand read request units"),
    DYNAMODB_STORAGE("DynamoDB storage until TTL"),
    S3_REQUESTS("S3 PUT and GET requests"),
    S3_STORAGE("S3 Standard storage of bodies and results"),
    DATA_TRANSFER_OUT("results returned to clients over the internet"),
    CLOUDWATCH_LOGS("CloudWatch Logs ingestion (JSON logs + EMF metrics)"),
    GPU_INSTANCES("GPU instance-hours doing expert work (+ their EBS)"),
    IDLE("always-on cost: minimum GPU capacity not busy, NAT gateways, fixed monthly");

    private final String description;

    Component(String description) {
        this.description = description;
    }

    /** snake_case name used in JSON and CSV. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String description() {
        return description;
    }
}
