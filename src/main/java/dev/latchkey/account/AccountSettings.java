package dev.latchkey.account;

import dev.latchkey.config.InvalidSettingException;
import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;

/**
 * The account's life ({@code latchkey.account.*}): where the links in account mail point, how long
 * their one-time tokens live, and which security notices are sent.
 */
@ApplicationScoped
public class AccountSettings extends Settings {

    public static final String PAGES_ENABLED = "latchkey.pages.enabled";
    public static final String REQUIRE_VERIFIED_EMAIL = "latchkey.account.require-verified-email";
    public static final String VERIFY_EMAIL_URL = "latchkey.account.verify-email-url";
    public static final String VERIFICATION_TOKEN_LIFETIME = "latchkey.account.verification-token-lifetime-seconds";
    public static final String RESET_PASSWORD_URL = "latchkey.account.reset-password-url";
    public static final String RESET_TOKEN_LIFETIME = "latchkey.account.reset-token-lifetime-seconds";
    public static final String NOTICE_PASSWORD_CHANGED = "latchkey.account.notice.password-changed";
    public static final String NOTICE_REFRESH_REUSE = "latchkey.account.notice.refresh-reuse";
    public static final String NOTICE_REFRESH_WITHOUT_KEY = "latchkey.account.notice.refresh-without-key";
    public static final String NOTICE_NEW_SIGN_IN = "latchkey.account.notice.new-sign-in";
    public static final String NOTICE_SECOND_FACTOR = "latchkey.account.notice.second-factor";

    private boolean pagesEnabled;
    private boolean requireVerifiedEmail;
    private Optional<URI> verifyEmailUrl;
    private Duration verificationTokenLifetime;
    private Optional<URI> resetPasswordUrl;
    private Duration resetTokenLifetime;
    private boolean noticePasswordChanged;
    private boolean noticeRefreshReuse;
    private boolean noticeRefreshWithoutKey;
    private boolean noticeNewSignIn;
    private boolean noticeSecondFactor;

    public static AccountSettings from(SettingsSource source) {
        return load(new AccountSettings(), source);
    }

    public static AccountSettings defaults() {
        return from(SettingsSource.defaults());
    }

    @Override
    protected void load(SettingsSource source) {
        requireVerifiedEmail = source.flag(REQUIRE_VERIFIED_EMAIL, true);
        verifyEmailUrl = source.optional(VERIFY_EMAIL_URL).map(value -> pageUrl(VERIFY_EMAIL_URL, value));
        verificationTokenLifetime = source.seconds(VERIFICATION_TOKEN_LIFETIME, 86_400, 300, 7 * 86_400);
        resetPasswordUrl = source.optional(RESET_PASSWORD_URL).map(value -> pageUrl(RESET_PASSWORD_URL, value));
        resetTokenLifetime = source.seconds(RESET_TOKEN_LIFETIME, 1_800, 300, 86_400);
        noticePasswordChanged = source.flag(NOTICE_PASSWORD_CHANGED, true);
        noticeRefreshReuse = source.flag(NOTICE_REFRESH_REUSE, true);
        noticeRefreshWithoutKey = source.flag(NOTICE_REFRESH_WITHOUT_KEY, true);
        noticeNewSignIn = source.flag(NOTICE_NEW_SIGN_IN, true);
        noticeSecondFactor = source.flag(NOTICE_SECOND_FACTOR, true);
        pagesEnabled = source.flag(PAGES_ENABLED, true);
        // Fail closed: without the hosted pages, the links in account mail would open nothing.
        if (!pagesEnabled && verifyEmailUrl.isEmpty()) {
            throw new InvalidSettingException(PAGES_ENABLED, "false needs " + VERIFY_EMAIL_URL
                    + ", since verification links would otherwise open a page that is turned off");
        }
        if (!pagesEnabled && resetPasswordUrl.isEmpty()) {
            throw new InvalidSettingException(PAGES_ENABLED, "false needs " + RESET_PASSWORD_URL
                    + ", since reset links would otherwise open a page that is turned off");
        }
    }

    /** Whether Latchkey serves its hosted account pages under {@code /account/}. */
    public boolean pagesEnabled() {
        return pagesEnabled;
    }

    /**
     * A page the link opens: absolute, http(s), with no fragment of its own, because the token
     * travels in the fragment (which browsers never send to a server, a proxy or a Referer).
     */
    private static URI pageUrl(String key, String value) {
        try {
            URI uri = new URI(value);
            boolean web = "https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme());
            if (!web || uri.getHost() == null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw new InvalidSettingException(key, "must be an absolute http(s) URL without a fragment or user info");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new InvalidSettingException(key, "must be an absolute http(s) URL without a fragment or user info");
        }
    }

    /**
     * True: a registration becomes an account only when its address is verified. False: accounts
     * are created at once, flagged unverified, and the verification mail is still sent.
     */
    public boolean requireVerifiedEmail() {
        return requireVerifiedEmail;
    }

    /** Empty: the page Latchkey serves itself, under {@code latchkey.public-url}. */
    public Optional<URI> verifyEmailUrl() {
        return verifyEmailUrl;
    }

    public Duration verificationTokenLifetime() {
        return verificationTokenLifetime;
    }

    /** Empty: the page Latchkey serves itself, under {@code latchkey.public-url}. */
    public Optional<URI> resetPasswordUrl() {
        return resetPasswordUrl;
    }

    public Duration resetTokenLifetime() {
        return resetTokenLifetime;
    }

    public boolean noticePasswordChanged() {
        return noticePasswordChanged;
    }

    public boolean noticeRefreshReuse() {
        return noticeRefreshReuse;
    }

    public boolean noticeRefreshWithoutKey() {
        return noticeRefreshWithoutKey;
    }

    public boolean noticeNewSignIn() {
        return noticeNewSignIn;
    }

    public boolean noticeSecondFactor() {
        return noticeSecondFactor;
    }
}
