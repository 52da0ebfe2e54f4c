package dev.sieve.infra;

import dev.sieve.shared.config.EnvironmentVariables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.EventInvokeConfig;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The reaper (issue 11: nothing pending forever): a Lambda that an EventBridge rule runs every {@value
 * #SCHEDULE_MINUTES} minutes. Each run drains the dead-letter queues of the work queues and the jobs queue,
 * failing the request or job each dead message belongs to, and fails requests and jobs past their deadline
 * ({@code dev.sieve.gate.reaper.Reaper}). Local mode runs the same class on a 30 s timer.
 *
 * <p>Why five minutes: a dead message is the end of its work (the receive budget is spent), so a caller
 * polling its request learns within minutes that it failed, while the deadline sweep (a day for requests,
 * three for jobs) needs only hours. The deadline sweep queries the sparse index of unfinished rows (one Query
 * per shard), so a run costs what is unfinished, not the table's size. The timeout ({@value #TIMEOUT_SECONDS} s) stays under the interval so
 * runs do not overlap (they would be safe, every mark is conditional, only wasteful); Lambda does not retry a
 * failed run, the next tick does. No reserved concurrency: a new account's concurrency limit of 10 leaves none
 * to reserve, and the deploy would fail.
 */
final class ReaperFunction extends Concern {

    /** The reaper's handler in the gate jar. */
    static final String HANDLER = "dev.sieve.gate.reaper.ReaperHandler::handleRequest";

    static final int SCHEDULE_MINUTES = 5;
    static final int TIMEOUT_SECONDS = 4 * 60;
    static final int MEMORY_MB = 512;

    /**
     * DynamoDB actions of the reaper's store calls on the table: (besides Query on the sparse index of
     * unfinished rows only, UnfinishedIndex, the deadline sweep) UpdateItem (RequestStore.fail, JobStore.fail, both conditional) and GetItem
     * (JobStore.job, the failed job's manifest for its event). No Scan, PutItem or DeleteItem: nothing it
     * calls uses them.
     */
    static final List<String> TABLE_ACTIONS = List.of("dynamodb:GetItem", "dynamodb:UpdateItem");

    /** What the reaper reads from its own configuration, besides the dead-letter queues it is given. */
    static final List<String> ENVIRONMENT = List.of(
            EnvironmentVariables.TABLE_NAME, EnvironmentVariables.BUCKET_NAME, EnvironmentVariables.METRICS_NAMESPACE);

    /** Settings of the function. */
    record Props(Code code, RetentionDays logRetention, SieveStorage storage, SieveQueues queues) {
        Props {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(logRetention, "logRetention");
            Objects.requireNonNull(storage, "storage");
            Objects.requireNonNull(queues, "queues");
        }
    }

    private final Function function;
    private final Rule schedule;

    ReaperFunction(Construct scope, String id, Props props) {
        super(scope, id);
        function = JavaFunctions.create(
                this,
                "ReaperFunction",
                new JavaFunctions.Spec(
                        HANDLER,
                        props.code(),
                        MEMORY_MB,
                        Duration.seconds(TIMEOUT_SECONDS),
                        props.logRetention(),
                        "Sieve reaper: fails requests and jobs whose work reached a dead-letter queue or passed"
                                + " its deadline",
                        false));
        // Lambda's Errors alarm (SieveMonitoring) reports a failed run; a retry would only race the next tick.
        EventInvokeConfig.Builder.create(this, "ReaperInvokeConfig")
                .function(function)
                .retryAttempts(0)
                .build();
        schedule = Rule.Builder.create(this, "ReaperSchedule")
                .description("Runs the Sieve reaper every " + SCHEDULE_MINUTES + " minutes (pause it to re-drive"
                        + " dead-letter queues, see the README)")
                .schedule(Schedule.rate(Duration.minutes(SCHEDULE_MINUTES)))
                .targets(List.of(LambdaFunction.Builder.create(function).build()))
                .build();
        List<IQueue> deadLetterQueues = deadLetterQueues(props.queues());
        function.addEnvironment(
                EnvironmentVariables.DEAD_LETTER_QUEUE_URLS,
                Fn.join(",", deadLetterQueues.stream().map(IQueue::getQueueUrl).toList()));
        props.queues().grantDrain(function, deadLetterQueues);
        props.storage().grantTableItems(function, TABLE_ACTIONS);
        props.storage().grantUnfinishedIndexQuery(function);
    }

    /**
     * The queues whose messages are Sieve's own formats: the work queues', the jobs queue's and the
     * dedicated lanes' dead-letter queues. Not the batch-job function's failed-event queue: Lambda's failure records name no request or
     * job, and what they would have started is failed by the deadline sweep.
     */
    static List<IQueue> deadLetterQueues(SieveQueues queues) {
        List<IQueue> all = new ArrayList<>(queues.allDeadLetterQueues());
        all.add(queues.jobsDeadLetterQueue());
        all.addAll(queues.laneDeadLetterQueues().values());
        return List.copyOf(all);
    }

    /** The variables of {@link #ENVIRONMENT} from the stack's common environment. */
    void addEnvironment(Map<String, String> common) {
        ENVIRONMENT.forEach(name -> {
            if (common.containsKey(name)) {
                function.addEnvironment(name, common.get(name));
            }
        });
    }

    Function function() {
        return function;
    }

    Rule schedule() {
        return schedule;
    }
}
