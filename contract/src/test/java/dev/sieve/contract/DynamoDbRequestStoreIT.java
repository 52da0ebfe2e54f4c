package dev.sieve.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.localaws.SieveResources;
import dev.sieve.shared.result.ItemResult;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/** The request contract on DynamoDB Local and S3Proxy, plus what only a real table can do: conflicts. */
class DynamoDbRequestStoreIT extends RequestStoreContract {
    private static final TransactionConflicts CONFLICTS = new TransactionConflicts();
    private static final LostResponses LOST = new LostResponses();
    private static SieveResources resources;
    private static DynamoDbClient dynamoDb;
    private static S3Client s3;
    private static RequestStore store;

    @BeforeAll
    static void setUp() {
        resources = SieveResources.create(EmulatorClients.AWS, SieveResources.uniquePrefix("reqstore"));
        dynamoDb = EmulatorClients.dynamoDb(CONFLICTS, LOST);
        s3 = EmulatorClients.AWS.s3Client();
        store = new DynamoDbRequestStore(dynamoDb, s3, resources.tableName(), resources.bucketName());
    }

    @AfterAll
    static void tearDown() {
        dynamoDb.close();
        s3.close();
    }

    @Override
    protected RequestStore store() {
        return store;
    }

    @Test
    void recordExpertResults_whenATransactionConflicts_retriesAndCountsEveryItem() {
        String id = UUID.randomUUID().toString();
        store.create(id, "async", "asked", List.of(), 2, 0, 0);
        CONFLICTS.next(2);

        int written = store.recordExpertResults(
                id,
                List.of(
                        ItemResult.expert("a", "spam", 0.9, "ham", 0.6),
                        ItemResult.expert("b", "ham", 0.8, "ham", 0.7)),
                0);

        assertThat(CONFLICTS.injected()).isGreaterThanOrEqualTo(2);
        assertThat(written).isEqualTo(2);
        assertThat(store.meta(id).orElseThrow().answered()).isEqualTo(2);
        assertThat(store.tryComplete(id, 1)).isTrue();
    }

    @Test
    void create_whenThePutsResponseIsLostAndTheSdkSendsItAgain_stillKnowsTheRequestIsItsOwn() {
        String id = UUID.randomUUID().toString();
        LOST.next(1);

        boolean created = store.create(id, "async", "asked", List.of(), 1, 0, 0);

        assertThat(LOST.lost()).isEqualTo(1);
        assertThat(created).as("the row the retry found is this call's").isTrue();
        assertThat(store.create(id, "async", "asked", List.of(), 1, 0, 0))
                .as("another call with the same id")
                .isFalse();
    }
}
