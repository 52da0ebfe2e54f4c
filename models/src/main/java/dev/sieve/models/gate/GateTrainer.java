package dev.sieve.models.gate;

import dev.sieve.gate.model.FeatureMode;
import dev.sieve.gate.model.GateModelException;
import dev.sieve.gate.model.LinearGateModel;
import dev.sieve.gate.model.TfidfFeaturizer;
import dev.sieve.shared.corpus.LabeledText;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableDataset;
import org.tribuo.VariableInfo;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Trains the gate: idf from the training texts, then Tribuo's multinomial logistic regression
 * (AdaGrad SGD) on the hashed TF-IDF vectors, and finally copies Tribuo's weights into a lean
 * {@link LinearGateModel} that scores with plain arrays.
 */
public final class GateTrainer {
    private static final LabelFactory LABELS = new LabelFactory();

    private final Options options;

    private GateTrainer(Options options) {
        this.options = options;
    }

    public static GateTrainer create(Options options) {
        return new GateTrainer(options);
    }

    /**
     * Training settings.
     *
     * @param bucketBits hash bits of the featurizer
     * @param mode the terms the featurizer counts
     * @param epochs passes over the training data
     * @param learningRate AdaGrad's initial learning rate
     * @param seed Tribuo's shuffling seed
     */
    public record Options(int bucketBits, FeatureMode mode, int epochs, double learningRate, long seed) {
        public Options {
            if (mode == null) {
                throw new IllegalArgumentException("feature mode must be given");
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, was " + epochs);
            }
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("learning rate must be > 0, was " + learningRate);
            }
        }

        public static Options defaults() {
            return new Options(TfidfFeaturizer.DEFAULT_BUCKET_BITS, FeatureMode.WORDS, 10, 4.0, 42L);
        }

        public Options withEpochs(int value) {
            return new Options(bucketBits, mode, value, learningRate, seed);
        }

        public Options withLearningRate(double value) {
            return new Options(bucketBits, mode, epochs, value, seed);
        }

        public Options withMode(FeatureMode value) {
            return new Options(bucketBits, value, epochs, learningRate, seed);
        }

        public Options withBucketBits(int value) {
            return new Options(value, mode, epochs, learningRate, seed);
        }
    }

    /**
     * A trained gate.
     *
     * @param model the lean scorer
     * @param tribuoModel the Tribuo model it was copied from (for checks and explanations)
     */
    public record TrainedGate(LinearGateModel model, LinearSGDModel tribuoModel) {

        /** The Tribuo example for {@code text}: the same features the lean model scores. */
        public Example<Label> tribuoExample(String text) {
            return GateTrainer.example(model, text, LabelFactory.UNKNOWN_LABEL);
        }
    }

    /**
     * Trains on {@code train}. {@code labels} fixes the label order of the model (every training
     * label must be in it); null means the sorted distinct training labels.
     */
    public TrainedGate train(List<LabeledText> train, List<String> labels) {
        return train(prepare(train, labels));
    }

    /**
     * The training texts featurized with this trainer's bucket bits and mode, to train several
     * learning rates on without featurizing again. {@code labels} as in {@link #train(List, List)}.
     */
    public TrainingSet prepare(List<LabeledText> train, List<String> labels) {
        if (train.isEmpty()) {
            throw new GateModelException("cannot train the gate on no examples");
        }
        List<String> order = labels == null ? sortedLabels(train) : List.copyOf(labels);
        for (LabeledText example : train) {
            if (!order.contains(example.label())) {
                throw new GateModelException("training example '" + example.id() + "' has label '" + example.label()
                        + "', which is not one of " + order);
            }
        }
        if (new LinkedHashSet<>(order).size() < 2) {
            throw new GateModelException(
                    "the gate needs examples of at least 2 labels; the training data has only " + order);
        }
        TfidfFeaturizer featurizer = new TfidfFeaturizer(options.bucketBits(), options.mode());
        float[] idf = documentFrequencies(train, featurizer);
        // A featurizer-only model (zero weights) turns texts into the TF-IDF vectors Tribuo trains on.
        LinearGateModel features = new LinearGateModel(
                order, featurizer, idf, new float[featurizer.buckets() * order.size()], new float[order.size()]);
        MutableDataset<Label> dataset =
                new MutableDataset<>(new SimpleDataSourceProvenance("sieve gate training split", LABELS), LABELS);
        String[] names = featureNames(featurizer.buckets());
        for (LabeledText example : train) {
            // A text with no term in this mode (in words mode "a+", "!", "$5") tells the weights
            // nothing, and Tribuo refuses an example without features; it is scored by the biases alone.
            if (features.features(example.text()).size() > 0) {
                dataset.add(example(features, example.text(), new Label(example.label()), names));
            }
        }
        if (dataset.size() == 0) {
            throw new GateModelException("no training text has a term in " + options.mode()
                    + " mode (words are runs of " + TfidfFeaturizer.MIN_TOKEN_LENGTH
                    + "+ letters or digits; chars mode sees single letters and digits too)");
        }
        return new TrainingSet(order, featurizer, idf, dataset);
    }

    /** Trains on a prepared set, which must have this trainer's bucket bits and mode. */
    public TrainedGate train(TrainingSet set) {
        if (set.featurizer.bucketBits() != options.bucketBits() || set.featurizer.mode() != options.mode()) {
            throw new IllegalArgumentException("the training set was featurized with " + set.featurizer.bucketBits()
                    + " bits and mode " + set.featurizer.mode() + ", the trainer has " + options.bucketBits()
                    + " and " + options.mode());
        }
        LinearSGDTrainer trainer = new LinearSGDTrainer(
                new LogMulticlass(),
                new AdaGrad(options.learningRate(), 0.1),
                options.epochs(),
                Integer.MAX_VALUE,
                1,
                options.seed());
        LinearSGDModel tribuoModel = quietly(() -> trainer.train(set.dataset));
        return new TrainedGate(leanCopy(tribuoModel, set.order, set.featurizer, set.idf), tribuoModel);
    }

    /** Featurized training texts with their idf and label order; see {@link #prepare(List, List)}. */
    public static final class TrainingSet {
        private final List<String> order;
        private final TfidfFeaturizer featurizer;
        private final float[] idf;
        private final MutableDataset<Label> dataset;

        private TrainingSet(
                List<String> order, TfidfFeaturizer featurizer, float[] idf, MutableDataset<Label> dataset) {
            this.order = order;
            this.featurizer = featurizer;
            this.idf = idf;
            this.dataset = dataset;
        }
    }

    /** Copies the Tribuo model's weights into bucket-major arrays. */
    static LinearGateModel leanCopy(
            LinearSGDModel tribuoModel, List<String> order, TfidfFeaturizer featurizer, float[] idf) {
        ImmutableFeatureMap featureMap = tribuoModel.getFeatureIDMap();
        ImmutableOutputInfo<Label> outputs = tribuoModel.getOutputIDInfo();
        DenseMatrix matrix = tribuoModel.getWeightsCopy();
        int classes = order.size();
        if (matrix.getDimension1Size() != outputs.size() || matrix.getDimension2Size() != featureMap.size() + 1) {
            throw new IllegalStateException("unexpected Tribuo weight shape " + matrix.getDimension1Size() + "x"
                    + matrix.getDimension2Size() + " for " + outputs.size() + " outputs and " + featureMap.size()
                    + " features");
        }
        int[] rowOfLabel = new int[classes];
        for (int k = 0; k < classes; k++) {
            rowOfLabel[k] = outputs.getID(new Label(order.get(k)));
        }
        float[] weights = new float[featurizer.buckets() * classes];
        for (VariableInfo info : featureMap) {
            int id = featureMap.getID(info.getName());
            int bucket = bucketOf(info.getName());
            for (int k = 0; k < classes; k++) {
                if (rowOfLabel[k] >= 0) {
                    weights[bucket * classes + k] = (float) matrix.get(rowOfLabel[k], id);
                }
            }
        }
        float[] bias = new float[classes];
        int biasColumn = featureMap.size();
        for (int k = 0; k < classes; k++) {
            // A label without training examples keeps a very negative bias so it is never predicted.
            bias[k] = rowOfLabel[k] >= 0 ? (float) matrix.get(rowOfLabel[k], biasColumn) : -1e4f;
        }
        return new LinearGateModel(order, featurizer, idf, weights, bias);
    }

    private static float[] documentFrequencies(List<LabeledText> train, TfidfFeaturizer featurizer) {
        int[] documentFrequency = new int[featurizer.buckets()];
        TfidfFeaturizer.Workspace workspace = featurizer.newWorkspace();
        for (LabeledText example : train) {
            featurizer.countTerms(example.text(), workspace);
            for (int i = 0; i < workspace.size(); i++) {
                documentFrequency[workspace.indices()[i]]++;
            }
        }
        float[] idf = new float[featurizer.buckets()];
        for (int b = 0; b < idf.length; b++) {
            idf[b] = TfidfFeaturizer.idf(train.size(), documentFrequency[b]);
        }
        return idf;
    }

    static Example<Label> example(LinearGateModel features, String text, Label label) {
        return example(features, text, label, null);
    }

    /** {@code names}, when given, holds {@link #featureName} of every bucket, shared by all examples. */
    private static Example<Label> example(LinearGateModel features, String text, Label label, String[] names) {
        TfidfFeaturizer.Workspace workspace = features.features(text);
        String[] exampleNames = new String[workspace.size()];
        double[] values = new double[workspace.size()];
        for (int i = 0; i < workspace.size(); i++) {
            int bucket = workspace.indices()[i];
            exampleNames[i] = names == null ? featureName(bucket) : names[bucket];
            values[i] = workspace.values()[i];
        }
        return new ArrayExample<>(label, exampleNames, values);
    }

    private static String[] featureNames(int buckets) {
        String[] names = new String[buckets];
        for (int b = 0; b < buckets; b++) {
            names[b] = featureName(b);
        }
        return names;
    }

    static String featureName(int bucket) {
        return "h" + bucket;
    }

    static int bucketOf(String featureName) {
        return Integer.parseInt(featureName, 1, featureName.length(), 10);
    }

    private static List<String> sortedLabels(List<LabeledText> train) {
        return train.stream().map(LabeledText::label).distinct().sorted().toList();
    }

    /** Runs Tribuo with its java.util.logging progress messages turned down. */
    private static <T> T quietly(java.util.function.Supplier<T> action) {
        Logger logger = Logger.getLogger("org.tribuo");
        Level before = logger.getLevel();
        logger.setLevel(Level.WARNING);
        try {
            return action.get();
        } finally {
            logger.setLevel(before);
        }
    }

    /** Probabilities Tribuo's own model gives {@code text}, in {@code labels} order. */
    public static float[] tribuoProbabilities(TrainedGate gate, String text) {
        Map<String, Label> scores = new HashMap<>(
                gate.tribuoModel().predict(gate.tribuoExample(text)).getOutputScores());
        List<String> labels = gate.model().labels();
        float[] probabilities = new float[labels.size()];
        for (int k = 0; k < labels.size(); k++) {
            Label label = scores.get(labels.get(k));
            probabilities[k] = label == null ? 0f : (float) label.getScore();
        }
        return probabilities;
    }
}
