package dev.latchkey.mail;

import dev.latchkey.json.JsonValues;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonParser;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;

/** One message to one recipient: a plain-text body and an HTML alternative of the same text. */
public record MailMessage(String to, String subject, String text, String html) {

    byte[] toBytes() {
        return JsonValues.createObjectBuilder()
                .add("to", to).add("subject", subject).add("text", text).add("html", html)
                .build().toString().getBytes(StandardCharsets.UTF_8);
    }

    static MailMessage fromBytes(byte[] bytes) {
        try (JsonParser parser = JsonValues.createParser(new StringReader(new String(bytes, StandardCharsets.UTF_8)))) {
            parser.next();
            JsonObject object = parser.getObject();
            return new MailMessage(object.getString("to"), object.getString("subject"),
                    object.getString("text"), object.getString("html"));
        }
    }
}
