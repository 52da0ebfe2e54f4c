package dev.sieve.worker.testing;

import dev.sieve.worker.ResponseCache;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A shared response cache in memory, keyed like the DynamoDB one (bundle version + fingerprint). */
public final class InMemoryResponseCache implements ResponseCache {
    private final Map<String, float[]> answers = new ConcurrentHashMap<>();

    @Override
    public Map<String, float[]> lookup(String bundleVersion, Collection<String> fingerprints) {
        Map<String, float[]> found = new HashMap<>();
        for (String f : fingerprints) {
            float[] answer = answers.get(bundleVersion + "#" + f);
            if (answer != null) {
                found.put(f, answer);
            }
        }
        return found;
    }

    @Override
    public void store(String bundleVersion, Map<String, float[]> fresh) {
        fresh.forEach((f, answer) -> answers.put(bundleVersion + "#" + f, answer));
    }

    public int size() {
        return answers.size();
    }
}
