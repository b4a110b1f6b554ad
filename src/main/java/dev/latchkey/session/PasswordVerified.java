package dev.latchkey.session;

import dev.latchkey.account.UserAccount;
import dev.latchkey.http.ClientInfo;

/**
 * Fired synchronously by a login once the password has checked out and before the session
 * starts. An observer may change the account (administration grants the bootstrap administrator
 * its role here); the session then starts for the account as it is afterwards, so its first token
 * already carries the change. Session code does not know who observes.
 */
public final class PasswordVerified {

    private UserAccount account;
    private final ClientInfo client;

    PasswordVerified(UserAccount account, ClientInfo client) {
        this.account = account;
        this.client = client;
    }

    public UserAccount account() {
        return account;
    }

    public ClientInfo client() {
        return client;
    }

    /** The account as the observer left it, read back after its change. */
    public void accountChanged(UserAccount changed) {
        if (!changed.id().equals(account.id())) {
            throw new IllegalArgumentException("An observer may change the account, not replace it");
        }
        this.account = changed;
    }
}
