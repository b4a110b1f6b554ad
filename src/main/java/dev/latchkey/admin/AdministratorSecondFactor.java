package dev.latchkey.admin;

import dev.latchkey.account.UserAccount;
import dev.latchkey.account.UserAccountRepository;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.security.AuthenticatedCaller;
import dev.latchkey.token.AuthenticationMethods;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * With {@code latchkey.admin.require-mfa} (the default), every {@code /admin/*} request needs a
 * token from a login with an authenticator code ({@code otp} in {@code amr}): an administrator's
 * password alone must not be enough to act on other people's accounts or on the signing keys. A
 * recovery-code login does not count here; it is for getting back into one's own account. Matched
 * by path, so an administrator endpoint added later is covered without remembering to be.
 */
@Provider
@Priority(Priorities.AUTHORIZATION + 1)
public class AdministratorSecondFactor implements ContainerRequestFilter {

    @Inject
    AdminSettings settings;

    @Inject
    AuthenticatedCaller caller;

    @Inject
    UserAccountRepository accounts;

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        boolean administration = path.equals("admin") || path.startsWith("admin/") || path.startsWith("/admin");
        if (!administration || !settings.requireMfa() || caller.token().amr().contains(AuthenticationMethods.OTP)) {
            return;
        }
        boolean enrolled = accounts.findById(caller.token().subject()).map(UserAccount::isMfaEnabled).orElse(false);
        throw new ProblemException(enrolled
                ? Problem.of(403, "mfa-required", "Forbidden",
                        "Administration needs a sign-in with an authenticator code.")
                : Problem.of(403, "mfa-enrollment-required", "Forbidden",
                        "Administration needs two-step sign-in: enrol an authenticator app at /auth/mfa/totp/enroll, then sign in with it."));
    }
}
