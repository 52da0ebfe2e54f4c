package dev.sieve.models.expert.experiment;

import dev.sieve.models.expert.Encoder;
import dev.sieve.models.expert.ProgressListener;
import dev.sieve.models.expert.internal.ClassificationScores;
import dev.sieve.models.expert.internal.DenseHead;
import dev.sieve.models.expert.internal.Embeddings;
import dev.sieve.models.expert.internal.HeadTrainer;
import dev.sieve.shared.corpus.LabeledText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The expert-design experiment of docs/decisions/0002-expert-design.md. Reads train/validation/test
 * JSON Lines from {@code args[0]}, trains a stand-in gate, and for each encoder/truncation variant
 * (embeddings from the cache, computed by {@link EmbedSplits}) trains embedding-only and gate-aware
 * heads, then prints one JSON line per variant and escalation fraction with gate-only, expert-only and
 * blended F1 on the test split.
 */
public final class ExpertExperiment {
    private static final List<String> LABELS = List.of("ham", "spam");
    private static final double[] FRACTIONS = {0.02, 0.05, 0.10, 0.20, 0.30};

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "sieve");
        List<LabeledText> train = Splits.read(data.resolve("train.jsonl"));
        List<LabeledText> validation = Splits.read(data.resolve("validation.jsonl"));
        List<LabeledText> test = Splits.read(data.resolve("test.jsonl"));
        int[] yTrain = labels(train);
        int[] yValidation = labels(validation);
        int[] yTest = labels(test);
        int positive = LABELS.indexOf("spam");

        StandInGate gate = StandInGate.train(train, "spam");
        List<float[]> gateValidation = gate.probabilities(validation, LABELS);
        List<float[]> gateTest = gate.probabilities(test, LABELS);
        System.out.printf(
                Locale.ROOT,
                "{\"variant\":\"gate\",\"f1_validation\":%.4f,\"f1_test\":%.4f}%n",
                ClassificationScores.f1(gateValidation, yValidation, positive),
                ClassificationScores.f1(gateTest, yTest, positive));

        for (String variant :
                args.length > 1 ? Arrays.copyOfRange(args, 1, args.length) : new String[] {"MINILM_L6:256:64"}) {
            String[] parts = variant.split(":");
            Encoder encoder = Encoder.valueOf(parts[0]);
            int maxTokens = Integer.parseInt(parts[1]);
            int tail = Integer.parseInt(parts[2]);
            Encoder testEncoder = parts.length > 3 ? Encoder.valueOf(parts[3]) : encoder;
            List<float[]> eTrain;
            List<float[]> eValidation;
            List<float[]> eTest;
            try (Embeddings embeddings = new Embeddings(encoder, maxTokens, tail, cache, 2)) {
                eTrain = embeddings.embed(texts(train), "train", ProgressListener.stderrBar());
                eValidation = embeddings.embed(texts(validation), "validation", ProgressListener.stderrBar());
                eTest = embeddings.embed(texts(test), "test", ProgressListener.stderrBar());
            }
            if (testEncoder != encoder) {
                // the head trained on fp32 embeddings, applied to the int8 twin's embeddings
                try (Embeddings embeddings = new Embeddings(testEncoder, maxTokens, tail, cache, 2)) {
                    eValidation = embeddings.embed(texts(validation), "validation", ProgressListener.stderrBar());
                    eTest = embeddings.embed(texts(test), "test", ProgressListener.stderrBar());
                }
            }
            HeadTrainer.Result plain = HeadTrainer.train(eTrain, yTrain, eValidation, yValidation, null, 2);
            HeadTrainer.Result stacked = HeadTrainer.train(eTrain, yTrain, eValidation, yValidation, gateValidation, 2);
            for (var head : List.of(plain, stacked)) {
                String name = variant + (head == plain ? " embedding-only" : " +gate");
                List<float[]> expertValidation = apply(head.head(), eValidation, gateValidation);
                List<float[]> expertTest = apply(head.head(), eTest, gateTest);
                System.out.printf(
                        Locale.ROOT,
                        "{\"variant\":\"%s\",\"head\":\"%s\",\"l2\":%s,\"f1_validation\":%.4f,\"f1_test\":%.4f}%n",
                        name,
                        head.head().kind(),
                        head.chosenL2(),
                        ClassificationScores.f1(expertValidation, yValidation, positive),
                        ClassificationScores.f1(expertTest, yTest, positive));
                if (head.head().gateClasses() > 0) {
                    contributions(name, head.head(), eTest, gateTest, expertTest, gateTest);
                }
                for (double fraction : FRACTIONS) {
                    double threshold = threshold(gateValidation, fraction);
                    blend(name, fraction, threshold, gateTest, expertTest, yTest, positive);
                }
            }
        }
    }

    /** Gate confidence below which the validation split escalates {@code fraction} of its items. */
    static double threshold(List<float[]> gate, double fraction) {
        double[] confidence =
                gate.stream().mapToDouble(ExpertExperiment::confidence).sorted().toArray();
        int index = (int) Math.round(fraction * confidence.length);
        return index >= confidence.length ? 1.01 : confidence[index];
    }

    private static double confidence(float[] p) {
        double max = 0;
        for (float v : p) {
            max = Math.max(max, v);
        }
        return max;
    }

    private static void blend(
            String name,
            double fraction,
            double threshold,
            List<float[]> gate,
            List<float[]> expert,
            int[] truth,
            int positive) {
        List<float[]> blended = new ArrayList<>();
        int escalated = 0;
        List<float[]> gateOnEscalated = new ArrayList<>();
        List<float[]> expertOnEscalated = new ArrayList<>();
        List<Integer> truthEscalated = new ArrayList<>();
        for (int i = 0; i < gate.size(); i++) {
            if (confidence(gate.get(i)) < threshold) {
                escalated++;
                blended.add(expert.get(i));
                gateOnEscalated.add(gate.get(i));
                expertOnEscalated.add(expert.get(i));
                truthEscalated.add(truth[i]);
            } else {
                blended.add(gate.get(i));
            }
        }
        int[] t = truthEscalated.stream().mapToInt(Integer::intValue).toArray();
        System.out.printf(
                Locale.ROOT,
                "{\"variant\":\"%s\",\"target_fraction\":%.2f,\"expert_fraction\":%.4f,\"f1_gate_only\":%.4f,"
                        + "\"f1_expert_only\":%.4f,\"f1_blended\":%.4f,\"accuracy_escalated_gate\":%.4f,"
                        + "\"accuracy_escalated_expert\":%.4f}%n",
                name,
                fraction,
                (double) escalated / gate.size(),
                ClassificationScores.f1(gate, truth, positive),
                ClassificationScores.f1(expert, truth, positive),
                ClassificationScores.f1(blended, truth, positive),
                ClassificationScores.accuracy(gateOnEscalated, t),
                ClassificationScores.accuracy(expertOnEscalated, t));
    }

    /** How much of the expert's spam log-odds comes from the embedding and how much from the gate. */
    private static void contributions(
            String name,
            DenseHead head,
            List<float[]> embeddings,
            List<float[]> gate,
            List<float[]> expert,
            List<float[]> gateTest) {
        float[][] w = head.layers().get(0).weights();
        int d = head.embeddingDimension();
        double sumE = 0, sumE2 = 0, sumG = 0, sumG2 = 0;
        int disagree = 0;
        for (int i = 0; i < embeddings.size(); i++) {
            double e = 0;
            for (int j = 0; j < d; j++) {
                e += embeddings.get(i)[j] * (w[j][1] - w[j][0]);
            }
            double g = 0;
            for (int c = 0; c < 2; c++) {
                g += Math.log(Math.max(gate.get(i)[c], 1e-6)) * (w[d + c][1] - w[d + c][0]);
            }
            sumE += e;
            sumE2 += e * e;
            sumG += g;
            sumG2 += g * g;
            disagree +=
                    ClassificationScores.argmax(expert.get(i)) != ClassificationScores.argmax(gateTest.get(i)) ? 1 : 0;
        }
        int n = embeddings.size();
        System.out.printf(
                Locale.ROOT,
                "{\"variant\":\"%s\",\"std_logodds_from_embedding\":%.3f,\"std_logodds_from_gate\":%.3f,\"test_items_where_expert_overrules_gate\":%d}%n",
                name,
                Math.sqrt(sumE2 / n - Math.pow(sumE / n, 2)),
                Math.sqrt(sumG2 / n - Math.pow(sumG / n, 2)),
                disagree);
    }

    private static List<float[]> apply(DenseHead head, List<float[]> embeddings, List<float[]> gate) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < embeddings.size(); i++) {
            out.add(head.probabilities(embeddings.get(i), head.gateClasses() > 0 ? gate.get(i) : null));
        }
        return out;
    }

    private static int[] labels(List<LabeledText> items) {
        return items.stream().mapToInt(t -> LABELS.indexOf(t.label())).toArray();
    }

    private static List<String> texts(List<LabeledText> items) {
        return items.stream().map(LabeledText::text).toList();
    }
}
