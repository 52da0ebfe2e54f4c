package dev.sieve.cli.bench;

import dev.sieve.models.corpus.SpamAssassinCorpus;
import dev.sieve.models.expert.Encoder;
import dev.sieve.shared.corpus.LabeledText;
import dev.sieve.shared.json.Json;
import dev.sieve.worker.expert.ExpertTokenizer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sieve bench tokenizer}: the expert's tokenizer on every SpamAssassin text with both engines,
 * the plain-Java WordPiece one and the HuggingFace library: how many texts get different ids (whole
 * text, and after head+tail truncation), and each engine's items per CPU-second on one thread.
 */
@Command(
        name = "tokenizer",
        mixinStandardHelpOptions = true,
        description = {
            "Tokenizes every SpamAssassin text with the WordPiece engine and the HuggingFace library, counts the"
                    + " texts whose ids differ (whole text; kept head+tail), and times both on one thread.",
            "items_per_s_per_core = texts / CPU-seconds of the timing thread (best of --rounds passes)."
        })
public final class TokenizerBenchCommand implements Callable<Integer> {

    @Option(
            names = "--encoder",
            defaultValue = "MINILM_L6",
            description = "Built-in encoder whose tokenizer.json is used: MINILM_L6 or BGE_SMALL (default:"
                    + " ${DEFAULT-VALUE}).")
    String encoder;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "A tokenizer.json instead of --encoder's.")
    Path tokenizerFile;

    @Option(names = "--max-tokens", defaultValue = "256", description = "Tokens kept (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(
            names = "--tail-tokens",
            defaultValue = "64",
            description = "Of which from the end (default: ${DEFAULT-VALUE}).")
    int tailTokens;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description = "Timed passes per engine (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Corpus cache (default: ~/.cache/sieve).")
    Path cacheDir;

    @Option(names = "--json", description = "Print one JSON line.")
    boolean json;

    @Override
    public Integer call() {
        Path cache = cacheDir != null ? cacheDir : Path.of(System.getProperty("user.home"), ".cache", "sieve");
        Path file =
                tokenizerFile != null ? tokenizerFile : Encoder.valueOf(encoder).tokenizerFile(cache);
        List<String> texts = new ArrayList<>();
        for (LabeledText example : SpamAssassinCorpus.create(cache).load().examples()) {
            texts.add(example.text());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.putAll(measure(file, texts, maxTokens, tailTokens, Math.max(1, rounds)));
        out.put("tokenizer", tokenizerFile != null ? file.toString() : encoder);
        if (json) {
            System.out.println(Json.write(out));
        } else {
            out.forEach((k, v) -> System.out.println(k + ": " + v));
        }
        return 0;
    }

    /** The comparison and the timings; the {@code mismatch} counts must be 0. */
    static Map<String, Object> measure(Path file, List<String> texts, int maxTokens, int tailTokens, int rounds) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bench", "tokenizer");
        try (ExpertTokenizer chosen = ExpertTokenizer.open(file, maxTokens, tailTokens);
                ExpertTokenizer library =
                        ExpertTokenizer.open(file, maxTokens, tailTokens, ExpertTokenizer.Engine.HUGGING_FACE)) {
            out.put("engine", chosen.engine().name().toLowerCase(java.util.Locale.ROOT));
            out.put("texts", texts.size());
            out.put("max_tokens", maxTokens);
            out.put("tail_tokens", tailTokens);
            int idsMismatches = 0;
            int keptMismatches = 0;
            long tokens = 0;
            for (String text : texts) {
                long[] ids = chosen.allIds(text);
                tokens += ids.length;
                if (!Arrays.equals(ids, library.allIds(text))) {
                    idsMismatches++;
                }
                if (!Arrays.equals(chosen.tokenize(text), library.tokenize(text))) {
                    keptMismatches++;
                }
            }
            out.put("whole_text_tokens", tokens);
            out.put("ids_mismatches", idsMismatches);
            out.put("kept_ids_mismatches", keptMismatches);
            double chosenRate = itemsPerCpuSecond(chosen, texts, rounds);
            double libraryRate = itemsPerCpuSecond(library, texts, rounds);
            out.put("items_per_s_per_core", round(chosenRate));
            out.put("hugging_face_items_per_s_per_core", round(libraryRate));
            out.put("speedup", Math.round(chosenRate / libraryRate * 100) / 100.0);
        }
        return out;
    }

    /** What {@code sieve bench worker} reports as tokenizer_items_per_s_per_core: one thread, per CPU-second. */
    private static double itemsPerCpuSecond(ExpertTokenizer tokenizer, List<String> texts, int rounds) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < Math.min(200, texts.size()); i++) {
            tokenizer.tokenize(texts.get(i));
        }
        double best = Double.MAX_VALUE;
        for (int round = 0; round < rounds; round++) {
            long start = cpu.getCurrentThreadCpuTime();
            for (String text : texts) {
                tokenizer.tokenize(text);
            }
            best = Math.min(best, (cpu.getCurrentThreadCpuTime() - start) / 1e9);
        }
        return texts.size() / best;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
