package dev.sieve.worker.expert;

import java.util.Arrays;
import java.util.Map;

/**
 * A WordPiece vocabulary as two character tries, one for pieces that start a word and one for the
 * pieces that continue it (the vocabulary's {@code ##} entries, prefix removed), so the longest piece
 * at a position is found in one walk without building substrings. Edges live in one open-addressing
 * table keyed by (node, character). Immutable, thread-safe.
 */
final class WordPieceVocabulary {
    static final int START = 0;
    static final int CONTINUATION = 1;
    private static final long EMPTY = -1L;

    private long[] keys;
    private int[] children;
    private int mask;
    private int edges;
    /** The token id a node completes, {@code -1} if none. */
    private int[] ids = new int[1 << 16];

    private int nodes = 2;

    WordPieceVocabulary(Map<String, Integer> vocabulary, String continuationPrefix) {
        int capacity = Integer.highestOneBit(Math.max(16, vocabulary.size() * 16)) << 1;
        keys = new long[capacity];
        children = new int[capacity];
        mask = capacity - 1;
        Arrays.fill(keys, EMPTY);
        Arrays.fill(ids, -1);
        for (Map.Entry<String, Integer> entry : vocabulary.entrySet()) {
            String token = entry.getKey();
            insert(START, token, 0, entry.getValue());
            if (!continuationPrefix.isEmpty()
                    && token.startsWith(continuationPrefix)
                    && token.length() > continuationPrefix.length()) {
                insert(CONTINUATION, token, continuationPrefix.length(), entry.getValue());
            }
        }
        ids = Arrays.copyOf(ids, nodes);
    }

    /** The node reached from {@code node} by {@code c}, {@code -1} if the vocabulary has no such piece prefix. */
    int child(int node, char c) {
        long key = ((long) node << 16) | c;
        for (int slot = slot(key); ; slot = (slot + 1) & mask) {
            long k = keys[slot];
            if (k == key) {
                return children[slot];
            }
            if (k == EMPTY) {
                return -1;
            }
        }
    }

    /** The token id of the piece spelt by the path to {@code node}, {@code -1} if that path is no piece. */
    int id(int node) {
        return ids[node];
    }

    private void insert(int root, String token, int from, int id) {
        if (from == token.length()) {
            return;
        }
        int node = root;
        for (int i = from; i < token.length(); i++) {
            int next = child(node, token.charAt(i));
            if (next < 0) {
                next = addEdge(node, token.charAt(i));
            }
            node = next;
        }
        ids[node] = id;
    }

    private int addEdge(int node, char c) {
        if ((edges + 1) * 2 > keys.length) {
            rehash();
        }
        if (nodes == ids.length) {
            int old = ids.length;
            ids = Arrays.copyOf(ids, old * 2);
            Arrays.fill(ids, old, ids.length, -1);
        }
        int created = nodes++;
        put(((long) node << 16) | c, created);
        edges++;
        return created;
    }

    private void put(long key, int child) {
        int slot = slot(key);
        while (keys[slot] != EMPTY) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        children[slot] = child;
    }

    private void rehash() {
        long[] oldKeys = keys;
        int[] oldChildren = children;
        keys = new long[oldKeys.length * 2];
        children = new int[oldKeys.length * 2];
        mask = keys.length - 1;
        Arrays.fill(keys, EMPTY);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], oldChildren[i]);
            }
        }
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
