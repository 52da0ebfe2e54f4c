package dev.sieve.models.finetune.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state after a complete epoch: parameters, optimizer moments, step count and the losses so far,
 * keyed by a fingerprint of the settings and the data, so a resumed run continues the run it belongs to.
 * Written atomically (temporary file, then move), so a crash mid-write leaves the previous epoch intact.
 *
 * @param fingerprint settings and data the run was started with
 * @param epochs complete epochs
 * @param steps optimizer steps taken
 * @param epochLosses mean training loss of each complete epoch
 * @param arrays parameters by role, head parameters and optimizer state by name
 */
public record Checkpoint(
        String fingerprint, int epochs, long steps, List<Double> epochLosses, Map<String, float[]> arrays) {
    private static final int MAGIC = 0x53465443; // "SFTC"
    public static final String FILE = "fine-tune.checkpoint";

    public void write(Path directory) {
        Path target = directory.resolve(FILE);
        try {
            Files.createDirectories(directory);
            Path tmp = Files.createTempFile(directory, FILE, ".tmp");
            try (DataOutputStream out =
                    new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20))) {
                out.writeInt(MAGIC);
                out.writeUTF(fingerprint);
                out.writeInt(epochs);
                out.writeLong(steps);
                out.writeInt(epochLosses.size());
                for (double loss : epochLosses) {
                    out.writeDouble(loss);
                }
                out.writeInt(arrays.size());
                for (Map.Entry<String, float[]> entry : arrays.entrySet()) {
                    out.writeUTF(entry.getKey());
                    float[] values = entry.getValue();
                    out.writeInt(values.length);
                    ByteBuffer bytes =
                            ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.BIG_ENDIAN);
                    bytes.asFloatBuffer().put(values);
                    out.write(bytes.array());
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        }
    }

    /** The checkpoint in {@code directory}, or empty when there is none. */
    public static Optional<Checkpoint> read(Path directory) {
        Path file = directory.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (DataInputStream in =
                new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("checkpoint " + file + " is not a fine-tuning checkpoint");
            }
            String fingerprint = in.readUTF();
            int epochs = in.readInt();
            long steps = in.readLong();
            int lossCount = in.readInt();
            List<Double> losses = new ArrayList<>(lossCount);
            for (int i = 0; i < lossCount; i++) {
                losses.add(in.readDouble());
            }
            int count = in.readInt();
            Map<String, float[]> arrays = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                byte[] bytes = new byte[in.readInt() * Float.BYTES];
                in.readFully(bytes);
                float[] values = new float[bytes.length / Float.BYTES];
                ByteBuffer.wrap(bytes)
                        .order(ByteOrder.BIG_ENDIAN)
                        .asFloatBuffer()
                        .get(values);
                arrays.put(name, values);
            }
            return Optional.of(new Checkpoint(fingerprint, epochs, steps, losses, arrays));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read checkpoint " + file + " (delete it to start over): " + e.getMessage(), e);
        }
    }

    public static void delete(Path directory) {
        try {
            Files.deleteIfExists(directory.resolve(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete checkpoint in " + directory + ": " + e.getMessage(), e);
        }
    }
}
