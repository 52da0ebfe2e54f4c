package dev.sieve.worker.internal;

import dev.sieve.shared.queue.Priority;
import dev.sieve.worker.WorkerConfig;
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
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Collects tokenized items and hands out batches, shaped after djl-serving's {@code BatchAggregator}:
 * {@link #next} blocks for the first item, then waits until the {@link BatchPlanner} says the batch is
 * full, the pool is deep enough that waiting cannot help, or {@code maxWait} has passed since the
 * anchor item arrived. Items of {@code idleReleasePriority} or higher (real-time) do not wait for
 * company: the inference loop asks for a batch only when the expert is idle, so waiting out the window
 * would add {@code maxWait} to their latency for nothing (measured with {@code sieve bench realtime}:
 * ~20 ms of a ~100 ms p50); what queued meanwhile goes with them, and while the expert is busy items
 * pool up and the next batch takes them all (continuous batching).
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
    private final int idleReleasePriority;
    private final LongSupplier nanoClock;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Entry<T>> pool = new ArrayList<>();
    private volatile IntPredicate deferred = p -> false;
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
        /** it holds a real-time item and the expert is idle */
        IDLE,
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

    /** The worker's batcher: its limits from {@code config}, real-time items released when idle. */
    public static <T> DynamicBatcher<T> of(WorkerConfig config) {
        return new DynamicBatcher<>(
                config.maxBatchItems(),
                config.maxBatchTokens(),
                config.maxWait(),
                config.starvationLimit(),
                Priority.REALTIME.ordinal());
    }

    /** A batcher where every item waits out {@code maxWait} (no priority is released when idle). */
    public DynamicBatcher(int maxItems, long maxTokens, Duration maxWait, int starvationLimit) {
        this(maxItems, maxTokens, maxWait, starvationLimit, -1);
    }

    /** @param idleReleasePriority items of this priority or higher go at once (-1: none) */
    public DynamicBatcher(
            int maxItems, long maxTokens, Duration maxWait, int starvationLimit, int idleReleasePriority) {
        this(maxItems, maxTokens, maxWait, starvationLimit, idleReleasePriority, System::nanoTime);
    }

    DynamicBatcher(
            int maxItems,
            long maxTokens,
            Duration maxWait,
            int starvationLimit,
            int idleReleasePriority,
            LongSupplier nanoClock) {
        this.maxItems = maxItems;
        this.maxTokens = maxTokens;
        this.maxWaitNanos = maxWait.toNanos();
        this.starvationLimit = starvationLimit;
        this.idleReleasePriority = idleReleasePriority;
        this.nanoClock = nanoClock;
    }

    /**
     * Items of a priority for which {@code deferred} is true stay pooled and are not batched until it
     * turns false (checked at least every 100 ms), unless the batcher is closed (drain takes everything).
     */
    public void defer(IntPredicate deferred) {
        this.deferred = deferred;
    }

    public void add(T item, int priority, int tokens) {
        addAll(List.of(item), priority, t -> tokens);
    }

    /** Adds items together (one message's slice), so that an idle release does not split them. */
    public void addAll(List<T> items, int priority, ToIntFunction<T> tokens) {
        if (items.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            for (T item : items) {
                pool.add(new Entry<>(item, priority, tokens.applyAsInt(item), arrivals++, now, batches));
            }
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
                if (ranked.isEmpty()) {
                    changed.awaitNanos(TimeUnit.MILLISECONDS.toNanos(100)); // every pooled item is deferred
                    continue;
                }
                BatchPlanner.Plan<Entry<T>> plan = BatchPlanner.plan(
                        ranked, Entry::tokens, this::rankClass, maxItems, maxTokens, MAX_PADDING_SHARE);
                long waitLeft = ranked.get(0).arrivedAtNanos() + maxWaitNanos - nanoClock.getAsLong();
                Release release = release(plan, waitLeft, ranked.size());
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
    private Release release(BatchPlanner.Plan<Entry<T>> plan, long waitLeft, int eligible) {
        if (plan.full()) {
            return plan.items().size() >= maxItems ? Release.FULL : Release.TOKENS;
        }
        if (closed) {
            return Release.DRAIN;
        }
        if (waitLeft <= 0) {
            return Release.WAIT;
        }
        if (plan.items().stream().anyMatch(e -> e.priority() <= idleReleasePriority)) {
            return Release.IDLE;
        }
        return eligible >= 4L * maxItems ? Release.BACKLOG : null;
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

    /** The pooled items that may be batched now (all of them once closed), best first. */
    private List<Entry<T>> ranked() {
        IntPredicate defer = closed ? p -> false : deferred;
        List<Entry<T>> ranked = new ArrayList<>(pool.size());
        for (Entry<T> e : pool) {
            if (!defer.test(e.priority())) {
                ranked.add(e);
            }
        }
        ranked.sort(Comparator.<Entry<T>>comparingInt(this::rankClass).thenComparingLong(Entry::arrival));
        return ranked;
    }
}
