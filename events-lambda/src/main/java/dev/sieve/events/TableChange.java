package dev.sieve.events;

import java.util.Map;
import java.util.Objects;

/**
 * One record of the table's stream, reduced to what an event is built from: the scalar attributes (strings
 * and numbers, as text) of the item's old and new image. The Lambda's stream records ({@code
 * internal.StreamImages}) and local mode's polling of DynamoDB Local's stream both come to this.
 *
 * @param kind {@code INSERT}, {@code MODIFY} or {@code REMOVE}
 * @param sequenceNumber the record's sequence number in its shard (what a batch item failure names)
 * @param oldImage the item before the change (empty for an insert)
 * @param newImage the item after the change (empty for a removal)
 */
public record TableChange(
        String kind, String sequenceNumber, Map<String, String> oldImage, Map<String, String> newImage) {
    public static final String INSERT = "INSERT";
    public static final String MODIFY = "MODIFY";
    public static final String REMOVE = "REMOVE";

    public TableChange {
        Objects.requireNonNull(kind, "kind");
        oldImage = oldImage == null ? Map.of() : Map.copyOf(oldImage);
        newImage = newImage == null ? Map.of() : Map.copyOf(newImage);
    }
}
