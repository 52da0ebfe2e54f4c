package dev.sieve.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The meter charges CPU time to the class of the thread that spent it. The spinning threads spin until
 * their own CPU clock has advanced 200 ms, so the figures do not depend on how loaded the machine is.
 */
class ThreadCpuMeterTest {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static final long SPIN_NANOS = 200_000_000L;
    private static final Function<Thread, String> BY_NAME =
            t -> t.getName().startsWith("spin-") ? "spinner" : t.getName().startsWith("sleep-") ? "sleeper" : "other";

    @Test
    void stop_whenOneThreadSpinsAndOneSleeps_chargesTheSpinToItsClassOnly() throws Exception {
        ThreadCpuMeter meter = ThreadCpuMeter.start(BY_NAME, Duration.ofMillis(20));
        CountDownLatch spun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread spinner = Thread.ofPlatform().name("spin-1").start(() -> spinThenWait(spun, release));
        Thread sleeper = Thread.ofPlatform().name("sleep-1").start(() -> await(release));
        spun.await();

        ThreadCpuMeter.Usage usage = meter.stop();
        release.countDown();
        spinner.join();
        sleeper.join();

        assertThat(usage.seconds("spinner")).isBetween(0.2, 0.3);
        assertThat(usage.seconds("sleeper")).isLessThan(0.02);
        assertThat(usage.processSeconds()).isGreaterThanOrEqualTo(usage.seconds("spinner"));
        // the process holds every thread; its CPU clock ticks in jiffies (10 ms), read twice, while threads'
        // clocks are exact, so the difference may dip below zero by up to two ticks (CI saw -0.0133)
        assertThat(usage.untrackedSeconds()).isGreaterThanOrEqualTo(-0.02);
    }

    @Test
    void stop_whenTheSpinningThreadEndedBeforeStop_keepsItsCpuFromTheLastSample() throws Exception {
        ThreadCpuMeter meter = ThreadCpuMeter.start(BY_NAME, Duration.ofHours(1)); // samples only when told
        CountDownLatch spun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread spinner = Thread.ofPlatform().name("spin-2").start(() -> spinThenWait(spun, release));
        spun.await();
        meter.sample();
        release.countDown();
        spinner.join();

        ThreadCpuMeter.Usage usage = meter.stop();

        assertThat(usage.seconds("spinner")).isBetween(0.2, 0.3);
    }

    @Test
    void stop_whenAThreadSpunBeforeStart_chargesOnlyWhatItDidAfter() throws Exception {
        CountDownLatch spun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread spinner = Thread.ofPlatform().name("spin-3").start(() -> spinThenWait(spun, release));
        spun.await();

        ThreadCpuMeter meter = ThreadCpuMeter.start(BY_NAME, Duration.ofMillis(20));
        Thread.sleep(50);
        ThreadCpuMeter.Usage usage = meter.stop();
        release.countDown();
        spinner.join();

        assertThat(usage.seconds("spinner")).isLessThan(0.02);
        assertThat(usage.byClass()).containsKey(ThreadCpuMeter.SAMPLER);
    }

    @Test
    void vmClass_ofHotSpotThreadNames_tellsJitAndGcFromTheRest() {
        assertThat(ThreadCpuMeter.vmClass("C2 CompilerThre")).isEqualTo(ThreadCpuMeter.JIT);
        assertThat(ThreadCpuMeter.vmClass("C1 CompilerThre")).isEqualTo(ThreadCpuMeter.JIT);
        assertThat(ThreadCpuMeter.vmClass("GC Thread#1")).isEqualTo(ThreadCpuMeter.GC);
        assertThat(ThreadCpuMeter.vmClass("G1 Conc#0")).isEqualTo(ThreadCpuMeter.GC);
        assertThat(ThreadCpuMeter.vmClass("VM Thread")).isEqualTo(ThreadCpuMeter.GC);
        assertThat(ThreadCpuMeter.vmClass("java")).isNull();
        assertThat(ThreadCpuMeter.vmClass("sieve-inference")).isNull();
    }

    private static void spinThenWait(CountDownLatch spun, CountDownLatch release) {
        long start = MX.getCurrentThreadCpuTime();
        long x = 0;
        while (MX.getCurrentThreadCpuTime() - start < SPIN_NANOS) {
            x += System.nanoTime() % 7;
        }
        if (x == 42) {
            System.out.print(""); // keeps the loop from being optimised away
        }
        spun.countDown();
        await(release);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
