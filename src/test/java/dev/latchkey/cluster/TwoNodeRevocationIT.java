package dev.latchkey.cluster;

import dev.latchkey.testsupport.client.LatchkeyCluster;
import dev.latchkey.testsupport.client.SharedDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The cluster's revocation checks on two nodes of the server under test. It runs under -Pwildfly:
 * two WildFly 39 servers, each configured by the shipped latchkey.cli, with Latchkey's own
 * Infinispan and JGroups inside the WAR (the server's cache subsystem kept out of it), joined on
 * loopback and sharing one database. On Payara Micro {@link ClusterRevocationIT} runs the same
 * checks on three nodes, so the default build leaves this class out.
 */
class TwoNodeRevocationIT implements ClusterRevocationChecks {

    private static LatchkeyCluster cluster;
    private static SharedDatabase database;

    @BeforeAll
    static void startCluster() throws SQLException {
        database = SharedDatabase.forCluster("latchkey-two-nodes");
        cluster = new LatchkeyCluster(2, database.settings());
        // The first node migrates the schema and generates the shared development key.
        cluster.start(A);
        cluster.start(B);
    }

    /**
     * After every start, request, stop and restart of the class, the nodes logged no error, except
     * WildFly's own record of a periodic task it refused to run while it suspends for a graceful
     * shutdown (WFLYEE0110: WildFly's managed scheduled executor throws for a recurring task once
     * the server is suspended, WFLY-12329; Latchkey's tasks are cancelled when the application
     * stops, which on WildFly comes after the suspension). Readiness probes during a deployment
     * had each logged one, with a stack trace, before the readiness checks waited for the start.
     */
    @AfterAll
    static void stopCluster() {
        try {
            if (cluster != null) {
                cluster.close();
                for (int node = 0; node < cluster.size(); node++) {
                    List<String> errors = cluster.errorLines(node).stream()
                            .filter(line -> !line.contains("WFLYEE0110: Failed to run scheduled task")).toList();
                    assertEquals(List.of(), errors, "node " + node + " logged errors");
                }
            }
        } finally {
            if (database != null) {
                database.close();
            }
        }
    }

    @Override
    public LatchkeyCluster cluster() {
        return cluster;
    }
}
