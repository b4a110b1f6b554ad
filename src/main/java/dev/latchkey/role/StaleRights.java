package dev.latchkey.role;

import dev.latchkey.revocation.RevocationList;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.logging.Logger;

/**
 * After a change of rights has committed, refuses the access tokens that still state the old
 * rights ({@code sub:} not-before, see {@link RevocationList#cutOffUserTokens}): the users keep
 * their sessions, and their next refresh issues tokens with the new rights. Off with
 * {@code latchkey.role.cut-off-tokens-on-change=false}.
 */
@ApplicationScoped
public class StaleRights {

    private static final Logger LOG = Logger.getLogger(StaleRights.class.getName());

    /** User ids are 36-character UUIDs, which sort below this. */
    private static final String BEFORE_EVERY_ID = "";

    @Inject
    RoleSettings settings;

    @Inject
    Roles roles;

    @Inject
    RevocationList revocations;

    /** One user's roles changed. */
    public void cutOff(String userId) {
        if (settings.cutOffTokens()) {
            revocations.cutOffUserTokens(List.of(userId));
        }
    }

    /**
     * A role's permissions changed, or the role was taken from its holders: every holder's tokens,
     * in batches of {@code latchkey.role.cut-off-batch-size}, each batch one transaction and one
     * keyset read of {@code ix_user_role_role}, so that memory and transaction size stay bounded
     * whatever the number of holders.
     *
     * @param holders the role's holders when they are already known (the role was deleted with
     *                {@code force}, so the table no longer lists them); empty to read them
     * @return how many users' tokens were cut off
     */
    public int cutOffHolders(String role, Collection<String> holders) {
        if (!settings.cutOffTokens()) {
            return 0;
        }
        int batchSize = settings.cutOffBatchSize();
        if (!holders.isEmpty()) {
            List<String> all = new ArrayList<>(holders);
            for (int from = 0; from < all.size(); from += batchSize) {
                revocations.cutOffUserTokens(all.subList(from, Math.min(all.size(), from + batchSize)));
            }
            return all.size();
        }
        int count = 0;
        String after = BEFORE_EVERY_ID;
        while (true) {
            List<String> batch = roles.holdersAfter(role, after, batchSize);
            if (batch.isEmpty()) {
                break;
            }
            revocations.cutOffUserTokens(batch);
            count += batch.size();
            after = batch.get(batch.size() - 1);
        }
        int affected = count;
        LOG.fine(() -> "Cut off the access tokens of " + affected + " holders of a changed role");
        return count;
    }
}
