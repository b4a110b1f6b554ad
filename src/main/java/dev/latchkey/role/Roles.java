package dev.latchkey.role;

import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Roles, their permissions, and who holds them. Changes here change what tokens say from the next
 * issue on; cutting off the tokens already out is {@link StaleRights}' job, after the change has
 * committed.
 */
@ApplicationScoped
public class Roles {

    @PersistenceContext(unitName = "latchkey")
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    RolePermissionCache permissionCache;

    /** What the tokens issued to the user now say: one query. */
    public AccessRights rightsOf(String userId) {
        return AccessRights.fromRows(em.createQuery("SELECT a.roleName, p.permission FROM RoleAssignment a"
                        + " LEFT JOIN RolePermission p ON p.roleName = a.roleName WHERE a.userId = :user", Object[].class)
                .setParameter("user", userId)
                .getResultList(), 0, 1);
    }

    /** Sorted. */
    public List<String> rolesOf(String userId) {
        return rolesOf(List.of(userId)).getOrDefault(userId, List.of());
    }

    /** Each user's roles, sorted; users without a role are absent. */
    public Map<String, List<String>> rolesOf(Collection<String> userIds) {
        if (userIds.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> byUser = new HashMap<>();
        em.createQuery("SELECT a.userId, a.roleName FROM RoleAssignment a WHERE a.userId IN :users ORDER BY a.roleName", Object[].class)
                .setParameter("users", userIds)
                .getResultList()
                .forEach(row -> byUser.computeIfAbsent((String) row[0], id -> new ArrayList<>()).add((String) row[1]));
        return byUser;
    }

    /**
     * The union of the roles' permissions as they are defined now, sorted: what introspection
     * answers. From the cluster's cache, which a change through {@link #define} or {@link #delete}
     * invalidates on every node before it returns.
     */
    public List<String> permissionsOf(Collection<String> roleNames) {
        return permissionCache.permissionsOf(roleNames, this::storedPermissionsOf);
    }

    /** Sorted here rather than by the database, whose collation may not order them as Java does. */
    private List<String> storedPermissionsOf(String roleName) {
        return List.copyOf(new TreeSet<>(em.createQuery("SELECT p.permission FROM RolePermission p WHERE p.roleName = :role", String.class)
                .setParameter("role", roleName)
                .getResultList()));
    }

    /** Every new account holds {@code user}; called in the transaction that creates it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void assignDefault(String userId) {
        em.persist(new RoleAssignment(userId, RoleNames.USER));
    }

    /** @return whether the user did not hold the role before */
    @Transactional
    public boolean grant(String userId, String role) {
        if (rolesOf(userId).contains(role)) {
            return false;
        }
        em.persist(new RoleAssignment(userId, role));
        return true;
    }

    /**
     * Replaces the user's roles. The caller holds the account's row lock, so two replacements of
     * one user's roles serialize.
     *
     * @return the roles held before, sorted
     * @throws ProblemException 400 naming the roles that do not exist
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<String> replace(String userId, Set<String> roles) {
        List<String> unknown = roles.stream().filter(name -> find(name).isEmpty()).sorted().toList();
        if (!unknown.isEmpty()) {
            throw ProblemException.badRequest("No such role: " + String.join(", ", unknown) + ".");
        }
        List<String> before = rolesOf(userId);
        em.createQuery("DELETE FROM RoleAssignment a WHERE a.userId = :user").setParameter("user", userId).executeUpdate();
        for (String role : new TreeSet<>(roles)) {
            em.persist(new RoleAssignment(userId, role));
        }
        em.flush();
        return before;
    }

    /** Part of erasing an account. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void forget(String userId) {
        em.createQuery("DELETE FROM RoleAssignment a WHERE a.userId = :user").setParameter("user", userId).executeUpdate();
    }

    /**
     * A role with its permissions, sorted.
     */
    public record Definition(String name, String description, boolean builtIn, List<String> permissions) {

        public Definition {
            permissions = List.copyOf(permissions);
        }
    }

    /** Every role, by name. */
    public List<Definition> all() {
        Map<String, List<String>> permissions = new HashMap<>();
        em.createQuery("SELECT p.roleName, p.permission FROM RolePermission p ORDER BY p.permission", Object[].class)
                .getResultList()
                .forEach(row -> permissions.computeIfAbsent((String) row[0], name -> new ArrayList<>()).add((String) row[1]));
        return em.createQuery("SELECT r FROM Role r ORDER BY r.name", Role.class).getResultList().stream()
                .map(role -> new Definition(role.name(), role.description(), role.isBuiltIn(),
                        permissions.getOrDefault(role.name(), List.of())))
                .toList();
    }

    public Optional<Role> find(String name) {
        return RoleNames.isRole(name) ? Optional.ofNullable(em.find(Role.class, name)) : Optional.empty();
    }

    /** The next batch of the role's holders, by user id after {@code afterUserId} (keyset, so each batch is one index range). */
    public List<String> holdersAfter(String role, String afterUserId, int limit) {
        return em.createQuery("SELECT a.userId FROM RoleAssignment a WHERE a.roleName = :role AND a.userId > :after"
                        + " ORDER BY a.userId", String.class)
                .setParameter("role", role)
                .setParameter("after", afterUserId)
                .setMaxResults(limit)
                .getResultList();
    }

    /**
     * What {@code PUT /admin/roles/{name}} did.
     *
     * @param before the role's permissions before, empty for a new role
     */
    public record Redefinition(Definition role, boolean created, List<String> before) {

        public boolean permissionsChanged() {
            return !before.equals(role.permissions());
        }
    }

    /** Creates the role, or replaces its description and permissions. */
    @Transactional
    public Redefinition define(String name, String description, Set<String> permissions) {
        Role role = em.find(Role.class, name, LockModeType.PESSIMISTIC_WRITE);
        boolean created = role == null;
        permissionCache.changing(name);
        List<String> before = created ? List.of() : storedPermissionsOf(name);
        if (created) {
            role = new Role(name, description, clock.instant());
            em.persist(role);
        } else {
            role.redescribe(description, clock.instant());
            em.createQuery("DELETE FROM RolePermission p WHERE p.roleName = :role").setParameter("role", name).executeUpdate();
        }
        em.flush();
        for (String permission : new TreeSet<>(permissions)) {
            em.persist(new RolePermission(name, permission));
        }
        return new Redefinition(new Definition(name, description, role.isBuiltIn(), List.copyOf(new TreeSet<>(permissions))),
                created, before);
    }

    /**
     * What {@code DELETE /admin/roles/{name}} did.
     *
     * @param permissions the role's permissions, for the audit trail
     * @param holders     who held it (a forced delete): their tokens are cut off once this commits
     */
    public record Deletion(List<String> permissions, List<String> holders) {
    }

    /**
     * Deletes a role that is not built in. A role still held is refused unless {@code force},
     * which takes it from its holders first, in the same transaction.
     *
     * @throws ProblemException 404 for no such role, 409 for a built-in role or one still held
     */
    @Transactional
    public Deletion delete(String name, boolean force) {
        // Locked, as define locks it: two changes of one role never overlap (RolePermissionCache relies on it).
        Role role = RoleNames.isRole(name) ? em.find(Role.class, name, LockModeType.PESSIMISTIC_WRITE) : null;
        if (role == null) {
            throw noSuchRole();
        }
        if (role.isBuiltIn()) {
            throw new ProblemException(Problem.of(409, "built-in-role", "Conflict",
                    "The roles user and admin are built in and cannot be deleted."));
        }
        List<String> holders = em.createQuery("SELECT a.userId FROM RoleAssignment a WHERE a.roleName = :role ORDER BY a.userId",
                String.class).setParameter("role", name).getResultList();
        if (!holders.isEmpty() && !force) {
            throw new ProblemException(Problem.of(409, "role-in-use", "Conflict",
                    "The role is held by " + holders.size() + " users. Take it from them first, or delete with ?force=true."));
        }
        permissionCache.changing(name);
        em.createQuery("DELETE FROM RoleAssignment a WHERE a.roleName = :role").setParameter("role", name).executeUpdate();
        List<String> permissions = storedPermissionsOf(name);
        em.createQuery("DELETE FROM RolePermission p WHERE p.roleName = :role").setParameter("role", name).executeUpdate();
        em.remove(role);
        return new Deletion(permissions, holders);
    }

    public static ProblemException noSuchRole() {
        return new ProblemException(Problem.of(404, "not-found", "Not Found", "There is no such role."));
    }
}
