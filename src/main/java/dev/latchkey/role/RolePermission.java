package dev.latchkey.role;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.Objects;

/**
 * One permission of one role (table {@code role_permission}). An entity of its own rather than a
 * collection of {@link Role}, so that a refresh can read a user's permissions with a plain join in
 * the statement that reads the token (see {@code session.TokenFamilyRepository#findPresented}).
 */
@Entity
@Table(name = "role_permission")
@IdClass(RolePermission.Key.class)
public class RolePermission {

    @Id
    @Column(name = "role_name", length = 64)
    private String roleName;

    @Id
    @Column(name = "permission", length = 160)
    private String permission;

    protected RolePermission() {
        // for JPA
    }

    RolePermission(String roleName, String permission) {
        this.roleName = roleName;
        this.permission = permission;
    }

    /** The composite primary key. */
    public static class Key implements Serializable {
        private static final long serialVersionUID = 1L;

        private String roleName;
        private String permission;

        public Key() {
            // for JPA
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(roleName, key.roleName) && Objects.equals(permission, key.permission);
        }

        @Override
        public int hashCode() {
            return Objects.hash(roleName, permission);
        }
    }
}
