package dev.sieve.models.expert;

import java.io.PrintStream;

/** Receives progress of long steps (embedding thousands of documents takes minutes on a CPU). */
@FunctionalInterface
public interface ProgressListener {

    /**
     * @param phase what is running, e.g. {@code "embed train"}
     * @param done items finished so far
     * @param total items in this phase
     */
    void onProgress(String phase, long done, long total);

    static ProgressListener silent() {
        return (phase, done, total) -> {};
    }

    /** A bar redrawn in place on {@code out}: {@code [#####-----] 1234/4200 items, 37 items/s, eta 1m12s}. */
    static ProgressListener bar(PrintStream out) {
        return new ProgressBar(out);
    }

    /** A bar on standard error. */
    static ProgressListener stderrBar() {
        return bar(System.err);
    }

    /** Draws a text progress bar; not thread-safe (progress is reported from one thread). */
    final class ProgressBar implements ProgressListener {
        private static final int WIDTH = 30;
        private final PrintStream out;
        private String phase;
        private long startNanos;
        private long lastDrawNanos;

        private ProgressBar(PrintStream out) {
            this.out = out;
        }

        @Override
        public void onProgress(String phase, long done, long total) {
            long now = System.nanoTime();
            if (!phase.equals(this.phase)) {
                this.phase = phase;
                startNanos = now;
                lastDrawNanos = 0;
            }
            boolean finished = done >= total;
            if (!finished && now - lastDrawNanos < 200_000_000L) {
                return;
            }
            lastDrawNanos = now;
            out.print("\r" + line(phase, done, total, (now - startNanos) / 1e9));
            if (finished) {
                out.println();
            }
            out.flush();
        }

        static String line(String phase, long done, long total, double seconds) {
            int filled = total == 0 ? WIDTH : (int) (WIDTH * Math.min(1.0, (double) done / total));
            double rate = seconds > 0 ? done / seconds : 0;
            String eta = rate > 0 ? duration((total - done) / rate) : "?";
            return String.format(
                    "%s [%s%s] %d/%d items, %.0f items/s, eta %s",
                    phase, "#".repeat(filled), "-".repeat(WIDTH - filled), done, total, rate, eta);
        }

        private static String duration(double seconds) {
            long s = Math.round(seconds);
            return s >= 60 ? (s / 60) + "m" + String.format("%02d", s % 60) + "s" : s + "s";
        }
    }
}
