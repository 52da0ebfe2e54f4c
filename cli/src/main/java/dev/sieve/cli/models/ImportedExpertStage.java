package dev.sieve.cli.models;

import dev.sieve.models.expert.HuggingFaceExport;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.corpus.LabeledText;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The expert of {@code sieve bundle import}: a user's classifier export, copied into the bundle
 * unchanged instead of trained; its {@code id2label} fixes the bundle's label order.
 */
final class ImportedExpertStage implements ExpertStage {
    private final HuggingFaceExport export;
    private final int maxTokens;
    private final int tailTokens;
    private final ExpertStage serving = new OnnxExpertStage();

    ImportedExpertStage(HuggingFaceExport export, int maxTokens, int tailTokens) {
        this.export = export;
        this.maxTokens = maxTokens;
        this.tailTokens = tailTokens;
    }

    @Override
    public List<String> labelOrder(List<String> dataLabels) {
        return export.reconcile(dataLabels);
    }

    @Override
    public Trained train(
            Settings settings,
            List<LabeledText> train,
            float[][] trainGate,
            List<LabeledText> validation,
            float[][] validationGate,
            List<String> labels,
            Path bundleDir) {
        HuggingFaceExport.Imported imported = export.copyInto(bundleDir, maxTokens, tailTokens);
        return new Trained(imported.components(), imported.spec(), imported.metadata());
    }

    @Override
    public Optional<Runner> open(ModelBundle bundle, boolean int8, int threads) {
        return serving.open(bundle, int8, threads);
    }
}
