package dev.sieve.worker;

import java.util.Collection;
import java.util.Map;

/**
 * The expert's earlier answers, by bundle version and {@link dev.sieve.shared.result.TextFingerprint}
 * of the text: an escalated item whose text was answered before is answered again without expert work
 * (tier {@code cache}). Best effort both ways: a lookup that fails is a miss, a store that fails is a
 * later miss; neither may lose or block an item.
 */
public interface ResponseCache {

    /**
     * The cached probabilities of those fingerprints that have an unexpired answer under {@code
     * bundleVersion}; absent keys are misses.
     *
     * @throws RuntimeException when the store cannot be read (the worker treats every key as a miss)
     */
    Map<String, float[]> lookup(String bundleVersion, Collection<String> fingerprints);

    /** Remembers the expert's answers (probabilities in the bundle's label order). */
    void store(String bundleVersion, Map<String, float[]> answers);

    /** No shared cache (answers are still reused within one worker's memory). */
    static ResponseCache none() {
        return new ResponseCache() {
            @Override
            public Map<String, float[]> lookup(String bundleVersion, Collection<String> fingerprints) {
                return Map.of();
            }

            @Override
            public void store(String bundleVersion, Map<String, float[]> answers) {}
        };
    }
}
