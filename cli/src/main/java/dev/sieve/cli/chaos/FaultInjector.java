package dev.sieve.cli.chaos;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Faults injected into an AWS SDK client, each HTTP attempt drawing one with probability {@code rate}
 * (seeded): a throttle (DynamoDB {@code ProvisionedThroughputExceededException}, SQS {@code
 * ThrottlingException}, S3 503 {@code SlowDown}), a 5xx ({@code InternalError} 500 or {@code
 * ServiceUnavailable} 503), a timeout (the attempt hangs for {@link #TIMEOUT_DELAY} and fails with a
 * socket timeout: half of them before the request is sent, half after the server applied it and only the
 * response is lost) and, on DynamoDB {@code TransactWriteItems}, a transaction conflict ({@code
 * TransactionCanceledException} with reason {@code TransactionConflict}). All but the lost responses are
 * thrown before anything is sent, so nothing is written. The SDK's own retries see them like real
 * faults (throttles, 5xx and timeouts are retried; a conflict is not).
 */
public final class FaultInjector implements ExecutionInterceptor {
    /** What one injected fault looks like. */
    public enum Kind {
        THROTTLE,
        SERVER_ERROR,
        TIMEOUT_BEFORE_SEND,
        RESPONSE_LOST,
        TRANSACTION_CONFLICT
    }

    /** How long an injected timeout hangs before it fails. */
    static final Duration TIMEOUT_DELAY = Duration.ofMillis(1_500);

    private final double rate;
    private final Duration timeoutDelay;
    private final SplittableRandom random;
    private final Map<Kind, AtomicLong> injected = new ConcurrentHashMap<>();
    private volatile boolean enabled = true;

    public FaultInjector(double rate, long seed) {
        this(rate, seed, TIMEOUT_DELAY);
    }

    FaultInjector(double rate, long seed, Duration timeoutDelay) {
        this.timeoutDelay = timeoutDelay;
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("fault rate " + rate + " is not a probability (0..1)");
        }
        this.rate = rate;
        this.random = new SplittableRandom(seed);
        for (Kind kind : Kind.values()) {
            injected.put(kind, new AtomicLong());
        }
    }

    /** Stops injecting (the calm after the storm); calls in flight finish as drawn. */
    public void disable() {
        enabled = false;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Faults injected so far, by kind. */
    public Map<Kind, Long> injected() {
        Map<Kind, Long> copy = new java.util.EnumMap<>(Kind.class);
        injected.forEach((kind, count) -> copy.put(kind, count.get()));
        return copy;
    }

    public long total() {
        return injected.values().stream().mapToLong(AtomicLong::get).sum();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        Kind kind = draw(context.request() instanceof TransactWriteItemsRequest);
        if (kind == null || kind == Kind.RESPONSE_LOST) {
            if (kind == Kind.RESPONSE_LOST) {
                attributes.putAttribute(LOSE_RESPONSE, Boolean.TRUE);
            }
            return;
        }
        count(kind);
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        switch (kind) {
            case THROTTLE -> throw throttle(service);
            case SERVER_ERROR -> throw serverError(service);
            case TIMEOUT_BEFORE_SEND -> throw timeout("before the request was sent");
            case TRANSACTION_CONFLICT -> throw conflict((TransactWriteItemsRequest) context.request());
            default -> throw new IllegalStateException("unreachable: " + kind);
        }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        if (Boolean.TRUE.equals(attributes.getAttribute(LOSE_RESPONSE))) {
            attributes.putAttribute(LOSE_RESPONSE, Boolean.FALSE);
            count(Kind.RESPONSE_LOST);
            throw timeout("after the server applied the request (the response was lost)");
        }
    }

    private static final software.amazon.awssdk.core.interceptor.ExecutionAttribute<Boolean> LOSE_RESPONSE =
            new software.amazon.awssdk.core.interceptor.ExecutionAttribute<>("sieve.chaos.loseResponse");

    private Kind draw(boolean transaction) {
        if (!enabled || rate == 0) {
            return null;
        }
        double roll;
        double pick;
        synchronized (random) {
            roll = random.nextDouble();
            pick = random.nextDouble();
        }
        if (roll >= rate) {
            return null;
        }
        List<Kind> kinds = new ArrayList<>(List.of(Kind.THROTTLE, Kind.SERVER_ERROR, Kind.TIMEOUT_BEFORE_SEND));
        kinds.add(Kind.RESPONSE_LOST);
        if (transaction) {
            kinds.add(Kind.TRANSACTION_CONFLICT);
        }
        return kinds.get(Math.min(kinds.size() - 1, (int) (pick * kinds.size())));
    }

    private void count(Kind kind) {
        injected.get(kind).incrementAndGet();
    }

    static AwsServiceException throttle(String service) {
        return switch (String.valueOf(service)) {
            case "DynamoDb" ->
                ProvisionedThroughputExceededException.builder()
                        .message("injected throttle")
                        .statusCode(400)
                        .awsErrorDetails(details("ProvisionedThroughputExceededException", service))
                        .build();
            case "S3" -> s3(503, "SlowDown");
            default ->
                SqsException.builder()
                        .message("injected throttle")
                        .statusCode(400)
                        .awsErrorDetails(details("ThrottlingException", service))
                        .build();
        };
    }

    static AwsServiceException serverError(String service) {
        boolean unavailable = ThreadLocalCoin.flip();
        int status = unavailable ? 503 : 500;
        String code = unavailable ? "ServiceUnavailable" : "InternalError";
        return switch (String.valueOf(service)) {
            case "DynamoDb" ->
                DynamoDbException.builder()
                        .message("injected " + status)
                        .statusCode(status)
                        .awsErrorDetails(details(code, service))
                        .build();
            case "S3" -> s3(status, code);
            default ->
                SqsException.builder()
                        .message("injected " + status)
                        .statusCode(status)
                        .awsErrorDetails(details(code, service))
                        .build();
        };
    }

    private static AwsServiceException s3(int status, String code) {
        return S3Exception.builder()
                .message("injected " + code)
                .statusCode(status)
                .awsErrorDetails(details(code, "S3"))
                .build();
    }

    private SdkClientException timeout(String when) {
        try {
            Thread.sleep(timeoutDelay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return SdkClientException.create(
                "injected timeout " + when, new SocketTimeoutException("injected: read timed out " + when));
    }

    static TransactionCanceledException conflict(TransactWriteItemsRequest request) {
        List<CancellationReason> reasons = new ArrayList<>();
        for (int i = 0; i < request.transactItems().size(); i++) {
            reasons.add(CancellationReason.builder()
                    .code(i == 0 ? "TransactionConflict" : "None")
                    .build());
        }
        return TransactionCanceledException.builder()
                .message("Transaction cancelled, please refer cancellation reasons for specific reasons")
                .cancellationReasons(reasons)
                .statusCode(400)
                .awsErrorDetails(details("TransactionCanceledException", "DynamoDb"))
                .build();
    }

    private static AwsErrorDetails details(String code, String service) {
        return AwsErrorDetails.builder().errorCode(code).serviceName(service).build();
    }

    /** Which 5xx: alternate between 500 and 503 without sharing the seeded stream. */
    private static final class ThreadLocalCoin {
        private static final ThreadLocal<Boolean> LAST = ThreadLocal.withInitial(() -> Boolean.FALSE);

        static boolean flip() {
            boolean next = !LAST.get();
            LAST.set(next);
            return next;
        }
    }
}
