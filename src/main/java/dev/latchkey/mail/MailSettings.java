package dev.latchkey.mail;

import dev.latchkey.config.InvalidSettingException;
import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import dev.latchkey.http.IpLiteral;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * How Latchkey sends mail ({@code latchkey.mail.*}): the SMTP server, or with none configured the
 * development mail directory; the sender address; and the outbox's retry schedule.
 */
@ApplicationScoped
public class MailSettings extends Settings {

    public static final String HOST = "latchkey.mail.smtp.host";
    public static final String PORT = "latchkey.mail.smtp.port";
    public static final String USERNAME = "latchkey.mail.smtp.username";
    public static final String PASSWORD = "latchkey.mail.smtp.password";
    public static final String PASSWORD_FILE = "latchkey.mail.smtp.password-file";
    public static final String TLS = "latchkey.mail.smtp.tls";
    public static final String TIMEOUT = "latchkey.mail.smtp.timeout-seconds";
    public static final String FROM = "latchkey.mail.from";
    public static final String DIRECTORY = "latchkey.mail.directory";
    public static final String FIRST_RETRY = "latchkey.mail.retry.first-delay-seconds";
    public static final String LONGEST_RETRY = "latchkey.mail.retry.max-delay-seconds";
    public static final String GIVE_UP_AFTER = "latchkey.mail.give-up-after-seconds";
    public static final String POLL_INTERVAL = "latchkey.mail.poll-interval-seconds";
    public static final String STALLED_AFTER = "latchkey.mail.stalled-after-seconds";

    /** How the connection to the SMTP server is protected. */
    public enum Tls {
        /** Plain connection upgraded with STARTTLS; a server that does not offer it is refused. */
        STARTTLS(587),
        /** TLS from the first byte (SMTPS). */
        IMPLICIT(465),
        /** No TLS at all: only to a server on the loopback interface. */
        NONE(25);

        private final int defaultPort;

        Tls(int defaultPort) {
            this.defaultPort = defaultPort;
        }
    }

    private Optional<String> host;
    private int port;
    private Tls tls;
    private Optional<String> username;
    private Optional<String> password;
    private Duration timeout;
    private InternetAddress from;
    private Path directory;
    private Duration firstRetry;
    private Duration longestRetry;
    private Duration giveUpAfter;
    private Duration pollInterval;
    private Duration stalledAfter;

    public static MailSettings from(SettingsSource source) {
        return load(new MailSettings(), source);
    }

    public static MailSettings defaults() {
        return from(SettingsSource.defaults());
    }

    @Override
    protected void load(SettingsSource source) {
        host = source.optional(HOST);
        tls = Tls.valueOf(source.oneOf(TLS, "starttls", Set.of("starttls", "implicit", "none")).toUpperCase(Locale.ROOT));
        port = source.smallNumber(PORT, tls.defaultPort, 1, 65_535);
        // Without TLS the password and every one-time link cross the network in clear: allowed
        // only when the network is this machine's loopback interface (a local relay, a test server).
        if (tls == Tls.NONE && host.isPresent() && !isLoopback(host.get())) {
            throw new InvalidSettingException(TLS, "may be none only for a loopback SMTP host (127.0.0.1, ::1 or localhost)");
        }
        username = source.optional(USERNAME);
        password = secret(source);
        if (password.isPresent() && username.isEmpty()) {
            throw new InvalidSettingException(PASSWORD, "needs " + USERNAME);
        }
        timeout = source.seconds(TIMEOUT, 10, 1, 120);
        String fromText = source.text(FROM, "Latchkey <no-reply@localhost>");
        try {
            from = new InternetAddress(fromText, true);
        } catch (AddressException e) {
            throw new InvalidSettingException(FROM, "must be one mail address, optionally with a name (\"Name <address>\")");
        }
        directory = Path.of(source.text(DIRECTORY, "./data/mail"));
        firstRetry = source.seconds(FIRST_RETRY, 5, 1, 3_600);
        longestRetry = source.seconds(LONGEST_RETRY, 600, firstRetry.toSeconds(), 86_400);
        giveUpAfter = source.seconds(GIVE_UP_AFTER, 86_400, 60, 7 * 86_400);
        pollInterval = source.seconds(POLL_INTERVAL, 30, 1, 3_600);
        stalledAfter = source.seconds(STALLED_AFTER, 900, 60, 86_400);
    }

    private static Optional<String> secret(SettingsSource source) {
        Optional<String> value = source.optional(PASSWORD);
        Optional<String> file = source.optional(PASSWORD_FILE);
        if (value.isPresent() && file.isPresent()) {
            throw new InvalidSettingException(PASSWORD_FILE, "cannot be set together with " + PASSWORD);
        }
        if (file.isEmpty()) {
            return value;
        }
        try {
            return Optional.of(Files.readString(Path.of(file.get()), StandardCharsets.UTF_8).strip()).filter(p -> !p.isEmpty());
        } catch (IOException e) {
            throw new InvalidSettingException(PASSWORD_FILE, "names a file that cannot be read");
        }
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return IpLiteral.parse(literal).map(MailSettings::isLoopbackAddress).orElse(false);
    }

    private static boolean isLoopbackAddress(byte[] address) {
        if (address.length == 4) {
            return address[0] == 127;
        }
        for (int i = 0; i < 15; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[15] == 1;
    }

    /** Empty: no SMTP server, messages are written to {@link #directory()} (development). */
    public Optional<String> host() {
        return host;
    }

    public int port() {
        return port;
    }

    public Tls tls() {
        return tls;
    }

    public Optional<String> username() {
        return username;
    }

    Optional<String> password() {
        return password;
    }

    public Duration timeout() {
        return timeout;
    }

    public InternetAddress from() {
        return (InternetAddress) from.clone();
    }

    public Path directory() {
        return directory;
    }

    /** The delay before attempt {@code failedAttempts + 1}: doubling from the first delay, capped. */
    public Duration retryDelay(int failedAttempts) {
        int doublings = Math.min(Math.max(failedAttempts - 1, 0), 30);
        long seconds = Math.min(firstRetry.toSeconds() << doublings, longestRetry.toSeconds());
        return Duration.ofSeconds(seconds);
    }

    public Duration giveUpAfter() {
        return giveUpAfter;
    }

    public Duration pollInterval() {
        return pollInterval;
    }

    /** How long mail may wait with nothing delivered before readiness warns about it. */
    public Duration stalledAfter() {
        return stalledAfter;
    }
}
