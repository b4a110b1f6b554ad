package dev.latchkey.role;

import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import jakarta.enterprise.context.ApplicationScoped;

/** Roles ({@code latchkey.role.*}): how a change of rights reaches the tokens already issued. */
@ApplicationScoped
public class RoleSettings extends Settings {

    static final String CUT_OFF_TOKENS = "latchkey.role.cut-off-tokens-on-change";
    static final String CUT_OFF_BATCH = "latchkey.role.cut-off-batch-size";

    private boolean cutOffTokens;
    private int cutOffBatchSize;

    public static RoleSettings from(SettingsSource source) {
        return load(new RoleSettings(), source);
    }

    public static RoleSettings defaults() {
        return from(SettingsSource.defaults());
    }

    @Override
    protected void load(SettingsSource source) {
        cutOffTokens = source.flag(CUT_OFF_TOKENS, true);
        cutOffBatchSize = source.smallNumber(CUT_OFF_BATCH, 500, 1, 10_000);
    }

    /**
     * Whether a change of a user's roles, or of a role's permissions, also refuses the affected
     * users' access tokens issued before it. Off, the change reaches each user at their next
     * refresh, and a token with the old rights lives out its lifetime.
     */
    public boolean cutOffTokens() {
        return cutOffTokens;
    }

    /** How many users' cut-offs one transaction writes, when a role change affects many. */
    public int cutOffBatchSize() {
        return cutOffBatchSize;
    }
}
