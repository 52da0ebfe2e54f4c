package dev.sieve.infra;

import dev.sieve.shared.queue.Priority;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The queues' alarms: every dead-letter queue alarms as soon as it holds a message; the real-time queue
 * when its oldest message is older than the real-time budget; every work queue and the jobs queue when its
 * oldest message has waited half the queue's retention (SQS deletes a message unread when the retention
 * ends, so its request or job would never finish; half leaves the other half to add workers or fix the
 * consumer, and the reaper fails requests after a day and jobs after three, inside the default 4 days).
 */
final class QueueAlarms extends Concern {

    /** What the alarms watch, and where they are sent. */
    record Props(SieveQueues queues, IQueue batchEventDeadLetterQueue, int realtimeBudgetMillis, Topic topic) {
        Props {
            Objects.requireNonNull(queues, "queues");
            Objects.requireNonNull(batchEventDeadLetterQueue, "batchEventDeadLetterQueue");
            Objects.requireNonNull(topic, "topic");
        }
    }

    private static final Duration ONE_MINUTE = Duration.minutes(1);

    private final Props props;
    private final List<Alarm> alarms = new ArrayList<>();

    QueueAlarms(Construct scope, String id, Props props) {
        super(scope, id);
        this.props = props;
        SieveQueues queues = props.queues();
        for (Priority priority : Priority.values()) {
            String name = SieveMonitoring.name(priority);
            notEmpty(
                    name + "DeadLetterQueueNotEmpty",
                    queues.deadLetterQueue(priority),
                    "Sieve: messages in the " + name + " dead-letter queue (poison or repeatedly failing messages);"
                            + " the reaper fails their requests within minutes (to re-drive instead, pause it: see"
                            + " the README)");
        }
        notEmpty(
                "JobsDeadLetterQueueNotEmpty",
                queues.jobsDeadLetterQueue(),
                "Sieve: batch-transform tasks (chunk or assemble) that failed repeatedly; the reaper fails their"
                        + " jobs within minutes (to re-drive instead, pause it: see the README)");
        notEmpty(
                "BatchEventDeadLetterQueueNotEmpty",
                props.batchEventDeadLetterQueue(),
                "Sieve: S3 job events that the batch-job Lambda failed to process");
        int budgetSeconds = Math.max(1, (props.realtimeBudgetMillis() + 999) / 1000);
        alarm(
                "RealtimeOldestMessageOverBudget",
                queues.queue(Priority.REALTIME).metricApproximateAgeOfOldestMessage(SieveMonitoring.max(ONE_MINUTE)),
                budgetSeconds + 1,
                3,
                "Sieve: the oldest real-time message is older than the real-time budget (" + budgetSeconds
                        + " s) for 3 minutes; workers are missing or too few");
        for (Priority priority : Priority.values()) {
            halfRetention(SieveMonitoring.name(priority), queues.queue(priority));
        }
        halfRetention("Jobs", queues.jobsQueue());
        queues.lanes().forEach((tenant, lane) -> {
            String name = SieveQueues.laneId(tenant);
            notEmpty(
                    name + "DeadLetterQueueNotEmpty",
                    queues.laneDeadLetterQueues().get(tenant),
                    "Sieve: messages in the dead-letter queue of tenant " + tenant + "'s dedicated lane; the reaper"
                            + " fails their requests within minutes");
            alarm(
                    name + "OldestMessageOverBudget",
                    lane.metricApproximateAgeOfOldestMessage(SieveMonitoring.max(ONE_MINUTE)),
                    budgetSeconds + 1,
                    3,
                    "Sieve: the oldest message of tenant " + tenant + "'s dedicated lane is older than the real-time"
                            + " budget (" + budgetSeconds + " s) for 3 minutes; its lane workers are missing or too"
                            + " few (raise laneMaxWorkers)");
            halfRetention(name, lane);
        });
    }

    private void notEmpty(String id, IQueue queue, String description) {
        alarm(id, queue.metricApproximateNumberOfMessagesVisible(SieveMonitoring.max(ONE_MINUTE)), 1, 1, description);
    }

    private void halfRetention(String name, IQueue queue) {
        int threshold = props.queues().retentionSeconds() / 2;
        alarm(
                name + "OldestMessageHalfRetention",
                queue.metricApproximateAgeOfOldestMessage(SieveMonitoring.max(Duration.minutes(5))),
                threshold,
                1,
                "Sieve: the oldest message of the " + name + " queue has waited " + threshold / 3600
                        + " hours, half the queue's retention; SQS deletes it unread at the end of the retention."
                        + " Check that workers (or the batch-job Lambda) consume the queue");
    }

    private void alarm(String id, Metric metric, double threshold, int periods, String description) {
        alarms.add(SieveMonitoring.atOrAbove(this, props.topic(), id, metric, threshold, periods, description));
    }

    List<Alarm> alarms() {
        return List.copyOf(alarms);
    }
}
