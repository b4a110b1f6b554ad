package dev.latchkey.account;

import dev.latchkey.problem.ProblemException;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Validates and normalizes e-mail addresses, which are the account identifier.
 *
 * <p>Normalization (NFC, then lower case) makes "Alice@Example.com" and "alice@example.com" one
 * account: without it, an attacker could register a look-alike spelling of a victim's address.
 * Lower-casing the local part is not strictly RFC 5321, but no mainstream provider treats case as
 * significant and identity systems must not.
 */
public final class EmailAddress {

    public static final int MAX_LENGTH = 254;
    private static final int MAX_LOCAL_LENGTH = 64;

    /** Dot-atom local part (RFC 5322, with RFC 6531 Unicode letters and digits). */
    private static final Pattern LOCAL = Pattern.compile("[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+(\\.[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+)*");

    /** At least two labels; each label 1 to 63 letters, digits or inner hyphens. */
    private static final Pattern DOMAIN = Pattern.compile("([\\p{L}\\p{N}]([\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?\\.)+[\\p{L}][\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}]");

    private EmailAddress() {
    }

    /**
     * The normalized address of a request body.
     *
     * @throws ProblemException 400 when it is not a valid address: an answer that depends on the
     *                          input only, never on whether an account has the address
     */
    public static String normalizeOrRefuse(String raw) {
        return normalize(raw).orElseThrow(() -> ProblemException.badRequest("The e-mail address is not valid."));
    }

    /**
     * The start of an address, normalized as whole addresses are ({@code NFC}, lower case), so
     * that it matches the stored addresses it starts.
     */
    public static String normalizePrefix(String raw) {
        return Normalizer.normalize(raw, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    }

    /** @return the normalized address, or empty when it is not a valid address */
    public static Optional<String> normalize(String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > MAX_LENGTH * 2) {
            return Optional.empty();
        }
        String normalized = Normalizer.normalize(raw, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
        if (normalized.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        int at = normalized.lastIndexOf('@');
        if (at <= 0 || at != normalized.indexOf('@') || at > MAX_LOCAL_LENGTH) {
            return Optional.empty();
        }
        String local = normalized.substring(0, at);
        String domain = normalized.substring(at + 1);
        if (!LOCAL.matcher(local).matches() || !DOMAIN.matcher(domain).matches()) {
            return Optional.empty();
        }
        return Optional.of(normalized);
    }
}
