package dev.latchkey.role;

import dev.latchkey.cluster.CacheContainer;
import dev.latchkey.cluster.ClusterCalls;
import dev.latchkey.crypto.RandomTokens;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import org.infinispan.Cache;
import org.infinispan.context.Flag;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Each role's permissions as they are defined now, so that introspection does not read the
 * database on every call, and yet a role changed on one node is never answered with its old
 * permissions by any node once the change's response has returned (issue 20).
 *
 * <p>The entries live in {@code role-permissions}, a cache replicated synchronously like the
 * revocation list: a write returns only when every member holds it, and reads are local. Each
 * entry, keyed {@code epoch/role}, is one of three strings:
 * <ul>
 *   <li>{@code =perm perm ...}: the role's permissions, read from the database;</li>
 *   <li>{@code ~random}: not known, to be read from the database and stored;</li>
 *   <li>{@code !random}: a change is in flight: read from the database, store nothing.</li>
 * </ul>
 * A reader stores what it read only by a compare-and-set from the exact marker (or absence) it saw
 * before it read the database. A change writes its own {@code !} marker inside its transaction,
 * under the role row's lock, and replaces it with a fresh {@code ~} marker once the transaction has
 * ended (committed or not). So a reader that read the database before the commit finds its marker
 * gone and stores nothing, and a reader that saw the fresh marker read the database after the
 * commit. Markers are random, never counters, so no marker comes back (no ABA), and entries never
 * expire or get evicted, so an entry never returns to absent.
 *
 * <p>What changes the tables without a change through {@link Roles}, a schema migration at boot,
 * starts a new epoch: every node then reads every role again. A node that stood still and may have
 * missed the others' writes needs nothing of its own: {@link ClusterCalls} refuses its reads until
 * it is a member again, and the merge's conflict resolution gives it the majority's entries, which
 * hold a marker for every role changed meanwhile (entries are never removed within an epoch).
 *
 * <p>If a marker cannot be settled after the transaction (the cluster did not answer), it stays
 * {@code !}: that role is then read from the database on every call until its next change. Slower,
 * never stale.
 */
@ApplicationScoped
public class RolePermissionCache {

    private static final Logger LOG = Logger.getLogger(RolePermissionCache.class.getName());

    static final String EPOCH = "epoch";
    private static final char KNOWN = '=';
    private static final char UNKNOWN = '~';
    private static final char CHANGING = '!';
    private static final int MARKER_BYTES = 16;

    @Inject
    CacheContainer container;

    /** Every read and write waits for the cluster through it, so that a request's wait is bounded. */
    @Inject
    ClusterCalls cluster;

    @Resource
    TransactionSynchronizationRegistry transactions;

    private Cache<String, String> cache;

    /** Whether this node has begun its epoch since it started. */
    private volatile boolean epochStarted;

    @PostConstruct
    void init() {
        cache = container.cache(CacheContainer.ROLE_PERMISSIONS);
    }

    /** For code outside a container (unit tests), on a cache of its own. */
    static RolePermissionCache on(Cache<String, String> cache, ClusterCalls cluster) {
        RolePermissionCache permissionCache = new RolePermissionCache();
        permissionCache.cache = cache;
        permissionCache.cluster = cluster;
        return permissionCache;
    }

    /**
     * Runs after the schema migration (as the revocation list's load does), which may have changed
     * the tables behind every node's entries. If the cluster cannot take the new epoch now (this
     * node started on the minority side of a partition), the deployment still starts, and this
     * node begins the epoch before its first read instead: no node answers from the old epoch's
     * entries once this one has served.
     */
    void newEpochAtBoot(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) @Initialized(ApplicationScoped.class) Object started) {
        try {
            startNewEpoch();
        } catch (RuntimeException unavailable) {
            LOG.warning(() -> "The role permission cache could not start a new epoch at boot (" + unavailable.getClass().getName()
                    + "); it will before this node's first read");
        }
    }

    /**
     * Every node reads every role from the database again. The previous epochs' entries are removed
     * so that they do not pile up over restarts; nobody stores into them any more except a reader
     * that read the old epoch just before, and nobody reads what it stores. The current epoch is
     * read again before each removal: when two nodes start at once, the other's epoch may be the
     * current one by then, and removing its entries would bring them back to absent.
     */
    void startNewEpoch() {
        String epoch = marker(UNKNOWN).substring(1);
        cluster.call(() -> cache.putAsync(EPOCH, epoch));
        epochStarted = true;
        for (String key : Set.copyOf(cache.getAdvancedCache().withFlags(Flag.CACHE_MODE_LOCAL).keySet())) {
            if (!key.equals(EPOCH) && !key.startsWith(epoch() + "/")) {
                cluster.call(() -> cache.removeAsync(key));
            }
        }
    }

    /**
     * The union of the roles' permissions, sorted.
     *
     * @param fromDatabase one role's permissions as the database holds them now
     */
    public List<String> permissionsOf(Collection<String> roleNames, Function<String, List<String>> fromDatabase) {
        if (roleNames.isEmpty()) {
            return List.of();
        }
        if (!epochStarted) {
            startNewEpoch();
        }
        String epoch = epoch();
        TreeSet<String> union = new TreeSet<>();
        for (String role : roleNames) {
            union.addAll(permissionsOf(epoch, role, fromDatabase));
        }
        return List.copyOf(union);
    }

    private List<String> permissionsOf(String epoch, String role, Function<String, List<String>> fromDatabase) {
        String key = key(epoch, role);
        String seen = cluster.call(() -> cache.getAsync(key));
        if (seen != null && seen.charAt(0) == KNOWN) {
            return decode(seen);
        }
        List<String> permissions = fromDatabase.apply(role);
        String known = encode(permissions);
        if (seen == null) {
            cluster.call(() -> cache.putIfAbsentAsync(key, known));
        } else if (seen.charAt(0) == UNKNOWN) {
            cluster.call(() -> cache.replaceAsync(key, seen, known));
        }
        return permissions;
    }

    /**
     * Called inside the transaction that changes the role, holding the role row's lock (so that two
     * changes of one role do not overlap): from now until the transaction has ended, every node reads
     * this role from the database. If the cluster cannot take the marker, the exception rolls the
     * change back.
     */
    void changing(String role) {
        Change change = begin(role);
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
                // Nothing to do until the outcome is known.
            }

            @Override
            public void afterCompletion(int status) {
                try {
                    change.settle();
                } catch (RuntimeException notSettled) {
                    // The marker stays "changing": the role is read from the database until its next change.
                    LOG.log(Level.WARNING, "The permission cache of a changed role could not be settled: {0}",
                            notSettled.getClass().getName());
                }
            }
        });
    }

    /** The two steps of {@link #changing}, for code outside a container (unit tests). */
    Change begin(String role) {
        String epoch = epoch();
        String changing = marker(CHANGING);
        cluster.call(() -> cache.putAsync(key(epoch, role), changing));
        return new Change(epoch, role, changing);
    }

    /** One change of a role, begun and not yet settled. */
    final class Change {
        private final String epoch;
        private final String role;
        private final String changing;

        private Change(String epoch, String role, String changing) {
            this.epoch = epoch;
            this.role = role;
            this.changing = changing;
        }

        /**
         * After the transaction, committed or not. Only its own marker is replaced: another change
         * of the role that began since has put its own, and settles it itself. If a new epoch began
         * meanwhile, a reader of that epoch may have stored what it read before the commit: that
         * entry is marked unknown too, unless a later change is in flight there.
         */
        void settle() {
            cluster.call(() -> cache.replaceAsync(key(epoch, role), changing, marker(UNKNOWN)));
            // A member excluded a moment ago missed the change and may still answer the old permissions.
            cluster.awaitExcludedMembersOut();
            String current = epoch();
            if (current.equals(epoch)) {
                return;
            }
            String key = key(current, role);
            String seen = cluster.call(() -> cache.getAsync(key));
            if (seen == null) {
                cluster.call(() -> cache.putIfAbsentAsync(key, marker(UNKNOWN)));
            } else if (seen.charAt(0) != CHANGING) {
                cluster.call(() -> cache.replaceAsync(key, seen, marker(UNKNOWN)));
            }
        }
    }

    /** The current epoch; the first node to ask after the whole cluster started afresh begins one. */
    private String epoch() {
        String epoch = cluster.call(() -> cache.getAsync(EPOCH));
        if (epoch != null) {
            return epoch;
        }
        String fresh = marker(UNKNOWN).substring(1);
        String other = cluster.call(() -> cache.putIfAbsentAsync(EPOCH, fresh));
        return other == null ? fresh : other;
    }

    private static String key(String epoch, String role) {
        return epoch + "/" + role;
    }

    private static String marker(char kind) {
        return kind + RandomTokens.base64Url(MARKER_BYTES);
    }

    /** Permissions have no spaces ({@link RoleNames#isPermission}). */
    private static String encode(List<String> permissions) {
        return KNOWN + String.join(" ", permissions);
    }

    private static List<String> decode(String known) {
        return known.length() == 1 ? List.of() : Arrays.asList(known.substring(1).split(" "));
    }
}
