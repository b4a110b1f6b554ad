package dev.latchkey.password;

import com.nulabinc.zxcvbn.Context;
import com.nulabinc.zxcvbn.Strength;
import com.nulabinc.zxcvbn.Zxcvbn;
import com.nulabinc.zxcvbn.matchers.L33tMatcher;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How guessable a password is, by zxcvbn (zxcvbn4j, Dropbox's estimator ported to Java): it finds
 * the cheapest way to build the password from dictionary words (English, names, common
 * passwords, and the account's own e-mail parts), leet spellings of them, keyboard walks,
 * repeats, sequences and dates, and scores the guesses that takes from 0 (under 10^3) to 4
 * (10^10 or more).
 *
 * <p><b>Bounded work.</b> zxcvbn's leet matcher runs a full dictionary pass over every substring
 * once per combination of leet substitutions the password allows, and a password made of leet
 * characters ({@code 4@8({[<3967+1!|0$5%2}...) allows hundreds: 128 such characters cost seconds
 * of CPU, an easy way to exhaust a server through an unauthenticated endpoint. So the estimate
 * reads only the longest prefix (at most {@link #MAX_ESTIMATED_CODE_POINTS} code points) whose
 * work, {@code length² × (1 + substitution combinations)}, fits {@link #WORK_BUDGET}: a plain
 * 64-character passphrase fits whole. Reading a prefix never overrates a password: whoever guesses
 * the whole password has guessed its prefix, so the prefix's score is a lower bound, and the
 * policy can only refuse more, never accept more. The combinations are counted with zxcvbn's own
 * substitution table ({@link L33tMatcher#relevantL33tSubTable}).
 *
 * <p>One instance is shared: zxcvbn keeps its dictionaries in an immutable context and builds
 * its matchers per call, so measuring is thread-safe.
 */
final class StrengthEstimate {

    /** The estimate never reads past this many code points; what follows can only add strength. */
    static final int MAX_ESTIMATED_CODE_POINTS = 64;

    /** Work units one estimate may cost: what a 64-character password without leet characters costs. */
    static final long WORK_BUDGET = 2L * MAX_ESTIMATED_CODE_POINTS * MAX_ESTIMATED_CODE_POINTS;

    /** E-mail pieces shorter than this are left out: a one- or two-letter "word" matches nearly any password. */
    private static final int MIN_INPUT_LENGTH = 3;

    private static final L33tMatcher LEET_TABLE = new L33tMatcher(new Context(new HashMap<>(), new HashMap<>()), new HashMap<>());

    private final Zxcvbn zxcvbn = new Zxcvbn();

    /**
     * @param normalizedPassword the NFKC-normalized password
     * @param normalizedEmail    the account's normalized address (see account.EmailAddress)
     * @return zxcvbn's score, 0 to 4, of the part of the password within the work budget
     */
    int score(String normalizedPassword, String normalizedEmail) {
        Strength strength = zxcvbn.measure(estimatedPart(normalizedPassword), userInputs(normalizedEmail));
        int score = strength.getScore();
        strength.wipe();
        return score;
    }

    /** The longest prefix, never splitting a surrogate pair, whose {@link #work} fits the budget. */
    static String estimatedPart(String password) {
        int end = password.offsetByCodePoints(0, Math.min(MAX_ESTIMATED_CODE_POINTS, password.codePointCount(0, password.length())));
        while (end > 0 && work(password.substring(0, end)) > WORK_BUDGET) {
            end = password.offsetByCodePoints(end, -1);
        }
        return password.substring(0, end);
    }

    /**
     * What zxcvbn's matching costs, in dictionary-substring lookups per dictionary: every substring
     * (about length²/2) once plainly and once reversed, and once more per leet substitution
     * combination, of which there are at most the product of the choices per letter.
     */
    static long work(String part) {
        long combinations = 1;
        for (List<Character> choices : LEET_TABLE.relevantL33tSubTable(part).values()) {
            combinations *= choices.size();
        }
        long length = part.length();
        return length * length * (1 + combinations);
    }

    /**
     * The account's own words, which an attacker who targets it knows: the local part and its
     * pieces, the domain and its labels, and the whole address, most specific first (zxcvbn ranks
     * them in this order).
     */
    static List<String> userInputs(String normalizedEmail) {
        Set<String> inputs = new LinkedHashSet<>();
        int at = normalizedEmail.lastIndexOf('@');
        String local = at < 0 ? normalizedEmail : normalizedEmail.substring(0, at);
        String domain = at < 0 ? "" : normalizedEmail.substring(at + 1);
        add(inputs, local);
        for (String piece : local.split("[^\\p{L}\\p{N}]+")) {
            add(inputs, piece);
        }
        add(inputs, domain);
        for (String label : domain.split("\\.")) {
            add(inputs, label);
        }
        add(inputs, normalizedEmail);
        return new ArrayList<>(inputs);
    }

    private static void add(Set<String> inputs, String word) {
        if (word.codePointCount(0, word.length()) >= MIN_INPUT_LENGTH) {
            inputs.add(word);
        }
    }
}
