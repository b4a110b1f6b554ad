package dev.latchkey.role;

import java.util.List;
import java.util.TreeSet;

/**
 * What a user may do, as their access tokens state it.
 *
 * @param roles       the roles held, sorted (the token's {@code groups})
 * @param permissions the union of the roles' permissions, sorted and without duplicates
 */
public record AccessRights(List<String> roles, List<String> permissions) {

    public AccessRights {
        roles = List.copyOf(roles);
        permissions = List.copyOf(permissions);
    }

    /**
     * Folds query rows of (role, permission) pairs, one per permission of each role held (the
     * permission null for a role without any; the role null when the user holds none).
     */
    public static AccessRights fromRows(List<Object[]> rows, int roleColumn, int permissionColumn) {
        TreeSet<String> roles = new TreeSet<>();
        TreeSet<String> permissions = new TreeSet<>();
        for (Object[] row : rows) {
            if (row[roleColumn] != null) {
                roles.add((String) row[roleColumn]);
            }
            if (row[permissionColumn] != null) {
                permissions.add((String) row[permissionColumn]);
            }
        }
        return new AccessRights(List.copyOf(roles), List.copyOf(permissions));
    }
}
