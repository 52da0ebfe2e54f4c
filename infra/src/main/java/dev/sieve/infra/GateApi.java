package dev.sieve.infra;

import dev.sieve.shared.result.BucketLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpIamAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpJwtAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpJwtAuthorizerProps;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogDestination;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.IHttpRouteAuthorizer;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.EventType;
import software.amazon.awscdk.services.s3.NotificationKeyFilter;
import software.amazon.awscdk.services.s3.notifications.LambdaDestination;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The front door: an HTTP API whose routes invoke the gate Lambda (Java 21, SnapStart on a published
 * version behind the alias {@code live}), and the batch-job Lambda that S3 invokes when a manifest
 * lands under {@code jobs/in/}. Secure by default: every route needs authorization (IAM unless told
 * otherwise), the stage writes access logs and throttles, each function has its own role with
 * least-privilege grants and its own log group with a retention.
 */
public final class GateApi extends Construct {

    /** The HTTP API handler in the gate jar. */
    public static final String HTTP_HANDLER = "dev.sieve.gate.api.HttpApiHandler::handleRequest";
    /** The S3 batch-job handler in the gate jar. */
    public static final String BATCH_HANDLER = "dev.sieve.gate.batch.S3JobHandler::handleRequest";
    /** The alias API Gateway invokes; SnapStart snapshots the version behind it. */
    public static final String LIVE_ALIAS = "live";
    /** The routes of the API issue. */
    public static final List<Route> ROUTES = List.of(
            new Route(HttpMethod.POST, "/v1/classify"),
            new Route(HttpMethod.GET, "/v1/results/{id}"),
            new Route(HttpMethod.POST, "/v1/uploads"),
            new Route(HttpMethod.POST, "/v1/jobs"),
            new Route(HttpMethod.GET, "/v1/jobs/{id}"),
            new Route(HttpMethod.GET, "/v1/openapi.json"));
    /** Timeout of the batch-job Lambda (the Lambda maximum: assembling a large output takes minutes). */
    public static final int BATCH_TIMEOUT_SECONDS = 15 * 60;
    /**
     * Jobs-queue messages per invocation of the batch-job Lambda: a chunk task gates about a thousand
     * manifest lines (seconds); a small batch keeps a slow assemble task from holding many others, and
     * the handler reports failures per message.
     */
    static final int JOBS_BATCH_SIZE = 5;
    /** API Gateway gives up on an integration after 30 s. */
    static final int API_INTEGRATION_LIMIT_SECONDS = 29;

    /** One JSON object per request; HTTP-API context variables only (no bodies, no tokens). */
    static final String ACCESS_LOG_FORMAT = "{\"requestId\":\"$context.requestId\","
            + "\"ip\":\"$context.identity.sourceIp\","
            + "\"caller\":\"$context.identity.userArn\","
            + "\"requestTime\":\"$context.requestTime\","
            + "\"routeKey\":\"$context.routeKey\","
            + "\"status\":\"$context.status\","
            + "\"protocol\":\"$context.protocol\","
            + "\"responseLength\":\"$context.responseLength\","
            + "\"responseLatency\":\"$context.responseLatency\","
            + "\"integrationLatency\":\"$context.integrationLatency\","
            + "\"integrationError\":\"$context.integrationErrorMessage\","
            + "\"authorizerError\":\"$context.authorizer.error\"}";

    /** One route of the API. */
    public record Route(HttpMethod method, String path) {}

    /** Settings of the API and its functions. */
    public record Props(
            Path gateJar,
            SieveStackProps.Authorizer authorizer,
            String jwtIssuer,
            List<String> jwtAudience,
            int realtimeBudgetMillis,
            int gateMemoryMb,
            int batchHandlerMemoryMb,
            int apiRateLimit,
            int apiBurstLimit,
            RetentionDays logRetention,
            SieveStorage storage,
            SieveQueues queues) {
        public Props {
            Objects.requireNonNull(gateJar, "gateJar");
            Objects.requireNonNull(authorizer, "authorizer");
            jwtAudience = List.copyOf(jwtAudience);
            Objects.requireNonNull(logRetention, "logRetention");
            Objects.requireNonNull(storage, "storage");
            Objects.requireNonNull(queues, "queues");
        }
    }

    private final HttpApi api;
    private final Function gateFunction;
    private final Alias liveAlias;
    private final Function batchFunction;
    private final Queue batchEventDeadLetterQueue;
    private final LogGroup accessLogGroup;

    public GateApi(Construct scope, String id, Props props) {
        super(scope, id);
        Code code = Code.fromAsset(props.gateJar().toString());

        api = HttpApi.Builder.create(this, "HttpApi")
                .description("Sieve: classify text with a cheap gate and a GPU expert")
                .createDefaultStage(false)
                .defaultAuthorizer(authorizer(props))
                .build();
        accessLogGroup = logGroup("AccessLogs", props.logRetention());
        HttpStage.Builder.create(this, "DefaultStage")
                .httpApi(api)
                .stageName("$default")
                .autoDeploy(true)
                .throttle(ThrottleSettings.builder()
                        .rateLimit(props.apiRateLimit())
                        .burstLimit(props.apiBurstLimit())
                        .build())
                .accessLogSettings(new AccessLogs(new LogGroupLogDestination(accessLogGroup)))
                .build();

        int timeoutSeconds = Math.min(API_INTEGRATION_LIMIT_SECONDS, ceilSeconds(props.realtimeBudgetMillis()) + 10);
        gateFunction = function(
                "GateFunction",
                HTTP_HANDLER,
                code,
                props.gateMemoryMb(),
                Duration.seconds(timeoutSeconds),
                props.logRetention(),
                "Sieve gate: HTTP API handler (scores items, answers or escalates)",
                true);
        Annotations.of(gateFunction)
                .acknowledgeWarning(
                        "@aws-cdk/aws-lambda:snapStartRequirePublish",
                        "The alias 'live' points at the function's current published version, so SnapStart applies.");
        gateFunction.addEnvironment("JAVA_TOOL_OPTIONS", "-XX:+UseSerialGC");
        liveAlias = Alias.Builder.create(this, "GateLiveAlias")
                .aliasName(LIVE_ALIAS)
                .version(gateFunction.getCurrentVersion())
                .build();
        HttpLambdaIntegration integration = HttpLambdaIntegration.Builder.create("GateIntegration", liveAlias)
                .timeout(Duration.seconds(API_INTEGRATION_LIMIT_SECONDS))
                .build();
        for (Route route : ROUTES) {
            api.addRoutes(AddRoutesOptions.builder()
                    .path(route.path())
                    .methods(List.of(route.method()))
                    .integration(integration)
                    .build());
        }

        batchEventDeadLetterQueue = Queue.Builder.create(this, "BatchEventDeadLetterQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        Validations.of(batchEventDeadLetterQueue)
                .acknowledge(Acknowledgments.of(
                        "AwsSolutions-SQS3",
                        "This queue is the dead-letter queue for failed S3-event invocations of the batch-job"
                                + " Lambda; it has no consumer and no DLQ of its own by design."));
        batchFunction = function(
                "BatchJobFunction",
                BATCH_HANDLER,
                code,
                props.batchHandlerMemoryMb(),
                Duration.seconds(BATCH_TIMEOUT_SECONDS),
                props.logRetention(),
                "Sieve gate: batch-transform jobs (manifests under " + BucketLayout.JOBS_IN + ", jobs-queue tasks)"
                        + " and presigned uploads under " + BucketLayout.UPLOADS,
                false);
        // S3 invokes asynchronously: two retries, then the event goes to the DLQ (alarmed).
        software.amazon.awscdk.services.lambda.EventInvokeConfig.Builder.create(this, "BatchJobInvokeConfig")
                .function(batchFunction)
                .retryAttempts(2)
                .maxEventAge(Duration.hours(6))
                .onFailure(new software.amazon.awscdk.services.lambda.destinations.SqsDestination(
                        batchEventDeadLetterQueue))
                .build();

        // Chunk and assemble tasks of batch-transform jobs. S3JobHandler answers with batchItemFailures
        // (a partial batch response), so one failing task is retried alone; after maxReceiveCount it
        // lands in the jobs DLQ (alarmed).
        batchFunction.addEventSource(
                SqsEventSource.Builder.create(props.queues().jobsQueue())
                        .batchSize(JOBS_BATCH_SIZE)
                        .reportBatchItemFailures(true)
                        .build());

        SieveStorage storage = props.storage();
        // A manifest under jobs/in/ starts a job; a presigned-upload body under uploads/ is an async request.
        storage.bucket()
                .addEventNotification(
                        EventType.OBJECT_CREATED,
                        new LambdaDestination(batchFunction),
                        NotificationKeyFilter.builder()
                                .prefix(BucketLayout.JOBS_IN)
                                .build());
        storage.bucket()
                .addEventNotification(
                        EventType.OBJECT_CREATED,
                        new LambdaDestination(batchFunction),
                        NotificationKeyFilter.builder()
                                .prefix(BucketLayout.UPLOADS)
                                .suffix(".json")
                                .build());

        // Least privilege, per prefix. The HTTP handler reads the bundle, manifests (POST /v1/jobs scans
        // them) and job outputs; writes uploads (presigned PUT URLs are signed with its role, so it needs
        // PutObject), queue payloads, gate results and the chunk index of a job it starts.
        storage.grantReadPrefixes(
                gateFunction, List.of(BucketLayout.BUNDLES, BucketLayout.JOBS_IN, BucketLayout.JOBS_OUT));
        storage.grantReadWritePrefixes(
                gateFunction,
                List.of(BucketLayout.UPLOADS, BucketLayout.PAYLOADS, BucketLayout.RESULTS, BucketLayout.JOBS_PARTS));
        storage.grantListBucket(gateFunction);
        storage.table().grantReadWriteData(gateFunction);
        props.queues().grantSend(gateFunction);
        props.queues().grantSendJobs(gateFunction);

        // The batch handler reads manifests, uploads and the bundle; writes part files, outputs, queue
        // payloads and gate results (of uploads); consumes (via the event source) and sends job tasks.
        storage.grantReadPrefixes(
                batchFunction, List.of(BucketLayout.BUNDLES, BucketLayout.JOBS_IN, BucketLayout.UPLOADS));
        storage.grantReadWritePrefixes(
                batchFunction,
                List.of(BucketLayout.JOBS_PARTS, BucketLayout.JOBS_OUT, BucketLayout.PAYLOADS, BucketLayout.RESULTS));
        storage.grantListBucket(batchFunction);
        storage.table().grantReadWriteData(batchFunction);
        props.queues().grantSend(batchFunction);
        props.queues().grantSendJobs(batchFunction);

        for (Function fn : List.of(gateFunction, batchFunction)) {
            Acknowledgments.acknowledge(
                    fn,
                    "AwsSolutions-L1",
                    "Sieve is compiled for Java 21 (maven.compiler.release) and java21 is a supported Lambda"
                            + " runtime with SnapStart; the runtime moves together with the project's Java level.");
        }
        // The bucket-notification custom resource is CDK's own (it configures S3 -> Lambda notifications).
        for (IConstruct child : Stack.of(this).getNode().getChildren()) {
            if (child.getNode().getId().startsWith("BucketNotificationsHandler")) {
                Acknowledgments.acknowledge(
                        child,
                        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
                        "CDK's bucket-notification custom resource (runs only during deployments) writes its logs"
                                + " with the AWS managed basic-execution policy; CDK gives no way to replace it.");
            }
        }
    }

    private Function function(
            String id,
            String handler,
            Code code,
            int memoryMb,
            Duration timeout,
            RetentionDays retention,
            String description,
            boolean snapStart) {
        LogGroup logs = logGroup(id + "Logs", retention);
        Role role = Role.Builder.create(this, id + "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description(description)
                .build();
        logs.grantWrite(role);
        Function.Builder builder = Function.Builder.create(this, id)
                .description(description)
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .handler(handler)
                .code(code)
                .memorySize(memoryMb)
                .timeout(timeout)
                .role(role)
                .logGroup(logs);
        if (snapStart) {
            builder.snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS);
        }
        Function fn = builder.build();
        fn.getNode().addDependency(role);
        return fn;
    }

    private LogGroup logGroup(String id, RetentionDays retention) {
        return LogGroup.Builder.create(this, id)
                .retention(retention)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
    }

    private static int ceilSeconds(int millis) {
        return (millis + 999) / 1000;
    }

    private static IHttpRouteAuthorizer authorizer(Props props) {
        return switch (props.authorizer()) {
            case IAM -> new HttpIamAuthorizer();
            case JWT ->
                new HttpJwtAuthorizer(
                        "JwtAuthorizer",
                        props.jwtIssuer(),
                        HttpJwtAuthorizerProps.builder()
                                .jwtAudience(props.jwtAudience())
                                .build());
        };
    }

    /**
     * Access-log settings in JSON with HTTP-API context variables. A plain class with getters only: jsii
     * would take a record's accessor {@code destination()} for a method override.
     */
    private static final class AccessLogs implements IAccessLogSettings {
        private final IAccessLogDestination destination;

        AccessLogs(IAccessLogDestination destination) {
            this.destination = destination;
        }

        @Override
        public IAccessLogDestination getDestination() {
            return destination;
        }

        @Override
        public AccessLogFormat getFormat() {
            return AccessLogFormat.custom(ACCESS_LOG_FORMAT);
        }
    }

    /** Sets the environment of both functions (names from {@code EnvironmentVariables}). */
    public void addEnvironment(Map<String, String> environment, Map<String, String> gateOnly) {
        environment.forEach((k, v) -> {
            gateFunction.addEnvironment(k, v);
            batchFunction.addEnvironment(k, v);
        });
        gateOnly.forEach(gateFunction::addEnvironment);
    }

    public HttpApi api() {
        return api;
    }

    public Function gateFunction() {
        return gateFunction;
    }

    public Alias liveAlias() {
        return liveAlias;
    }

    public Function batchFunction() {
        return batchFunction;
    }

    public Queue batchEventDeadLetterQueue() {
        return batchEventDeadLetterQueue;
    }

    public LogGroup accessLogGroup() {
        return accessLogGroup;
    }
}
