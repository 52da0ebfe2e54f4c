package dev.sieve.models.corpus;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;

/**
 * Turns a raw RFC-822 message into the text Sieve classifies: the decoded subject followed by the
 * text of the body. {@code text/plain} parts are decoded with their charset and transfer encoding,
 * {@code text/html} parts are reduced to their visible text by a real HTML parser (jsoup), a {@code
 * multipart/alternative} contributes its plain version when it has one, attachments are skipped.
 * Unknown or broken charsets fall back to UTF-8 when the bytes are valid UTF-8 and to windows-1252
 * otherwise; nothing here throws on a malformed message.
 */
public final class MimeText {
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Charset FALLBACK = Charset.forName("windows-1252");
    private static final int MAX_DEPTH = 8;
    private static final Session SESSION;

    static {
        Properties properties = new Properties();
        properties.setProperty("mail.mime.address.strict", "false");
        properties.setProperty("mail.mime.decodetext.strict", "false");
        properties.setProperty("mail.mime.parameters.strict", "false");
        properties.setProperty("mail.mime.base64.ignoreerrors", "true");
        properties.setProperty("mail.mime.uudecode.ignoreerrors", "true");
        properties.setProperty("mail.mime.multipart.ignoremissingendboundary", "true");
        properties.setProperty("mail.mime.multipart.allowempty", "true");
        SESSION = Session.getInstance(properties);
    }

    private MimeText() {}

    /** Subject and body text of {@code rawMessage}, whitespace collapsed to single spaces. */
    public static String decode(byte[] rawMessage) {
        byte[] message = stripMboxFromLine(rawMessage);
        StringBuilder text = new StringBuilder();
        try {
            MimeMessage mime = new MimeMessage(SESSION, new ByteArrayInputStream(message));
            text.append(subject(mime)).append('\n');
            appendPart(mime, text, 0);
        } catch (MessagingException | IOException | RuntimeException e) {
            // A message jakarta.mail cannot parse at all: keep whatever follows the header block.
            text.append(bytesToText(bodyAfterHeaders(message), null));
        }
        return normalizeWhitespace(text);
    }

    /** The decoded subject line of {@code rawMessage} (RFC 2047 words decoded), whitespace collapsed; may be empty. */
    public static String subjectOf(byte[] rawMessage) {
        byte[] message = stripMboxFromLine(rawMessage);
        try {
            return normalizeWhitespace(subject(new MimeMessage(SESSION, new ByteArrayInputStream(message))));
        } catch (MessagingException | RuntimeException e) {
            return "";
        }
    }

    /** Collapses runs of whitespace to one space and trims. */
    public static String normalizeWhitespace(CharSequence text) {
        return WHITESPACE.matcher(text).replaceAll(" ").strip();
    }

    private static String subject(MimeMessage mime) {
        try {
            String subject = mime.getSubject();
            return subject == null ? "" : subject;
        } catch (MessagingException | RuntimeException e) {
            try {
                String raw = mime.getHeader("Subject", null);
                return raw == null ? "" : raw;
            } catch (MessagingException inner) {
                return "";
            }
        }
    }

    private static void appendPart(Part part, StringBuilder text, int depth) throws MessagingException, IOException {
        if (depth > MAX_DEPTH) {
            return;
        }
        String disposition = safeDisposition(part);
        if (Part.ATTACHMENT.equalsIgnoreCase(disposition) && !isMimeType(part, "text/*")) {
            return;
        }
        if (isMimeType(part, "multipart/alternative")) {
            Multipart alternatives = multipart(part);
            if (alternatives == null) {
                text.append(partText(part, false)).append('\n');
                return;
            }
            BodyPart chosen = null;
            for (int i = 0; i < alternatives.getCount() && chosen == null; i++) {
                if (isMimeType(alternatives.getBodyPart(i), "text/plain")) {
                    chosen = alternatives.getBodyPart(i);
                }
            }
            if (chosen != null) {
                appendPart(chosen, text, depth + 1);
            } else {
                for (int i = 0; i < alternatives.getCount(); i++) {
                    appendPart(alternatives.getBodyPart(i), text, depth + 1);
                }
            }
        } else if (isMimeType(part, "multipart/*")) {
            Multipart parts = multipart(part);
            if (parts == null) {
                text.append(partText(part, false)).append('\n');
                return;
            }
            for (int i = 0; i < parts.getCount(); i++) {
                appendPart(parts.getBodyPart(i), text, depth + 1);
            }
        } else if (isMimeType(part, "message/rfc822")) {
            Object content = part.getContent();
            if (content instanceof Part nested) {
                appendPart(nested, text, depth + 1);
            }
        } else if (isMimeType(part, "text/html")) {
            text.append(Jsoup.parse(partText(part, true)).text()).append('\n');
        } else if (isMimeType(part, "text/*") || part.getContentType() == null) {
            String body = partText(part, false);
            text.append(looksLikeHtml(body) ? Jsoup.parse(body).text() : body).append('\n');
        }
    }

    private static Multipart multipart(Part part) {
        try {
            Object content = part.getContent();
            return content instanceof Multipart multipart ? multipart : null;
        } catch (MessagingException | IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isMimeType(Part part, String type) {
        try {
            return part.isMimeType(type);
        } catch (MessagingException | RuntimeException e) {
            return false;
        }
    }

    private static String safeDisposition(Part part) {
        try {
            return part.getDisposition();
        } catch (MessagingException | RuntimeException e) {
            return null;
        }
    }

    /** The decoded text of one leaf part, with charset fallbacks. */
    private static String partText(Part part, boolean html) throws MessagingException, IOException {
        byte[] bytes;
        try (InputStream in = part.getInputStream()) {
            bytes = in.readAllBytes();
        } catch (MessagingException | IOException | RuntimeException e) {
            if (!(part instanceof MimePart mimePart)) {
                return "";
            }
            try (InputStream in = rawStream(mimePart)) {
                bytes = in == null ? new byte[0] : in.readAllBytes();
            }
        }
        return bytesToText(bytes, charsetOf(part));
    }

    private static InputStream rawStream(MimePart part) throws MessagingException {
        if (part instanceof jakarta.mail.internet.MimeBodyPart body) {
            return body.getRawInputStream();
        }
        if (part instanceof MimeMessage message) {
            return message.getRawInputStream();
        }
        return null;
    }

    private static Charset charsetOf(Part part) {
        try {
            String contentType = part.getContentType();
            if (contentType == null) {
                return null;
            }
            String name = new ContentType(contentType).getParameter("charset");
            if (name == null || name.isBlank()) {
                return null;
            }
            return Charset.forName(MimeUtility.javaCharset(name.strip().replace("\"", "")));
        } catch (IllegalArgumentException | MessagingException e) {
            return null;
        }
    }

    private static String bytesToText(byte[] bytes, Charset declared) {
        if (declared != null && !declared.equals(StandardCharsets.US_ASCII)) {
            return new String(bytes, declared);
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, FALLBACK);
        }
    }

    private static boolean looksLikeHtml(String body) {
        String head = body.substring(0, Math.min(body.length(), 2048)).toLowerCase(Locale.ROOT);
        return head.contains("<html") || head.contains("<body") || head.contains("<br") || head.contains("<p>");
    }

    private static byte[] stripMboxFromLine(byte[] message) {
        if (message.length > 5
                && message[0] == 'F'
                && message[1] == 'r'
                && message[2] == 'o'
                && message[3] == 'm'
                && message[4] == ' ') {
            for (int i = 0; i < message.length; i++) {
                if (message[i] == '\n') {
                    return java.util.Arrays.copyOfRange(message, i + 1, message.length);
                }
            }
        }
        return message;
    }

    private static byte[] bodyAfterHeaders(byte[] message) {
        for (int i = 0; i + 1 < message.length; i++) {
            if (message[i] == '\n'
                    && (message[i + 1] == '\n'
                            || (message[i + 1] == '\r' && i + 2 < message.length && message[i + 2] == '\n'))) {
                return java.util.Arrays.copyOfRange(message, i + 1, message.length);
            }
        }
        return message;
    }
}
