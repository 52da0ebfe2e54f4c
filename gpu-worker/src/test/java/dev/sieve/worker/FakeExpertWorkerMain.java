package dev.sieve.worker;

import dev.sieve.worker.testing.FakeExpert;

/** {@link WorkerMain} with the deterministic test expert (child-process tests); predict takes {@code sieve.test.predictMillis} and blocks after {@code sieve.test.stallAfterBatches} batches. */
public final class FakeExpertWorkerMain {
    private FakeExpertWorkerMain() {}

    public static void main(String[] args) {
        long predictMillis = Long.getLong("sieve.test.predictMillis", 0);
        int stallAfter = Integer.getInteger("sieve.test.stallAfterBatches", Integer.MAX_VALUE);
        WorkerMain.main((bundle, config) -> new FakeExpert(64, predictMillis, stallAfter));
    }
}
