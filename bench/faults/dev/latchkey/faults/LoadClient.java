package dev.latchkey.faults;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One client of the closed-loop load: an account of its own, used through the balancer the way
 * an application uses Latchkey. Each round reads the account with its access token, refreshes,
 * and now and then refreshes three times at once with one token (three tabs), logs out, or
 * changes its password while a second session is open. After every logout and password change it
 * presents the ended session's tokens again: the access token to every node directly, the refresh
 * token through the balancer. A step that fails drops the session, and the client signs in again.
 */
final class LoadClient implements Runnable {

    /** The operations that present an ended session's tokens: the report counts them apart. */
    static final String ENDED_ACCESS = "ended session's access token";
    static final String CHANGE_PASSWORD = "change password";
    /** A client's address: this prefix, its number, a dash, a time (so runs never share one). */
    private static final String ADDRESS_PREFIX = "faults-";
    private static final String NAME_PREFIX = "client-";
    private static final Pattern ADDRESS = Pattern.compile(Pattern.quote(ADDRESS_PREFIX) + "(\\d+)-\\d+@example\\.test");
    static final String ENDED_REFRESH = "ended session's refresh token";

    private final int number;
    private final String name;
    private final History history;
    private final URI balancer;
    private final List<URI> nodes;
    private final BooleanSupplier running;
    private final IntPredicate nodeReady;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NEVER).build();
    /** The three tabs' threads: the common pool has a single thread on two cores. */
    private final ExecutorService tabs = Executors.newFixedThreadPool(3, runnable -> {
        Thread thread = new Thread(runnable);
        thread.setDaemon(true);
        return thread;
    });
    private final String email;
    private String password;
    private int passwordChanges;
    private boolean registered;

    /** The tokens of one signed-in session. */
    private static final class Session {
        String accessToken;
        String refreshToken;
        String csrfToken;
    }

    LoadClient(int number, History history, URI balancer, List<URI> nodes, IntPredicate nodeReady, BooleanSupplier running) {
        this.number = number;
        this.name = NAME_PREFIX + number;
        this.history = history;
        this.balancer = balancer;
        this.nodes = List.copyOf(nodes);
        this.running = running;
        this.nodeReady = nodeReady;
        this.email = ADDRESS_PREFIX + number + "-" + System.nanoTime() + "@example.test";
        this.password = passwordNumber(0);
    }

    /** The load client whose address this is, if it is one of theirs. */
    static Optional<String> clientOf(String address) {
        Matcher matcher = ADDRESS.matcher(address);
        return matcher.matches() ? Optional.of(NAME_PREFIX + matcher.group(1)) : Optional.empty();
    }

    @Override
    public void run() {
        Session session = null;
        for (long round = 0; running.getAsBoolean(); round++) {
            if (!registered) {
                registered = register();
                if (!registered) {
                    RoundRobinProxy.sleep(500);
                    continue;
                }
            }
            if (session == null) {
                session = login();
                if (session == null) {
                    RoundRobinProxy.sleep(500);
                    continue;
                }
            }
            session = round(session, round);
            if (session == null) {
                RoundRobinProxy.sleep(200);
            }
        }
    }

    /** @return the session to go on with, or null to sign in again */
    private Session round(Session session, long round) {
        if (!me(session)) {
            return null;
        }
        if (round % 5 == 4) {
            return threeTabsRefresh(session);
        }
        if (!refresh(session)) {
            return null;
        }
        if (round % 7 == 6) {
            return changePassword(session);
        }
        if (round % 4 == 3) {
            logout(session);
            return null;
        }
        return session;
    }

    private boolean register() {
        History.Answer answer = send("register", balancer, post(balancer, "/auth/register", credentials(password)), null, null);
        // 409 cannot come (the address is new), but a retried registration whose first answer was
        // lost may already have made the account: the login that follows tells.
        return answer.status() == 202;
    }

    private Session login() {
        History.Answer answer = send("login", balancer, post(balancer, "/auth/login", credentials(password)), null, null);
        if (answer.status() != 200) {
            return null;
        }
        Session session = new Session();
        absorb(session, answer);
        return session.refreshToken == null ? null : session;
    }

    private boolean me(Session session) {
        return send("read account", balancer, HttpRequest.newBuilder(balancer.resolve("/api/me"))
                .header("Authorization", "Bearer " + session.accessToken).GET(), session.accessToken, null).status() == 200;
    }

    private boolean refresh(Session session) {
        History.Answer answer = send("refresh", balancer, refreshRequest(balancer, session.refreshToken, session.csrfToken),
                null, session.refreshToken);
        if (answer.status() != 200) {
            return false;
        }
        absorb(session, answer);
        return true;
    }

    /** Three tabs that refresh at once with one token: every one must get the same successor. */
    private Session threeTabsRefresh(Session session) {
        List<CompletableFuture<History.Answer>> answers = new ArrayList<>();
        for (int tab = 0; tab < 3; tab++) {
            answers.add(CompletableFuture.supplyAsync(() -> send("refresh, three tabs at once", balancer,
                    refreshRequest(balancer, session.refreshToken, session.csrfToken), null, session.refreshToken), tabs));
        }
        Session next = null;
        for (CompletableFuture<History.Answer> tab : answers) {
            History.Answer answer = tab.join();
            if (answer.status() == 200 && next == null) {
                next = new Session();
                next.csrfToken = session.csrfToken;
                absorb(next, answer);
            }
        }
        return next;
    }

    private Session changePassword(Session session) {
        Session other = login();
        if (other == null) {
            return session;
        }
        String newPassword = passwordNumber(++passwordChanges);
        String body = Json.createObjectBuilder().add("current_password", password).add("new_password", newPassword).build().toString();
        History.Answer answer = send(CHANGE_PASSWORD, balancer, HttpRequest.newBuilder(balancer.resolve("/auth/password/change"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + session.accessToken)
                .POST(HttpRequest.BodyPublishers.ofString(body)), session.accessToken, null);
        if (answer.status() != 200) {
            // Not known whether it changed: a lost answer may hide a change that committed.
            if (answer.status() == 0 || answer.status() >= 500) {
                passwordChanges--;
                recoverPassword(newPassword);
            }
            return null;
        }
        password = newPassword;
        // "Every other session ended": the second session is over from this answer on.
        history.revoked(new Revocation(answer.exchange(), other.accessToken, other.refreshToken, other.csrfToken));
        presentEnded(other);
        Session fresh = new Session();
        absorb(fresh, answer);
        return fresh.accessToken == null ? null : fresh;
    }

    /** After a password change whose answer was lost, whichever password signs in is the one. */
    private void recoverPassword(String maybeNew) {
        while (running.getAsBoolean()) {
            for (String candidate : List.of(password, maybeNew)) {
                History.Answer answer = send("login", balancer, post(balancer, "/auth/login", credentials(candidate)), null, null);
                if (answer.status() == 200) {
                    if (candidate.equals(maybeNew)) {
                        password = maybeNew;
                        passwordChanges++;
                    }
                    return;
                }
            }
            RoundRobinProxy.sleep(500);
        }
    }

    private void logout(Session session) {
        History.Answer answer = send("logout", balancer, HttpRequest.newBuilder(balancer.resolve("/auth/logout"))
                .header("Authorization", "Bearer " + session.accessToken)
                .header("Cookie", History.REFRESH_COOKIE + "=" + session.refreshToken + "; " + History.CSRF_COOKIE + "=" + session.csrfToken)
                .header("X-CSRF-Token", session.csrfToken)
                .POST(HttpRequest.BodyPublishers.noBody()), session.accessToken, session.refreshToken);
        if (answer.status() == 204) {
            history.revoked(new Revocation(answer.exchange(), session.accessToken, session.refreshToken, session.csrfToken));
            presentEnded(session);
        }
    }

    /**
     * The ended session's access token at every ready node, its refresh token through the
     * balancer. Not at a node that is not ready: while it starts, the container answers before
     * Latchkey is deployed (its own 404, 500 and 503 pages, seen in the first runs), and no
     * balancer that honours readiness sends it anything then.
     */
    private void presentEnded(Session ended) {
        for (int index = 0; index < nodes.size(); index++) {
            if (!nodeReady.test(index)) {
                continue;
            }
            URI node = nodes.get(index);
            send(ENDED_ACCESS, node, HttpRequest.newBuilder(node.resolve("/api/me"))
                    .header("Authorization", "Bearer " + ended.accessToken).GET(), ended.accessToken, null);
        }
        send(ENDED_REFRESH, balancer, refreshRequest(balancer, ended.refreshToken, ended.csrfToken),
                null, ended.refreshToken);
    }

    private History.Answer send(String operation, URI target, HttpRequest.Builder request, String accessToken, String refreshToken) {
        return history.send(http, name, operation, target, request, accessToken, refreshToken);
    }

    static HttpRequest.Builder refreshRequest(URI target, String refreshToken, String csrfToken) {
        return HttpRequest.newBuilder(target.resolve("/auth/refresh"))
                .header("Cookie", History.REFRESH_COOKIE + "=" + refreshToken + "; " + History.CSRF_COOKIE + "=" + csrfToken)
                .header("X-CSRF-Token", csrfToken)
                .POST(HttpRequest.BodyPublishers.noBody());
    }

    private static HttpRequest.Builder post(URI target, String path, String json) {
        return HttpRequest.newBuilder(target.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private String credentials(String secret) {
        return Json.createObjectBuilder().add("email", email).add("password", secret).build().toString();
    }

    private String passwordNumber(int change) {
        return "orchid lantern quartz " + number + " meadow " + change;
    }

    private static void absorb(Session session, History.Answer answer) {
        try (JsonReader reader = Json.createReader(new StringReader(answer.response().body()))) {
            JsonObject body = reader.readObject();
            session.accessToken = body.getString("access_token", null);
        } catch (RuntimeException notJson) {
            session.accessToken = null;
        }
        answer.cookie(History.REFRESH_COOKIE).ifPresent(token -> session.refreshToken = token);
        answer.cookie(History.CSRF_COOKIE).ifPresent(token -> session.csrfToken = token);
    }
}
