package dev.sieve.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The job state machine every {@link JobStore} implements; {@link InMemoryJobStoreTest} and {@code
 * DynamoDbJobStoreIT} run it against the two implementations.
 */
abstract class JobStoreContract {
    static final ChunkLimits LIMITS = new ChunkLimits(1000, 4096);

    protected abstract JobStore store();

    private String running(int chunks) {
        String id = UUID.randomUUID().toString();
        assertThat(store().create(id, "s3://b/jobs/in/" + id + ".jsonl", "\"e1\"", LIMITS, 7, 0))
                .isTrue();
        assertThat(store().startRunning(id, chunks, chunks * 10L)).isTrue();
        return id;
    }

    @Test
    void claimManifest_whenClaimedBefore_namesTheFirstJob() {
        String version = "acme/" + UUID.randomUUID();
        String first = UUID.randomUUID().toString();

        assertThat(store().claimManifest(version, first, 0)).isEqualTo(first);
        assertThat(store().claimManifest(version, UUID.randomUUID().toString(), 0))
                .isEqualTo(first);
        assertThat(store().claimManifest("beta/" + version, "other", 0)).isEqualTo("other");
    }

    @Test
    void create_whenJobExists_returnsFalseAndKeepsIt() {
        String id = UUID.randomUUID().toString();
        assertThat(store().create(id, "s3://b/jobs/in/a.jsonl", "\"e1\"", LIMITS, 1, 0))
                .isTrue();
        assertThat(store().create(id, "s3://b/jobs/in/a.jsonl", "\"e2\"", new ChunkLimits(1, 1), 2, 0))
                .isFalse();

        JobStore.Job job = store().job(id).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.SCANNING);
        assertThat(job.createdAtMs()).isEqualTo(1);
        assertThat(job.manifestUri()).isEqualTo("s3://b/jobs/in/a.jsonl");
        assertThat(job.manifestETag()).isEqualTo("\"e1\"");
        assertThat(job.limits()).isEqualTo(LIMITS);
        assertThat(job.scanOffset()).isZero();
    }

    @Test
    void recordScan_advancesOnlyFromWhereTheScanStands() {
        String id = UUID.randomUUID().toString();
        store().create(id, "s3://b/jobs/in/a.jsonl", "\"e1\"", LIMITS, 1, 0);

        assertThat(store().recordScan(id, 0, 500, 3, 30)).isTrue();
        assertThat(store().recordScan(id, 0, 500, 3, 30))
                .as("a second scanner of the same step")
                .isFalse();
        assertThat(store().recordScan(id, 500, 900, 5, 50)).isTrue();
        JobStore.Job job = store().job(id).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.SCANNING);
        assertThat(job.scanOffset()).isEqualTo(900);
        assertThat(job.chunks()).isEqualTo(5);
        assertThat(job.items()).isEqualTo(50);
        assertThat(job.readyToAssemble())
                .as("chunks counted while scanning never assemble")
                .isFalse();

        assertThat(store().startRunning(id, 5, 50)).isTrue();
        assertThat(store().recordScan(id, 900, 1000, 6, 60)).isFalse();
    }

    @Test
    void beginAssembly_oneAssemblerHoldsTheJobUntilItsLeaseRunsOut() {
        String id = running(1);
        store().countChunkDone(id, 0, 0);

        assertThat(store().beginAssembly(id, "a", 1000, 2000)).isTrue();
        assertThat(store().beginAssembly(id, "b", 1500, 2500))
                .as("a's lease is live")
                .isFalse();
        assertThat(store().beginAssembly(id, "b", 2001, 3000))
                .as("a's lease ran out")
                .isTrue();
        assertThat(store().complete(id, "a", "s3://b/jobs/out/a.out", 0, 0, 2100))
                .as("a lost the job")
                .isFalse();
        assertThat(store().complete(id, "b", "s3://b/jobs/out/a.out", 0, 0, 2100))
                .isTrue();
        assertThat(store().beginAssembly(id, "c", 9000, 9999)).isFalse();
    }

    @Test
    void beginAssembly_theHolderReentersItsOwnLiveLease() {
        String id = running(1);
        store().countChunkDone(id, 0, 0);

        assertThat(store().beginAssembly(id, "a", 1000, 2000)).isTrue();
        assertThat(store().beginAssembly(id, "a", 1500, 2500))
                .as("a's task failed mid-assembly and runs again")
                .isTrue();
        assertThat(store().beginAssembly(id, "b", 2100, 3100))
                .as("the re-entry renewed a's lease")
                .isFalse();
        assertThat(store().complete(id, "a", "s3://b/jobs/out/a.out", 0, 0, 2200))
                .isTrue();
        assertThat(store().beginAssembly(id, "a", 2300, 3300))
                .as("complete is final")
                .isFalse();
    }

    @Test
    void awaitsAssembler_whenReadyOrItsAssemblersLeaseRanOut() {
        String id = running(1);
        assertThat(store().job(id).orElseThrow().awaitsAssembler(0))
                .as("a chunk is open")
                .isFalse();
        store().countChunkDone(id, 0, 0);
        assertThat(store().job(id).orElseThrow().awaitsAssembler(0)).isTrue();

        store().beginAssembly(id, "a", 1000, 2000);
        assertThat(store().job(id).orElseThrow().awaitsAssembler(1500))
                .as("a holds it")
                .isFalse();
        assertThat(store().job(id).orElseThrow().awaitsAssembler(2001))
                .as("a's lease ran out")
                .isTrue();
        store().complete(id, "a", "s3://b/jobs/out/a.out", 0, 0, 1600);
        assertThat(store().job(id).orElseThrow().awaitsAssembler(9000)).isFalse();
    }

    @Test
    void startRunning_leavesScanningOnce() {
        String id = running(3);

        assertThat(store().startRunning(id, 5, 50)).isFalse();
        JobStore.Job job = store().job(id).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.RUNNING);
        assertThat(job.chunks()).isEqualTo(3);
        assertThat(job.items()).isEqualTo(30);
    }

    @Test
    void startRunning_whenNoChunks_goesStraightToAssembling() {
        String id = running(0);

        assertThat(store().job(id).orElseThrow().state()).isEqualTo(JobState.ASSEMBLING);
        assertThat(store().job(id).orElseThrow().readyToAssemble()).isTrue();
    }

    @Test
    void countChunkDone_countsEachChunkOnce_andTheLastMakesTheJobReady() {
        String id = running(2);

        JobStore.ChunkCount first = store().countChunkDone(id, 0, 0);
        assertThat(first.countedNow()).isTrue();
        assertThat(first.job().orElseThrow().readyToAssemble()).isFalse();
        assertThat(store().countChunkDone(id, 0, 0).countedNow()).isFalse();
        assertThat(store().beginAssembly(id, "a", 0, 10)).isFalse();

        JobStore.ChunkCount last = store().countChunkDone(id, 1, 0);
        assertThat(last.countedNow()).isTrue();
        assertThat(last.job().orElseThrow().chunksDone()).isEqualTo(2);
        assertThat(last.job().orElseThrow().readyToAssemble()).isTrue();
        // a redelivery of the last chunk still sees the job ready (its first delivery may have crashed)
        assertThat(store().countChunkDone(id, 1, 0).job().orElseThrow().readyToAssemble())
                .isTrue();
    }

    @Test
    void complete_onlyAfterAssemblyBegan_andOnlyOnce() {
        String id = running(1);
        assertThat(store().complete(id, "a", "s3://b/jobs/out/a.out", 0, 0, 9)).isFalse();

        store().countChunkDone(id, 0, 0);
        assertThat(store().beginAssembly(id, "a", 0, 10)).isTrue();
        assertThat(store().complete(id, "a", "s3://b/jobs/out/a.out", 1, 2, 9)).isTrue();
        assertThat(store().complete(id, "a", "s3://b/jobs/out/a.out", 0, 0, 9)).isFalse();
        assertThat(store().beginAssembly(id, "a", 100, 110)).isFalse();

        JobStore.Job job = store().job(id).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.COMPLETE);
        assertThat(job.outputUri()).isEqualTo("s3://b/jobs/out/a.out");
        assertThat(job.lost()).isEqualTo(1);
        assertThat(job.duplicates()).isEqualTo(2);
        assertThat(job.readyToAssemble()).isFalse();
    }

    @Test
    void fail_whenUnfinished_failsWithTheReason_andIsFinal() {
        String id = running(1);

        assertThat(store().fail(id, "manifest was overwritten", 3)).isTrue();
        assertThat(store().fail(id, "again", 4)).isFalse();
        store().countChunkDone(id, 0, 0);

        JobStore.Job job = store().job(id).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.FAILED);
        assertThat(job.error()).isEqualTo("manifest was overwritten");
        assertThat(job.readyToAssemble()).isFalse();
        assertThat(store().beginAssembly(id, "a", 0, 10)).isFalse();
    }

    @Test
    void fail_whenCompleteOrUnknown_changesNothing() {
        String id = running(0);
        assertThat(store().beginAssembly(id, "a", 0, 10)).isTrue();
        store().complete(id, "a", "s3://b/jobs/out/a.out", 0, 0, 1);

        assertThat(store().fail(id, "late", 2)).isFalse();
        assertThat(store().job(id).orElseThrow().state()).isEqualTo(JobState.COMPLETE);
        String unknown = UUID.randomUUID().toString();
        assertThat(store().fail(unknown, "late", 2)).isFalse();
        assertThat(store().job(unknown)).isEmpty();
    }

    @Test
    void unfinishedCreatedBefore_listsOnlyOldUnfinishedJobs() {
        String scanning = UUID.randomUUID().toString();
        String young = UUID.randomUUID().toString();
        String failed = UUID.randomUUID().toString();
        store().create(scanning, "s3://b/jobs/in/a.jsonl", "\"e1\"", LIMITS, 500, 0);
        store().create(young, "s3://b/jobs/in/a.jsonl", "\"e1\"", LIMITS, 5_000, 0);
        store().create(failed, "s3://b/jobs/in/a.jsonl", "\"e1\"", LIMITS, 500, 0);
        store().fail(failed, "x", 600);
        String running = running(1); // created at 7

        java.util.List<String> ids = store().unfinishedCreatedBefore(1_000, 100_000);

        assertThat(ids).contains(scanning, running).doesNotContain(young, failed);
    }
}
