package dev.sieve.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.localaws.SieveResources;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The job contract on DynamoDB Local, plus transaction conflicts injected into the chunk count. */
class DynamoDbJobStoreIT extends JobStoreContract {
    private static final TransactionConflicts CONFLICTS = new TransactionConflicts();
    private static final LostResponses LOST = new LostResponses();
    private static DynamoDbClient dynamoDb;
    private static JobStore store;

    @BeforeAll
    static void setUp() {
        SieveResources resources = SieveResources.create(EmulatorClients.AWS, SieveResources.uniquePrefix("jobstore"));
        dynamoDb = EmulatorClients.dynamoDb(CONFLICTS, LOST);
        store = new DynamoDbJobStore(dynamoDb, resources.tableName());
    }

    @AfterAll
    static void tearDown() {
        dynamoDb.close();
    }

    @Override
    protected JobStore store() {
        return store;
    }

    private static String running(int chunks) {
        String id = UUID.randomUUID().toString();
        store.create(id, "s3://b/jobs/in/x.jsonl", "\"e\"", LIMITS, 0, 0);
        store.startRunning(id, chunks, chunks);
        return id;
    }

    @Test
    void countChunkDone_whenTheTransactionConflicts_retriesInsteadOfTakingItForAlreadyCounted() {
        String id = running(1);
        CONFLICTS.next(3);

        JobStore.ChunkCount count = store.countChunkDone(id, 0, 0);

        assertThat(count.countedNow()).isTrue();
        assertThat(count.job().orElseThrow().chunksDone()).isEqualTo(1);
        assertThat(count.job().orElseThrow().readyToAssemble()).isTrue();
    }

    @Test
    void countChunkDone_whenConflictsNeverStop_failsAsTransientAndLeavesTheChunkUncounted() {
        String id = running(1);
        CONFLICTS.next(1000);
        try {
            assertThatThrownBy(() -> store.countChunkDone(id, 0, 0)).isInstanceOf(CapacityException.class);
        } finally {
            CONFLICTS.next(0);
        }

        assertThat(store.job(id).orElseThrow().chunksDone()).isZero();
        assertThat(store.countChunkDone(id, 0, 0).countedNow()).isTrue();
    }

    @Test
    void create_whenThePutsResponseIsLostAndTheSdkSendsItAgain_stillKnowsTheJobIsItsOwn() {
        String id = UUID.randomUUID().toString();
        LOST.next(1);

        boolean created = store.create(id, "s3://b/jobs/in/x.jsonl", "\"e\"", LIMITS, 0, 0);

        assertThat(LOST.lost()).isEqualTo(1);
        assertThat(created).as("the row the retry found is this call's").isTrue();
        assertThat(store.create(id, "s3://b/jobs/in/x.jsonl", "\"e\"", LIMITS, 0, 0))
                .as("another call with the same id")
                .isFalse();
    }
}
