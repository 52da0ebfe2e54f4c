package dev.sieve.cli.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

class FaultInjectorTest {

    @Test
    void beforeTransmission_whenRateIsZero_neverInjects() {
        FaultInjector faults = new FaultInjector(0, 1, Duration.ZERO);
        for (int i = 0; i < 1_000; i++) {
            call(faults, GetItemRequest.builder().build(), "DynamoDb");
        }
        assertThat(faults.total()).isZero();
    }

    @Test
    void beforeTransmission_whenRateIsOne_injectsEveryKindOnTransactionsAndNoConflictElsewhere() {
        FaultInjector faults = new FaultInjector(1, 7, Duration.ZERO);
        TransactWriteItemsRequest transaction = TransactWriteItemsRequest.builder()
                .transactItems(
                        TransactWriteItem.builder().build(),
                        TransactWriteItem.builder().build())
                .build();
        Set<FaultInjector.Kind> seen = EnumSet.noneOf(FaultInjector.Kind.class);
        for (int i = 0; i < 200; i++) {
            seen.add(kindOf(call(faults, transaction, "DynamoDb")));
        }
        assertThat(seen).containsExactlyInAnyOrder(FaultInjector.Kind.values());
        assertThat(faults.total()).isEqualTo(200);

        FaultInjector plain = new FaultInjector(1, 7, Duration.ZERO);
        for (int i = 0; i < 200; i++) {
            assertThat(kindOf(call(plain, GetItemRequest.builder().build(), "DynamoDb")))
                    .isNotEqualTo(FaultInjector.Kind.TRANSACTION_CONFLICT);
        }
    }

    @Test
    void disable_stopsInjecting() {
        FaultInjector faults = new FaultInjector(1, 3, Duration.ZERO);
        faults.disable();
        assertThat(call(faults, GetItemRequest.builder().build(), "Sqs")).isNull();
        assertThat(faults.total()).isZero();
    }

    @Test
    void faults_lookToTheSdkLikeTheRealOnes() {
        for (String service : new String[] {"DynamoDb", "Sqs", "S3"}) {
            AwsServiceException throttle = FaultInjector.throttle(service);
            assertThat(throttle.isThrottlingException()).as(service).isTrue();
            AwsServiceException first = FaultInjector.serverError(service);
            AwsServiceException second = FaultInjector.serverError(service);
            assertThat(Set.of(first.statusCode(), second.statusCode())).containsExactlyInAnyOrder(500, 503);
        }
        TransactionCanceledException conflict = FaultInjector.conflict(TransactWriteItemsRequest.builder()
                .transactItems(
                        TransactWriteItem.builder().build(),
                        TransactWriteItem.builder().build())
                .build());
        assertThat(conflict.cancellationReasons())
                .extracting(r -> r.code())
                .containsExactly("TransactionConflict", "None");
    }

    @Test
    void constructor_whenRateIsNotAProbability_saysSo() {
        assertThatThrownBy(() -> new FaultInjector(1.5, 1)).hasMessageContaining("not a probability");
    }

    /** One call through both callbacks; the thrown exception, or null. */
    private static RuntimeException call(FaultInjector faults, SdkRequest request, String service) {
        ExecutionAttributes attributes = new ExecutionAttributes();
        attributes.putAttribute(SdkExecutionAttribute.SERVICE_NAME, service);
        Context.AfterTransmission context = new Context.AfterTransmission() {
            @Override
            public SdkRequest request() {
                return request;
            }

            @Override
            public SdkHttpRequest httpRequest() {
                return null;
            }

            @Override
            public Optional<RequestBody> requestBody() {
                return Optional.empty();
            }

            @Override
            public Optional<AsyncRequestBody> asyncRequestBody() {
                return Optional.empty();
            }

            @Override
            public SdkHttpResponse httpResponse() {
                return null;
            }

            @Override
            public Optional<Publisher<ByteBuffer>> responsePublisher() {
                return Optional.empty();
            }

            @Override
            public Optional<InputStream> responseBody() {
                return Optional.empty();
            }
        };
        try {
            faults.beforeTransmission(context, attributes);
        } catch (RuntimeException e) {
            return e;
        }
        try {
            faults.afterTransmission(context, attributes);
        } catch (RuntimeException e) {
            return e;
        }
        return null;
    }

    private static FaultInjector.Kind kindOf(RuntimeException e) {
        assertThat(e).isNotNull();
        if (e instanceof TransactionCanceledException) {
            return FaultInjector.Kind.TRANSACTION_CONFLICT;
        }
        if (e instanceof AwsServiceException service) {
            return service.isThrottlingException() ? FaultInjector.Kind.THROTTLE : FaultInjector.Kind.SERVER_ERROR;
        }
        assertThat(e).isInstanceOf(SdkClientException.class).hasCauseInstanceOf(SocketTimeoutException.class);
        return e.getMessage().contains("response was lost")
                ? FaultInjector.Kind.RESPONSE_LOST
                : FaultInjector.Kind.TIMEOUT_BEFORE_SEND;
    }
}
