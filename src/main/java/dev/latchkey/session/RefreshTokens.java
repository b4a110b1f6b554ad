package dev.latchkey.session;

import dev.latchkey.crypto.AesGcm;
import dev.latchkey.crypto.Base64Values;
import dev.latchkey.crypto.ConstantTime;
import dev.latchkey.crypto.Hmac;
import dev.latchkey.crypto.RandomTokens;
import dev.latchkey.crypto.TokenDigests;
import dev.latchkey.keys.KeySettings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Refresh tokens. Opaque to clients, and never JWTs, so that one can never pass as an access
 * token, nor the reverse (an access token has dots).
 *
 * <p><b>Self-identifying tokens</b> (issue 20). A token names its session (the family id, which is
 * not secret: it is the access token's {@code sid}) and its generation, carries 256 random bits,
 * and is authenticated by HMAC-SHA256 under {@code latchkey.session.refresh-token-secret}, a
 * secret that is never in the database:
 * <pre>base64url( 0x02 | family id (16) | generation (4) | random (32) | HMAC(secret, all before) (32) )</pre>
 * So the database keeps one row per session, whatever the number of refreshes:
 * <ul>
 *   <li>a token whose HMAC does not verify is refused before any query, and can end nothing:
 *       whoever knows a session id still cannot forge a token that would revoke it;</li>
 *   <li>a token that verifies and names an older generation than the session's is a genuine
 *       token that was rotated away, presented again: reuse, detected for the whole life of the
 *       session without a row per token;</li>
 *   <li>the current generation must also match the session's {@code current_token_hash}: the
 *       random part is in no table, so a copy of the database yields no usable token, and neither
 *       does a copy of the database together with the secret.</li>
 * </ul>
 *
 * <p><b>Legacy tokens</b>: 43 random characters, each remembered by its hash in {@code
 * refresh_token}. Sessions from before issue 20 still present them: they are found there, and
 * their next rotation gives a self-identifying token. They are issued only with {@code
 * latchkey.session.refresh-token-format=legacy}, during a rolling upgrade while older nodes (which
 * know no other kind) still serve refreshes (docs/operations.md).
 *
 * <p><b>The grace window.</b> A browser with several tabs may present the same refresh token
 * twice within a moment; the second request must get the successor the first one already got,
 * not a second branch of the family. The successor is therefore kept on the family row sealed
 * with AES-256-GCM under a key derived from the <em>previous</em> token. Only someone presenting
 * that previous token can unseal it, and the server never stores that token (only its hash).
 */
@ApplicationScoped
public class RefreshTokens {

    static final String DEVELOPMENT_SECRET = "dev-refresh-token-secret";
    static final int LEGACY_TOKEN_BYTES = 32;
    private static final byte VERSION = 2;
    private static final int FAMILY_BYTES = 16;
    private static final int GENERATION_BYTES = 4;
    private static final int RANDOM_BYTES = 32;
    private static final int MAC_BYTES = 32;
    private static final int SIGNED_BYTES = 1 + FAMILY_BYTES + GENERATION_BYTES + RANDOM_BYTES;
    private static final int TOKEN_BYTES = SIGNED_BYTES + MAC_BYTES;
    private static final Pattern LEGACY_SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");
    /** 85 bytes in unpadded base64url. */
    private static final Pattern IDENTIFIED_SHAPE = Pattern.compile("[A-Za-z0-9_-]{114}");
    private static final byte[] SEAL_LABEL = "latchkey/successor-seal/v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO_ASSOCIATED_DATA = new byte[0];

    /** What a token that verified says of itself. */
    record Identity(String familyId, int generation) {
    }

    @Inject
    SessionSettings settings;

    @Inject
    KeySettings keySettings;

    private byte[] secret;
    private Optional<byte[]> previousSecret;

    public static RefreshTokens with(SessionSettings settings, byte[] secret) {
        RefreshTokens tokens = new RefreshTokens();
        tokens.settings = settings;
        tokens.secret = secret.clone();
        tokens.previousSecret = settings.previousRefreshTokenSecret();
        return tokens;
    }

    @PostConstruct
    void init() {
        secret = keySettings.configuredOrDevelopmentSecret(
                settings.refreshTokenSecret(), DEVELOPMENT_SECRET, SessionSettings.MIN_SECRET_BYTES);
        previousSecret = settings.previousRefreshTokenSecret();
    }

    /** Created at boot, not at the first login: a missing development directory then stops the deployment. */
    void startAtBoot(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // Observing the event is what creates the bean; nothing else to do.
    }

    /** The token of {@code generation} of the session, in the format the settings ask for. */
    String mint(String familyId, int generation) {
        if (settings.issuesLegacyRefreshTokens()) {
            return RandomTokens.base64Url(LEGACY_TOKEN_BYTES);
        }
        UUID family = UUID.fromString(familyId);
        ByteBuffer token = ByteBuffer.allocate(TOKEN_BYTES)
                .put(VERSION)
                .putLong(family.getMostSignificantBits())
                .putLong(family.getLeastSignificantBits())
                .putInt(generation)
                .put(RandomTokens.bytes(RANDOM_BYTES));
        token.put(Hmac.sha256(secret, Arrays.copyOf(token.array(), SIGNED_BYTES)));
        return Base64Values.url(token.array());
    }

    static boolean isLegacy(String token) {
        return token != null && LEGACY_SHAPE.matcher(token).matches();
    }

    /**
     * The session and generation a self-identifying token names, if its HMAC verifies under the
     * current secret or the previous one (kept while the secret is being rotated); empty for
     * anything else, legacy tokens included. Compares in constant time.
     */
    Optional<Identity> identify(String token) {
        if (token == null || !IDENTIFIED_SHAPE.matcher(token).matches()) {
            return Optional.empty();
        }
        byte[] bytes = Base64Values.fromUrl(token);
        // One spelling per token: the decoder ignores the last character's unused bits, and two
        // spellings of one token would have two hashes.
        if (bytes.length != TOKEN_BYTES || bytes[0] != VERSION || !Base64Values.url(bytes).equals(token)) {
            return Optional.empty();
        }
        byte[] signed = Arrays.copyOf(bytes, SIGNED_BYTES);
        byte[] presentedMac = Arrays.copyOfRange(bytes, SIGNED_BYTES, TOKEN_BYTES);
        boolean genuine = ConstantTime.equal(presentedMac, Hmac.sha256(secret, signed))
                | previousSecret.map(previous -> ConstantTime.equal(presentedMac, Hmac.sha256(previous, signed))).orElse(false);
        if (!genuine) {
            return Optional.empty();
        }
        ByteBuffer fields = ByteBuffer.wrap(signed, 1, FAMILY_BYTES + GENERATION_BYTES);
        String familyId = new UUID(fields.getLong(), fields.getLong()).toString();
        int generation = fields.getInt();
        return generation < 0 ? Optional.empty() : Optional.of(new Identity(familyId, generation));
    }

    static String hash(String token) {
        return TokenDigests.sha256(token);
    }

    static String seal(String successor, String previousToken) {
        return Base64Values.url(sealingKey(previousToken).seal(successor.getBytes(StandardCharsets.US_ASCII), NO_ASSOCIATED_DATA));
    }

    /** @return the successor, or empty when the seal does not open with this token */
    static Optional<String> unseal(String sealed, String previousToken) {
        if (sealed == null) {
            return Optional.empty();
        }
        try {
            return sealingKey(previousToken).open(Base64Values.fromUrl(sealed), NO_ASSOCIATED_DATA)
                    .map(successor -> new String(successor, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    /** HMAC-SHA256 keyed by the token over a fixed label: independent of the stored SHA-256 hash. */
    private static AesGcm sealingKey(String token) {
        return AesGcm.withKey(Hmac.sha256(token.getBytes(StandardCharsets.US_ASCII), SEAL_LABEL));
    }
}
