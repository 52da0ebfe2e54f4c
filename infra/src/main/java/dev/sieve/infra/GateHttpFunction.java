package dev.sieve.infra;

import dev.sieve.shared.result.BucketLayout;
import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The gate function behind the HTTP API: SnapStart on a published version behind the alias
 * {@value #LIVE_ALIAS}, a timeout of the real-time budget plus headroom (within API Gateway's limit), and
 * grants for exactly the prefixes, table and queues the HTTP handler uses.
 */
final class GateHttpFunction extends Concern {

    /** The HTTP API handler in the gate jar. */
    static final String HANDLER = "dev.sieve.gate.api.HttpApiHandler::handleRequest";
    /** The alias API Gateway invokes; SnapStart snapshots the version behind it. */
    static final String LIVE_ALIAS = "live";

    /**
     * DynamoDB actions of the gate's store code (RequestStore, JobService; both handlers build both):
     * GetItem, Query, PutItem, UpdateItem, and TransactWriteItems of a Put and an Update, which DynamoDB
     * authorizes as PutItem and UpdateItem. No DeleteItem, Scan or BatchWriteItem: nothing calls them.
     */
    static final List<String> TABLE_ACTIONS =
            List.of("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem");

    /** Settings of the function. */
    record Props(
            Code code,
            int realtimeBudgetMillis,
            int memoryMb,
            RetentionDays logRetention,
            SieveStorage storage,
            SieveQueues queues) {
        Props {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(logRetention, "logRetention");
            Objects.requireNonNull(storage, "storage");
            Objects.requireNonNull(queues, "queues");
        }
    }

    private final Function function;
    private final Alias liveAlias;

    GateHttpFunction(Construct scope, String id, Props props) {
        super(scope, id);
        int timeoutSeconds =
                Math.min(GateHttpApi.INTEGRATION_LIMIT_SECONDS, ceilSeconds(props.realtimeBudgetMillis()) + 10);
        function = JavaFunctions.create(
                this,
                "GateFunction",
                new JavaFunctions.Spec(
                        HANDLER,
                        props.code(),
                        props.memoryMb(),
                        Duration.seconds(timeoutSeconds),
                        props.logRetention(),
                        "Sieve gate: HTTP API handler (scores items, answers or escalates)",
                        true));
        Annotations.of(function)
                .acknowledgeWarning(
                        "@aws-cdk/aws-lambda:snapStartRequirePublish",
                        "The alias 'live' points at the function's current published version, so SnapStart applies.");
        function.addEnvironment("JAVA_TOOL_OPTIONS", "-XX:+UseSerialGC");
        liveAlias = Alias.Builder.create(this, "GateLiveAlias")
                .aliasName(LIVE_ALIAS)
                .version(function.getCurrentVersion())
                .build();
        grant(props.storage(), props.queues());
    }

    /**
     * Least privilege, per prefix, from the S3 calls the HTTP handler's code makes (GateService, JobService
     * start (a HeadObject, then a SCAN task) and status, QueuePublisher, DynamoDbRequestStore, BundleLocator):
     *
     * <ul>
     *   <li>{@code bundles/}: ListObjectsV2 and GetObject (loading the bundle): read;
     *   <li>{@code jobs/in/}: HeadObject of a manifest (POST /v1/jobs; HeadObject is authorized as
     *       GetObject): read;
     *   <li>{@code results/}: PutObject of a request's gate results, GetObject when they are asked for: both;
     *   <li>{@code uploads/}: only the presigned PUT it signs (S3 authorizes the caller's PUT as this role):
     *       write; the batch-job function reads the body;
     *   <li>{@code payloads/}: PutObject of escalated texts too large for a message: write; the worker reads.
     * </ul>
     *
     * Nothing under {@code jobs/parts/} (the batch-job function's SCAN tasks write chunk indexes) or {@code
     * jobs/out/} (a job's status names its output; the caller reads it).
     */
    private void grant(SieveStorage storage, SieveQueues queues) {
        storage.grantReadPrefixes(function, List.of(BucketLayout.BUNDLES, BucketLayout.JOBS_IN));
        storage.grantReadWritePrefixes(function, List.of(BucketLayout.RESULTS));
        storage.grantWritePrefixes(function, List.of(BucketLayout.UPLOADS, BucketLayout.PAYLOADS));
        storage.grantListBucket(function);
        storage.grantTableItems(function, TABLE_ACTIONS);
        queues.grantSend(function);
        queues.grantSendLanes(function);
        queues.grantSendJobs(function);
    }

    private static int ceilSeconds(int millis) {
        return (millis + 999) / 1000;
    }

    Function function() {
        return function;
    }

    Alias liveAlias() {
        return liveAlias;
    }
}
