package dev.sieve.infra;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * The front door, built from one construct per concern:
 *
 * <ul>
 *   <li>{@link GateHttpFunction}: the gate Lambda (Java 21, SnapStart behind the alias {@code live});
 *   <li>{@link GateHttpApi}: the HTTP API whose routes invoke that alias, authorized, throttled, logged;
 *   <li>{@link BatchJobFunction}: the Lambda that S3 invokes for manifests under {@code jobs/in/} and
 *       uploads, and that consumes the jobs queue;
 *   <li>{@link ReaperFunction}: the scheduled Lambda that fails work stuck in a dead-letter queue or past
 *       its deadline.
 * </ul>
 *
 * Each function has its own role with least-privilege grants and its own log group with a retention.
 */
public final class GateApi extends Construct {

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

    private final GateHttpFunction gate;
    private final GateHttpApi http;
    private final BatchJobFunction batch;
    private final ReaperFunction reaper;

    public GateApi(Construct scope, String id, Props props) {
        super(scope, id);
        Code code = Code.fromAsset(props.gateJar().toString());
        gate = new GateHttpFunction(
                this,
                "HttpFunction",
                new GateHttpFunction.Props(
                        code,
                        props.realtimeBudgetMillis(),
                        props.gateMemoryMb(),
                        props.logRetention(),
                        props.storage(),
                        props.queues()));
        http = new GateHttpApi(
                this,
                "Http",
                new GateHttpApi.Props(
                        props.authorizer(),
                        props.jwtIssuer(),
                        props.jwtAudience(),
                        props.apiRateLimit(),
                        props.apiBurstLimit(),
                        props.logRetention(),
                        gate.liveAlias()));
        batch = new BatchJobFunction(
                this,
                "BatchJobs",
                new BatchJobFunction.Props(
                        code, props.batchHandlerMemoryMb(), props.logRetention(), props.storage(), props.queues()));
        reaper = new ReaperFunction(
                this, "Reaper", new ReaperFunction.Props(code, props.logRetention(), props.storage(), props.queues()));
    }

    /**
     * Sets the environment of the gate and batch-job functions, and of the reaper the part of it it reads
     * (names from {@code EnvironmentVariables}).
     */
    public void addEnvironment(Map<String, String> environment, Map<String, String> gateOnly) {
        environment.forEach((k, v) -> {
            gate.function().addEnvironment(k, v);
            batch.function().addEnvironment(k, v);
        });
        gateOnly.forEach(gate.function()::addEnvironment);
        reaper.addEnvironment(environment);
    }

    public HttpApi api() {
        return http.api();
    }

    public Function gateFunction() {
        return gate.function();
    }

    public Alias liveAlias() {
        return gate.liveAlias();
    }

    public Function batchFunction() {
        return batch.function();
    }

    public Function reaperFunction() {
        return reaper.function();
    }

    public Rule reaperSchedule() {
        return reaper.schedule();
    }

    public Queue batchEventDeadLetterQueue() {
        return batch.eventDeadLetterQueue();
    }

    public LogGroup accessLogGroup() {
        return http.accessLogGroup();
    }
}
