package dev.sieve.infra;

import dev.sieve.shared.config.ResourceDefaults;
import dev.sieve.shared.queue.Priority;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The three work queues (real-time, async, batch) and the jobs queue (batch-transform chunk and
 * assemble tasks, {@code dev.sieve.shared.job.JobTask}), each with its own dead-letter queue. Secure by
 * default: SSE-SQS encryption (or the customer-managed {@link DataKey}), TLS-only access policy, a finite receive count and long polling. A work
 * queue's visibility timeout equals the worker's lease (its heart-beat extends leases while it works);
 * the jobs queue's is {@link #JOBS_VISIBILITY_TIMEOUT_SECONDS}, six times the timeout of the Lambda
 * that consumes it (AWS guidance for SQS event sources).
 */
public final class SieveQueues extends Construct {

    /** Six times the batch-job Lambda's timeout: AWS guidance for a queue that is a Lambda event source. */
    public static final int JOBS_VISIBILITY_TIMEOUT_SECONDS = 6 * BatchJobFunction.TIMEOUT_SECONDS;

    /**
     * Settings of the queues; every field has a safe default.
     *
     * @param dataKey the key of every queue ({@link DataKey#AWS_MANAGED}, SSE-SQS, by default)
     */
    public record Props(
            int visibilityTimeoutSeconds,
            int maxReceiveCount,
            int receiveWaitSeconds,
            int retentionSeconds,
            int deadLetterRetentionSeconds,
            DataKey dataKey,
            List<String> laneTenants) {
        public Props {
            Objects.requireNonNull(dataKey, "dataKey");
            laneTenants = List.copyOf(laneTenants);
        }

        public Props(
                int visibilityTimeoutSeconds,
                int maxReceiveCount,
                int receiveWaitSeconds,
                int retentionSeconds,
                int deadLetterRetentionSeconds,
                DataKey dataKey) {
            this(
                    visibilityTimeoutSeconds,
                    maxReceiveCount,
                    receiveWaitSeconds,
                    retentionSeconds,
                    deadLetterRetentionSeconds,
                    dataKey,
                    List.of());
        }

        /** A copy in which each of {@code tenants} gets a dedicated real-time lane queue (and its DLQ). */
        public Props withLaneTenants(List<String> tenants) {
            return new Props(
                    visibilityTimeoutSeconds,
                    maxReceiveCount,
                    receiveWaitSeconds,
                    retentionSeconds,
                    deadLetterRetentionSeconds,
                    dataKey,
                    tenants);
        }

        public static Props defaults() {
            return new Props(
                    ResourceDefaults.VISIBILITY_TIMEOUT_SECONDS,
                    ResourceDefaults.MAX_RECEIVE_COUNT,
                    ResourceDefaults.RECEIVE_WAIT_SECONDS,
                    ResourceDefaults.MESSAGE_RETENTION_SECONDS,
                    ResourceDefaults.DLQ_MESSAGE_RETENTION_SECONDS,
                    DataKey.AWS_MANAGED);
        }

        public Props withVisibilityTimeoutSeconds(int seconds) {
            return new Props(
                    seconds,
                    maxReceiveCount,
                    receiveWaitSeconds,
                    retentionSeconds,
                    deadLetterRetentionSeconds,
                    dataKey,
                    laneTenants);
        }

        public Props withMaxReceiveCount(int count) {
            return new Props(
                    visibilityTimeoutSeconds,
                    count,
                    receiveWaitSeconds,
                    retentionSeconds,
                    deadLetterRetentionSeconds,
                    dataKey,
                    laneTenants);
        }

        public Props withDataKey(DataKey key) {
            return new Props(
                    visibilityTimeoutSeconds,
                    maxReceiveCount,
                    receiveWaitSeconds,
                    retentionSeconds,
                    deadLetterRetentionSeconds,
                    key,
                    laneTenants);
        }
    }

    /** What a producer calls: SendMessage (the SDK may look the URL and attributes up first). */
    static final List<String> SEND_ACTIONS = List.of("sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl");

    private final Map<Priority, Queue> queues = new EnumMap<>(Priority.class);
    private final Map<Priority, Queue> deadLetterQueues = new EnumMap<>(Priority.class);
    private final Map<String, Queue> lanes = new LinkedHashMap<>();
    private final Map<String, Queue> laneDeadLetterQueues = new LinkedHashMap<>();
    private final Queue jobsQueue;
    private final Queue jobsDeadLetterQueue;
    private final DataKey dataKey;
    private final int retentionSeconds;

    public SieveQueues(Construct scope, String id, Props props) {
        super(scope, id);
        Objects.requireNonNull(props, "props");
        dataKey = props.dataKey();
        retentionSeconds = props.retentionSeconds();
        for (Priority priority : Priority.values()) {
            String name =
                    switch (priority) {
                        case REALTIME -> "Realtime";
                        case ASYNC -> "Async";
                        case BATCH -> "Batch";
                    };
            Queue dlq = deadLetterQueue(name, name.toLowerCase(java.util.Locale.ROOT) + " work queue", props);
            Queue queue = queue(name, props.visibilityTimeoutSeconds(), dlq, props.maxReceiveCount(), props);
            queues.put(priority, queue);
            deadLetterQueues.put(priority, dlq);
        }
        jobsDeadLetterQueue = deadLetterQueue("Jobs", "jobs (batch-transform task) queue", props);
        jobsQueue = queue(
                "Jobs",
                JOBS_VISIBILITY_TIMEOUT_SECONDS,
                jobsDeadLetterQueue,
                ResourceDefaults.JOBS_MAX_RECEIVE_COUNT,
                props);
        for (String tenant : props.laneTenants()) {
            String name = laneId(tenant);
            Queue dlq = deadLetterQueue(name, "dedicated real-time lane of tenant " + tenant, props);
            lanes.put(tenant, queue(name, props.visibilityTimeoutSeconds(), dlq, props.maxReceiveCount(), props));
            laneDeadLetterQueues.put(tenant, dlq);
        }
    }

    /**
     * The construct id of {@code tenant}'s lane: {@code Lane} and the tenant's letters and digits
     * ({@code bank.eu} → {@code LaneBankeu}); {@link SieveStackProps} refuses two tenants with the same one.
     */
    static String laneId(String tenant) {
        String alphanumeric = tenant.replaceAll("[^A-Za-z0-9]", "");
        return "Lane" + Character.toUpperCase(alphanumeric.charAt(0)) + alphanumeric.substring(1);
    }

    /** The dedicated real-time lane queues, by tenant (empty unless {@code -c dedicatedTenants}). */
    public Map<String, Queue> lanes() {
        return java.util.Collections.unmodifiableMap(lanes);
    }

    /** The lanes' dead-letter queues, by tenant. */
    public Map<String, Queue> laneDeadLetterQueues() {
        return java.util.Collections.unmodifiableMap(laneDeadLetterQueues);
    }

    /** Send on every lane queue: the gate's HTTP handler (only real-time requests use a lane). */
    public void grantSendLanes(IGrantable grantee) {
        lanes.values().forEach(q -> grantSendTo(grantee, q));
    }

    private Queue deadLetterQueue(String name, String of, Props props) {
        Queue dlq = encrypted(Queue.Builder.create(this, name + "DeadLetterQueue"))
                .enforceSsl(true)
                .retentionPeriod(Duration.seconds(props.deadLetterRetentionSeconds()))
                .build();
        Validations.of(dlq)
                .acknowledge(Acknowledgments.of(
                        "AwsSolutions-SQS3",
                        "This queue is itself the dead-letter queue of the " + of
                                + "; a DLQ of a DLQ would only move the same poison messages again."));
        return dlq;
    }

    private Queue queue(String name, int visibilityTimeoutSeconds, Queue dlq, int maxReceiveCount, Props props) {
        return encrypted(Queue.Builder.create(this, name + "Queue"))
                .enforceSsl(true)
                .visibilityTimeout(Duration.seconds(visibilityTimeoutSeconds))
                .receiveMessageWaitTime(Duration.seconds(props.receiveWaitSeconds()))
                .retentionPeriod(Duration.seconds(props.retentionSeconds()))
                .deadLetterQueue(DeadLetterQueue.builder()
                        .queue(dlq)
                        .maxReceiveCount(maxReceiveCount)
                        .build())
                .build();
    }

    public Queue queue(Priority priority) {
        return queues.get(priority);
    }

    public Queue deadLetterQueue(Priority priority) {
        return deadLetterQueues.get(priority);
    }

    /** Batch-transform chunk and assemble tasks; the batch-job Lambda consumes it. */
    public Queue jobsQueue() {
        return jobsQueue;
    }

    public Queue jobsDeadLetterQueue() {
        return jobsDeadLetterQueue;
    }

    /** Work queues in priority order (real-time first). */
    public List<Queue> all() {
        return List.copyOf(queues.values());
    }

    public List<Queue> allDeadLetterQueues() {
        return List.copyOf(deadLetterQueues.values());
    }

    /** How long the work queues and the jobs queue keep a message before SQS deletes it unread. */
    public int retentionSeconds() {
        return retentionSeconds;
    }

    /**
     * How every Sieve queue is encrypted, including queues other constructs make (the batch-job function's
     * event DLQ): SSE-SQS, or the customer-managed key.
     */
    Queue.Builder encrypted(Queue.Builder builder) {
        return dataKey.key() == null
                ? builder.encryption(QueueEncryption.SQS_MANAGED)
                : builder.encryption(QueueEncryption.KMS).encryptionMasterKey(dataKey.key());
    }

    /**
     * Send (and read attributes) on {@code queue}, with the key's kms:GenerateDataKey and kms:Decrypt. Not
     * CDK's {@code grantSendMessages}, which adds kms:Encrypt, kms:ReEncrypt* and kms:GenerateDataKey*.
     */
    void grantSendTo(IGrantable grantee, IQueue queue) {
        grantee.getGrantPrincipal()
                .addToPrincipalPolicy(PolicyStatement.Builder.create()
                        .effect(Effect.ALLOW)
                        .actions(SEND_ACTIONS)
                        .resources(List.of(queue.getQueueArn()))
                        .build());
        dataKey.grantQueueSend(grantee);
    }

    /** Send (and read attributes) on every work queue: the gate's producers. */
    public void grantSend(IGrantable grantee) {
        queues.values().forEach(q -> grantSendTo(grantee, q));
    }

    /**
     * Send on the jobs queue: the gate (starting a job, re-sending a missed assemble) and the worker
     * (an assemble task when it completes a job's last chunk).
     */
    public void grantSendJobs(IGrantable grantee) {
        grantSendTo(grantee, jobsQueue);
    }

    /** What the reaper calls on a dead-letter queue: it receives (with its own visibility timeout) and deletes. */
    static final List<String> DRAIN_ACTIONS = List.of("sqs:ReceiveMessage", "sqs:DeleteMessage");

    /**
     * Receive and delete on exactly {@code deadLetterQueues}, with the key's kms:Decrypt: the reaper. No
     * GetQueueAttributes or GetQueueUrl (it is given the URLs), no ChangeMessageVisibility (the receive sets it).
     */
    void grantDrain(IGrantable grantee, List<IQueue> deadLetterQueues) {
        grantee.getGrantPrincipal()
                .addToPrincipalPolicy(PolicyStatement.Builder.create()
                        .effect(Effect.ALLOW)
                        .actions(DRAIN_ACTIONS)
                        .resources(deadLetterQueues.stream()
                                .map(IQueue::getQueueArn)
                                .toList())
                        .build());
        dataKey.grantDecrypt(grantee);
    }

    /** Receive, delete and change visibility on every work queue: the worker (CDK adds only kms:Decrypt). */
    public void grantConsume(IGrantable grantee) {
        queues.values().forEach(q -> q.grantConsumeMessages(grantee));
    }
}
