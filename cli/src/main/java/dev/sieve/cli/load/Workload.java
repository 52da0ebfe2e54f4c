package dev.sieve.cli.load;

import java.util.Locale;

/**
 * What one load step sends: the request mode, items per request and the load model.
 *
 * @param mode real-time (answered inline, pending items polled), async (202, then polled) or batch (S3 manifests)
 * @param itemsPerRequest items in one HTTP request (batch: items per manifest)
 * @param model open (arrivals per second) or closed (virtual users, each waiting for its answer)
 */
public record Workload(Mode mode, int itemsPerRequest, Model model) {

    /** How requests reach the API. */
    public enum Mode {
        REALTIME,
        ASYNC,
        BATCH;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The load model of the study: virtual users (closed) or an arrival rate (open). */
    public enum Model {
        OPEN,
        CLOSED;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** What a step's level counts. */
        public String levelName() {
            return this == OPEN ? "requests_per_s" : "virtual_users";
        }
    }

    public Workload {
        if (itemsPerRequest < 1 || itemsPerRequest > 100_000) {
            throw new IllegalArgumentException("--items-per-request must be 1..100000 (got " + itemsPerRequest + ")");
        }
    }

    /** A short label for reports: {@code realtime-10-closed}. */
    public String label() {
        return mode.jsonName() + "-" + itemsPerRequest + "-" + model.jsonName();
    }
}
