package dev.sieve.cli.simulate;

import dev.sieve.pricing.SimulatedFleet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replays a {@link Trace} at 60-second ticks against the worker scaling of a {@link ScalingTemplate}: one
 * SQS queue (the three work queues together), CloudWatch alarm evaluation, Application Auto Scaling and
 * ECS capacity with one GPU task per instance.
 *
 * <p>What is modelled, per tick {@code t}:
 *
 * <ul>
 *   <li>SQS: items arrive at the trace's rate, {@code itemsPerMessage} to a message; the queue-depth
 *       datapoint of a minute is every message present in it (waiting at its start or arriving during it,
 *       visible or in flight), which is what the {@code Maximum} of {@code ApproximateNumberOfMessagesVisible}
 *       and the sum of visible and not-visible messages approximate. A queue with no activity for 6 hours
 *       publishes no datapoints, and after activity resumes its datapoints return {@code metricsResumeMinutes}
 *       later (SQS developer guide, "Available CloudWatch metrics"); a missing series counts as 0 only where
 *       the template FILLs it.
 *   <li>CloudWatch: datapoints of minute {@code t-1} are the newest an alarm sees at {@code t}. The wake alarm
 *       is evaluated as the template says (evaluation periods, datapoints to alarm, treat-missing-data); an
 *       alarm in ALARM invokes its Auto Scaling action every minute, subject to the policy cooldown.
 *   <li>Application Auto Scaling target tracking, with the alarms it creates: scale out when the metric is
 *       above the target for {@value #HIGH_DATAPOINTS} of {@value #HIGH_DATAPOINTS} minutes, to {@code
 *       ceil(desired * metric / target)}; scale in when it is below {@value #SCALE_IN_SHARE} x target for
 *       {@value #LOW_DATAPOINTS} of {@value #LOW_DATAPOINTS} minutes, to the same formula, not within the
 *       scale-in cooldown of the last scale-in nor the scale-out cooldown of the last scale-out. From 0 desired
 *       the formula gives 0: only the wake policy leaves zero.
 *   <li>ECS: a new task on a new instance runs after {@code instanceBootSeconds + imagePullSeconds} (the
 *       capacity provider's reaction is folded into the boot time); on an idle instance that has the image,
 *       one tick. Tasks stop at once when desired falls (pending first); an instance idle for {@code
 *       instanceIdleMinutes} terminates. GPU-hours count instance time, booting included.
 *   <li>Each running task processes {@code itemsPerSecondPerTask} items per second, oldest first.
 * </ul>
 */
public final class ScalingSimulator {

    /** Datapoints the target-tracking scale-out alarm needs above the target (AAS creates 3 of 3, 1 minute). */
    public static final int HIGH_DATAPOINTS = 3;
    /** Datapoints the scale-in alarm needs below {@link #SCALE_IN_SHARE} of the target (15 of 15, 1 minute). */
    public static final int LOW_DATAPOINTS = 15;
    /** The scale-in alarm's threshold as a share of the target (AAS scales in only 10 % below the target). */
    public static final double SCALE_IN_SHARE = 0.9;
    /** SQS stops publishing metrics for a queue inactive this long. */
    static final int SQS_INACTIVE_MINUTES = 360;

    /**
     * The simulation's parameters beside the template.
     *
     * @param itemsPerSecondPerTask one task's throughput ({@code worker_items_per_s} of {@code sieve bench worker})
     * @param itemsPerMessage items per queue message ({@code --message-items} of {@code sieve bench worker})
     * @param instanceBootSeconds from launch to a registered ECS container instance
     * @param imagePullSeconds pulling and starting the worker image on a fresh instance
     * @param instanceIdleMinutes how long an instance without a task lives before the capacity provider
     *     removes it
     * @param metricsResumeMinutes delay before an SQS queue that was inactive publishes datapoints again
     */
    public record Options(
            double itemsPerSecondPerTask,
            int itemsPerMessage,
            int instanceBootSeconds,
            int imagePullSeconds,
            int instanceIdleMinutes,
            int metricsResumeMinutes) {
        public static final Options DEFAULTS = new Options(150, 25, 180, 240, 15, 15);

        public Options {
            positive(itemsPerSecondPerTask, "--items-per-second-per-task");
            positive(itemsPerMessage, "--items-per-message");
            notNegative(instanceBootSeconds, "--instance-boot-seconds");
            notNegative(imagePullSeconds, "--image-pull-seconds");
            notNegative(instanceIdleMinutes, "--instance-idle-minutes");
            notNegative(metricsResumeMinutes, "--metrics-resume-minutes");
        }

        private static void positive(double value, String option) {
            if (!(value > 0)) {
                throw new IllegalArgumentException(option + " must be > 0, got " + value);
            }
        }

        private static void notNegative(int value, String option) {
            if (value < 0) {
                throw new IllegalArgumentException(option + " must be >= 0, got " + value);
            }
        }
    }

    /** One simulated minute. {@code backlogPerTask} is NaN when the metric had no value. */
    public record Tick(
            int minute,
            double itemsPerSecond,
            long backlogMessages,
            int desired,
            int running,
            int instances,
            boolean wakeAlarm,
            double backlogPerTask) {}

    /** The run: every tick and the summary printed with {@code --json}. */
    public record Result(List<Tick> ticks, Map<String, Object> summary) {}

    private final ScalingTemplate template;
    private final Options options;

    public ScalingSimulator(ScalingTemplate template, Options options) {
        this.template = template;
        this.options = options;
    }

    private static final class Task {
        final long readyAtSecond;
        final Instance instance;

        Task(long readyAtSecond, Instance instance) {
            this.readyAtSecond = readyAtSecond;
            this.instance = instance;
        }
    }

    private static final class Instance {
        final long readyAtSecond;
        boolean busy;
        long idleSinceSecond;

        Instance(long readyAtSecond) {
            this.readyAtSecond = readyAtSecond;
        }
    }

    public Result run(Trace trace) {
        int n = trace.minutes();
        double[] queueSeries = new double[n]; // NaN: not published
        double[] visibleSeries = new double[n];
        double[] desiredSeries = new double[n];
        double[] runningSeries = new double[n];
        List<Tick> ticks = new ArrayList<>(n);
        List<Integer> taskStarts = new ArrayList<>();
        TreeMap<Integer, Double> waitTicksHistogram = new TreeMap<>();

        Deque<double[]> queue = new ArrayDeque<>(); // {arrival tick, items}
        double itemsInQueue = 0;
        List<Task> tasks = new ArrayList<>();
        List<Instance> instances = new ArrayList<>();
        int desired = template.minCapacity();
        int lastActive = 0;
        int metricsFrom = 0;
        int lastScaleOut = Integer.MIN_VALUE / 2;
        int lastScaleIn = Integer.MIN_VALUE / 2;
        int lastWake = Integer.MIN_VALUE / 2;
        double instanceMinutes = 0;
        double perTaskPerTick = options.itemsPerSecondPerTask() * 60;
        ScalingTemplate.WakeAlarm wake = template.wake();

        for (int t = 0; t < n; t++) {
            long now = t * 60L;
            // SQS: arrivals, activity and what the queue publishes for this minute.
            double arriving = trace.itemsPerSecond()[t] * 60;
            if (arriving > 0) {
                if (t - lastActive > SQS_INACTIVE_MINUTES) {
                    metricsFrom = t + options.metricsResumeMinutes();
                }
                queue.addLast(new double[] {t, arriving});
                itemsInQueue += arriving;
            }
            long present = messages(itemsInQueue);
            if (present > 0) {
                lastActive = t;
            }
            boolean published = t - lastActive <= SQS_INACTIVE_MINUTES && t >= metricsFrom;
            queueSeries[t] = published ? present : Double.NaN;
            visibleSeries[t] = published ? present : Double.NaN;

            // Workers: running tasks process the oldest items first.
            int running =
                    (int) tasks.stream().filter(k -> k.readyAtSecond <= now).count();
            double capacity = running * perTaskPerTick;
            while (capacity > 0 && !queue.isEmpty()) {
                double[] head = queue.peekFirst();
                double taken = Math.min(capacity, head[1]);
                waitTicksHistogram.merge(t - (int) head[0], taken, Double::sum);
                head[1] -= taken;
                capacity -= taken;
                itemsInQueue -= taken;
                if (head[1] <= 1e-9) {
                    queue.removeFirst();
                }
            }
            if (queue.isEmpty()) {
                itemsInQueue = 0;
            }
            desiredSeries[t] = desired;
            runningSeries[t] = running;

            // CloudWatch and Application Auto Scaling see datapoints up to t-1.
            boolean wakeInAlarm = false;
            double metric = Double.NaN;
            if (t >= 1) {
                wakeInAlarm = wakeAlarm(t - 1, visibleSeries, desiredSeries, runningSeries);
                if (wakeInAlarm && t - lastWake >= Math.max(1, wake.cooldownSeconds() / 60)) {
                    int next =
                            switch (wake.adjustmentType()) {
                                case "ExactCapacity" -> wake.adjustment();
                                case "ChangeInCapacity" -> desired + wake.adjustment();
                                default ->
                                    throw new ScalingTemplate.TemplateException("wake AdjustmentType "
                                            + wake.adjustmentType() + " is not one the simulator models");
                            };
                    desired = clamp(next);
                    lastWake = t;
                }
                metric = backlogPerTask(t - 1, queueSeries, desiredSeries, runningSeries);
                double target = template.targetValue();
                if (all(t, HIGH_DATAPOINTS, queueSeries, desiredSeries, runningSeries, v -> v > target)) {
                    int next = clamp((int) Math.ceil(desired * metric / target - 1e-9));
                    if (next > desired) {
                        desired = next;
                        lastScaleOut = t;
                    }
                } else if (!template.scaleInDisabled()
                        && all(
                                t,
                                LOW_DATAPOINTS,
                                queueSeries,
                                desiredSeries,
                                runningSeries,
                                v -> v < SCALE_IN_SHARE * target)
                        && t - lastScaleIn >= template.scaleInCooldownSeconds() / 60
                        && t - lastScaleOut >= template.scaleOutCooldownSeconds() / 60) {
                    int next = clamp((int) Math.ceil(desired * metric / target - 1e-9));
                    if (next < desired) {
                        desired = next;
                        lastScaleIn = t;
                    }
                }
            }

            // ECS: place or stop tasks to match desired; idle instances leave.
            while (tasks.size() < desired) {
                Instance idle =
                        instances.stream().filter(i -> !i.busy).findFirst().orElse(null);
                Task task;
                if (idle != null) {
                    idle.busy = true;
                    long ready = Math.max(idle.readyAtSecond, now)
                            + (idle.readyAtSecond > now ? options.imagePullSeconds() : 60);
                    task = new Task(ready, idle);
                } else {
                    Instance fresh = new Instance(now + options.instanceBootSeconds());
                    fresh.busy = true;
                    instances.add(fresh);
                    task = new Task(fresh.readyAtSecond + options.imagePullSeconds(), fresh);
                }
                tasks.add(task);
                taskStarts.add(t);
            }
            while (tasks.size() > desired) {
                Task stop = tasks.stream()
                        .max((a, b) -> Long.compare(a.readyAtSecond, b.readyAtSecond))
                        .orElseThrow();
                tasks.remove(stop);
                stop.instance.busy = false;
                stop.instance.idleSinceSecond = now;
            }
            for (Iterator<Instance> it = instances.iterator(); it.hasNext(); ) {
                Instance i = it.next();
                if (!i.busy && now - i.idleSinceSecond >= options.instanceIdleMinutes() * 60L) {
                    it.remove();
                }
            }
            instanceMinutes += instances.size();
            ticks.add(new Tick(
                    t,
                    trace.itemsPerSecond()[t],
                    messages(itemsInQueue),
                    desired,
                    running,
                    instances.size(),
                    wakeInAlarm,
                    metric));
        }
        return new Result(ticks, summary(trace, ticks, taskStarts, waitTicksHistogram, instanceMinutes));
    }

    private long messages(double items) {
        return items <= 1e-9 ? 0 : (long) Math.ceil(items / options.itemsPerMessage() - 1e-9);
    }

    private int clamp(int desired) {
        return Math.max(template.minCapacity(), Math.min(template.maxCapacity(), desired));
    }

    private double taskSeries(String metricName, int k, double[] desiredSeries, double[] runningSeries) {
        return "RunningTaskCount".equals(metricName) ? runningSeries[k] : desiredSeries[k];
    }

    private boolean wakeAlarm(int newest, double[] visible, double[] desired, double[] running) {
        ScalingTemplate.WakeAlarm wake = template.wake();
        int periods = Math.max(1, wake.periodSeconds() / 60);
        int breaching = 0;
        int evaluated = 0;
        for (int p = 0; p < wake.evaluationPeriods(); p++) {
            int last = newest - p * periods;
            if (last < 0) {
                break;
            }
            // The alarm's stats are the Maximum (visible) over the period; a missing series stays missing
            // unless FILLed.
            double v = Double.NaN;
            for (int k = Math.max(0, last - periods + 1); k <= last; k++) {
                double x = Double.isNaN(visible[k]) && wake.queueSeriesFilled() ? 0 : visible[k];
                if (!Double.isNaN(x)) {
                    v = Double.isNaN(v) ? x : Math.max(v, x);
                }
            }
            double tasks = taskSeries(wake.taskMetric(), last, desired, running);
            evaluated++;
            if (Double.isNaN(v)) {
                if ("breaching".equals(wake.treatMissingData())) {
                    breaching++;
                }
                continue;
            }
            if (wake.breaches(v > 0 && tasks == 0 ? 1 : 0)) {
                breaching++;
            }
        }
        return evaluated == wake.evaluationPeriods() && breaching >= wake.datapointsToAlarm();
    }

    private double backlogPerTask(int k, double[] queue, double[] desired, double[] running) {
        ScalingTemplate.BacklogMetric backlog = template.backlog();
        double sum = Double.isNaN(queue[k]) && backlog.queueSeriesFilled() ? 0 : queue[k];
        double divisor = taskSeries(backlog.divisorMetric(), k, desired, running);
        return sum / Math.max(1, divisor);
    }

    private boolean all(
            int t,
            int datapoints,
            double[] queue,
            double[] desired,
            double[] running,
            java.util.function.DoublePredicate breaches) {
        if (t < datapoints) {
            return false;
        }
        for (int k = t - datapoints; k < t; k++) {
            double v = backlogPerTask(k, queue, desired, running);
            if (Double.isNaN(v) || !breaches.test(v)) {
                return false;
            }
        }
        return true;
    }

    private Map<String, Object> summary(
            Trace trace,
            List<Tick> ticks,
            List<Integer> taskStarts,
            TreeMap<Integer, Double> waits,
            double instanceMinutes) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("simulate", "scaling");
        out.put(SimulatedFleet.TRACE, trace.name());
        out.put("ticks", ticks.size());
        out.put(
                "peak_backlog",
                ticks.stream().mapToLong(Tick::backlogMessages).max().orElse(0));
        out.put("max_desired", ticks.stream().mapToInt(Tick::desired).max().orElse(0));
        out.put("max_running", ticks.stream().mapToInt(Tick::running).max().orElse(0));
        out.put("queue_wait_p50_s", percentileSeconds(waits, 0.50));
        out.put("queue_wait_p99_s", percentileSeconds(waits, 0.99));
        out.put(SimulatedFleet.GPU_HOURS, Math.round(instanceMinutes / 60 * 100) / 100.0);

        double[] rate = trace.itemsPerSecond();
        // the items the trace sent to the worker queues: sieve cost --gpu-hours-from divides by them
        out.put(SimulatedFleet.TRACE_ITEMS, Math.round(Arrays.stream(rate).sum() * 60));
        Integer wakeTick = afterQuietNight(rate);
        out.put(
                "tasks_started_after_quiet_night",
                wakeTick == null
                        ? null
                        : taskStarts.stream().filter(s -> s >= wakeTick).count());

        int[] steady = longestSteadySegment(rate);
        if (steady == null) {
            out.put("converged_tasks", null);
            out.put("expected_converged_tasks", null);
            out.put("oscillations", null);
        } else {
            int from = steady[0];
            int to = steady[1];
            out.put("converged_tasks", ticks.get(to - 1).desired());
            out.put("expected_converged_tasks", expectedConvergedTasks(rate[from]));
            int changes = 0;
            for (int k = (from + to) / 2 + 1; k < to; k++) {
                if (ticks.get(k).desired() != ticks.get(k - 1).desired()) {
                    changes++;
                }
            }
            out.put("oscillations", changes);
        }

        int lastArrival = -1;
        for (int k = 0; k < rate.length; k++) {
            if (rate[k] > 0) {
                lastArrival = k;
            }
        }
        Integer zeroAfter = null;
        for (int k = Math.max(0, lastArrival); k < ticks.size(); k++) {
            Tick tick = ticks.get(k);
            if (tick.desired() == 0 && tick.running() == 0 && tick.backlogMessages() == 0 && k > lastArrival) {
                zeroAfter = (k - lastArrival) * 60;
                break;
            }
        }
        out.put("returned_to_zero_after_s", lastArrival < 0 ? null : zeroAfter);
        out.put("model", model());
        return out;
    }

    /** The model's parameters, in a fixed order (a {@code Map.of} would print them in a different order per JVM). */
    private Map<String, Object> model() {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("items_per_second_per_task", options.itemsPerSecondPerTask());
        model.put("items_per_message", options.itemsPerMessage());
        model.put("instance_boot_s", options.instanceBootSeconds());
        model.put("image_pull_s", options.imagePullSeconds());
        model.put("target_value", template.targetValue());
        model.put("max_capacity", template.maxCapacity());
        return model;
    }

    /**
     * The fixed point of target tracking under a steady rate: every message of a minute counts in its
     * depth datapoint, {@code m = ceil(rate * 60 / itemsPerMessage)}, so the fleet settles at {@code ceil(m /
     * target)} tasks within the scalable target's bounds (metric {@code m / n} at most the target, not 10 %
     * below it where a scale-in would remove a task). It holds while those tasks keep up, i.e. while the
     * target is at most the messages one task processes in a minute.
     */
    public int expectedConvergedTasks(double itemsPerSecond) {
        long m = messages(itemsPerSecond * 60);
        return clamp((int) Math.ceil(m / template.targetValue() - 1e-9));
    }

    /** First arriving minute after at least {@link #SQS_INACTIVE_MINUTES} minutes without arrivals; null if none. */
    static Integer afterQuietNight(double[] rate) {
        Integer found = null;
        int quiet = 0;
        for (int k = 0; k < rate.length; k++) {
            if (rate[k] > 0) {
                if (quiet >= SQS_INACTIVE_MINUTES) {
                    found = k;
                }
                quiet = 0;
            } else {
                quiet++;
            }
        }
        return found;
    }

    /** {from, to} of the longest run of one nonzero rate lasting at least an hour; null if none. */
    static int[] longestSteadySegment(double[] rate) {
        int[] best = null;
        int start = 0;
        for (int k = 1; k <= rate.length; k++) {
            if (k == rate.length || rate[k] != rate[start]) {
                if (rate[start] > 0 && k - start >= 60 && (best == null || k - start > best[1] - best[0])) {
                    best = new int[] {start, k};
                }
                start = k;
            }
        }
        return best;
    }

    private static Double percentileSeconds(TreeMap<Integer, Double> waits, double q) {
        double total = waits.values().stream().mapToDouble(Double::doubleValue).sum();
        if (total <= 0) {
            return null;
        }
        double seen = 0;
        for (Map.Entry<Integer, Double> e : waits.entrySet()) {
            seen += e.getValue();
            if (seen >= q * total) {
                return e.getKey() * 60.0;
            }
        }
        return waits.lastKey() * 60.0;
    }
}
