package dev.sieve.localaws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.shared.config.ResourceDefaults;
import dev.sieve.shared.queue.Priority;
import dev.sieve.shared.result.TableSchema;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** Real AWS SDK v2 calls against the embedded emulators, checking the behaviours Sieve relies on. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalAwsIT {
    private LocalAws aws;
    private SqsClient sqs;
    private DynamoDbClient dynamoDb;
    private S3Client s3;
    private S3Presigner presigner;
    private SieveResources resources;

    @BeforeAll
    void startOnce() {
        aws = LocalAws.shared();
        System.out.println("{\"metric\":\"local_aws_startup_ms\",\"value\":"
                + aws.startupTime().toMillis() + "}");
        System.out.println(aws.describe());
        sqs = aws.sqsClient();
        dynamoDb = aws.dynamoDbClient();
        s3 = aws.s3Client();
        presigner = aws.s3Presigner();
        resources = SieveResources.create(aws, SieveResources.uniquePrefix("it"));
    }

    @AfterAll
    void closeClients() {
        presigner.close();
        s3.close();
        dynamoDb.close();
        sqs.close();
    }

    @Test
    void isEmulatorThread_afterCallsToEachService_holdsForTheServersThreadsAndNoOthers() {
        sqs.listQueues();
        dynamoDb.listTables();
        s3.listBuckets();
        Map<Boolean, List<String>> names = Thread.getAllStackTraces().keySet().stream()
                .collect(Collectors.partitioningBy(
                        LocalAws::isEmulatorThread, Collectors.mapping(Thread::getName, Collectors.toList())));
        assertThat(names.get(true))
                .anyMatch(name -> name.startsWith("elasticmq-pekko"))
                .anyMatch(name -> name.startsWith("DynamoDbLocal-Jetty"))
                .anyMatch(name -> name.startsWith("S3Proxy-Jetty"))
                .anyMatch(name -> name.startsWith("SQLiteQueue"));
        assertThat(names.get(false))
                .noneMatch(name -> name.startsWith("elasticmq")
                        || name.startsWith("DynamoDbLocal")
                        || name.startsWith("S3Proxy")
                        || name.startsWith("SQLiteQueue")
                        || name.startsWith("qtp"))
                .contains(Thread.currentThread().getName());
    }

    @Nested
    class Sqs {
        @Test
        void sendReceiveDelete_whenMessageDeleted_isNotReceivedAgain() {
            String queue = resources.realtimeQueueUrl();
            sqs.sendMessage(request -> request.queueUrl(queue).messageBody("hello"));

            List<Message> received = sqs.receiveMessage(request ->
                            request.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages();
            assertThat(received).extracting(Message::body).containsExactly("hello");
            sqs.deleteMessage(request ->
                    request.queueUrl(queue).receiptHandle(received.get(0).receiptHandle()));

            assertThat(sqs.receiveMessage(request -> request.queueUrl(queue).waitTimeSeconds(0))
                            .messages())
                    .isEmpty();
            // a heart-beat racing a delete fails (AWS: InvalidParameterValue, ElasticMQ: ReceiptHandleIsInvalid)
            assertThatThrownBy(() -> sqs.changeMessageVisibility(request -> request.queueUrl(queue)
                            .receiptHandle(received.get(0).receiptHandle())
                            .visibilityTimeout(0)))
                    .isInstanceOf(SqsException.class);
        }

        @Test
        void receiveMessage_whenMessageArrivesDuringWait_returnsItBeforeTheWaitEnds() throws Exception {
            String queue = resources.asyncQueueUrl();
            CompletableFuture<Void> sendLater = CompletableFuture.runAsync(
                    () -> sqs.sendMessage(request -> request.queueUrl(queue).messageBody("late")),
                    CompletableFuture.delayedExecutor(700, TimeUnit.MILLISECONDS));
            long started = System.nanoTime();

            List<Message> received = sqs.receiveMessage(
                            request -> request.queueUrl(queue).waitTimeSeconds(10))
                    .messages();

            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            sendLater.get(5, TimeUnit.SECONDS);
            assertThat(received).extracting(Message::body).containsExactly("late");
            assertThat(waited).isBetween(Duration.ofMillis(500), Duration.ofSeconds(8));
            sqs.deleteMessage(request ->
                    request.queueUrl(queue).receiptHandle(received.get(0).receiptHandle()));
        }

        @Test
        void receiveMessage_whenReceivedMaxReceiveCountTimes_movesMessageToDeadLetterQueue() {
            SieveResources own = SieveResources.create(aws, SieveResources.uniquePrefix("dlq"));
            String queue = own.batchQueueUrl();
            sqs.sendMessage(request -> request.queueUrl(queue).messageBody("poison"));

            for (int receive = 1; receive <= ResourceDefaults.MAX_RECEIVE_COUNT; receive++) {
                List<Message> received = sqs.receiveMessage(request -> request.queueUrl(queue)
                                .waitTimeSeconds(1)
                                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                        .messages();
                assertThat(received).as("receive %d", receive).hasSize(1);
                assertThat(received.get(0).attributes())
                        .containsEntry(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, Integer.toString(receive));
                // give the message back at once, as a failing worker would after its lease
                sqs.changeMessageVisibility(request -> request.queueUrl(queue)
                        .receiptHandle(received.get(0).receiptHandle())
                        .visibilityTimeout(0));
            }

            assertThat(sqs.receiveMessage(request -> request.queueUrl(queue).waitTimeSeconds(0))
                            .messages())
                    .isEmpty();
            assertThat(sqs.receiveMessage(request ->
                                    request.queueUrl(own.dlqUrl(Priority.BATCH)).waitTimeSeconds(2))
                            .messages())
                    .extracting(Message::body)
                    .containsExactly("poison");
        }

        @Test
        void changeMessageVisibility_whenLeaseExtended_messageStaysHiddenPastItsFirstTimeout() throws Exception {
            String queue = resources.batchQueueUrl();
            sqs.sendMessage(request -> request.queueUrl(queue).messageBody("long job"));
            Message leased = sqs.receiveMessage(request ->
                            request.queueUrl(queue).visibilityTimeout(1).waitTimeSeconds(1))
                    .messages()
                    .get(0);

            sqs.changeMessageVisibility(request -> request.queueUrl(queue)
                    .receiptHandle(leased.receiptHandle())
                    .visibilityTimeout(30));
            Thread.sleep(1_500);

            assertThat(sqs.receiveMessage(request -> request.queueUrl(queue).waitTimeSeconds(0))
                            .messages())
                    .isEmpty();
            sqs.deleteMessage(request -> request.queueUrl(queue).receiptHandle(leased.receiptHandle()));
        }

        @Test
        void createQueue_whenSieveResourcesCreated_workQueueHasProductionAttributes() {
            Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(request ->
                            request.queueUrl(resources.realtimeQueueUrl()).attributeNames(QueueAttributeName.ALL))
                    .attributes();
            String dlqArn = sqs.getQueueAttributes(request -> request.queueUrl(resources.dlqUrl(Priority.REALTIME))
                            .attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes()
                    .get(QueueAttributeName.QUEUE_ARN);

            assertThat(attributes)
                    .containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "60")
                    .containsEntry(QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, "20");
            assertThat(attributes.get(QueueAttributeName.REDRIVE_POLICY))
                    .contains(dlqArn)
                    .contains("\"maxReceiveCount\":" + ResourceDefaults.MAX_RECEIVE_COUNT);
            assertThat(resources.realtimeQueueUrl())
                    .startsWith(aws.sqsEndpoint().toString());
        }
    }

    @Nested
    class DynamoDb {
        @Test
        void putItem_whenConditionAttributeNotExistsAndItemExists_failsTheCondition() {
            Map<String, AttributeValue> item = key("REQ#put", "ITEM#1");
            dynamoDb.putItem(request -> request.tableName(resources.tableName())
                    .item(item)
                    .conditionExpression("attribute_not_exists(sk)"));

            assertThatThrownBy(() -> dynamoDb.putItem(request -> request.tableName(resources.tableName())
                            .item(item)
                            .conditionExpression("attribute_not_exists(sk)")))
                    .isInstanceOf(ConditionalCheckFailedException.class);
        }

        @Test
        void transactWriteItems_whenResultAlreadyWritten_cancelsWholeTransactionWithReason() {
            String table = resources.tableName();
            String pk = TableSchema.requestKey("tx");
            dynamoDb.putItem(request -> request.tableName(table)
                    .item(Map.of(
                            TableSchema.PK, s(pk),
                            TableSchema.SK, s(TableSchema.META),
                            TableSchema.ANSWERED, n(0))));
            List<TransactWriteItem> writeResult = List.of(
                    TransactWriteItem.builder()
                            .put(put -> put.tableName(table)
                                    .item(Map.of(
                                            TableSchema.PK, s(pk),
                                            TableSchema.SK, s(TableSchema.itemKey("1")),
                                            TableSchema.RESULT, s("{\"label\":\"spam\"}")))
                                    .conditionExpression("attribute_not_exists(sk)"))
                            .build(),
                    TransactWriteItem.builder()
                            .update(update -> update.tableName(table)
                                    .key(key(pk, TableSchema.META))
                                    .updateExpression("ADD answered :one")
                                    .expressionAttributeValues(Map.of(":one", n(1))))
                            .build());
            dynamoDb.transactWriteItems(request -> request.transactItems(writeResult));

            assertThatThrownBy(() -> dynamoDb.transactWriteItems(request -> request.transactItems(writeResult)))
                    .isInstanceOfSatisfying(TransactionCanceledException.class, e -> assertThat(e.cancellationReasons())
                            .extracting(CancellationReason::code)
                            .containsExactly("ConditionalCheckFailed", "None"));
            Map<String, AttributeValue> meta = dynamoDb.getItem(request -> request.tableName(table)
                            .key(key(pk, TableSchema.META))
                            .consistentRead(true))
                    .item();
            assertThat(meta.get(TableSchema.ANSWERED).n()).isEqualTo("1");
        }

        @Test
        void describeTable_whenSieveResourcesCreated_hasKeySchemaOnDemandBillingAndTtl() {
            TableDescription table = dynamoDb.describeTable(request -> request.tableName(resources.tableName()))
                    .table();
            TimeToLiveDescription ttl = dynamoDb.describeTimeToLive(request -> request.tableName(resources.tableName()))
                    .timeToLiveDescription();

            assertThat(table.keySchema())
                    .extracting(k -> k.attributeName() + ":" + k.keyType())
                    .containsExactly(TableSchema.PK + ":" + KeyType.HASH, TableSchema.SK + ":" + KeyType.RANGE);
            assertThat(table.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
            assertThat(ttl.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
            assertThat(ttl.attributeName()).isEqualTo(TableSchema.TTL);
        }

        private static Map<String, AttributeValue> key(String pk, String sk) {
            return Map.of(TableSchema.PK, s(pk), TableSchema.SK, s(sk));
        }

        private static AttributeValue s(String value) {
            return AttributeValue.fromS(value);
        }

        private static AttributeValue n(long value) {
            return AttributeValue.fromN(Long.toString(value));
        }
    }

    @Nested
    class S3 {
        @Test
        void putObject_whenListedAndRead_returnsTheSameBytes() {
            String bucket = resources.bucketName();
            s3.putObject(
                    request -> request.bucket(bucket).key("jobs/in/a.jsonl"), RequestBody.fromString("{\"id\":1}\n"));
            s3.putObject(request -> request.bucket(bucket).key("other/b.txt"), RequestBody.fromString("b"));

            List<S3Object> listed = s3.listObjectsV2(
                            request -> request.bucket(bucket).prefix("jobs/in/"))
                    .contents();
            ResponseBytes<GetObjectResponse> read =
                    s3.getObjectAsBytes(request -> request.bucket(bucket).key("jobs/in/a.jsonl"));

            assertThat(listed).extracting(S3Object::key).containsExactly("jobs/in/a.jsonl");
            assertThat(read.asUtf8String()).isEqualTo("{\"id\":1}\n");
        }

        @Test
        void presignPutObject_whenUploadedWithPlainHttpClient_objectIsReadableAlsoThroughPresignedGet()
                throws Exception {
            PresignedPutObjectRequest presigned = presignPut("uploads/req-1.json");
            HttpResponse<String> response = httpPut(presigned.url().toURI(), "{\"items\":[\"hi\"]}");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(s3.getObjectAsBytes(request ->
                                    request.bucket(resources.bucketName()).key("uploads/req-1.json"))
                            .asUtf8String())
                    .isEqualTo("{\"items\":[\"hi\"]}");
            URI presignedGet = presigner
                    .presignGetObject(request -> request.signatureDuration(Duration.ofMinutes(5))
                            .getObjectRequest(
                                    get -> get.bucket(resources.bucketName()).key("uploads/req-1.json")))
                    .url()
                    .toURI();
            assertThat(httpGet(presignedGet).body()).isEqualTo("{\"items\":[\"hi\"]}");
        }

        @Test
        void presignPutObject_whenSignatureTamperedWith_isRefused() throws Exception {
            PresignedPutObjectRequest presigned = presignPut("uploads/req-2.json");
            String url = presigned.url().toString();
            int signatureAt = url.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length();
            char first = url.charAt(signatureAt);
            String tampered =
                    url.substring(0, signatureAt) + (first == 'a' ? 'b' : 'a') + url.substring(signatureAt + 1);

            HttpResponse<String> response = httpPut(URI.create(tampered), "{}");

            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.body()).contains("SignatureDoesNotMatch");
            assertThat(s3.listObjectsV2(request ->
                                    request.bucket(resources.bucketName()).prefix("uploads/req-2"))
                            .contents())
                    .isEmpty();
        }

        private PresignedPutObjectRequest presignPut(String key) {
            return presigner.presignPutObject(request -> request.signatureDuration(Duration.ofMinutes(5))
                    .putObjectRequest(put -> put.bucket(resources.bucketName()).key(key)));
        }

        private static HttpResponse<String> httpGet(URI uri) throws Exception {
            try (HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build()) {
                return http.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(10))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
            }
        }

        private static HttpResponse<String> httpPut(URI uri, String body) throws Exception {
            try (HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build()) {
                return http.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(10))
                                .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
            }
        }
    }

    @Nested
    class Resources {
        @Test
        void create_whenCalledTwiceWithSamePrefix_returnsSameResources() {
            String prefix = SieveResources.uniquePrefix("twice");

            SieveResources first = SieveResources.create(aws, prefix);
            SieveResources second = SieveResources.create(aws, prefix);

            assertThat(second).isEqualTo(first);
            assertThat(first.environment())
                    .containsEntry("SIEVE_TABLE_NAME", prefix + "-table")
                    .containsEntry("SIEVE_BUCKET_NAME", prefix + "-bucket")
                    .containsEntry("SIEVE_BATCH_QUEUE_URL", first.batchQueueUrl());
        }
    }

    @Nested
    class Lifecycle {
        @Test
        void close_whenStoppedInstance_releasesPortsAndLeavesNoFilesBehind() throws Exception {
            Set<String> tmpBefore = listing(Path.of(System.getProperty("java.io.tmpdir")));
            Set<String> workingDirBefore = listing(Path.of(""));
            LocalAws own = LocalAws.start();
            List<URI> endpoints = List.of(own.sqsEndpoint(), own.dynamoDbEndpoint(), own.s3Endpoint());
            System.out.println("{\"metric\":\"local_aws_second_startup_ms\",\"value\":"
                    + own.startupTime().toMillis() + "}");
            try (DynamoDbClient ownDynamoDb = own.dynamoDbClient()) {
                SieveResources.create(own, "lifecycle");
                assertThat(ownDynamoDb.listTables().tableNames()).containsExactly("lifecycle-table");
            }

            own.close();
            own.close();

            for (URI endpoint : endpoints) {
                assertThat(endpoint.getHost()).isEqualTo("127.0.0.1");
                assertThatThrownBy(() -> new Socket(endpoint.getHost(), endpoint.getPort()).close())
                        .as("%s still accepts connections", endpoint)
                        .isInstanceOf(ConnectException.class);
            }
            assertThat(listing(Path.of(System.getProperty("java.io.tmpdir")))).isSubsetOf(tmpBefore);
            assertThat(listing(Path.of(""))).isEqualTo(workingDirBefore);
        }

        @ParameterizedTest
        @ValueSource(strings = {"ElasticMQ", "DynamoDB Local", "S3Proxy"})
        void start_whenAPortIsTaken_failsNamingTheServerAndPort(String server) throws Exception {
            try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(LocalAws.HOST))) {
                int port = taken.getLocalPort();
                assertThatThrownBy(() -> {
                            LocalAws started =
                                    switch (server) {
                                        case "ElasticMQ" -> LocalAws.start(port, 0, 0);
                                        case "DynamoDB Local" -> LocalAws.start(0, port, 0);
                                        default -> LocalAws.start(0, 0, port);
                                    };
                            started.close();
                        })
                        .isInstanceOf(LocalAwsException.class)
                        .hasMessageContaining(server + " did not start on 127.0.0.1:" + port);
            }
        }

        @Test
        void close_whenCalledOnSharedInstance_keepsItRunning() {
            LocalAws.shared().close();

            assertThat(sqs.listQueues().queueUrls()).contains(resources.realtimeQueueUrl());
            assertThat(LocalAws.shared()).isSameAs(aws);
        }

        @Test
        void environment_whenRead_pointsTheStandardSdkVariablesAtTheServers() {
            assertThat(aws.environment())
                    .containsEntry("AWS_ENDPOINT_URL_SQS", aws.sqsEndpoint().toString())
                    .containsEntry(
                            "AWS_ENDPOINT_URL_DYNAMODB", aws.dynamoDbEndpoint().toString())
                    .containsEntry("AWS_ENDPOINT_URL_S3", aws.s3Endpoint().toString())
                    .containsEntry("AWS_REGION", "us-east-1")
                    .containsEntry("AWS_DEFAULT_REGION", "us-east-1")
                    .containsEntry("AWS_ACCESS_KEY_ID", LocalAws.ACCESS_KEY_ID)
                    .containsEntry("AWS_SECRET_ACCESS_KEY", LocalAws.SECRET_ACCESS_KEY);
            assertThat(aws.describe()).contains(aws.sqsEndpoint().toString(), LocalAws.ACCESS_KEY_ID);
        }

        private static Set<String> listing(Path dir) throws IOException {
            try (Stream<Path> files = Files.list(dir)) {
                return files.map(path -> path.getFileName().toString()).collect(Collectors.toSet());
            }
        }
    }
}
