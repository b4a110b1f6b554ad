package dev.latchkey.testsupport.server;

import dev.latchkey.account.UserAccount;
import jakarta.enterprise.context.RequestScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

/**
 * Test deployments only: holds one account's row lock (the lock every session start and every
 * change of the account takes) for a while, as a slow password change would, so that a test can
 * see what a login waiting behind it gets.
 */
@Path("/test-support/account-lock")
@RequestScoped
public class AccountLockResource {

    @PersistenceContext(unitName = "latchkey")
    EntityManager em;

    /** Answers when the lock is released: 204, or 404 for no such account. */
    @POST
    @Transactional
    public Response hold(@QueryParam("email") String email, @QueryParam("seconds") int seconds) throws InterruptedException {
        var found = em.createQuery("SELECT u FROM UserAccount u WHERE u.email = :email", UserAccount.class)
                .setParameter("email", email).setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList();
        if (found.isEmpty()) {
            return Response.status(404).build();
        }
        Thread.sleep(Math.min(seconds, 30) * 1000L);
        return Response.noContent().build();
    }
}
