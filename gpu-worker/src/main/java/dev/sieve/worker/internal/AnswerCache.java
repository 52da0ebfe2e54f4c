package dev.sieve.worker.internal;

import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.result.TextFingerprint;
import dev.sieve.shared.tenant.Tenant;
import dev.sieve.worker.ResponseCache;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's side of the response cache: the fingerprint of each escalated text, a bounded in-memory
 * map of the answers this worker has seen (so a text repeated within one worker reaches the expert once,
 * even before the shared store has it), and the shared {@link ResponseCache} (DynamoDB on AWS), read at
 * intake and written off the inference thread. Every failure of the shared store is a miss, never an
 * error of an item.
 */
public final class AnswerCache {
    private static final Logger LOG = LoggerFactory.getLogger(AnswerCache.class);
    static final int LOCAL_ENTRIES = 65_536;

    private final ResponseCache shared;
    private final String bundleVersion;
    private final boolean enabled;
    private final boolean acrossTenants;
    private final Map<String, float[]> local = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > LOCAL_ENTRIES;
        }
    };
    private final ThreadPoolExecutor storer;

    /**
     * @param ttl zero turns the cache off (no fingerprints, no lookups, no stores)
     * @param acrossTenants whether a text's answer is shared by every tenant; when not, the fingerprint
     *     includes the tenant, so one tenant's hit can never come from another tenant's item
     */
    public AnswerCache(ResponseCache shared, String bundleVersion, Duration ttl, boolean acrossTenants) {
        this.shared = shared;
        this.bundleVersion = bundleVersion;
        this.enabled = !ttl.isZero();
        this.acrossTenants = acrossTenants;
        // One thread, a bounded queue: under a store outage answers are dropped, not piled up.
        this.storer = new ThreadPoolExecutor(
                1,
                1,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(256),
                Threads.named("sieve-cache-store"),
                new ThreadPoolExecutor.DiscardPolicy());
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * The cache key of an item of the message {@code requestId} (a tenant-scoped id), or null when the
     * cache is off. Work queued before tenants shares the scope {@link Tenant#UNKNOWN}.
     */
    public String fingerprint(String requestId, QueueItem item) {
        if (!enabled) {
            return null;
        }
        return TextFingerprint.sha256(acrossTenants ? "" : Tenant.nameOrUnknown(requestId), item.text());
    }

    /** Answers known for these fingerprints (null entries are skipped): this worker's first, then the shared store. */
    public Map<String, float[]> lookup(List<String> fingerprints) {
        Map<String, float[]> found = new HashMap<>();
        if (!enabled) {
            return found;
        }
        Set<String> remote = new LinkedHashSet<>();
        synchronized (local) {
            for (String f : fingerprints) {
                float[] answer = f == null ? null : local.get(f);
                if (answer != null) {
                    found.put(f, answer);
                } else if (f != null) {
                    remote.add(f);
                }
            }
        }
        if (remote.isEmpty()) {
            return found;
        }
        try {
            Map<String, float[]> stored = shared.lookup(bundleVersion, remote);
            synchronized (local) {
                local.putAll(stored);
            }
            found.putAll(stored);
        } catch (RuntimeException e) {
            LOG.warn("response cache lookup failed; {} texts go to the expert: {}", remote.size(), e.toString());
        }
        return found;
    }

    /** This worker's answer for a fingerprint, or null. */
    public float[] local(String fingerprint) {
        if (fingerprint == null) {
            return null;
        }
        synchronized (local) {
            return local.get(fingerprint);
        }
    }

    /** Remembers fresh expert answers here at once and in the shared store soon after. */
    public void remember(Map<String, float[]> answers) {
        if (!enabled || answers.isEmpty()) {
            return;
        }
        synchronized (local) {
            local.putAll(answers);
        }
        Map<String, float[]> copy = Map.copyOf(answers);
        try {
            storer.execute(() -> {
                try {
                    shared.store(bundleVersion, copy);
                } catch (RuntimeException e) {
                    LOG.warn("response cache store failed for {} answers: {}", copy.size(), e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            // closed: the answers stay only in memory
        }
    }

    /** Lets queued stores finish (up to {@code timeout}), then stops. */
    public void close(Duration timeout) {
        storer.shutdown();
        Threads.await(storer, timeout);
    }
}
