package dev.latchkey.mail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The messages' text, from templates in the WAR ({@code dev/latchkey/mail/templates/<name>.txt},
 * whose first line is {@code Subject: ...}, and {@code <name>.html}). Values replace
 * {@code {{name}}} placeholders: as they are in the text part, HTML-escaped in the HTML part, so
 * an address like {@code "<script>"@example.com} stays text. A placeholder without a value, or a
 * value without a placeholder, is a programming error and fails loudly.
 */
public final class MailTemplates {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)}}");
    private static final String SUBJECT = "Subject: ";
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private static final Map<String, String> LOADED = new ConcurrentHashMap<>();

    private MailTemplates() {
    }

    public static MailMessage render(String template, String to, Map<String, String> values) {
        String text = load(template + ".txt");
        int endOfSubject = text.indexOf('\n');
        if (!text.startsWith(SUBJECT) || endOfSubject < 0) {
            throw new IllegalStateException("Mail template " + template + ".txt must start with a Subject: line");
        }
        String subject = fill(template, text.substring(SUBJECT.length(), endOfSubject).strip(), values, false);
        String body = fill(template, text.substring(endOfSubject + 1), values, false);
        String htmlTemplate = load(template + ".html");
        String html = fill(template, htmlTemplate, values, true);
        for (String name : values.keySet()) {
            if (!text.contains("{{" + name + "}}") && !htmlTemplate.contains("{{" + name + "}}")) {
                throw new IllegalStateException("Mail template " + template + " has no placeholder {{" + name + "}}");
            }
        }
        return new MailMessage(to, subject, body, html);
    }

    private static String fill(String template, String source, Map<String, String> values, boolean html) {
        Matcher matcher = PLACEHOLDER.matcher(source);
        StringBuilder filled = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) {
                throw new IllegalStateException("Mail template " + template + " needs a value for {{" + matcher.group(1) + "}}");
            }
            matcher.appendReplacement(filled, Matcher.quoteReplacement(html ? escapeHtml(value) : value));
        }
        matcher.appendTail(filled);
        return filled.toString();
    }

    /** How times appear in messages: to the minute, in UTC, e.g. {@code 2026-12-01 19:25}. */
    public static String utcMinute(Instant instant) {
        return MINUTE.format(instant);
    }

    static String escapeHtml(String value) {
        StringBuilder escaped = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    private static String load(String name) {
        return LOADED.computeIfAbsent(name, MailTemplates::read);
    }

    private static String read(String name) {
        try (InputStream in = MailTemplates.class.getResourceAsStream("templates/" + name)) {
            if (in == null) {
                throw new IllegalStateException("No mail template " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
