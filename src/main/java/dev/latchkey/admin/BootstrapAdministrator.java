package dev.latchkey.admin;

import dev.latchkey.account.UserAccount;
import dev.latchkey.account.UserAccountRepository;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.role.RoleNames;
import dev.latchkey.role.Roles;
import dev.latchkey.session.PasswordVerified;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;


/**
 * Makes the account of {@code latchkey.admin.bootstrap-email} an administrator at its next
 * successful login (docs/security.md, "The first administrator"). Proving the password at login
 * is what makes this safe: configuring an address nobody can log in as grants nothing.
 */
@ApplicationScoped
public class BootstrapAdministrator {

    @Inject
    AdminSettings settings;

    @Inject
    UserAccountRepository accounts;

    @Inject
    AuditLog audit;

    @Inject
    Roles roles;

    void grantAtLogin(@Observes PasswordVerified login) {
        UserAccount account = login.account();
        boolean bootstrap = settings.bootstrapEmail().map(account.email()::equals).orElse(false);
        if (!bootstrap || roles.rolesOf(account.id()).contains(RoleNames.ADMIN)) {
            return;
        }
        // Under the account's lock, as every change of a user's roles.
        accounts.update(account.id(), user -> roles.grant(user.id(), RoleNames.ADMIN));
        login.accountChanged(accounts.findById(account.id()).orElseThrow());
        audit.record(AuditEvent.ADMIN_ROLE_GRANTED, "bootstrap", account.id(), null, login.client());
    }
}
