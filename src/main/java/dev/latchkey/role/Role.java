package dev.latchkey.role;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * A role: its name is what access tokens carry in {@code groups} (MicroProfile JWT's
 * {@code @RolesAllowed}); its permissions ({@link RolePermission}) are what they carry in
 * {@code permissions} (liquibase/changes/009-roles.xml).
 */
@Entity
@Table(name = "app_role")
public class Role {

    @Id
    @Column(name = "name", length = 64)
    private String name;

    @Column(name = "description", nullable = false, length = 500)
    private String description;

    /** 1 for {@code user} and {@code admin}, which cannot be deleted. (An int: see 002-token-family.xml on booleans.) */
    @Column(name = "built_in", nullable = false)
    private int builtIn;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected Role() {
        // for JPA
    }

    Role(String name, String description, Instant now) {
        this.name = name;
        this.description = description;
        this.updatedAt = now;
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public boolean isBuiltIn() {
        return builtIn != 0;
    }

    void redescribe(String newDescription, Instant now) {
        this.description = newDescription;
        this.updatedAt = now;
    }
}
