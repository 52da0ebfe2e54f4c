package dev.sieve.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The job state machine every {@link JobStore} implements; {@link InMemoryJobStoreTest} and {@code
 * DynamoDbJobStoreIT} run it against the two implementations.
 */
abstract class JobStoreContract {
    protected abstract JobStore store();

    private String running(int chunks) {
        String id = UUID.randomUUID().toString();
        assertThat(store().create(id, "s3://b/jobs/in/" + id + ".jsonl", 7, 0)).isTrue();
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
        assertThat(store().create(id, "s3://b/jobs/in/a.jsonl", 1, 0)).isTrue();
        assertThat(store().create(id, "s3://b/jobs/in/a.jsonl", 2, 0)).isFalse();

        JobStore.Job job = store().job(id).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.SCANNING);
        assertThat(job.createdAtMs()).isEqualTo(1);
        assertThat(job.manifestUri()).isEqualTo("s3://b/jobs/in/a.jsonl");
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
        assertThat(store().beginAssembly(id)).isFalse();

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
        assertThat(store().complete(id, "s3://b/jobs/out/a.out", 0, 0, 9)).isFalse();

        store().countChunkDone(id, 0, 0);
        assertThat(store().beginAssembly(id)).isTrue();
        assertThat(store().complete(id, "s3://b/jobs/out/a.out", 1, 2, 9)).isTrue();
        assertThat(store().complete(id, "s3://b/jobs/out/a.out", 0, 0, 9)).isFalse();
        assertThat(store().beginAssembly(id)).isFalse();

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
        assertThat(store().beginAssembly(id)).isFalse();
    }

    @Test
    void fail_whenCompleteOrUnknown_changesNothing() {
        String id = running(0);
        store().complete(id, "s3://b/jobs/out/a.out", 0, 0, 1);

        assertThat(store().fail(id, "late", 2)).isFalse();
        assertThat(store().job(id).orElseThrow().state()).isEqualTo(JobState.COMPLETE);
        String unknown = UUID.randomUUID().toString();
        assertThat(store().fail(unknown, "late", 2)).isFalse();
        assertThat(store().job(unknown)).isEmpty();
    }
}
