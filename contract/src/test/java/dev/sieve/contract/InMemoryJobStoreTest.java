package dev.sieve.contract;

class InMemoryJobStoreTest extends JobStoreContract {
    private final InMemoryJobStore store = new InMemoryJobStore();

    @Override
    protected JobStore store() {
        return store;
    }
}
