package dev.sieve.cli.models;

import dev.sieve.models.corpus.BuiltInCorpus;
import dev.sieve.shared.corpus.JsonlDataset;
import dev.sieve.shared.corpus.LabeledText;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sieve corpus}: the built-in labeled corpora, to train on ({@code --data NAME}) or export. */
@Command(
        name = "corpus",
        mixinStandardHelpOptions = true,
        description = "The built-in labeled corpora (fetched from pinned npm packages): list them or export one"
                + " as JSON Lines.",
        subcommands = {CorpusCommand.ListCorpora.class, CorpusCommand.Export.class})
public final class CorpusCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code sieve corpus list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Names and descriptions of the corpora.")
    public static final class ListCorpora extends ModelCommand {
        @Override
        protected int execute() {
            for (BuiltInCorpus corpus : BuiltInCorpus.values()) {
                out().printf("%-14s %s%n", corpus.corpusName(), corpus.description());
            }
            out().flush();
            return 0;
        }
    }

    /** {@code sieve corpus export NAME --out FILE}. */
    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = "Fetches, derives and writes one corpus as labeled JSON Lines ({\"id\",\"text\",\"label\"}).")
    public static final class Export extends ModelCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "A corpus name from sieve corpus list.")
        String name;

        @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write it.")
        Path out;

        @Option(names = "--json", description = "Print one JSON line with the counts per label.")
        boolean json;

        @Override
        protected int execute() throws Exception {
            BuiltInCorpus corpus = BuiltInCorpus.named(name)
                    .orElseThrow(() -> new UserInputException("no built-in corpus '" + name + "' (built-in: "
                            + String.join(", ", BuiltInCorpus.names()) + ")"));
            BuiltInCorpus.Loaded loaded = corpus.load(cacheDir());
            JsonlDataset.write(out, loaded.examples());
            Map<String, Integer> perLabel = perLabel(loaded.examples());
            if (json) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("corpus", corpus.corpusName());
                line.put("items", loaded.examples().size());
                line.put("raw_items", loaded.rawCount());
                line.put("labels", perLabel.size());
                line.put("per_label", perLabel);
                line.put("checksum", loaded.checksum());
                line.put("out", out.toAbsolutePath().toString());
                printJsonLine(line);
            } else {
                out().printf(
                                "%s: %d items, %d labels %s -> %s%n",
                                corpus.corpusName(),
                                loaded.examples().size(),
                                perLabel.size(),
                                perLabel,
                                out.toAbsolutePath());
            }
            out().flush();
            return 0;
        }

        private static Map<String, Integer> perLabel(List<LabeledText> examples) {
            Map<String, Integer> counts = new TreeMap<>();
            examples.forEach(example -> counts.merge(example.label(), 1, Integer::sum));
            return counts;
        }
    }
}
