package dev.sieve.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {

    record Item(String name, int tokens, int priority) {}

    private static BatchPlanner.Plan<Item> plan(List<Item> ranked, int maxItems, long maxTokens, double share) {
        return BatchPlanner.plan(ranked, Item::tokens, Item::priority, maxItems, maxTokens, share);
    }

    @Test
    void plan_whenPoolHasMixedLengths_picksNearestLengthsAroundTheAnchor() {
        List<Item> ranked = List.of(
                new Item("anchor", 100, 0),
                new Item("tiny", 5, 0),
                new Item("near1", 98, 0),
                new Item("huge", 500, 0),
                new Item("near2", 101, 0),
                new Item("near3", 95, 0));

        BatchPlanner.Plan<Item> plan = plan(ranked, 4, 100_000, 1.0);

        assertThat(plan.items()).extracting(Item::name).containsExactlyInAnyOrder("anchor", "near1", "near2", "near3");
        assertThat(plan.paddedLength()).isEqualTo(101);
        assertThat(plan.full()).isTrue();
        assertThat(plan.paddingShare()).isLessThan(0.03);
    }

    @Test
    void plan_whenTokenBudgetBinds_stopsBeforeExceedingIt() {
        List<Item> ranked = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ranked.add(new Item("i" + i, 100, 0));
        }

        BatchPlanner.Plan<Item> plan = plan(ranked, 64, 450, 1.0);

        assertThat(plan.items()).hasSize(4);
        assertThat(plan.paddedTokens()).isLessThanOrEqualTo(450);
        assertThat(plan.full()).isTrue();
    }

    @Test
    void plan_whenHigherPriorityFillsBatch_takesNoLowerPriorityItem() {
        List<Item> ranked = List.of(
                new Item("rt1", 50, 0),
                new Item("rt2", 10, 0),
                new Item("rt3", 90, 0),
                new Item("batch1", 50, 2),
                new Item("batch2", 50, 2));

        BatchPlanner.Plan<Item> plan = plan(ranked, 3, 100_000, 1.0);

        assertThat(plan.items()).extracting(Item::name).containsExactlyInAnyOrder("rt1", "rt2", "rt3");
    }

    @Test
    void plan_whenBatchHasRoom_fillsItWithLowerPriority() {
        List<Item> ranked = List.of(new Item("rt1", 50, 0), new Item("batch1", 50, 2), new Item("batch2", 49, 2));

        BatchPlanner.Plan<Item> plan = plan(ranked, 8, 100_000, 0.1);

        assertThat(plan.items()).extracting(Item::name).containsExactly("rt1", "batch1", "batch2");
        assertThat(plan.full()).isFalse();
    }

    @Test
    void plan_whenAddingWouldPadTooMuch_leavesItemForALaterBatch() {
        List<Item> ranked = List.of(new Item("long", 200, 0), new Item("short", 10, 0));

        BatchPlanner.Plan<Item> plan = plan(ranked, 8, 100_000, 0.10);

        assertThat(plan.items()).extracting(Item::name).containsExactly("long");
    }

    @Test
    void plan_whenAnchorAloneExceedsBudget_stillTakesAnchor() {
        BatchPlanner.Plan<Item> plan = plan(List.of(new Item("a", 600, 0), new Item("b", 600, 0)), 8, 512, 1.0);

        assertThat(plan.items()).extracting(Item::name).containsExactly("a");
        assertThat(plan.full()).isTrue();
    }

    @Test
    void plan_overARealisticLengthMix_keepsPaddingSmall() {
        Random random = new Random(7);
        List<Item> ranked = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            int tokens = random.nextDouble() < 0.5 ? 256 : 16 + random.nextInt(240);
            ranked.add(new Item("i" + i, tokens, 0));
        }

        long padded = 0;
        long useful = 0;
        List<Item> pool = new ArrayList<>(ranked);
        while (!pool.isEmpty()) {
            BatchPlanner.Plan<Item> plan = plan(pool, 32, 32 * 256, 0.10);
            padded += plan.paddedTokens();
            useful += plan.usefulTokens();
            pool.removeAll(plan.items());
        }

        assertThat((double) (padded - useful) / padded).isLessThan(0.05);
    }
}
