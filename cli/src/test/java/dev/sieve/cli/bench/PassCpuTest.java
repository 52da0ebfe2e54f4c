package dev.sieve.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PassCpuTest {
    private static final ThreadCpuMeter.Usage USAGE = new ThreadCpuMeter.Usage(
            10.0,
            Map.of(
                    PassCpu.EMULATOR,
                    2.0,
                    PassCpu.BENCH,
                    0.5,
                    ThreadCpuMeter.SAMPLER,
                    0.1,
                    "worker/inference",
                    3.0,
                    "worker/writer",
                    0.2,
                    PassCpu.OTHER,
                    0.1),
            Map.of(ThreadCpuMeter.JIT, 1.0, ThreadCpuMeter.GC, 0.2));

    @Test
    void of_workerPass_takesOutEmulatorsBenchThreadMeterAndJit() {
        PassCpu cpu = PassCpu.of(USAGE, 0, true);

        assertThat(cpu.netSeconds()).isCloseTo(10.0 - 2.0 - 0.5 - 0.1 - 1.0, within(1e-9));
        assertThat(cpu.workerJvmSeconds()).isCloseTo(3.2, within(1e-9));
        assertThat(cpu.untrackedSeconds()).isCloseTo(10.0 - 5.9 - 1.2, within(1e-9));
        assertThat(cpu.workerThreads()).containsOnlyKeys("inference", "writer");
    }

    @Test
    void of_barePass_keepsTheBenchThreadWhichRunsTheSession() {
        assertThat(PassCpu.of(USAGE, 0, false).netSeconds()).isCloseTo(10.0 - 2.0 - 0.1 - 1.0, within(1e-9));
    }

    @Test
    void of_emulatorsInAChildProcess_reportsTheirCpuWithoutTakingItFromThisProcess() {
        PassCpu inJvm = PassCpu.of(USAGE, 0, true);
        PassCpu child = PassCpu.of(USAGE, 1.5, true);

        assertThat(child.emulatorSeconds()).isCloseTo(3.5, within(1e-9));
        assertThat(child.netSeconds()).isEqualTo(inJvm.netSeconds());
    }

    @Test
    void classifier_namesEmulatorBenchWorkerRolesAndTheRest() {
        Thread bench = Thread.currentThread();
        Thread emulator = Thread.ofPlatform().name("elasticmq-1").unstarted(() -> {});
        Function<Thread, String> classes = PassCpu.classifier(t -> t == emulator, bench);

        assertThat(classes.apply(emulator)).isEqualTo(PassCpu.EMULATOR);
        assertThat(classes.apply(bench)).isEqualTo(PassCpu.BENCH);
        assertThat(classes.apply(Thread.ofPlatform().name("sieve-writer-3").unstarted(() -> {})))
                .isEqualTo("worker/writer");
        assertThat(classes.apply(Thread.ofPlatform().name("sieve-inference").unstarted(() -> {})))
                .isEqualTo("worker/inference");
        assertThat(classes.apply(
                        Thread.ofPlatform().name("sdk-ScheduledExecutor-0-1").unstarted(() -> {})))
                .isEqualTo(PassCpu.OTHER);
    }
}
