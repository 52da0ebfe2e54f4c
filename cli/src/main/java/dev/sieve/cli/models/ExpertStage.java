package dev.sieve.cli.models;

import dev.sieve.shared.bundle.ExpertSpec;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.corpus.LabeledText;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The expert tier as the model commands use it: train it into a bundle directory, and run a
 * bundle's expert on texts. {@link #create()} returns the implementation this build has.
 */
interface ExpertStage {

    static ExpertStage create() {
        return new OnnxExpertStage();
    }

    /**
     * Trains the expert and writes its files into {@code bundleDir}.
     *
     * @return role → file name (for the manifest) and metadata
     */
    Trained train(
            Settings settings,
            List<LabeledText> train,
            float[][] trainGate,
            List<LabeledText> validation,
            float[][] validationGate,
            List<String> labels,
            Path bundleDir)
            throws Exception;

    /**
     * The expert's cross-fitted validation predictions recorded at training (label indices in split order;
     * see {@code HeadTrainer}), or null when the bundle's metadata has none for {@code items} items. These,
     * not the shipped head's in-sample predictions, are what calibration must see: the head's L2 strength
     * and its trust in the gate were fitted on validation.
     */
    static int[] crossFittedValidation(Map<String, Object> bundleMetadata, int items) {
        if (bundleMetadata.get("expert") instanceof Map<?, ?> expert
                && expert.get("validation") instanceof Map<?, ?> validation
                && validation.get(dev.sieve.models.expert.ExpertTrainer.CROSS_FITTED_PREDICTIONS)
                        instanceof List<?> predictions
                && predictions.size() == items) {
            int[] labels = new int[items];
            for (int i = 0; i < items; i++) {
                if (!(predictions.get(i) instanceof Number number)) {
                    return null;
                }
                labels[i] = number.intValue();
            }
            return labels;
        }
        return null;
    }

    /**
     * The label order of the bundle, given the labels found in the data (sorted); an expert with its own
     * label order (an imported classifier) reconciles the two here.
     */
    default List<String> labelOrder(List<String> dataLabels) {
        return dataLabels;
    }

    /** Opens the bundle's expert, or empty when the bundle has none. */
    Optional<Runner> open(ModelBundle bundle, boolean int8, int threads);

    /** Expert training settings from the command line. */
    record Settings(String encoder, boolean int8, Path cacheDir) {}

    /** The expert's files, how the worker serves them, and facts. */
    record Trained(Map<String, String> components, ExpertSpec spec, Map<String, Object> metadata) {}

    /** A loaded expert. */
    interface Runner extends AutoCloseable {
        /** Probabilities for each text, computed in batches of {@code batchSize}. */
        float[][] predict(List<String> texts, float[][] gateProbabilities, int batchSize) throws Exception;

        @Override
        void close();
    }
}
