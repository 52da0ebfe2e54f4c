package dev.sieve.models.expert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HuggingFaceExportTest {
    private static final Path CONFIG = Path.of("config.json");

    @Test
    void reconcile_whenDataNamesTheSameClasses_keepsId2labelOrder() {
        assertThat(HuggingFaceExport.reconcile(List.of("spam", "ham"), List.of("ham", "spam")))
                .containsExactly("spam", "ham");
    }

    @Test
    void reconcile_whenLabelsDiffer_namesTheMissingAndTheExtraLabels() {
        assertThatThrownBy(() -> HuggingFaceExport.reconcile(List.of("NEGATIVE", "POSITIVE"), List.of("ham", "spam")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the data has [ham, spam], which id2label lacks")
                .hasMessageContaining("id2label has [NEGATIVE, POSITIVE], which no item of the data has");
    }

    @Test
    void id2label_ordersByClassId() {
        assertThat(HuggingFaceExport.id2label(Map.of("id2label", Map.of("1", "spam", "0", "ham")), CONFIG))
                .containsExactly("ham", "spam");
    }

    @Test
    void id2label_whenMissingOrWithGaps_namesTheField() {
        assertThatThrownBy(() -> HuggingFaceExport.id2label(Map.of("num_labels", 2), CONFIG))
                .hasMessageContaining("no 'id2label'");
        assertThatThrownBy(
                        () -> HuggingFaceExport.id2label(Map.of("id2label", Map.of("0", "ham", "2", "spam")), CONFIG))
                .hasMessageContaining("id2label ids must be 0..1");
    }
}
