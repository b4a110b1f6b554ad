package dev.latchkey.role;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.Objects;

/** One user holding one role (table {@code user_role}). */
@Entity
@Table(name = "user_role")
@IdClass(RoleAssignment.Key.class)
public class RoleAssignment {

    @Id
    @Column(name = "user_id", length = 36)
    private String userId;

    @Id
    @Column(name = "role_name", length = 64)
    private String roleName;

    protected RoleAssignment() {
        // for JPA
    }

    RoleAssignment(String userId, String roleName) {
        this.userId = userId;
        this.roleName = roleName;
    }

    /** The composite primary key. */
    public static class Key implements Serializable {
        private static final long serialVersionUID = 1L;

        private String userId;
        private String roleName;

        public Key() {
            // for JPA
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(userId, key.userId) && Objects.equals(roleName, key.roleName);
        }

        @Override
        public int hashCode() {
            return Objects.hash(userId, roleName);
        }
    }
}
