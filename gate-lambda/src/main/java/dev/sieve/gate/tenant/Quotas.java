package dev.sieve.gate.tenant;

import dev.sieve.shared.tenant.Tenant;

/** Admits a tenant's items against its quotas, or refuses them with {@link QuotaExceededException}. */
public interface Quotas {

    /**
     * Counts {@code items} against {@code tenant}'s rate and daily quota, atomically per counter.
     *
     * @throws QuotaExceededException when a limit would be passed (nothing of this call is counted toward
     *     the daily quota then)
     */
    void admit(Tenant tenant, long items);

    /** Admits everything (benchmarks, tests of other behaviour). */
    static Quotas unlimited() {
        return (tenant, items) -> {};
    }
}
