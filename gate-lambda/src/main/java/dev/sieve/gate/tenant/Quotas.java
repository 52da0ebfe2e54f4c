package dev.sieve.gate.tenant;

import dev.sieve.shared.tenant.Tenant;

/**
 * Admits a tenant's items against its quotas, or refuses them with {@link QuotaExceededException}.
 * Requests ({@code POST /v1/classify}, uploads) are admitted item by item before anything is stored; a
 * batch job is refused at {@code POST /v1/jobs} only when the tenant's day is already used up, and its
 * lines count toward the day as they are scanned (a started job is never refused half-way).
 */
public interface Quotas {

    /**
     * Counts {@code items} against {@code tenant}'s rate and daily quota, atomically per counter.
     *
     * @throws QuotaExceededException when a limit would be passed (nothing of this call is counted toward
     *     the daily quota then)
     */
    void admit(Tenant tenant, long items);

    /** Counts {@code items} of accepted work (a job's scanned lines) toward the tenant's day; never refuses. */
    void count(Tenant tenant, long items);

    /**
     * Refuses new work when the tenant's day is used up; counts nothing.
     *
     * @throws QuotaExceededException with the daily limit, Retry-After at the next UTC midnight
     */
    void requireDailyRoom(Tenant tenant);

    /** Admits everything (benchmarks, tests of other behaviour). */
    static Quotas unlimited() {
        return new Quotas() {
            @Override
            public void admit(Tenant tenant, long items) {}

            @Override
            public void count(Tenant tenant, long items) {}

            @Override
            public void requireDailyRoom(Tenant tenant) {}
        };
    }
}
