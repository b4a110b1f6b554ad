package dev.latchkey.role;

import java.util.List;

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
}
