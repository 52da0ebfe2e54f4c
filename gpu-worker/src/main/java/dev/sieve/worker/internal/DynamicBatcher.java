package dev.sieve.worker.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Collects tokenized items and hands out batches, shaped after djl-serving's {@code BatchAggregator}:
 * {@link #next} blocks for the first item, then waits until the {@link BatchPlanner} says the batch is
 * full, the pool is deep enough that waiting cannot help, or {@code maxWait} has passed since the
 * anchor item arrived.
 *
 * <p>Service order: items passed over by {@code starvationLimit} batches go first (oldest first);
 * then by priority (0 = highest); then by arrival. A lower priority therefore fills a batch only
 * when the higher ones leave room, and no item waits more than {@code starvationLimit} batches once
 * it is in the pool.
 */
public final class DynamicBatcher<T> {
    /** Largest padding share the planner accepts when adding an item. */
    public static final double MAX_PADDING_SHARE = 0.10;

    private final int maxItems;
    private final long maxTokens;
    private final long maxWaitNanos;
    private final int starvationLimit;
    private final LongSupplier nanoClock;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Entry<T>> pool = new ArrayList<>();
    private long arrivals;
    private long batches;
    private boolean closed;

    private record Entry<T>(T item, int priority, int tokens, long arrival, long arrivedAtNanos, long batchAtArrival) {}

    /** Why a batch was handed out when it was. */
    public enum Release {
        /** it reached {@code maxItems} */
        FULL,
        /** no further item fits the token budget (or the padding cap) */
        TOKENS,
        /** its anchor item had waited {@code maxWait} */
        WAIT,
        /** the pool holds four batches' worth: waiting cannot make this one better */
        BACKLOG,
        /** the batcher is closed (drain): what is left goes without waiting */
        DRAIN;

        /** Lower-case name for metric dimensions. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A batch, how it was formed and why it was released. */
    public record Batch<T>(List<T> items, int paddedLength, long usefulTokens, double paddingShare, Release release) {}

    public DynamicBatcher(int maxItems, long maxTokens, Duration maxWait, int starvationLimit) {
        this(maxItems, maxTokens, maxWait, starvationLimit, System::nanoTime);
    }

    DynamicBatcher(int maxItems, long maxTokens, Duration maxWait, int starvationLimit, LongSupplier nanoClock) {
        this.maxItems = maxItems;
        this.maxTokens = maxTokens;
        this.maxWaitNanos = maxWait.toNanos();
        this.starvationLimit = starvationLimit;
        this.nanoClock = nanoClock;
    }

    public void add(T item, int priority, int tokens) {
        lock.lock();
        try {
            pool.add(new Entry<>(item, priority, tokens, arrivals++, nanoClock.getAsLong(), batches));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Removes pooled items (e.g. of a message that was released); returns how many. */
    public int removeIf(Predicate<T> filter) {
        lock.lock();
        try {
            int before = pool.size();
            pool.removeIf(e -> filter.test(e.item()));
            return before - pool.size();
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return pool.size();
        } finally {
            lock.unlock();
        }
    }

    /** After close, {@link #next} hands out what is left without waiting, then returns empty. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks until a batch is ready; empty once closed and drained.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public Optional<Batch<T>> next() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                while (pool.isEmpty()) {
                    if (closed) {
                        return Optional.empty();
                    }
                    changed.await();
                }
                List<Entry<T>> ranked = ranked();
                BatchPlanner.Plan<Entry<T>> plan = BatchPlanner.plan(
                        ranked, Entry::tokens, this::rankClass, maxItems, maxTokens, MAX_PADDING_SHARE);
                long waitLeft = ranked.get(0).arrivedAtNanos() + maxWaitNanos - nanoClock.getAsLong();
                Release release = release(plan, waitLeft);
                if (release != null) {
                    return Optional.of(take(plan, release));
                }
                changed.awaitNanos(Math.min(waitLeft, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Why the planned batch should go now, or null to keep waiting. */
    private Release release(BatchPlanner.Plan<Entry<T>> plan, long waitLeft) {
        if (plan.full()) {
            return plan.items().size() >= maxItems ? Release.FULL : Release.TOKENS;
        }
        if (closed) {
            return Release.DRAIN;
        }
        if (waitLeft <= 0) {
            return Release.WAIT;
        }
        return pool.size() >= 4L * maxItems ? Release.BACKLOG : null;
    }

    private Batch<T> take(BatchPlanner.Plan<Entry<T>> plan, Release release) {
        Map<Entry<T>, Boolean> chosen = new IdentityHashMap<>();
        List<T> items = new ArrayList<>(plan.items().size());
        for (Entry<T> e : plan.items()) {
            chosen.put(e, Boolean.TRUE);
            items.add(e.item());
        }
        pool.removeIf(chosen::containsKey);
        batches++;
        return new Batch<>(List.copyOf(items), plan.paddedLength(), plan.usefulTokens(), plan.paddingShare(), release);
    }

    private boolean starved(Entry<T> e) {
        return batches - e.batchAtArrival() >= starvationLimit;
    }

    /** -1 for starved items, else the priority. */
    private int rankClass(Entry<T> e) {
        return starved(e) ? -1 : e.priority();
    }

    private List<Entry<T>> ranked() {
        List<Entry<T>> ranked = new ArrayList<>(pool);
        ranked.sort(Comparator.<Entry<T>>comparingInt(this::rankClass).thenComparingLong(Entry::arrival));
        return ranked;
    }
}
