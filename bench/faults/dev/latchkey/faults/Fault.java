package dev.latchkey.faults;

import dev.latchkey.testsupport.client.LatchkeyCluster;
import dev.latchkey.testsupport.client.TcpProxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The faults the harness injects, one a phase, each with how it ends. */
enum Fault {

    KILL("kill", "kill -9 of node 1 while it serves, restarted 5 s later", Duration.ofSeconds(5)) {
        @Override
        void inject(Targets targets) {
            targets.cluster().kill(1);
        }

        @Override
        void heal(Targets targets) {
            targets.cluster().start(1);
        }
    },
    PAUSE("pause", "SIGSTOP of node 2 for 20 s (failure detection takes 10 s), then SIGCONT", Duration.ofSeconds(20)) {
        @Override
        void inject(Targets targets) {
            targets.cluster().pause(2);
        }

        @Override
        void heal(Targets targets) {
            targets.cluster().resume(2);
        }
    },
    DATABASE_RESTART("db-restart", "PostgreSQL restarted (pg_ctlcluster restart, fast shutdown)", Duration.ZERO) {
        @Override
        void inject(Targets targets) {
            postgresql("restart");
        }

        @Override
        void heal(Targets targets) {
            // The restart is the whole fault.
        }
    },
    DATABASE_STOP("db-stop", "PostgreSQL stopped for 20 s, then started", Duration.ofSeconds(20)) {
        @Override
        void inject(Targets targets) {
            postgresql("stop");
        }

        @Override
        void heal(Targets targets) {
            postgresql("start");
        }
    },
    DATABASE_STALL("db-stall", "PostgreSQL's packets held for 45 s in both directions (a frozen host, a firewall that drops):"
            + " connections stay open and nothing answers", Duration.ofSeconds(45)) {
        @Override
        void inject(Targets targets) {
            targets.database().stall();
        }

        @Override
        void heal(Targets targets) {
            targets.database().resume();
        }
    },
    PARTITION("partition", "node 0 (the first started, JGroups' coordinator) cut off from nodes 1 and 2 for 30 s, "
            + "still reached by the balancer and the database, then healed", Duration.ofSeconds(30)) {
        @Override
        void inject(Targets targets) {
            targets.network().isolate(0);
        }

        @Override
        void heal(Targets targets) {
            targets.network().heal(0);
        }
    },
    SMTP_DOWN("smtp-down", "SMTP server stopped for 60 s, then started", Duration.ofSeconds(60)) {
        @Override
        void inject(Targets targets) {
            targets.mail().stop();
        }

        @Override
        void heal(Targets targets) {
            targets.mail().start();
        }
    };

    /**
     * What a fault acts on; {@code network} only when the nodes run in network namespaces;
     * {@code database} is the proxy through which every node reaches PostgreSQL.
     */
    record Targets(LatchkeyCluster cluster, MailServer mail, NetworkNamespaces network, TcpProxy database) {
    }

    final String name;
    final String description;
    final Duration held;

    Fault(String name, String description, Duration held) {
        this.name = name;
        this.description = description;
        this.held = held;
    }

    abstract void inject(Targets targets);

    /** A request in flight to a node that is killed, frozen or cut off may get no answer at all. */
    boolean stopsOrCutsOffANode() {
        return this == KILL || this == PAUSE || this == PARTITION;
    }

    abstract void heal(Targets targets);

    static List<Fault> parse(String names) {
        List<Fault> faults = new ArrayList<>();
        for (String name : names.split(",")) {
            String wanted = name.trim();
            faults.add(Arrays.stream(values()).filter(fault -> fault.name.equals(wanted)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("No fault named '" + wanted + "'; the faults are "
                            + Arrays.stream(values()).map(fault -> fault.name).collect(Collectors.joining(", "))
                            + " (docs/reliability.md says which of the issue's are not built)")));
        }
        return faults;
    }

    /** A run that failed half-way through a database phase must not leave the database stopped. */
    static void ensurePostgresqlRunning() {
        if (pgCtlCluster("status") != 0) {
            postgresql("start");
        }
    }

    /** The local PostgreSQL cluster, as .ci/run starts it: {@code pg_ctlcluster <version> main <action>}. */
    private static void postgresql(String action) {
        if (pgCtlCluster(action) != 0) {
            throw new IllegalStateException("pg_ctlcluster main " + action + " failed");
        }
    }

    private static int pgCtlCluster(String action) {
        String version = System.getProperty("faults.postgresql-version", installedPostgresqlVersion());
        try {
            return new ProcessBuilder("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action)
                    .inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String installedPostgresqlVersion() {
        try (Stream<Path> versions = Files.list(Path.of("/etc/postgresql"))) {
            return versions.map(path -> path.getFileName().toString()).sorted().reduce((first, last) -> last)
                    .orElseThrow(() -> new IllegalStateException("No PostgreSQL cluster under /etc/postgresql"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
