package dev.latchkey.faults;

import dev.latchkey.mail.MailSettings;
import dev.latchkey.testsupport.client.LatchkeyCluster;
import dev.latchkey.testsupport.client.TcpProxy;
import dev.latchkey.testsupport.client.SharedDatabase;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

/**
 * Issue 19's fault injection: three Latchkey nodes (Payara Micro) on PostgreSQL behind a
 * round-robin balancer, with a real SMTP server ({@link MailServer}), a closed-loop load of
 * sign-ins, reads, refreshes (some three at once on one token), logouts and password changes, and
 * one fault a phase while it runs. After the run the invariants ({@link Invariants}) are checked
 * against the clients' history and the mail the SMTP server received; after every phase every
 * ended session is presented again to every node. A violated invariant fails the run and
 * prints the offending pair of requests.
 *
 * <pre>
 * mvn -B -Pfaults -DskipTests package exec:java@faults                                    # every phase
 * mvn -B -Pfaults -DskipTests package exec:java@faults -Dfaults.phases=pause,db-restart    # CI's short run
 * </pre>
 *
 * Options ({@code -D}): {@code faults.phases} (kill, pause, db-restart, db-stop, db-stall, partition, smtp-down; default all),
 * {@code faults.clients} (default 6), {@code faults.calm-seconds} (load before each fault and after
 * each recovery, default 20), {@code faults.recovery-seconds} (the bound, counted from the end of
 * the fault, default 240: a killed node's restart under the full load of two cores took 111 to
 * 163 s), {@code faults.postgresql-version}. It needs PostgreSQL on 127.0.0.1:5432 (database {@code test},
 * user {@code postgres}, no password), a schema of its own ({@code latchkey_faults}, emptied first),
 * and the right to run {@code pg_ctlcluster} on it; the partition needs root and iproute2 too
 * ({@link NetworkNamespaces}, whose subnet {@code faults.partition.subnet} moves). It writes
 * {@code target/faults/report.md}.
 */
public final class FaultHarness {

    private FaultHarness() {
    }

    public static void main(String[] args) throws Exception {
        List<Fault> faults = Fault.parse(System.getProperty("faults.phases", "kill,pause,db-restart,db-stop,db-stall,partition,smtp-down"));
        int clients = Integer.getInteger("faults.clients", 6);
        Duration calm = Duration.ofSeconds(Integer.getInteger("faults.calm-seconds", 20));
        Duration recoveryBound = Duration.ofSeconds(Integer.getInteger("faults.recovery-seconds", 240));

        System.setProperty("latchkey.it.datasource.class-name", "org.postgresql.ds.PGSimpleDataSource");
        String databaseUrl = System.getProperty("faults.datasource.url", "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=latchkey_faults");
        System.setProperty("latchkey.it.datasource.url", databaseUrl);
        System.setProperty("latchkey.it.datasource.user", System.getProperty("faults.datasource.user", "postgres"));
        System.setProperty("latchkey.it.datasource.password", "");
        Instant startedAt = Instant.now();
        History history = new History();
        List<Phase> phases = new ArrayList<>();
        List<MailServer.Delivered> mailDelivered = List.of();
        // Network namespaces only for a run with the partition: they need root, which the other
        // phases do not (the database phases need the right to run pg_ctlcluster only).
        try (NetworkNamespaces network = faults.contains(Fault.PARTITION) ? new NetworkNamespaces(3) : null;
             MailServer mail = new MailServer();
             SharedDatabase database = SharedDatabase.forCluster("latchkey_faults");
             // The nodes reach PostgreSQL through a proxy of the harness's, which can hold their packets (db-stall).
             TcpProxy databasePath = database.proxy();
             LatchkeyCluster cluster = withMail(new LatchkeyCluster(3, withDriverTimeouts(database.settingsThrough(databasePath)),
                     network == null ? LatchkeyCluster.NodeHosts.LOOPBACK : network), mail)) {
            if (network != null) {
                network.relayLoopback(databasePath.port(), mail.port());
            }
            mail.start();
            log("starting three nodes on PostgreSQL");
            cluster.start(0);
            cluster.start(1, 2);
            List<URI> nodes = new ArrayList<>();
            for (int node = 0; node < 3; node++) {
                URI uri = URI.create("http://" + cluster.url(node).getAuthority());
                nodes.add(uri);
                history.name(uri, "node " + node);
            }
            Fault.Targets targets = new Fault.Targets(cluster, mail, network, databasePath);
            try (RoundRobinProxy proxy = new RoundRobinProxy(nodes)) {
                URI balancer = URI.create("http://127.0.0.1:" + proxy.port());
                history.name(balancer, "balancer");
                Recovery recovery = new Recovery(history, nodes);
                recovery.prepare();

                Load load = new Load(history, balancer, nodes, proxy::isReady, clients);
                load.start();
                phases.add(calmPhase(history, calm));
                for (Fault fault : faults) {
                    phases.add(faultPhase(fault, targets, history, recovery, nodes, proxy, calm, recoveryBound));
                }
                load.stop();
                mailDelivered = awaitMail(history, mail);
            }
        } finally {
            Fault.ensurePostgresqlRunning();
        }
        List<Invariants.Violation> violations = new ArrayList<>(Invariants.check(history.exchanges(), history.revocations(), phases,
                recoveryBound.toSeconds()));
        Invariants.MailResult mailResult = Invariants.mailOnce(history.exchanges(), mailDelivered,
                (int) faults.stream().filter(fault -> fault == Fault.KILL).count());
        violations.addAll(mailResult.violations());
        String report = Report.of(startedAt, clients, history, phases, mailDelivered, mailResult.resentAfterKill(), violations);
        Path file = Path.of("target", "faults", "report.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, report);
        System.out.println(report);
        System.out.println("Written to " + file.toAbsolutePath());
        if (!violations.isEmpty()) {
            System.out.println(violations.size() + " invariant violation(s): the run fails.");
            System.exit(1);
        }
        System.exit(0);
    }

    /**
     * The pgJDBC timeouts docs/configuration.md recommends: without them a database host that
     * drops packets holds a request for as long as TCP does.
     */
    private static Map<String, String> withDriverTimeouts(Map<String, String> settings) {
        Map<String, String> withTimeouts = new HashMap<>(settings);
        withTimeouts.put("url", settings.get("url") + "&connectTimeout=2&loginTimeout=2&socketTimeout=5");
        return withTimeouts;
    }

    /**
     * Every node sends its mail to the harness's SMTP server, retrying as {@code OutboxClusterIT}'s
     * nodes do (one or two seconds between attempts, a timer every second), so that what an outage
     * queued arrives within seconds of its end.
     */
    private static LatchkeyCluster withMail(LatchkeyCluster cluster, MailServer mail) {
        return cluster.property(MailSettings.HOST, "127.0.0.1")
                .property(MailSettings.PORT, String.valueOf(mail.port()))
                .property(MailSettings.TLS, "none")
                .property(MailSettings.FIRST_RETRY, "1")
                .property(MailSettings.LONGEST_RETRY, "2")
                .property(MailSettings.POLL_INTERVAL, "1");
    }

    /**
     * After the load: until every password change answered 200 has its notice, or two minutes,
     * then ten seconds more, so that a row sent twice by racing nodes would show up too.
     */
    private static List<MailServer.Delivered> awaitMail(History history, MailServer mail) {
        log("waiting for the outbox to deliver every notice of a password change answered 200");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline && Invariants.mailOnce(history.exchanges(), mail.delivered(), 0).violations().stream()
                .anyMatch(violation -> violation.detail().startsWith(Invariants.LOST))) {
            RoundRobinProxy.sleep(1_000);
        }
        RoundRobinProxy.sleep(10_000);
        List<MailServer.Delivered> delivered = mail.delivered();
        log(delivered.size() + " messages delivered in all");
        return delivered;
    }

    private static Phase calmPhase(History history, Duration calm) {
        long start = history.now();
        log("calm: load only, " + calm.toSeconds() + " s");
        RoundRobinProxy.sleep(calm.toMillis());
        return new Phase("calm", "load only, no fault", start, -1, -1, -1, true, history.now(), true);
    }

    private static Phase faultPhase(Fault fault, Fault.Targets targets, History history, Recovery recovery, List<URI> nodes,
                                    RoundRobinProxy proxy, Duration calm, Duration recoveryBound) throws InterruptedException {
        long start = history.now();
        log(fault.name + ": load for " + calm.toSeconds() + " s, then " + fault.description);
        RoundRobinProxy.sleep(calm.toMillis());
        long faultAt = history.now();
        fault.inject(targets);
        RoundRobinProxy.sleep(fault.held.toMillis());
        long healedAt = history.now();
        fault.heal(targets);
        log(fault.name + ": fault over; waiting for full service");
        // The bound counts from the end of the fault: for a killed node, from its restart's launch,
        // so the node's own start is part of the time to full service.
        boolean recovered = recovery.await(healedAt + recoveryBound.toMillis());
        long recoveredAt = history.now();
        log(fault.name + ": " + (recovered ? "full service " + (recoveredAt - healedAt) / 1000.0 + " s after the fault ended"
                : "NOT back to full service within " + recoveryBound.toSeconds() + " s"));
        RoundRobinProxy.sleep(calm.toMillis());
        recheckEndedSessions(history, nodes, proxy::isReady, fault.name);
        String description = fault.description;
        if (!recovered) {
            // The invariant has failed already; what an operator would do next is restart the
            // nodes out of rotation, so that the phases after this one measure their own fault.
            List<Integer> restarted = new ArrayList<>();
            for (int node = 0; node < nodes.size(); node++) {
                if (!proxy.isReady(node)) {
                    targets.cluster().stop(node);
                    targets.cluster().start(node);
                    restarted.add(node);
                }
            }
            log(fault.name + ": restarted node(s) " + restarted + " as an operator would");
            description += " (not recovered: the harness restarted node(s) " + restarted + ")";
            recovery.await(history.now() + recoveryBound.toMillis());
        }
        return new Phase(fault.name, description, start, faultAt, healedAt, recoveredAt, recovered, history.now(),
                !fault.stopsOrCutsOffANode());
    }

    /**
     * Every session ended so far, presented again after the phase: its access token to every
     * ready node, its refresh token to one of them in turn. Invariant 2 then covers "still in
     * force after every restart". A node that is not ready gets none, as it gets no traffic from
     * a balancer; that is reported, and such a node fails the recovery invariant anyway.
     */
    private static void recheckEndedSessions(History history, List<URI> nodes, IntPredicate nodeReady, String afterPhase)
            throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        List<Revocation> revocations = history.revocations();
        List<URI> ready = new ArrayList<>();
        for (int node = 0; node < nodes.size(); node++) {
            if (nodeReady.test(node)) {
                ready.add(nodes.get(node));
            }
        }
        log("presenting the " + revocations.size() + " sessions ended so far to the " + ready.size() + " ready nodes of " + nodes.size());
        if (ready.isEmpty()) {
            return;
        }
        ExecutorService senders = Executors.newFixedThreadPool(4);
        for (int index = 0; index < revocations.size(); index++) {
            Revocation revocation = revocations.get(index);
            URI refreshAt = ready.get(index % ready.size());
            senders.execute(() -> {
                for (URI node : ready) {
                    history.send(http, "recheck", LoadClient.ENDED_ACCESS + ", after " + afterPhase, node,
                            HttpRequest.newBuilder(node.resolve("/api/me")).header("Authorization", "Bearer " + revocation.accessToken()).GET(),
                            revocation.accessToken(), null);
                }
                history.send(http, "recheck", LoadClient.ENDED_REFRESH + ", after " + afterPhase, refreshAt,
                        LoadClient.refreshRequest(refreshAt, revocation.refreshToken(), revocation.csrfToken()),
                        null, revocation.refreshToken());
            });
        }
        senders.shutdown();
        if (!senders.awaitTermination(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("presenting the ended sessions again took over 10 minutes");
        }
    }

    static void log(String line) {
        System.out.println("[faults " + Instant.now() + "] " + line);
    }

    /** The load's clients, each on a thread of its own, until stopped. */
    private static final class Load {
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean running = true;

        Load(History history, URI balancer, List<URI> nodes, IntPredicate nodeReady, int clients) {
            for (int client = 0; client < clients; client++) {
                Thread thread = new Thread(new LoadClient(client, history, balancer, nodes, nodeReady, () -> running), "load-" + client);
                thread.setDaemon(true);
                threads.add(thread);
            }
        }

        void start() {
            threads.forEach(Thread::start);
        }

        void stop() throws InterruptedException {
            running = false;
            for (Thread thread : threads) {
                thread.join(Duration.ofSeconds(60).toMillis());
            }
        }
    }

    /** Full service: every node ready, and a sign-in, a refresh and a read on each, directly. */
    private static final class Recovery {
        private static final String PASSWORD = "orchid lantern quartz recovery meadow";
        private final History history;
        private final List<URI> nodes;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        private final String email = "faults-recovery-" + System.nanoTime() + "@example.test";

        Recovery(History history, List<URI> nodes) {
            this.history = history;
            this.nodes = nodes;
        }

        void prepare() {
            History.Answer registered = history.send(http, "recovery", "register", nodes.get(0), post(nodes.get(0), "/auth/register"), null, null);
            if (registered.status() != 202) {
                throw new IllegalStateException("the recovery probe's account was not registered: " + registered.exchange());
            }
            if (!await(history.now() + 60_000)) {
                throw new IllegalStateException("the cluster does not serve before any fault");
            }
        }

        boolean await(long deadline) {
            while (history.now() < deadline) {
                if (nodes.stream().allMatch(this::serves)) {
                    return true;
                }
                RoundRobinProxy.sleep(500);
            }
            return false;
        }

        private boolean serves(URI node) {
            History.Answer ready = history.send(http, "recovery", Invariants.READINESS, node, HttpRequest.newBuilder(node.resolve("/health/ready")).GET(), null, null);
            if (ready.status() != 200) {
                return false;
            }
            History.Answer login = history.send(http, "recovery", "login", node, post(node, "/auth/login"), null, null);
            if (login.status() != 200) {
                return false;
            }
            String refreshToken = login.cookie(History.REFRESH_COOKIE).orElse(null);
            String csrfToken = login.cookie(History.CSRF_COOKIE).orElse(null);
            History.Answer refreshed = history.send(http, "recovery", "refresh", node,
                    LoadClient.refreshRequest(node, refreshToken, csrfToken), null, refreshToken);
            if (refreshed.status() != 200) {
                return false;
            }
            String accessToken = Report.accessToken(refreshed);
            return history.send(http, "recovery", "read account", node, HttpRequest.newBuilder(node.resolve("/api/me"))
                    .header("Authorization", "Bearer " + accessToken).GET(), accessToken, null).status() == 200;
        }

        private HttpRequest.Builder post(URI node, String path) {
            return HttpRequest.newBuilder(node.resolve(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}"));
        }
    }

    /** The run's figures as Markdown, for docs/reliability.md. */
    static final class Report {
        private Report() {
        }

        static String accessToken(History.Answer answer) {
            try (jakarta.json.JsonReader reader = jakarta.json.Json.createReader(new java.io.StringReader(answer.response().body()))) {
                return reader.readObject().getString("access_token", null);
            } catch (RuntimeException notJson) {
                return null;
            }
        }

        static String of(Instant startedAt, int clients, History history, List<Phase> phases, List<MailServer.Delivered> mail,
                         long resentAfterKill, List<Invariants.Violation> violations) {
            List<Exchange> exchanges = history.exchanges();
            StringBuilder out = new StringBuilder();
            out.append("## Fault run, ").append(startedAt).append(", ").append(clients).append(" clients, ")
                    .append(load()).append("\n\n");
            out.append("| phase | fault | requests of the load | their answers (status: count; 0 is none) | ended sessions presented again "
                    + "| their answers | full service after the fault ended |\n");
            out.append("|---|---|---|---|---|---|---|\n");
            for (Phase phase : phases) {
                List<Exchange> inPhase = exchanges.stream().filter(phase::contains).toList();
                List<Exchange> load = inPhase.stream().filter(exchange -> !presentsAnEndedSession(exchange)).toList();
                List<Exchange> probes = inPhase.stream().filter(Report::presentsAnEndedSession).toList();
                out.append("| ").append(phase.name()).append(" | ").append(phase.description()).append(" | ")
                        .append(load.size()).append(" | ").append(statuses(load, true))
                        .append(" | ").append(probes.size()).append(" | ").append(statuses(probes, false))
                        .append(" | ")
                        .append(phase.faultAt() < 0 ? "n/a" : phase.recovered() ? phase.recoverySeconds() + " s" : "not within the bound")
                        .append(" |\n");
            }
            out.append("\nEnded sessions (logouts answered 204, other sessions of a password change answered 200): ")
                    .append(history.revocations().size()).append("; each presented again to every node after every phase.\n\n");
            long changed = exchanges.stream().filter(exchange -> exchange.operation().equals(LoadClient.CHANGE_PASSWORD)
                    && exchange.status() == 200).count();
            long notices = mail.stream().filter(message -> Invariants.PASSWORD_CHANGED.equals(message.subject()))
                    .map(MailServer.Delivered::messageId).distinct().count();
            out.append("Mail: ").append(mail.size()).append(" messages received by the SMTP server, ").append(notices)
                    .append(" distinct password-change notices among them (by Message-ID), for ").append(changed)
                    .append(" password changes answered 200.");
            if (resentAfterKill > 0) {
                out.append(" ").append(resentAfterKill).append(" copy (copies) of a notice, with its Message-ID, no more than the nodes"
                        + " killed with kill -9: resent after a node died between the SMTP server's acceptance and the outbox's delete"
                        + " (at-least-once, docs/mail.md), not counted as sent twice.");
            }
            out.append("\n\n");
            out.append("| invariant | result |\n|---|---|\n");
            for (String invariant : Invariants.ALL) {
                long broken = violations.stream().filter(violation -> violation.invariant().equals(invariant)).count();
                out.append("| ").append(invariant).append(" | ").append(broken == 0 ? "held" : "VIOLATED " + broken + " times").append(" |\n");
            }
            for (Invariants.Violation violation : violations) {
                out.append("\n- ").append(violation.phase()).append(": ").append(violation.invariant()).append("\n    ")
                        .append(violation.detail());
            }
            return out.append('\n').toString();
        }

        private static boolean presentsAnEndedSession(Exchange exchange) {
            return exchange.operation().startsWith(LoadClient.ENDED_ACCESS) || exchange.operation().startsWith(LoadClient.ENDED_REFRESH);
        }

        /** Each status with its count; with {@code explained}, a refusal (4xx, 5xx) or no answer (0) also by operation and target. */
        private static String statuses(List<Exchange> exchanges, boolean explained) {
            return exchanges.stream().collect(Collectors.groupingBy(Exchange::status, TreeMap::new, Collectors.toList()))
                    .entrySet().stream().map(entry -> entry.getKey() + ": " + entry.getValue().size()
                            + (!explained || entry.getKey() >= 200 && entry.getKey() < 400 ? "" : " (" + byOperation(entry.getValue()) + ")"))
                    .collect(Collectors.joining(", "));
        }

        private static String byOperation(List<Exchange> exchanges) {
            return exchanges.stream().collect(Collectors.groupingBy(exchange -> exchange.operation() + " on " + exchange.target(),
                            TreeMap::new, Collectors.counting()))
                    .entrySet().stream().map(entry -> entry.getKey() + " " + entry.getValue()).collect(Collectors.joining("; "));
        }

        private static String load() {
            try {
                return "load average before the report " + Files.readString(Path.of("/proc/loadavg")).trim();
            } catch (IOException unreadable) {
                return "load average unknown";
            }
        }
    }
}
