package dev.latchkey.role;

import java.util.regex.Pattern;

/** What a role name and a permission name may be. */
public final class RoleNames {

    public static final String USER = "user";
    public static final String ADMIN = "admin";

    /**
     * Role names travel in tokens' {@code groups} and in URL paths, so they are plain words: no
     * spaces, no slashes, nothing a consumer's role mapping would have to escape.
     */
    private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** {@code resource:action}; the action may be {@code *}. */
    private static final Pattern PERMISSION = Pattern.compile("[a-z0-9._-]{1,80}:[a-z0-9._*-]{1,79}");

    private RoleNames() {
    }

    public static boolean isRole(String name) {
        return name != null && ROLE.matcher(name).matches();
    }

    public static boolean isPermission(String name) {
        return name != null && PERMISSION.matcher(name).matches();
    }
}
