package dev.latchkey.ratelimit;

import dev.latchkey.cluster.CacheContainer;
import dev.latchkey.cluster.ClusterCalls;
import dev.latchkey.crypto.TokenDigests;
import dev.latchkey.http.IpLiteral;
import dev.latchkey.metrics.CountersByTag;
import dev.latchkey.metrics.Metrics;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.grid.infinispan.Bucket4jInfinispan;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.infinispan.Cache;
import org.infinispan.functional.impl.FunctionalMapImpl;
import org.infinispan.functional.impl.ReadWriteMapImpl;

import java.time.Duration;

/**
 * Cluster-wide rate limits on Bucket4j, whose token buckets live in the Infinispan cache
 * {@code rate-limits} (replicated in a cluster), so every node draws from the same budget.
 * Bucket4j was chosen because it is maintained, implements the token-bucket arithmetic and the
 * atomic compare-and-swap on Infinispan's functional API, and needs no locking of our own.
 *
 * <p>Every check runs before any password hash, so a refused request costs the server almost
 * nothing. Account keys are hashed (SHA-256) before they become cache keys: the cache then holds
 * no e-mail addresses, and an unknown address is throttled exactly like a known one, so the limits
 * reveal nothing about which accounts exist.
 */
@ApplicationScoped
public class RateLimiter {

    @Inject
    CacheContainer container;

    @Inject
    ClusterCalls cluster;

    @Inject
    RateLimitSettings settings;

    @Inject
    Metrics metrics;

    /** The budgets, as the {@code bucket} tag of {@code latchkey.rate_limit.rejections}. */
    enum Budget { LOGIN_IP, LOGIN_ACCOUNT, REGISTER_IP, REFRESH_IP, PASSWORD_IP, ACCOUNT_MAIL_IP, ACCOUNT_MAIL_ADDRESS }

    private CountersByTag<Budget> rejections;

    private AsyncProxyManager<String> buckets;
    private BucketConfiguration loginPerIp;
    private BucketConfiguration loginFailuresPerAccount;
    private BucketConfiguration registerPerIp;
    private BucketConfiguration refreshPerIp;
    private BucketConfiguration passwordPerIp;
    private BucketConfiguration accountMailPerIp;
    private BucketConfiguration accountMailPerAddress;

    @PostConstruct
    void init() {
        init(container.cache(CacheContainer.RATE_LIMITS));
    }

    void init(Cache<String, byte[]> cache) {
        rejections = metrics.countersByTag("latchkey.rate_limit.rejections", "Requests refused by a rate limit, by budget",
                "bucket", Budget.class);
        buckets = Bucket4jInfinispan.entryProcessorBasedBuilder(
                        ReadWriteMapImpl.create(FunctionalMapImpl.create(cache.getAdvancedCache())))
                // A bucket is forgotten once it would be full again: the cache holds only active limits.
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .build()
                .asAsync();
        loginPerIp = perMinute(settings.loginPerIpPerMinute());
        loginFailuresPerAccount = failureBackOff(settings.loginFailuresPerAccount(), Duration.ofSeconds(settings.loginFailureWindowSeconds()));
        registerPerIp = perMinute(settings.registerPerIpPerMinute());
        refreshPerIp = perMinute(settings.refreshPerIpPerMinute());
        passwordPerIp = perMinute(settings.passwordPerIpPerMinute());
        accountMailPerIp = perMinute(settings.accountMailPerIpPerMinute());
        long perHour = settings.accountMailPerAddressPerHour();
        accountMailPerAddress = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(perHour).refillGreedy(perHour, Duration.ofHours(1)))
                .build();
    }

    /** Created at boot, not at the first request: a bad budget or an unusable cache then stops the deployment. */
    void startAtBoot(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // Observing the event is what creates the bean; nothing else to do.
    }

    /**
     * Before a login is attempted: one from the client's budget, and one from the account's
     * failure budget, taken atomically now and given back by {@link #loginSucceeded} (so
     * concurrent guesses cannot overdraw it).
     */
    public void checkLogin(String clientIp, String account) {
        checkLoginClient(clientIp);
        checkPasswordAttempt(account);
    }

    /** One from the client's login budget: both steps of a login with a second factor take one. */
    public void checkLoginClient(String clientIp) {
        consume(Budget.LOGIN_IP, "login-ip:" + client(clientIp), loginPerIp);
    }

    /** A successful login was not a failure: its token goes back to the account's budget. */
    public void loginSucceeded(String account) {
        passwordAttemptSucceeded(account);
    }

    /**
     * Before any check of an account's password (login, and the current password of a password
     * change): one from the account's failure budget, taken atomically now and given back by
     * {@link #passwordAttemptSucceeded}. One budget per account, whichever endpoint guesses: a
     * stolen session must not turn into unlimited guesses at the password.
     *
     * @param account the normalized e-mail address (as given, when it is not a valid one)
     * @throws ProblemException 429 with {@code Retry-After} when the budget is spent
     */
    public void checkPasswordAttempt(String account) {
        consume(Budget.LOGIN_ACCOUNT, accountKey(account), loginFailuresPerAccount);
    }

    /** The password was right, so the attempt was not a failure: its token goes back. */
    public void passwordAttemptSucceeded(String account) {
        if (settings.enabled()) {
            cluster.call(() -> bucket(accountKey(account), loginFailuresPerAccount).addTokens(1));
        }
    }

    private static String accountKey(String account) {
        return "login-account:" + digest(account);
    }

    public void checkRegistration(String clientIp) {
        consume(Budget.REGISTER_IP, "register-ip:" + client(clientIp), registerPerIp);
    }

    public void checkRefresh(String clientIp) {
        consume(Budget.REFRESH_IP, "refresh-ip:" + client(clientIp), refreshPerIp);
    }

    /**
     * Before an anonymous request that mails an address (registration, password reset, a new
     * verification link) is answered: the client's budget, refused with 429.
     */
    public void checkAccountMailClient(String clientIp) {
        consume(Budget.ACCOUNT_MAIL_IP, "account-mail-ip:" + client(clientIp), accountMailPerIp);
    }

    /**
     * Whether one more such mail may go to this address, whether or not an account has it, taken
     * from its budget if so. Never an exception: callers check it after the answer is decided and
     * skip the mail silently, because a 429, or even the time it takes to create a first bucket
     * rather than update one, would tell a caller that the address was asked about recently.
     */
    public boolean tryAccountMailTo(String address) {
        if (!settings.enabled()) {
            return true;
        }
        boolean allowed = cluster.call(() -> bucket("account-mail-address:" + digest(address), accountMailPerAddress).tryConsume(1));
        if (!allowed) {
            rejections.increment(Budget.ACCOUNT_MAIL_ADDRESS);
        }
        return allowed;
    }

    public void checkPasswordChange(String clientIp) {
        consume(Budget.PASSWORD_IP, "password-ip:" + client(clientIp), passwordPerIp);
    }

    /**
     * The client a per-client budget belongs to: an IPv4 address, or the /64 of an IPv6 address.
     * An IPv6 subscriber is routinely given a /64 or more and picks addresses from it at will
     * (privacy addresses change by the hour), so per address, every budget would be 2^64 budgets.
     * An address the container reports in a form that is not a literal (it always is one) keys
     * as written.
     */
    static String client(String clientIp) {
        return IpLiteral.parsePeer(clientIp)
                .map(address -> address.length == 4 ? IpLiteral.format(address) : IpLiteral.network(address, 64))
                .orElse(clientIp);
    }

    private void consume(Budget budget, String key, BucketConfiguration configuration) {
        if (!settings.enabled()) {
            return;
        }
        ConsumptionProbe probe = cluster.call(() -> bucket(key, configuration).tryConsumeAndReturnRemaining(1));
        if (!probe.isConsumed()) {
            rejections.increment(budget);
            throw tooManyRequests(probe.getNanosToWaitForRefill());
        }
    }

    /** Asynchronous, so that the wait for the cluster is bounded ({@link ClusterCalls}). */
    private AsyncBucketProxy bucket(String key, BucketConfiguration configuration) {
        return buckets.builder().build(key, configuration);
    }

    private static BucketConfiguration perMinute(long budget) {
        return BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(budget).refillGreedy(budget, Duration.ofMinutes(1)))
                .build();
    }

    /**
     * Failed logins per account: {@code failures} in the first window, then nested windows whose
     * allowed rate halves at each step (an exponential back-off of the attempt rate). Buckets
     * refill, so the account is never locked for good: a real user can always try again after a
     * wait, and an attacker gets at most {@code failures} plus a shrinking trickle, far below the
     * ASVS ceiling of 100 failures an hour.
     */
    static BucketConfiguration failureBackOff(long failures, Duration window) {
        io.github.bucket4j.ConfigurationBuilder builder = BucketConfiguration.builder();
        long capacity = failures;
        Duration period = window;
        for (int step = 0; step < 4; step++) {
            long stepCapacity = capacity;
            Duration stepPeriod = period;
            builder.addLimit(limit -> limit.capacity(stepCapacity).refillGreedy(stepCapacity, stepPeriod));
            // Twice the attempts over four times the time: half the rate of the step before.
            capacity *= 2;
            period = period.multipliedBy(4);
        }
        return builder.build();
    }

    private static ProblemException tooManyRequests(long nanosToWait) {
        long seconds = Math.max(1, (nanosToWait + 999_999_999L) / 1_000_000_000L);
        return new ProblemException(Problem.of(429, "rate-limited", "Too Many Requests",
                "Too many attempts. Try again later.").withHeader("Retry-After", String.valueOf(seconds)));
    }

    private static String digest(String account) {
        return TokenDigests.sha256(account);
    }
}
