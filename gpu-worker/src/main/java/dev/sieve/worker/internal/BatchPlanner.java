package dev.sieve.worker.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Chooses the next batch from a ranked pool of tokenized items, so that padding stays small.
 *
 * <p>The pool is given in service order (the caller ranks starved items first, then by priority,
 * then by arrival). The first item, the anchor, is always taken, so every item is eventually served.
 * The rest of the anchor's class (same rank class) is then added nearest-length first: an item no
 * longer than the batch's longest adds {@code longest - length} padding tokens, a longer one adds
 * {@code (length - longest) × size}; the cheaper fitting one is taken. Only when the anchor's class
 * is exhausted and the batch still has room do later classes (lower priorities) fill it the same way.
 * An item is not added when it would push the batch over {@code maxItems}, over {@code maxTokens}
 * (longest × size) or its padding share over {@code maxPaddingShare}.
 */
public final class BatchPlanner {
    private BatchPlanner() {}

    /**
     * A chosen batch.
     *
     * @param items the items, in the pool's order of selection
     * @param paddedLength the longest sequence (every item is padded to it)
     * @param usefulTokens sum of the items' own lengths
     * @param full true when no waiting can make it bigger (item or token budget reached)
     */
    public record Plan<T>(List<T> items, int paddedLength, long usefulTokens, boolean full) {
        public long paddedTokens() {
            return (long) paddedLength * items.size();
        }

        /** Share of the padded tokens that are padding, 0..1. */
        public double paddingShare() {
            long padded = paddedTokens();
            return padded == 0 ? 0 : (double) (padded - usefulTokens) / padded;
        }
    }

    public static <T> Plan<T> plan(
            List<T> ranked,
            ToIntFunction<T> tokens,
            ToIntFunction<T> rankClass,
            int maxItems,
            long maxTokens,
            double maxPaddingShare) {
        if (ranked.isEmpty()) {
            return new Plan<>(List.of(), 0, 0, false);
        }
        T anchor = ranked.get(0);
        List<T> selected = new ArrayList<>();
        selected.add(anchor);
        int longest = Math.max(1, tokens.applyAsInt(anchor));
        long useful = tokens.applyAsInt(anchor);
        boolean full = selected.size() >= maxItems;

        int start = 1;
        while (!full && start < ranked.size()) {
            int cls = rankClass.applyAsInt(ranked.get(start));
            int end = start;
            while (end < ranked.size() && rankClass.applyAsInt(ranked.get(end)) == cls) {
                end++;
            }
            List<T> group = new ArrayList<>(ranked.subList(start, end));
            group.sort(Comparator.comparingInt(tokens));
            start = end;

            while (selected.size() < maxItems && !group.isEmpty()) {
                int n = selected.size();
                int split = firstLonger(group, tokens, longest);
                int below = split - 1;
                int above = split < group.size() ? split : -1;
                boolean budgetLeft = (long) longest * (n + 1) <= maxTokens;
                long costBelow = Long.MAX_VALUE;
                if (below >= 0 && budgetLeft) {
                    int t = tokens.applyAsInt(group.get(below));
                    if (shareAfter(longest, n + 1, useful + t) <= maxPaddingShare) {
                        costBelow = longest - t;
                    }
                }
                long costAbove = Long.MAX_VALUE;
                if (above >= 0) {
                    int t = tokens.applyAsInt(group.get(above));
                    if ((long) t * (n + 1) <= maxTokens && shareAfter(t, n + 1, useful + t) <= maxPaddingShare) {
                        costAbove = (long) (t - longest) * n;
                    }
                }
                if (costBelow == Long.MAX_VALUE && costAbove == Long.MAX_VALUE) {
                    if (!budgetLeft) {
                        full = true;
                    }
                    break;
                }
                T chosen = costBelow <= costAbove ? group.remove(below) : group.remove(above);
                int t = tokens.applyAsInt(chosen);
                selected.add(chosen);
                useful += t;
                longest = Math.max(longest, t);
            }
            if (selected.size() >= maxItems || (long) longest * (selected.size() + 1) > maxTokens) {
                full = true;
            }
        }
        if (selected.size() >= maxItems || (long) longest * (selected.size() + 1) > maxTokens) {
            full = true;
        }
        return new Plan<>(List.copyOf(selected), longest, useful, full);
    }

    private static double shareAfter(int longest, int size, long useful) {
        long padded = (long) longest * size;
        return (double) (padded - useful) / padded;
    }

    /** Index of the first element longer than {@code length} in a list sorted by tokens. */
    private static <T> int firstLonger(List<T> sorted, ToIntFunction<T> tokens, int length) {
        int lo = 0;
        int hi = sorted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (tokens.applyAsInt(sorted.get(mid)) <= length) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
