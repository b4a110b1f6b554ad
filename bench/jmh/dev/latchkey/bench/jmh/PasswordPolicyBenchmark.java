package dev.latchkey.bench.jmh;

import dev.latchkey.password.PasswordBenchWiring;
import dev.latchkey.password.PasswordPolicy;
import dev.latchkey.problem.ProblemException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@link PasswordPolicy#check} as registration and password change run it: NFKC
 * normalization, length and control characters, both list look-ups, and the zxcvbn estimate
 * with the account's e-mail parts. To be read beside {@code PasswordHashBenchmark.verify}: the
 * check must cost a small part of one bcrypt verify, whatever the password.
 *
 * <ul>
 *   <li>{@code passphrase}: "correct horse battery staple", the common case;</li>
 *   <li>{@code long-passphrase}: 128 characters of words, the longest allowed;</li>
 *   <li>{@code leet-128}: 128 characters of leet substitution characters, zxcvbn's worst case
 *       (hundreds of substitution combinations; unbounded it costs seconds);</li>
 *   <li>{@code too-guessable}: a keyboard walk, refused by the estimate (the refusal path).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class PasswordPolicyBenchmark {

    private static final String EMAIL = "zebulon.brzeczyszczykiewicz@kowalczykowa.example";

    private static final Map<String, String> PASSWORDS = Map.of(
            "passphrase", "correct horse battery staple",
            "long-passphrase", "correct horse battery staple ".repeat(5).substring(0, PasswordPolicy.MAX_LENGTH),
            "leet-128", "4@8({[<3967+1!|0$5%2".repeat(7).substring(0, PasswordPolicy.MAX_LENGTH),
            "too-guessable", "zxcvbnmasdfghjkl");

    @Param({"passphrase", "long-passphrase", "leet-128", "too-guessable"})
    public String password;

    private PasswordPolicy policy;
    private String value;

    @Setup(Level.Trial)
    public void setUp() {
        policy = PasswordBenchWiring.policy();
        value = PASSWORDS.get(password);
    }

    /** @return whether the policy accepted the password (so the work cannot be optimised away) */
    @Benchmark
    public boolean check() {
        try {
            policy.check(value, EMAIL);
            return true;
        } catch (ProblemException refused) {
            return false;
        }
    }
}
