package dev.sieve.contract;

class InMemoryRequestStoreTest extends RequestStoreContract {
    private final InMemoryRequestStore store = new InMemoryRequestStore();

    @Override
    protected RequestStore store() {
        return store;
    }
}
