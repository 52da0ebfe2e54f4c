package dev.sieve.gate.service;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Which items one {@code GET /v1/results/{id}} answers: {@code limit} items (default and most {@value
 * #MAX_LIMIT}, so that a page stays far below Lambda's 6 MB response limit: about 400 bytes per item at
 * worst, 4 MB) from the position the opaque {@code cursor} names. Items keep request order, so following
 * {@code next_cursor} until it is absent reads every item exactly once.
 *
 * @param offset the index of the page's first item
 * @param limit at most this many items
 */
public record ResultsPage(int offset, int limit) {
    public static final int MAX_LIMIT = 10_000;
    public static final String CURSOR = "cursor";
    public static final String LIMIT = "limit";
    private static final String PREFIX = "v1:";

    /** The first page of the default size. */
    public static ResultsPage first() {
        return new ResultsPage(0, MAX_LIMIT);
    }

    /** Reads {@code cursor} and {@code limit} from a query; a bad value is a 400 naming the parameter. */
    public static ResultsPage parse(Map<String, String> query) {
        int limit = MAX_LIMIT;
        String limitText = query.get(LIMIT);
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new InvalidRequestException(
                        LIMIT, "must be an integer from 1 to " + MAX_LIMIT + " (got '" + shown(limitText) + "')");
            }
        }
        String cursor = query.get(CURSOR);
        return new ResultsPage(cursor == null || cursor.isEmpty() ? 0 : decode(cursor), limit);
    }

    /** The cursor of the page after this one, or null when {@code total} items end within this page. */
    public String nextCursor(int total) {
        long next = (long) offset + limit;
        return next >= total ? null : encode((int) next);
    }

    static String encode(int offset) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((PREFIX + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int decode(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith(PREFIX)) {
                int offset = Integer.parseInt(text.substring(PREFIX.length()));
                if (offset >= 0) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException e) {
            // not base64 or not a number: the same answer below
        }
        throw new InvalidRequestException(
                CURSOR, "must be a next_cursor returned by this API, unchanged (got '" + shown(cursor) + "')");
    }

    private static String shown(String value) {
        String cut = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
