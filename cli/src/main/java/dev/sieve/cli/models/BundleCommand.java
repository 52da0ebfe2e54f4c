package dev.sieve.cli.models;

import dev.sieve.models.expert.Encoder;
import dev.sieve.models.expert.HuggingFaceExport;
import dev.sieve.shared.bundle.BundleManifest;
import dev.sieve.shared.bundle.ModelBundle;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * {@code sieve bundle import}: a bundle around the user's own classifier; {@code sieve bundle publish}: a
 * new model is an immutable upload plus a deploy, never an overwrite.
 */
@Command(
        name = "bundle",
        mixinStandardHelpOptions = true,
        description = "Model bundles: import your own expert, publish to a deployed stack's bucket.",
        subcommands = {BundleCommand.Import.class, BundleCommand.Publish.class})
public final class BundleCommand {

    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description = {
                "Makes a bundle whose expert is your own Hugging Face export. A sequence-classification export (an"
                        + " ONNX graph with inputs input_ids, attention_mask, optionally token_type_ids, and output"
                        + " logits [batch, classes], its tokenizer.json and its config.json with id2label) is copied"
                        + " unchanged; the worker applies softmax to its logits.",
                "An encoder-only export (output last_hidden_state, e.g. your own fine-tuned BERT without its"
                        + " head; config.json optional) gets Sieve's pooling (--pooling) and a classifier head"
                        + " trained on --data, exactly as 'sieve train' does for the built-in encoders.",
                "The gate is trained and calibrated on --data exactly as by 'sieve train' (same split); for a"
                        + " classifier the data's labels must be id2label's. Options of 'sieve train' other than"
                        + " --encoder, --skip-expert, --labels and the --fine-tune ones (e.g. --int8, --expert-rate,"
                        + " --target-f1, --positive-label, --seed, --no-tune) are passed on; --int8 (the trained"
                        + " expert quantized to int8) applies to encoder-only exports."
            })
    static final class Import extends ModelCommand {
        @Option(names = "--onnx", required = true, paramLabel = "FILE", description = "The classifier's ONNX graph.")
        Path onnx;

        @Option(names = "--tokenizer", required = true, paramLabel = "FILE", description = "Its tokenizer.json.")
        Path tokenizer;

        @Option(
                names = "--config",
                paramLabel = "FILE",
                description = "Its config.json: required for a classifier (id2label), optional for an encoder"
                        + " (max_position_embeddings).")
        Path config;

        @Option(
                names = "--pooling",
                defaultValue = "mean",
                paramLabel = "mean|cls",
                description = "Encoder-only exports: mean (mean over tokens + L2, sentence-transformers) or cls"
                        + " (the first token, BERT/bge) (default: ${DEFAULT-VALUE}).")
        String pooling;

        @Option(names = "--data", paramLabel = "FILE", description = "Labeled JSON Lines (default: SpamAssassin).")
        Path data;

        @Option(names = "--out", paramLabel = "DIR", description = "Bundle directory (default as for sieve train).")
        Path out;

        @Option(
                names = "--max-tokens",
                paramLabel = "N",
                description = "Tokens fed to the graph (default: 256, at most max_position_embeddings).")
        Integer maxTokens;

        @Option(
                names = "--tail-tokens",
                defaultValue = "0",
                paramLabel = "N",
                description = "Of those, tokens kept from the end of long texts (default: ${DEFAULT-VALUE}, plain"
                        + " truncation).")
        int tailTokens;

        @CommandLine.Unmatched
        List<String> trainOptions = new ArrayList<>();

        @Override
        protected int execute() {
            for (String option : trainOptions) {
                String name = option.split("=", 2)[0];
                if (List.of("--encoder", "--skip-expert", "--labels").contains(name)) {
                    throw new UserInputException(name + " does not apply to an imported expert (the export is the"
                            + " expert, and a classifier's id2label fixes the labels)");
                }
                if (name.startsWith("--fine-tune") || name.equals("--resume")) {
                    throw new UserInputException(name + " does not apply to an imported expert: fine-tune it"
                            + " before exporting, or use sieve train --fine-tune with a built-in encoder");
                }
            }
            HuggingFaceExport.Layout layout = HuggingFaceExport.layout(onnx);
            ExpertStage stage;
            int tokens;
            String what;
            if (layout == HuggingFaceExport.Layout.CLASSIFIER) {
                if (trainOptions.stream().anyMatch(o -> o.split("=", 2)[0].equals("--int8"))) {
                    throw new UserInputException("--int8 applies to encoder-only exports: a classifier is copied"
                            + " unchanged (quantize it before exporting, e.g. with onnxruntime's quantize_dynamic)");
                }
                if (config == null) {
                    throw new UserInputException("--config is required for a sequence-classification export: its"
                            + " id2label names the classes of the logits");
                }
                HuggingFaceExport export = HuggingFaceExport.open(onnx, tokenizer, config);
                tokens = export.maxTokens(maxTokens);
                checkTail(tokens);
                stage = new ImportedExpertStage(export, tokens, tailTokens);
                what = "classifier, id2label " + export.labels();
            } else {
                Encoder.Pooling mode =
                        switch (pooling.toLowerCase(Locale.ROOT)) {
                            case "mean" -> Encoder.Pooling.MEAN_L2;
                            case "cls" -> Encoder.Pooling.CLS;
                            default ->
                                throw new UserInputException("--pooling must be mean or cls, got '" + pooling + "'");
                        };
                tokens = HuggingFaceExport.maxTokens(
                        maxTokens, config == null ? 0 : HuggingFaceExport.maxPositions(config));
                checkTail(tokens);
                Encoder encoder = Encoder.fromFiles(onnx, tokenizer, mode);
                stage = OnnxExpertStage.onEncoder(encoder, tokens, tailTokens);
                what = "encoder " + encoder.name() + ", " + pooling + " pooling; Sieve trains the head";
            }
            List<String> args = new ArrayList<>(trainOptions);
            if (data != null) {
                args.addAll(List.of("--data", data.toString()));
            }
            if (out != null) {
                args.addAll(List.of("--out", out.toString()));
            }
            if (cacheDir != null) {
                args.addAll(List.of("--cache-dir", cacheDir.toString()));
            }
            progress("import: " + onnx + " (" + what + ", " + tokens + " tokens)");
            return new CommandLine(new TrainCommand(stage))
                    .setCommandName("bundle import")
                    .setOut(out())
                    .setErr(err())
                    .execute(args.toArray(String[]::new));
        }

        private void checkTail(int tokens) {
            if (tailTokens < 0 || tailTokens > tokens / 2) {
                throw new UserInputException("--tail-tokens must be between 0 and half of --max-tokens (" + tokens / 2
                        + "), got " + tailTokens);
            }
        }
    }

    @Command(
            name = "publish",
            mixinStandardHelpOptions = true,
            description = {
                "Uploads a verified bundle to s3://BUCKET/bundles/<version>/ (the version is the bundle's content"
                        + " hash, so a version never changes once published) and prints the deploy command that"
                        + " switches the gate and the workers to it together.",
                "Credentials, region and endpoint come from the AWS SDK's standard environment."
            })
    static final class Publish implements Callable<Integer> {
        @Option(names = "--bundle", required = true, paramLabel = "DIR", description = "Bundle directory.")
        Path bundleDir;

        @Option(
                names = "--bucket",
                required = true,
                paramLabel = "NAME",
                description = "The stack's bucket (the BundleUri output without s3:// and the path).")
        String bucket;

        @Option(names = "--endpoint-url", paramLabel = "URL", description = "S3 endpoint (emulators).")
        URI endpoint;

        @Override
        public Integer call() {
            var builder = S3Client.builder().forcePathStyle(endpoint != null);
            if (endpoint != null) {
                builder.endpointOverride(endpoint);
            }
            try (S3Client s3 = builder.build()) {
                String uri = publish(ModelBundle.open(bundleDir), s3, bucket, System.out);
                System.out.println("published " + uri);
                return 0;
            }
        }
    }

    /** The prefix a bundle version lives under; the CDK app's {@code bundleVersion} names it. */
    public static String prefix(String version) {
        return "bundles/" + version + "/";
    }

    /**
     * Uploads the bundle's files, then its manifest last (a reader that sees the manifest sees every
     * file). The version is the hash of the bundle's files, so a version that is already there is the
     * same bundle: publishing it again uploads nothing.
     *
     * @return the bundle's {@code s3://} URI
     */
    public static String publish(ModelBundle bundle, S3Client s3, String bucket, PrintStream out) {
        String version = bundle.version();
        String prefix = prefix(version);
        String uri = "s3://" + bucket + "/" + prefix;
        byte[] manifest = read(bundle.directory().resolve(BundleManifest.FILE_NAME));
        byte[] existing = existingManifest(s3, bucket, prefix + BundleManifest.FILE_NAME);
        if (existing != null) {
            out.println("bundle version " + version + " is already published at " + uri);
        } else {
            List<Path> files = new ArrayList<>();
            try (Stream<Path> listing = Files.list(bundle.directory())) {
                listing.filter(Files::isRegularFile)
                        .filter(p -> bundle.manifest()
                                .files()
                                .containsKey(p.getFileName().toString()))
                        .forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + bundle.directory(), e);
            }
            for (Path file : files) {
                s3.putObject(b -> b.bucket(bucket).key(prefix + file.getFileName()), RequestBody.fromFile(file));
            }
            s3.putObject(b -> b.bucket(bucket).key(prefix + BundleManifest.FILE_NAME), RequestBody.fromBytes(manifest));
            out.println("uploaded " + (files.size() + 1) + " files to " + uri);
        }
        out.println("switch the gate and the workers to it together with:");
        out.println("  cd infra && npx cdk deploy -c bundleVersion=" + version);
        return uri;
    }

    private static byte[] existingManifest(S3Client s3, String bucket, String key) {
        try {
            return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
        } catch (NoSuchKeyException e) {
            return null;
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
