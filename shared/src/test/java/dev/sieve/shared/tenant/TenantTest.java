package dev.sieve.shared.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TenantTest {
    @Test
    void scope_thenOfScopedAndUnscoped_giveBackTheTenantAndTheId() {
        String scoped = Tenant.of("acme").scope("abc");

        assertThat(scoped).isEqualTo("acme/abc");
        assertThat(Tenant.ofScoped(scoped)).isEqualTo(Tenant.of("acme"));
        assertThat(Tenant.unscoped(scoped)).isEqualTo("abc");
    }

    @Test
    void lenientReaders_whenTheIdHasNoTenant_sayUnknownAndKeepTheId() {
        assertThat(Tenant.nameOrUnknown("acme/abc")).isEqualTo("acme");
        assertThat(Tenant.unscopedOrSelf("acme/abc")).isEqualTo("abc");
        for (String old : new String[] {"abc", "/abc", "bad#name/abc"}) {
            assertThat(Tenant.nameOrUnknown(old)).as(old).isEqualTo(Tenant.UNKNOWN);
            assertThat(Tenant.unscopedOrSelf(old)).as(old).isEqualTo(old);
        }
        assertThatThrownBy(() -> Tenant.ofScoped("abc")).hasMessageContaining("not a tenant-scoped id");
    }
}
