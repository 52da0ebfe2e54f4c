package dev.sieve.infra;

import dev.sieve.contract.JobState;
import dev.sieve.contract.RequestState;
import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.result.TableSchema;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.DlqDestinationConfig;
import software.amazon.awscdk.services.lambda.EventSourceMapping;
import software.amazon.awscdk.services.lambda.FilterCriteria;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IEventSourceDlq;
import software.amazon.awscdk.services.lambda.IEventSourceMapping;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * Completion and failure events (issue 11), as an outbox: the table's stream is the outbox (a request's or
 * job's META row becoming final <em>is</em> the event, written in the same write as the state), an event
 * source filtered to those rows feeds the events Lambda ({@code events-lambda/}), and it puts {@code Sieve
 * Request Completed} / {@code Sieve Job Failed} ... events on the stack's own bus. The gate Lambda carries no
 * EventBridge client (its jar stays under 15 MiB) and no tier can forget to emit.
 *
 * <p>At least once: the function reports the first record it could not publish (batch item failures), Lambda
 * retries from it up to {@value #RETRY_ATTEMPTS} times within {@value #MAX_RECORD_AGE_HOURS} h (the stream keeps
 * records 24 h), then the batch's description (shard, sequence numbers) goes to the failure queue, from which
 * the records can still be read until they are 24 h old. Its own role may read this table's stream and put
 * events on this bus, nothing else. Alarms: errors, iterator age, anything in the failure queue.
 */
final class SieveEventsOutbox extends Concern {

    /** The events Lambda's handler in its own jar. */
    static final String HANDLER = "dev.sieve.events.EventsHandler::handleRequest";

    static final int MEMORY_MB = 512;
    static final int TIMEOUT_SECONDS = 60;
    static final int BATCH_SIZE = 100;
    static final int RETRY_ATTEMPTS = 20;
    static final int MAX_RECORD_AGE_HOURS = 6;
    /** Events this far behind their state change: the function is failing or too slow for the table. */
    static final int ITERATOR_AGE_ALARM_MS = 5 * 60 * 1000;

    /** What the events Lambda reads from its configuration. */
    static final List<String> ENVIRONMENT =
            List.of(EnvironmentVariables.EVENT_BUS_NAME, EnvironmentVariables.METRICS_NAMESPACE);

    /** Settings of the outbox. */
    record Props(
            Code code,
            RetentionDays logRetention,
            SieveStorage storage,
            SieveQueues queues,
            String metricsNamespace,
            Topic alarmTopic) {
        Props {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(logRetention, "logRetention");
            Objects.requireNonNull(storage, "storage");
            Objects.requireNonNull(queues, "queues");
            Objects.requireNonNull(metricsNamespace, "metricsNamespace");
            Objects.requireNonNull(alarmTopic, "alarmTopic");
        }
    }

    private final EventBus bus;
    private final Queue failureQueue;
    private final Function function;
    private final EventSourceMapping source;

    SieveEventsOutbox(Construct scope, String id, Props props) {
        super(scope, id);
        bus = EventBus.Builder.create(this, "EventBus")
                .description("Sieve: request and job completion and failure events (source \"sieve\")")
                .build();
        failureQueue = props.queues()
                .encrypted(Queue.Builder.create(this, "EventsFailureQueue"))
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        Validations.of(failureQueue)
                .acknowledge(Acknowledgments.of(
                        "AwsSolutions-SQS3",
                        "This queue is the on-failure destination of the events Lambda's stream source: it holds"
                                + " descriptions of batches that could not be published; it has no consumer and no"
                                + " DLQ of its own by design."));
        function = JavaFunctions.create(
                this,
                "EventsFunction",
                new JavaFunctions.Spec(
                        HANDLER,
                        props.code(),
                        MEMORY_MB,
                        Duration.seconds(TIMEOUT_SECONDS),
                        props.logRetention(),
                        "Sieve events: puts request and job completion and failure events from the table's stream"
                                + " on the Sieve event bus",
                        false));
        function.addEnvironment(EnvironmentVariables.EVENT_BUS_NAME, bus.getEventBusName());
        function.addEnvironment(EnvironmentVariables.METRICS_NAMESPACE, props.metricsNamespace());
        grant(props.storage());
        source = EventSourceMapping.Builder.create(this, "EventsSource")
                .target(function)
                .eventSourceArn(props.storage().table().getTableStreamArn())
                .startingPosition(StartingPosition.TRIM_HORIZON)
                .batchSize(BATCH_SIZE)
                .maxBatchingWindow(Duration.seconds(1))
                .retryAttempts(RETRY_ATTEMPTS)
                .maxRecordAge(Duration.hours(MAX_RECORD_AGE_HOURS))
                .bisectBatchOnError(false)
                .reportBatchItemFailures(true)
                .onFailure(new FailureQueue(props.queues(), failureQueue))
                .filters(filters())
                .build();
        alarms(props.alarmTopic());
    }

    /**
     * Only META rows that become final reach the function (filtered records cost nothing): a modification
     * from an unfinished state to a final one, or a row written final at once except a real-time request
     * the gate answered whole. {@code dev.sieve.events.SieveEvents} decides the same again, so this filter
     * only saves invocations; the final states come from the state machines themselves.
     */
    static List<Map<String, Object>> filters() {
        List<String> finalStates = finalStates();
        // Ordered maps: the pattern is rendered as a string, and the template must be the same every synth.
        Map<String, Object> metaKey = ordered(TableSchema.SK, ordered("S", List.of(TableSchema.META)));
        Map<String, Object> modified = ordered(
                "eventName",
                List.of("MODIFY"),
                "dynamodb",
                ordered(
                        "Keys",
                        metaKey,
                        "NewImage",
                        ordered(TableSchema.STATE, ordered("S", finalStates)),
                        "OldImage",
                        ordered(TableSchema.STATE, ordered("S", List.of(ordered("anything-but", finalStates))))));
        Map<String, Object> insertedFinal = ordered(
                "eventName",
                List.of("INSERT"),
                "dynamodb",
                ordered(
                        "Keys",
                        metaKey,
                        "NewImage",
                        ordered(
                                TableSchema.STATE,
                                ordered("S", finalStates),
                                TableSchema.MODE,
                                ordered("S", List.of(ordered("anything-but", List.of("realtime")))))));
        return List.of(FilterCriteria.filter(modified), FilterCriteria.filter(insertedFinal));
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** Every state a request or job ends in ({@code terminal()} of the state machines). */
    static List<String> finalStates() {
        TreeSet<String> states = new TreeSet<>();
        Arrays.stream(RequestState.values()).filter(RequestState::terminal).forEach(s -> states.add(s.name()));
        Arrays.stream(JobState.values()).filter(JobState::terminal).forEach(s -> states.add(s.name()));
        return List.copyOf(states);
    }

    /** Reads this table's stream; puts events on this bus only. */
    private void grant(SieveStorage storage) {
        storage.grantStreamRead(function);
        function.addToRolePolicy(PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(List.of("events:PutEvents"))
                .resources(List.of(bus.getEventBusArn()))
                .build());
    }

    private void alarms(Topic topic) {
        SieveMonitoring.atOrAbove(
                this,
                topic,
                "EventsFunctionErrors",
                function.metricErrors(MetricOptions.builder()
                        .statistic("Sum")
                        .period(Duration.minutes(5))
                        .build()),
                1,
                1,
                "Sieve: the events Lambda returned errors (completion events are delayed; the stream retries)");
        SieveMonitoring.atOrAbove(
                this,
                topic,
                "EventsIteratorAge",
                Metric.Builder.create()
                        .namespace("AWS/Lambda")
                        .metricName("IteratorAge")
                        .dimensionsMap(Map.of("FunctionName", function.getFunctionName()))
                        .statistic("Maximum")
                        .period(Duration.minutes(1))
                        .build(),
                ITERATOR_AGE_ALARM_MS,
                5,
                "Sieve: completion events are more than 5 minutes behind the table (the events Lambda is"
                        + " failing or throttled)");
        SieveMonitoring.atOrAbove(
                this,
                topic,
                "EventsFailures",
                failureQueue.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                        .statistic("Maximum")
                        .period(Duration.minutes(5))
                        .build()),
                1,
                1,
                "Sieve: a batch of completion events could not be published after every retry; its records"
                        + " are in the events failure queue (read them from the stream within 24 h, see the README)");
    }

    /** The stream source's on-failure destination, sent to with only the key actions SQS needs. */
    private static final class FailureQueue implements IEventSourceDlq {
        private final SieveQueues queues;
        private final Queue queue;

        FailureQueue(SieveQueues queues, Queue queue) {
            this.queues = queues;
            this.queue = queue;
        }

        @Override
        public DlqDestinationConfig bind(IEventSourceMapping target, IFunction targetHandler) {
            queues.grantSendTo(targetHandler, queue);
            return DlqDestinationConfig.builder()
                    .destination(queue.getQueueArn())
                    .build();
        }
    }

    EventBus bus() {
        return bus;
    }

    Queue failureQueue() {
        return failureQueue;
    }

    Function function() {
        return function;
    }

    EventSourceMapping source() {
        return source;
    }
}
