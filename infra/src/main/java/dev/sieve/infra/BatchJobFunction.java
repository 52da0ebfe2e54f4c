package dev.sieve.infra;

import dev.sieve.shared.result.BucketLayout;
import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.DestinationConfig;
import software.amazon.awscdk.services.lambda.DestinationOptions;
import software.amazon.awscdk.services.lambda.EventInvokeConfig;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IDestination;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.EventType;
import software.amazon.awscdk.services.s3.NotificationKeyFilter;
import software.amazon.awscdk.services.s3.notifications.LambdaDestination;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The batch-job function: S3 invokes it when a manifest lands under {@code jobs/in/} or a presigned upload
 * under {@code uploads/} (two retries, then a dead-letter queue), and it consumes the jobs queue's chunk
 * and assemble tasks in small batches with partial failures.
 */
final class BatchJobFunction extends Concern {

    /** The S3 batch-job handler in the gate jar. */
    static final String HANDLER = "dev.sieve.gate.batch.S3JobHandler::handleRequest";
    /** Timeout of the batch-job Lambda (the Lambda maximum: assembling a large output takes minutes). */
    static final int TIMEOUT_SECONDS = 15 * 60;
    /**
     * Jobs-queue messages per invocation of the batch-job Lambda: a chunk task gates about a thousand
     * manifest lines (seconds); a small batch keeps a slow assemble task from holding many others, and
     * the handler reports failures per message.
     */
    static final int JOBS_BATCH_SIZE = 5;

    /** Settings of the function. */
    record Props(Code code, int memoryMb, RetentionDays logRetention, SieveStorage storage, SieveQueues queues) {
        Props {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(logRetention, "logRetention");
            Objects.requireNonNull(storage, "storage");
            Objects.requireNonNull(queues, "queues");
        }
    }

    private final Queue eventDeadLetterQueue;
    private final Function function;

    BatchJobFunction(Construct scope, String id, Props props) {
        super(scope, id);
        eventDeadLetterQueue = props.queues()
                .encrypted(Queue.Builder.create(this, "BatchEventDeadLetterQueue"))
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        Validations.of(eventDeadLetterQueue)
                .acknowledge(Acknowledgments.of(
                        "AwsSolutions-SQS3",
                        "This queue is the dead-letter queue for failed S3-event invocations of the batch-job"
                                + " Lambda; it has no consumer and no DLQ of its own by design."));
        function = JavaFunctions.create(
                this,
                "BatchJobFunction",
                new JavaFunctions.Spec(
                        HANDLER,
                        props.code(),
                        props.memoryMb(),
                        Duration.seconds(TIMEOUT_SECONDS),
                        props.logRetention(),
                        "Sieve gate: batch-transform jobs (manifests under " + BucketLayout.JOBS_IN
                                + ", jobs-queue tasks) and presigned uploads under " + BucketLayout.UPLOADS,
                        false));
        // S3 invokes asynchronously: two retries, then the event goes to the DLQ (alarmed).
        EventInvokeConfig.Builder.create(this, "BatchJobInvokeConfig")
                .function(function)
                .retryAttempts(2)
                .maxEventAge(Duration.hours(6))
                .onFailure(new FailedEventQueue(props.queues(), eventDeadLetterQueue))
                .build();
        // Chunk and assemble tasks of batch-transform jobs. S3JobHandler answers with batchItemFailures
        // (a partial batch response), so one failing task is retried alone; after maxReceiveCount it
        // lands in the jobs DLQ (alarmed).
        function.addEventSource(SqsEventSource.Builder.create(props.queues().jobsQueue())
                .batchSize(JOBS_BATCH_SIZE)
                .reportBatchItemFailures(true)
                .build());
        notifyOnObjectsCreated(props.storage());
        grant(props.storage(), props.queues());
    }

    /** A manifest under jobs/in/ starts a job; a presigned-upload body under uploads/ is an async request. */
    private void notifyOnObjectsCreated(SieveStorage storage) {
        storage.bucket()
                .addEventNotification(
                        EventType.OBJECT_CREATED,
                        new LambdaDestination(function),
                        NotificationKeyFilter.builder()
                                .prefix(BucketLayout.JOBS_IN)
                                .build());
        storage.bucket()
                .addEventNotification(
                        EventType.OBJECT_CREATED,
                        new LambdaDestination(function),
                        NotificationKeyFilter.builder()
                                .prefix(BucketLayout.UPLOADS)
                                .suffix(".json")
                                .build());
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

    /**
     * Least privilege, per prefix, from the S3 calls of the batch handler's code (JobService chunk and
     * assemble tasks, GateService.processUpload, QueuePublisher, DynamoDbRequestStore, BundleLocator):
     *
     * <ul>
     *   <li>{@code bundles/}: ListObjectsV2 and GetObject: read;
     *   <li>{@code jobs/in/}: HeadObject and ranged GetObject of a manifest (SCAN and CHUNK tasks): read;
     *   <li>{@code uploads/}: HeadObject and GetObject of an uploaded body: read;
     *   <li>{@code jobs/parts/}: PutObject of chunk-index segments and gate part files, GetObject of the index
     *       and both part files at assembly (404 for a chunk without an expert part): both;
     *   <li>{@code jobs/out/}: one PutObject of {@code <name>.out}: write;
     *   <li>{@code payloads/}: PutObject of escalated texts too large for a message: write;
     *   <li>{@code results/}: PutObject of an upload's gate results (the HTTP function reads them): write.
     * </ul>
     *
     * It consumes (via the event source) and sends job tasks.
     */
    private void grant(SieveStorage storage, SieveQueues queues) {
        storage.grantReadPrefixes(function, List.of(BucketLayout.BUNDLES, BucketLayout.JOBS_IN, BucketLayout.UPLOADS));
        storage.grantReadWritePrefixes(function, List.of(BucketLayout.JOBS_PARTS));
        storage.grantWritePrefixes(
                function, List.of(BucketLayout.JOBS_OUT, BucketLayout.PAYLOADS, BucketLayout.RESULTS));
        storage.grantListBucket(function);
        storage.grantTableItems(function, GateHttpFunction.TABLE_ACTIONS);
        queues.grantSend(function);
        queues.grantSendJobs(function);
    }

    /**
     * CDK's {@code SqsDestination}, with Sieve's send grant: the same queue ARN as the failure destination,
     * but the key's exact actions rather than {@code grantSendMessages}' kms:Encrypt, kms:ReEncrypt* and
     * kms:GenerateDataKey*. A plain class: jsii calls {@code bind} back.
     */
    private static final class FailedEventQueue implements IDestination {
        private final SieveQueues queues;
        private final IQueue queue;

        FailedEventQueue(SieveQueues queues, IQueue queue) {
            this.queues = queues;
            this.queue = queue;
        }

        @Override
        public DestinationConfig bind(Construct scope, IFunction fn, DestinationOptions options) {
            return bind(scope, fn);
        }

        @Override
        public DestinationConfig bind(Construct scope, IFunction fn) {
            queues.grantSendTo(fn, queue);
            return DestinationConfig.builder().destination(queue.getQueueArn()).build();
        }
    }

    Queue eventDeadLetterQueue() {
        return eventDeadLetterQueue;
    }

    Function function() {
        return function;
    }
}
