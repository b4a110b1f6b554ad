package dev.latchkey.token;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an access token states about its holder.
 *
 * @param subject       the user id; it also serves as {@code upn}, so MicroProfile JWT consumers
 *                      get a stable principal name that is not personal data (no e-mail in the token)
 * @param groups        the user's roles, sorted: MicroProfile JWT maps them to {@code @RolesAllowed}
 * @param permissions   the union of the roles' permissions, sorted, without duplicates
 * @param familyId      the login session the token belongs to, as {@code sid}: revoking the session
 *                      revokes every access token issued in it
 * @param emailVerified whether the owner has proved the account's address is theirs, as
 *                      {@code email_verified} (OpenID Connect's claim), so an application can
 *                      require it; the address itself stays out of the token
 * @param amr           how the login that started the session authenticated ({@link AuthenticationMethods})
 * @param authTime      when that login happened, as {@code auth_time}: refreshed tokens keep both,
 *                      so an application can ask for a recent or a stronger sign-in
 * @param boundKey      the JWK SHA-256 thumbprint of the client's DPoP key, as {@code cnf.jkt}
 *                      (RFC 9449 section 6.1), when the token is bound to it
 */
public record AccessTokenClaims(String subject, List<String> groups, List<String> permissions, String familyId,
                                boolean emailVerified, List<String> amr, Instant authTime, Optional<String> boundKey) {

    public AccessTokenClaims {
        groups = List.copyOf(groups);
        permissions = List.copyOf(permissions);
        amr = List.copyOf(amr);
        Objects.requireNonNull(boundKey);
    }
}
