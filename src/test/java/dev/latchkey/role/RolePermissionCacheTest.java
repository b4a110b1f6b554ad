package dev.latchkey.role;

import dev.latchkey.cluster.CacheContainer;
import dev.latchkey.cluster.ClusterCalls;
import dev.latchkey.cluster.ClusterSettings;
import org.infinispan.Cache;
import org.infinispan.configuration.parsing.ParserRegistry;
import org.infinispan.manager.DefaultCacheManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The permission cache's protocol on a real Infinispan cache built from the bundled single-node
 * file, against a table of roles in a map. The interleavings that would leave an old definition in
 * the cache are played out step by step: a reader that read the table before a change committed
 * must not store what it read, and every read after a change has settled answers the new
 * definition.
 */
class RolePermissionCacheTest {

    private DefaultCacheManager manager;
    private Cache<String, String> entries;
    private RolePermissionCache cache;

    /** The role_permission table. */
    private final Map<String, List<String>> table = new HashMap<>();
    private final List<String> tableReads = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        ParserRegistry parser = new ParserRegistry(RolePermissionCacheTest.class.getClassLoader(), false, new Properties());
        manager = new DefaultCacheManager(parser.parse(Path.of("server-config/infinispan/infinispan-local.xml")), true);
        entries = manager.getCache(CacheContainer.ROLE_PERMISSIONS);
        cache = RolePermissionCache.on(entries, new ClusterCalls(ClusterSettings.defaults()));
        cache.startNewEpoch();
        table.put("reports", List.of("reports:read"));
        table.put("user", List.of());
    }

    @AfterEach
    void stop() {
        manager.stop();
    }

    private List<String> read(String role) {
        tableReads.add(role);
        return table.getOrDefault(role, List.of());
    }

    private List<String> permissionsOf(String... roles) {
        return cache.permissionsOf(List.of(roles), this::read);
    }

    @Test
    void theTableIsReadOncePerRoleAndTheUnionIsSorted() {
        table.put("orders", List.of("orders:write", "audit:read"));
        assertEquals(List.of("audit:read", "orders:write", "reports:read"), permissionsOf("reports", "orders", "user"));
        assertEquals(List.of("audit:read", "orders:write", "reports:read"), permissionsOf("orders", "user", "reports"));
        assertEquals(List.of(), permissionsOf("user"));
        assertEquals(List.of("reports", "orders", "user"), tableReads, "each role read once, the empty one included");
        assertEquals(List.of(), permissionsOf(), "no role, no read");
    }

    @Test
    void aSettledChangeIsAnsweredAtOnce() {
        assertEquals(List.of("reports:read"), permissionsOf("reports"));
        RolePermissionCache.Change change = cache.begin("reports");
        table.put("reports", List.of("reports:export", "reports:read"));
        change.settle();
        assertEquals(List.of("reports:export", "reports:read"), permissionsOf("reports"));
        assertEquals(List.of("reports:export", "reports:read"), permissionsOf("reports"));
        assertEquals(List.of("reports", "reports"), tableReads, "read again after the change, then cached again");
    }

    @Test
    void whileAChangeIsInFlightEveryReadGoesToTheTableAndNothingIsStored() {
        permissionsOf("reports");
        RolePermissionCache.Change change = cache.begin("reports");
        assertEquals(List.of("reports:read"), permissionsOf("reports"), "not committed yet: the old definition");
        table.put("reports", List.of());
        assertEquals(List.of(), permissionsOf("reports"), "committed, not settled yet: read from the table, not the cache");
        change.settle();
        assertEquals(List.of(), permissionsOf("reports"));
        assertEquals(List.of(), permissionsOf("reports"));
        assertEquals(4, tableReads.size(), tableReads.toString());
    }

    /** The race a plain invalidation loses: the reader read the table before the commit, and stores after it. */
    @Test
    void aReaderThatReadTheTableBeforeTheCommitDoesNotStoreWhatItRead() {
        for (boolean cachedBefore : new boolean[] {false, true}) {
            table.put("reports", List.of("reports:read"));
            if (cachedBefore) {
                RolePermissionCache.Change earlier = cache.begin("reports");
                earlier.settle();
            }
            List<String> answered = cache.permissionsOf(List.of("reports"), role -> {
                List<String> beforeTheChange = read(role);
                RolePermissionCache.Change change = cache.begin("reports");
                table.put("reports", List.of("reports:*"));
                change.settle();
                return beforeTheChange;
            });
            assertEquals(List.of("reports:read"), answered, "the reader overlapped the change: either answer is right for it");
            assertEquals(List.of("reports:*"), permissionsOf("reports"), "after the change returned, never the old definition");
        }
    }

    @Test
    void aChangeRolledBackLeavesTheRoleCachedAgainAfterOneRead() {
        permissionsOf("reports");
        cache.begin("reports").settle();
        assertEquals(List.of("reports:read"), permissionsOf("reports"));
        assertEquals(List.of("reports:read"), permissionsOf("reports"));
        assertEquals(2, tableReads.size(), tableReads.toString());
    }

    /** Two changes of one role in a row: the first one's late settling must not unmark the second, still in flight. */
    @Test
    void aLateSettlingOfAnEarlierChangeDoesNotUnmarkALaterOne() {
        RolePermissionCache.Change first = cache.begin("reports");
        table.put("reports", List.of("reports:export"));
        RolePermissionCache.Change second = cache.begin("reports");
        first.settle();
        assertEquals(List.of("reports:export"), permissionsOf("reports"));
        table.put("reports", List.of("reports:delete"));
        assertEquals(List.of("reports:delete"), permissionsOf("reports"), "the second is in flight: nothing was stored");
        second.settle();
        assertEquals(List.of("reports:delete"), permissionsOf("reports"));
    }

    /** A migration at boot changed the table behind every entry: the new epoch reads every role again. */
    @Test
    void aNewEpochReadsEveryRoleAgainAndDropsTheOldEntries() {
        permissionsOf("reports", "user");
        table.put("reports", List.of("reports:read", "reports:export"));
        cache.startNewEpoch();
        assertEquals(List.of("reports:export", "reports:read"), permissionsOf("reports"));
        assertEquals(2, entries.size(), "the epoch and the one role read since: " + entries.keySet());
    }

    /** A node that could not begin its epoch at boot begins it before its first read, and never answers the old one. */
    @Test
    void aNodeWhoseBootEpochFailedBeginsOneBeforeItsFirstRead() {
        entries.put(RolePermissionCache.EPOCH, "before-the-migration");
        entries.put("before-the-migration/reports", "=reports:stale");
        RolePermissionCache restarted = RolePermissionCache.on(entries, new ClusterCalls(ClusterSettings.defaults()));
        assertEquals(List.of("reports:read"), restarted.permissionsOf(List.of("reports"), this::read));
    }

    /**
     * A change that began in one epoch and settles in the next: a reader of the new epoch may have
     * stored what it read before the commit, and the settling marks that entry unknown too.
     */
    @Test
    void aChangeSpanningANewEpochStillInvalidatesTheNewEpochsEntry() {
        RolePermissionCache.Change change = cache.begin("reports");
        cache.startNewEpoch();
        assertEquals(List.of("reports:read"), permissionsOf("reports"), "read before the commit, and stored in the new epoch");
        table.put("reports", List.of());
        change.settle();
        assertEquals(List.of(), permissionsOf("reports"));
    }
}
