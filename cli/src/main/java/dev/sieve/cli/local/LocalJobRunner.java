package dev.sieve.cli.local;

import dev.sieve.contract.CapacityException;
import dev.sieve.gate.batch.S3JobHandler;
import dev.sieve.gate.service.InvalidRequestException;
import dev.sieve.shared.job.JobTask;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.result.BucketLayout;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * What AWS does around the job Lambda, done locally: S3Proxy sends no bucket notifications, so this
 * lists {@code jobs/in/} and {@code uploads/} every second and hands new objects to the handler; and
 * it plays the SQS trigger of the jobs queue (chunk and assemble tasks), deleting a task only when the
 * handler succeeded (a failed task is redelivered, then dead-lettered).
 */
final class LocalJobRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalJobRunner.class);

    private final S3JobHandler handler;
    private final GateTime time;
    private final S3Client s3;
    private final SqsClient sqs;
    private final String bucket;
    private final String jobsQueueUrl;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Set<String> seen = new HashSet<>();
    private final AtomicLong tasksHandled = new AtomicLong();
    private final List<Thread> threads;

    LocalJobRunner(
            S3JobHandler handler,
            S3Client s3,
            SqsClient sqs,
            String bucket,
            String jobsQueueUrl,
            int taskThreads,
            GateTime time) {
        this.handler = handler;
        this.time = time;
        this.s3 = s3;
        this.sqs = sqs;
        this.bucket = bucket;
        this.jobsQueueUrl = jobsQueueUrl;
        Thread watcher = new Thread(this::watchBucket, "local-bucket-watch");
        watcher.setDaemon(true);
        java.util.ArrayList<Thread> all = new java.util.ArrayList<>();
        all.add(watcher);
        for (int i = 0; i < taskThreads; i++) {
            Thread consumer = new Thread(this::consumeTasks, "local-job-tasks-" + i);
            consumer.setDaemon(true);
            all.add(consumer);
        }
        this.threads = List.copyOf(all);
        threads.forEach(Thread::start);
    }

    long tasksHandled() {
        return tasksHandled.get();
    }

    private void watchBucket() {
        while (running.get()) {
            try {
                scan(BucketLayout.JOBS_IN);
                scan(BucketLayout.UPLOADS);
            } catch (RuntimeException e) {
                if (running.get()) {
                    LOG.warn("bucket watch failed: {}", e.toString());
                }
            }
            sleep(1000);
        }
    }

    private void scan(String prefix) {
        for (S3Object object :
                s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            String identity = object.key() + "@" + object.eTag();
            if (seen.contains(identity)) {
                continue;
            }
            try {
                GateTime.Mark start = GateTime.start();
                handler.onObjectCreated(object.key());
                time.add(start);
                seen.add(identity);
            } catch (InvalidRequestException e) {
                // listed but gone (S3Proxy lists in-progress uploads under a temporary name): skip quietly
                LOG.debug("skipping s3://{}/{}: {}", bucket, object.key(), e.getMessage());
                seen.add(identity);
            } catch (CapacityException e) {
                // a dependency outage: the next watch round tries again (as Lambda retries an S3 event)
                LOG.warn("could not start work for s3://{}/{} yet: {}", bucket, object.key(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("could not start work for s3://{}/{}: {}", bucket, object.key(), e.getMessage());
                seen.add(identity); // like an S3 notification, it is not retried forever
            }
        }
    }

    private void consumeTasks() {
        while (running.get()) {
            List<Message> messages;
            try {
                messages = sqs.receiveMessage(b ->
                                b.queueUrl(jobsQueueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                        .messages();
            } catch (RuntimeException e) {
                if (running.get()) {
                    LOG.warn("jobs queue receive failed: {}", e.toString());
                    sleep(1000);
                }
                continue;
            }
            for (Message message : messages) {
                try {
                    GateTime.Mark start = GateTime.start();
                    handler.onTask(
                            Json.read(message.body(), JobTask.class), message.messageId(), S3JobHandler.OUTAGE_BUDGET);
                    time.add(start);
                    sqs.deleteMessage(b -> b.queueUrl(jobsQueueUrl).receiptHandle(message.receiptHandle()));
                    tasksHandled.incrementAndGet();
                } catch (RuntimeException e) {
                    LOG.warn("job task failed (it will be redelivered): {}", e.toString());
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        for (Thread thread : threads) {
            try {
                thread.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
