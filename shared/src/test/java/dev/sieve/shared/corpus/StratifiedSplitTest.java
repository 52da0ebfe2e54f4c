package dev.sieve.shared.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StratifiedSplitTest {

    private static List<LabeledText> examples() {
        List<LabeledText> examples = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            examples.add(new LabeledText("ham-" + i, "text " + i, "ham"));
        }
        for (int i = 0; i < 300; i++) {
            examples.add(new LabeledText("spam-" + i, "offer " + i, "spam"));
        }
        for (int i = 0; i < 20; i++) {
            examples.add(new LabeledText("rare-" + i, "rare " + i, "rare"));
        }
        return examples;
    }

    private static long count(List<LabeledText> split, String label) {
        return split.stream().filter(e -> e.label().equals(label)).count();
    }

    @Test
    void split_whenThreeLabels_keepsEachLabelsShareInEverySplit() {
        Dataset dataset = StratifiedSplit.split(examples(), 0.70, 0.15, 42);

        assertThat(dataset.size()).isEqualTo(1020);
        assertThat(count(dataset.train(), "ham")).isEqualTo(490);
        assertThat(count(dataset.validation(), "ham")).isEqualTo(105);
        assertThat(count(dataset.test(), "ham")).isEqualTo(105);
        assertThat(count(dataset.train(), "spam")).isEqualTo(210);
        assertThat(count(dataset.validation(), "spam")).isEqualTo(45);
        assertThat(count(dataset.test(), "spam")).isEqualTo(45);
        assertThat(count(dataset.validation(), "rare")).isEqualTo(3);
        assertThat(count(dataset.test(), "rare")).isEqualTo(3);
        assertThat(dataset.labels()).containsExactly("ham", "rare", "spam");
    }

    @Test
    void split_whenSameSeedAndShuffledInput_givesTheSameSplit() {
        List<LabeledText> shuffled = new ArrayList<>(examples());
        Collections.shuffle(shuffled, new Random(7));

        Dataset first = StratifiedSplit.split(examples(), 0.70, 0.15, 42);
        Dataset second = StratifiedSplit.split(shuffled, 0.70, 0.15, 42);

        assertThat(second).isEqualTo(first);
    }

    @Test
    void split_whenDifferentSeed_givesADifferentTestSet() {
        Dataset first = StratifiedSplit.split(examples(), 0.70, 0.15, 42);
        Dataset second = StratifiedSplit.split(examples(), 0.70, 0.15, 43);

        assertThat(new HashSet<>(second.test())).isNotEqualTo(new HashSet<>(first.test()));
    }

    @Test
    void split_always_putsEveryExampleInExactlyOneSplit() {
        Dataset dataset = StratifiedSplit.split(examples(), 0.70, 0.15, 42);
        Set<String> ids = new HashSet<>();
        for (List<LabeledText> split : List.of(dataset.train(), dataset.validation(), dataset.test())) {
            split.forEach(example -> assertThat(ids.add(example.id())).isTrue());
        }
        assertThat(ids).hasSize(1020);
    }
}
