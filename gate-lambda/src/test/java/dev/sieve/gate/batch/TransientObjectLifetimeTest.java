package dev.sieve.gate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.gate.reaper.Reaper;
import dev.sieve.shared.config.ResourceDefaults;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The bucket deletes part files, payloads and uploads {@link ResourceDefaults#TRANSIENT_OBJECT_DAYS} after
 * they were written. Nothing may still need them then: a live job reads its part files until its output is
 * assembled, and the reaper fails jobs and requests that outlive their deadlines.
 */
class TransientObjectLifetimeTest {
    /** Slack for the reaper's schedule (every few minutes) and a slow final assembly. */
    private static final Duration MARGIN = Duration.ofHours(1);

    @Test
    void partFiles_outliveTheLongestAJobCanRun() {
        Duration longestJob =
                Reaper.DEFAULT_JOB_DEADLINE.plus(JobService.ASSEMBLY_LEASE).plus(MARGIN);

        assertThat(longestJob).isLessThanOrEqualTo(Duration.ofDays(ResourceDefaults.TRANSIENT_OBJECT_DAYS));
    }

    @Test
    void uploadsAndPayloads_outliveTheLongestARequestCanRun() {
        assertThat(Reaper.DEFAULT_REQUEST_DEADLINE.plus(MARGIN))
                .isLessThanOrEqualTo(Duration.ofDays(ResourceDefaults.TRANSIENT_OBJECT_DAYS));
    }
}
