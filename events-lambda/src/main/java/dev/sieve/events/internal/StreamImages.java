package dev.sieve.events.internal;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import dev.sieve.events.TableChange;
import java.util.HashMap;
import java.util.Map;

/** Lambda's DynamoDB stream records as {@link TableChange}s: string and number attributes only. */
public final class StreamImages {
    private StreamImages() {}

    public static TableChange change(DynamodbEvent.DynamodbStreamRecord record) {
        var stream = record.getDynamodb();
        return new TableChange(
                record.getEventName(),
                stream == null ? null : stream.getSequenceNumber(),
                stream == null ? null : scalars(stream.getOldImage()),
                stream == null ? null : scalars(stream.getNewImage()));
    }

    static Map<String, String> scalars(Map<String, AttributeValue> image) {
        Map<String, String> values = new HashMap<>();
        if (image != null) {
            image.forEach((name, value) -> {
                if (value == null) {
                    return;
                }
                String scalar = value.getS() != null ? value.getS() : value.getN();
                if (scalar != null) {
                    values.put(name, scalar);
                }
            });
        }
        return values;
    }
}
