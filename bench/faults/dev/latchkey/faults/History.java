package dev.latchkey.faults;

import dev.latchkey.crypto.TokenDigests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/** Every exchange of the run, and the one place requests are sent from, so that none escapes it. */
final class History {

    static final String REFRESH_COOKIE = "__Secure-latchkey-refresh";
    static final String CSRF_COOKIE = "__Host-latchkey-csrf";

    /** Longer than the pool's 10 s wait for a connection, so a 503 for a lost database arrives. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final long startedNanos = System.nanoTime();
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentLinkedQueue<Exchange> exchanges = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Revocation> revocations = new ConcurrentLinkedQueue<>();
    private final Map<URI, String> targetNames = new ConcurrentHashMap<>();

    /** How the records name requests sent to this base URI ("balancer", "node 1"). */
    void name(URI base, String name) {
        targetNames.put(base, name);
    }

    long now() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    List<Exchange> exchanges() {
        return new ArrayList<>(exchanges);
    }

    List<Revocation> revocations() {
        return new ArrayList<>(revocations);
    }

    void revoked(Revocation revocation) {
        revocations.add(revocation);
    }

    /** An answer, or none; recorded either way. */
    record Answer(Exchange exchange, HttpResponse<String> response) {

        int status() {
            return exchange.status();
        }

        Optional<String> cookie(String name) {
            return response == null ? Optional.empty() : setCookie(response, name);
        }
    }

    Answer send(HttpClient client, String clientName, String operation, URI base, HttpRequest.Builder request,
                String accessToken, String refreshToken) {
        HttpRequest built = request.timeout(REQUEST_TIMEOUT).build();
        String target = targetNames.getOrDefault(base, base.toString());
        long sentAt = now();
        HttpResponse<String> response = null;
        String failure = null;
        try {
            response = client.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException timeout) {
            failure = "timeout";
        } catch (IOException noAnswer) {
            failure = noAnswer.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        }
        long answeredAt = now();
        int status = response == null ? 0 : response.statusCode();
        String successor = status == 200 ? setCookie(response, REFRESH_COOKIE).map(History::hash).orElse(null) : null;
        Exchange exchange = new Exchange(ids.incrementAndGet(), clientName, operation, target, sentAt, answeredAt, status, failure,
                response != null && response.headers().firstValue("Retry-After").isPresent(),
                response != null && response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                hash(accessToken), hash(refreshToken), successor);
        exchanges.add(exchange);
        return new Answer(exchange, response);
    }

    /** The value a response sets for the cookie, unless it deletes it. */
    private static Optional<String> setCookie(HttpResponse<String> response, String name) {
        return response.headers().allValues("Set-Cookie").stream()
                .filter(header -> header.startsWith(name + "=") && !header.contains("Max-Age=0"))
                .map(header -> header.split(";", 2)[0].substring(name.length() + 1))
                .findFirst();
    }

    /** The first 12 characters of the token's SHA-256: enough to tell tokens apart, useless to present. */
    static String hash(String token) {
        return token == null ? null : TokenDigests.sha256(token).substring(0, 12);
    }
}
