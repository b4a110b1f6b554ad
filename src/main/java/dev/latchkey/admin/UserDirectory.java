package dev.latchkey.admin;

import dev.latchkey.account.DirectoryStatus;
import dev.latchkey.account.UserAccount;
import dev.latchkey.account.UserAccountRepository;
import dev.latchkey.json.JsonValues;
import dev.latchkey.keys.RecordSealer;
import dev.latchkey.role.Roles;
import dev.latchkey.session.SessionService;
import dev.latchkey.session.SessionsResource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The administrators' view of users: one page of the user list, or one user with their sessions.
 * A page costs four queries whatever its size: the page, its users' roles, their live-session
 * counts, and nothing per user.
 */
@ApplicationScoped
public class UserDirectory {

    /** The cursor is the last address of the page ({@link PageCursors}). */
    private static final String CURSOR_PURPOSE = "admin-users-cursor";

    @Inject
    UserAccountRepository accounts;

    @Inject
    Roles roles;

    @Inject
    SessionService sessions;

    @Inject
    RecordSealer sealer;

    /** A validated search of {@code GET /admin/users}. */
    public record Search(Optional<String> emailPrefix, Optional<DirectoryStatus> status, Optional<String> role,
                         Optional<String> cursor, int limit) {
    }

    public JsonObject page(Search search) {
        Optional<String> after = search.cursor().map(this::openCursor);
        List<UserAccount> found = accounts.search(search.emailPrefix(), search.status(), search.role(), after, search.limit() + 1);
        List<UserAccount> page = found.subList(0, Math.min(search.limit(), found.size()));
        List<String> ids = page.stream().map(UserAccount::id).toList();
        Map<String, List<String>> rolesByUser = roles.rolesOf(ids);
        Map<String, Long> liveSessions = sessions.liveSessionCounts(ids);
        JsonArrayBuilder users = JsonValues.createArrayBuilder();
        for (UserAccount account : page) {
            users.add(describe(account, rolesByUser.getOrDefault(account.id(), List.of()),
                    liveSessions.getOrDefault(account.id(), 0L)));
        }
        JsonObjectBuilder answer = JsonValues.createObjectBuilder().add("users", users);
        if (found.size() > search.limit()) {
            answer.add("next_cursor", sealCursor(page.get(page.size() - 1).email()));
        }
        return answer.build();
    }

    /** One user, with their live sessions as {@code /auth/sessions} shows them. */
    public Optional<JsonObject> user(String userId) {
        return accounts.findById(userId).map(account -> {
            var live = sessions.liveSessions(userId);
            JsonArrayBuilder list = JsonValues.createArrayBuilder();
            live.forEach(family -> list.add(SessionsResource.describe(family)));
            return describe(account, roles.rolesOf(userId), live.size()).add("sessions", list).build();
        });
    }

    private static JsonObjectBuilder describe(UserAccount account, List<String> userRoles, long liveSessions) {
        JsonObjectBuilder user = JsonValues.createObjectBuilder()
                .add("id", account.id())
                .add("email", account.email())
                .add("status", DirectoryStatus.of(account).code())
                .add("email_verified", account.isEmailVerified())
                .add("roles", JsonValues.createArrayBuilder(userRoles))
                .add("mfa_enabled", account.isMfaEnabled())
                .add("created", account.createdAt().toString());
        account.lastLoginAt().ifPresentOrElse(at -> user.add("last_login", at.toString()), () -> user.addNull("last_login"));
        return user.add("live_sessions", liveSessions);
    }

    private String sealCursor(String lastEmail) {
        return PageCursors.seal(sealer, CURSOR_PURPOSE, lastEmail);
    }

    private String openCursor(String cursor) {
        return PageCursors.open(sealer, CURSOR_PURPOSE, cursor);
    }
}
