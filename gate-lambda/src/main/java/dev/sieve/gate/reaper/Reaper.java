package dev.sieve.gate.reaper;

import dev.sieve.contract.JobStore;
import dev.sieve.contract.RequestStore;
import dev.sieve.gate.JsonLog;
import dev.sieve.gate.batch.CompletionEvents;
import dev.sieve.shared.job.JobTask;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.queue.QueueMessage;
import dev.sieve.shared.tenant.Tenant;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Nothing stays pending forever: each {@link #run} turns into FAILED (with a reason, and a failure event)
 * the requests and jobs whose work reached a dead-letter queue, and those still unfinished past their
 * deadline. A dead message is deleted only after its request or job is marked (or found already finished),
 * so a crash in between leaves it for the next run. Every mark is the stores' conditional {@code fail}: a
 * worker that completes late and the reaper cannot both win, and a second run changes nothing.
 */
public final class Reaper {
    /**
     * A request still unfinished a day after it was created is failed: well inside the work queues' 4-day
     * retention, after which SQS would drop its messages silently.
     */
    public static final Duration DEFAULT_REQUEST_DEADLINE = Duration.ofDays(1);

    /** A job still unfinished three days after it was created is failed (inside the 4-day retention). */
    public static final Duration DEFAULT_JOB_DEADLINE = Duration.ofDays(3);

    /** Dead messages read per queue and run (10 per receive); the rest wait for the next run. */
    static final int MAX_DEAD_MESSAGES_PER_QUEUE = 1_000;

    /** Overdue requests and jobs failed per run. */
    static final int MAX_OVERDUE_PER_RUN = 1_000;

    private static final Set<String> WORK_KINDS =
            Set.of(QueueMessage.Kind.REQUEST.name(), QueueMessage.Kind.JOB_CHUNK.name());

    private final RequestStore requests;
    private final JobStore jobs;
    private final SqsClient sqs;
    private final List<String> deadLetterQueueUrls;
    private final CompletionEvents events;
    private final Duration requestDeadline;
    private final Duration jobDeadline;
    private final Clock clock;

    /** What one run did. */
    public record Outcome(long deadMessages, long requestsFailed, long jobsFailed, long unreadable) {}

    public Reaper(
            RequestStore requests,
            JobStore jobs,
            SqsClient sqs,
            List<String> deadLetterQueueUrls,
            CompletionEvents events,
            Duration requestDeadline,
            Duration jobDeadline,
            Clock clock) {
        this.requests = requests;
        this.jobs = jobs;
        this.sqs = sqs;
        this.deadLetterQueueUrls = List.copyOf(deadLetterQueueUrls);
        this.events = events;
        this.requestDeadline = requestDeadline;
        this.jobDeadline = jobDeadline;
        this.clock = clock;
    }

    public Outcome run() {
        Counts counts = new Counts();
        for (String queueUrl : deadLetterQueueUrls) {
            drain(queueUrl, counts);
        }
        long now = clock.millis();
        for (String requestId :
                requests.unfinishedCreatedBefore(now - requestDeadline.toMillis(), MAX_OVERDUE_PER_RUN)) {
            failRequest(requestId, "deadline", "not answered within " + requestDeadline, counts);
        }
        for (String jobId : jobs.unfinishedCreatedBefore(now - jobDeadline.toMillis(), MAX_OVERDUE_PER_RUN)) {
            failJob(jobId, "not finished within " + jobDeadline, counts);
        }
        Outcome outcome = new Outcome(counts.dead, counts.requests, counts.jobs, counts.unreadable);
        JsonLog.info(
                "reaper run",
                Map.of(
                        "dead_messages", outcome.deadMessages(),
                        "requests_failed", outcome.requestsFailed(),
                        "jobs_failed", outcome.jobsFailed(),
                        "unreadable", outcome.unreadable()));
        return outcome;
    }

    private void drain(String queueUrl, Counts counts) {
        for (int read = 0; read < MAX_DEAD_MESSAGES_PER_QUEUE; ) {
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(0)
                            .visibilityTimeout(60))
                    .messages();
            if (messages.isEmpty()) {
                return;
            }
            read += messages.size();
            for (Message message : messages) {
                if (mark(message.body(), counts)) {
                    counts.dead++;
                    sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                } else {
                    counts.unreadable++; // left in the queue for a person: it names no request or job
                }
            }
        }
    }

    /** Marks the request or job a dead message belongs to; false when the body is neither format. */
    private boolean mark(String body, Counts counts) {
        String kind;
        try {
            kind = Json.mapper().readTree(body).path("kind").asText("");
        } catch (java.io.IOException e) {
            return false;
        }
        try {
            if (WORK_KINDS.contains(kind)) {
                QueueMessage message = Json.read(body, QueueMessage.class);
                if (message.kind() == QueueMessage.Kind.REQUEST) {
                    failRequest(
                            message.requestId(),
                            "dead_letter",
                            "the expert could not process its items (dead-letter queue)",
                            counts);
                } else {
                    failJob(message.requestId(), "chunk " + message.chunk() + " reached the dead-letter queue", counts);
                }
                return true;
            }
            JobTask task = Json.read(body, JobTask.class);
            failJob(task.jobId(), "a " + task.kind() + " task reached the dead-letter queue", counts);
            return true;
        } catch (Json.JsonFormatException e) {
            return false; // not one of our formats
        }
    }

    private void failRequest(String requestId, String code, String message, Counts counts) {
        if (requests.fail(requestId, code, "items", message)) {
            counts.requests++;
            events.requestFailed(new CompletionEvents.RequestFailed(requestId, code + ": " + message));
        }
    }

    private void failJob(String jobId, String reason, Counts counts) {
        if (jobs.fail(jobId, reason, clock.millis())) {
            counts.jobs++;
            String manifest = jobs.job(jobId).map(JobStore.Job::manifestUri).orElse("");
            events.jobFailed(new CompletionEvents.JobFailed(
                    Tenant.nameOrUnknown(jobId), Tenant.unscopedOrSelf(jobId), manifest, reason));
        }
    }

    private static final class Counts {
        long dead;
        long requests;
        long jobs;
        long unreadable;
    }
}
