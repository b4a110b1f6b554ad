package dev.latchkey.ratelimit;

import dev.latchkey.cluster.ClusterCalls;
import dev.latchkey.cluster.ClusterSettings;
import dev.latchkey.metrics.Metrics;
import dev.latchkey.problem.ProblemException;
import org.infinispan.Cache;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.manager.DefaultCacheManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The limiter's budgets on a real (local) Infinispan cache, as a single node runs it. */
class RateLimiterTest {

    private DefaultCacheManager manager;
    private RateLimiter limiter;

    @BeforeEach
    void limiter() {
        manager = new DefaultCacheManager();
        manager.defineConfiguration("rate-limits", new ConfigurationBuilder().build());
        Cache<String, byte[]> cache = manager.getCache("rate-limits");
        // The defaults: 20 logins per IP and minute, 5 failures per account in 900 s, 10
        // registrations, 120 refreshes and 10 password changes per IP and minute.
        RateLimitSettings settings = RateLimitSettings.defaults();
        limiter = new RateLimiter();
        limiter.settings = settings;
        limiter.metrics = Metrics.inMemory();
        limiter.cluster = new ClusterCalls(ClusterSettings.defaults());
        limiter.init(cache);
    }

    @AfterEach
    void stop() {
        manager.stop();
    }

    @Test
    void twentyLoginsAMinutePerClientThenTooManyRequestsWithRetryAfter() {
        for (int i = 0; i < 20; i++) {
            int attempt = i;
            assertDoesNotThrow(() -> limiter.checkLogin("203.0.113.7", "user" + attempt + "@example.test"));
        }
        ProblemException refused = assertThrows(ProblemException.class,
                () -> limiter.checkLogin("203.0.113.7", "another@example.test"));
        assertEquals(429, refused.problem().status());
        long retryAfter = Long.parseLong(refused.problem().headers().get("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertDoesNotThrow(() -> limiter.checkLogin("203.0.113.8", "another@example.test"), "other clients are unaffected");
    }

    /**
     * One IPv6 subscriber gets a /64 (or more) to choose addresses from: keyed per /128, every
     * per-client budget would be 2^64 budgets. IPv4 addresses stay one client each.
     */
    @Test
    void ipv6ClientsAreLimitedPerSlash64AndIpv4ClientsPerAddress() {
        for (int i = 1; i <= 20; i++) {
            int attempt = i;
            assertDoesNotThrow(() -> limiter.checkLogin("2001:db8:1:2:0:0:0:" + Integer.toHexString(attempt), "v6-" + attempt + "@example.test"));
        }
        for (String sameSlash64 : new String[] {"2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:0db8:0001:0002::abcd"}) {
            ProblemException refused = assertThrows(ProblemException.class,
                    () -> limiter.checkLogin(sameSlash64, "another@example.test"), sameSlash64);
            assertEquals(429, refused.problem().status());
        }
        assertDoesNotThrow(() -> limiter.checkLogin("2001:db8:1:3:0:0:0:1", "another@example.test"), "the next /64 is another client");

        for (int i = 0; i < 20; i++) {
            int attempt = i;
            assertDoesNotThrow(() -> limiter.checkLogin("198.51.100.10", "v4-" + attempt + "@example.test"));
        }
        assertEquals(429, assertThrows(ProblemException.class, () -> limiter.checkLogin("::ffff:198.51.100.10", "x@example.test"))
                .problem().status(), "an IPv4-mapped address is the IPv4 client");
        assertDoesNotThrow(() -> limiter.checkLogin("198.51.100.11", "x@example.test"), "the next IPv4 address is another client");
    }

    @Test
    void fiveFailuresPerAccountThenRefusedForEveryClient() {
        for (int i = 0; i < 5; i++) {
            limiter.checkLogin("198.51.100." + i, "victim@example.test");
        }
        ProblemException refused = assertThrows(ProblemException.class,
                () -> limiter.checkLogin("198.51.100.99", "victim@example.test"));
        assertEquals(429, refused.problem().status());
    }

    /** Guesses at a current password (password change) and at login share the account's one budget. */
    @Test
    void passwordAttemptsAndLoginsShareTheAccountsFailureBudget() {
        for (int i = 0; i < 3; i++) {
            limiter.checkPasswordAttempt("shared@example.test");
        }
        limiter.checkPasswordAttempt("shared@example.test");
        limiter.passwordAttemptSucceeded("shared@example.test");
        limiter.checkLogin("192.0.2.70", "shared@example.test");
        limiter.checkLogin("192.0.2.71", "shared@example.test");
        assertEquals(429, assertThrows(ProblemException.class, () -> limiter.checkPasswordAttempt("shared@example.test"))
                .problem().status());
        assertEquals(429, assertThrows(ProblemException.class, () -> limiter.checkLogin("192.0.2.72", "shared@example.test"))
                .problem().status());
        assertDoesNotThrow(() -> limiter.checkPasswordAttempt("other@example.test"));
    }

    @Test
    void successfulLoginsDoNotUseUpTheFailureBudget() {
        for (int i = 0; i < 12; i++) {
            limiter.checkLogin("192.0.2.1", "happy@example.test");
            limiter.loginSucceeded("happy@example.test");
        }
        assertDoesNotThrow(() -> limiter.checkLogin("192.0.2.1", "happy@example.test"));
    }

    @Test
    void registrationAndPasswordChangeHaveTheirOwnPerClientBudgets() {
        for (int i = 0; i < 10; i++) {
            limiter.checkRegistration("192.0.2.50");
            limiter.checkPasswordChange("192.0.2.50");
        }
        assertEquals(429, assertThrows(ProblemException.class, () -> limiter.checkRegistration("192.0.2.50")).problem().status());
        assertEquals(429, assertThrows(ProblemException.class, () -> limiter.checkPasswordChange("192.0.2.50")).problem().status());
        for (int i = 0; i < 120; i++) {
            limiter.checkRefresh("192.0.2.50");
        }
        assertEquals(429, assertThrows(ProblemException.class, () -> limiter.checkRefresh("192.0.2.50")).problem().status());
    }

    /**
     * The back-off never locks an account for good, and stays under ASVS's ceiling of 100 failures
     * an hour: over a day of continuous guessing, an attacker gets the first window's 5 plus a
     * trickle that halves at every step.
     */
    @Test
    void failureBackOffHalvesTheRateAtEveryStepAndStaysFarBelowTheAsvsCeiling() {
        var configuration = RateLimiter.failureBackOff(5, Duration.ofMinutes(15));
        var bandwidths = configuration.getBandwidths();
        assertEquals(4, bandwidths.length);
        assertEquals(5, bandwidths[0].getCapacity(), "five failures in the first window");
        for (int i = 0; i < bandwidths.length; i++) {
            double ratePerHour = bandwidths[i].getRefillTokens() * 3_600_000_000_000.0 / bandwidths[i].getRefillPeriodNanos();
            assertEquals(20.0 / Math.pow(2, i), ratePerHour, 1e-9, "step " + i + " halves the rate of the step before");
            assertTrue(ratePerHour <= 100, "ASVS: at most 100 failures an hour");
        }
    }
}
