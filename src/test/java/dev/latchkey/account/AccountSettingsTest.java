package dev.latchkey.account;

import dev.latchkey.config.InvalidSettingException;
import dev.latchkey.config.SettingsSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccountSettingsTest {

    @Test
    void thePagesAreOnByDefault() {
        assertTrue(AccountSettings.defaults().pagesEnabled());
    }

    @Test
    void turningThePagesOffNeedsPagesOfYourOwnForTheMailedLinks() {
        assertThrows(InvalidSettingException.class, () -> AccountSettings.from(SettingsSource.of(Map.of(
                AccountSettings.PAGES_ENABLED, "false"))));
        assertThrows(InvalidSettingException.class, () -> AccountSettings.from(SettingsSource.of(Map.of(
                AccountSettings.PAGES_ENABLED, "false",
                AccountSettings.VERIFY_EMAIL_URL, "https://app.example.com/verify"))));
        assertThrows(InvalidSettingException.class, () -> AccountSettings.from(SettingsSource.of(Map.of(
                AccountSettings.PAGES_ENABLED, "false",
                AccountSettings.RESET_PASSWORD_URL, "https://app.example.com/reset"))));

        AccountSettings apiOnly = AccountSettings.from(SettingsSource.of(Map.of(
                AccountSettings.PAGES_ENABLED, "false",
                AccountSettings.VERIFY_EMAIL_URL, "https://app.example.com/verify",
                AccountSettings.RESET_PASSWORD_URL, "https://app.example.com/reset")));
        assertFalse(apiOnly.pagesEnabled());
    }
}
