package dev.latchkey.audit;

import dev.latchkey.http.ClientInfo;
import dev.latchkey.json.JsonValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObjectBuilder;

import java.util.List;
import java.util.logging.Logger;

/**
 * Security events, one structured JSON line each, on the dedicated logger {@code latchkey.audit}
 * so operators can route them to their SIEM. Callers pass identifiers only: the API offers no
 * place for a token, password or hash, so none can end up here.
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger("latchkey.audit");

    public void record(AuditEvent event, String outcome, String userId, String familyId, ClientInfo client) {
        write(event, outcome, null, userId, "family", familyId, client);
    }

    /**
     * An administrator's action on an account: {@code actor} is the administrator who took it,
     * {@code user} the account it was taken on.
     */
    public void recordAdminAction(AuditEvent event, String outcome, String actorId, String userId, ClientInfo client) {
        write(event, outcome, actorId, userId, null, null, client);
    }

    /** An administrator replaced a user's roles: both sets, so the trail shows what was granted and taken. */
    public void recordRolesChange(String outcome, String actorId, String userId, List<String> before, List<String> after,
                                  ClientInfo client) {
        writeChange(AuditEvent.ADMIN_ROLES_CHANGED, outcome, actorId, userId, null, before, after, client);
    }

    /**
     * An administrator created, redefined or deleted a role: its permissions before and after
     * (after is empty for a deletion, before for a creation).
     */
    public void recordRoleDefinition(AuditEvent event, String outcome, String actorId, String role, List<String> before,
                                     List<String> after, ClientInfo client) {
        writeChange(event, outcome, actorId, null, role, before, after, client);
    }

    /**
     * An administrator erased an account. The account is named only by a keyed pseudonym of its
     * id ({@code keys.RecordSealer#pseudonym}): the trail keeps no identifier of the erased person,
     * yet whoever holds the key can still match it to earlier lines.
     */
    public void recordErasure(String actorId, String userPseudonym, ClientInfo client) {
        write(AuditEvent.ADMIN_ERASE_USER, "success", actorId, null, "user_pseudonym", userPseudonym, client);
    }

    private static void writeChange(AuditEvent event, String outcome, String actorId, String userId, String role,
                                    List<String> before, List<String> after, ClientInfo client) {
        JsonObjectBuilder line = begin(event, outcome, actorId, userId);
        JsonValues.addIfPresent(line, "role", role);
        line.add("before", JsonValues.createArrayBuilder(before)).add("after", JsonValues.createArrayBuilder(after));
        finish(line, client);
    }

    /** An administrator's action on a signing key, named by its (public) {@code kid}. */
    public void recordKeyEvent(AuditEvent event, String outcome, String actorId, String kid, ClientInfo client) {
        write(event, outcome, actorId, null, "kid", kid, client);
    }

    /** A queued mail that could not be delivered, named by its purpose (a template name). */
    public void recordMailEvent(AuditEvent event, String outcome, String userId, String purpose) {
        write(event, outcome, null, userId, "mail", purpose, null);
    }

    private static void write(AuditEvent event, String outcome, String actorId, String userId, String subjectName,
                              String subject, ClientInfo client) {
        JsonObjectBuilder line = begin(event, outcome, actorId, userId);
        if (subjectName != null) {
            JsonValues.addIfPresent(line, subjectName, subject);
        }
        finish(line, client);
    }

    private static JsonObjectBuilder begin(AuditEvent event, String outcome, String actorId, String userId) {
        JsonObjectBuilder line = JsonValues.createObjectBuilder()
                .add("event", event.code())
                .add("outcome", outcome);
        JsonValues.addIfPresent(line, "actor", actorId);
        JsonValues.addIfPresent(line, "user", userId);
        return line;
    }

    private static void finish(JsonObjectBuilder line, ClientInfo client) {
        if (client != null) {
            JsonValues.addIfPresent(line, "ip", client.ip());
            JsonValues.addIfPresent(line, "user_agent", client.userAgent());
        }
        // JSON encoding escapes quotes and line breaks in attacker-chosen values (log injection).
        String text = line.build().toString();
        LOG.info(text);
    }
}
