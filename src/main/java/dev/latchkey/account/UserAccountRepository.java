package dev.latchkey.account;

import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.LockTimeoutException;
import jakarta.persistence.PessimisticLockException;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

@ApplicationScoped
public class UserAccountRepository {

    private static final Logger LOG = Logger.getLogger(UserAccountRepository.class.getName());

    @PersistenceContext(unitName = "latchkey")
    EntityManager em;

    public Optional<UserAccount> findByEmail(String normalizedEmail) {
        return em.createNamedQuery(UserAccount.BY_EMAIL, UserAccount.class)
                .setParameter("email", normalizedEmail)
                .getResultStream()
                .findFirst();
    }

    public Optional<UserAccount> findById(String id) {
        return Optional.ofNullable(em.find(UserAccount.class, id));
    }

    /**
     * Reads the account as committed now and holds its row lock (SELECT ... FOR UPDATE) until the
     * caller's transaction ends. Every change of the password state (password change, disable,
     * hash upgrade, through {@link #update}) and every session start takes this same lock, so a
     * login that verified a password cannot start a session on an account that changed since:
     * either the change commits first and the login sees it, or the session exists first and the
     * change ends it.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<UserAccount> lockForUpdate(String id) {
        return Optional.ofNullable(findLocked(id));
    }

    /**
     * @throws ProblemException 503 with {@code Retry-After} when the database gave up waiting for
     *         the lock (H2's lock timeout; PostgreSQL waits unless told otherwise): the account is
     *         busy, the request changed nothing, and a retry will do, so it is no 500
     */
    private UserAccount findLocked(String id) {
        try {
            return em.find(UserAccount.class, id, LockModeType.PESSIMISTIC_WRITE);
        } catch (PessimisticLockException | LockTimeoutException busy) {
            // The class name only: the driver's message may quote the locked row.
            LOG.log(Level.WARNING, "Account {0} was not locked in time ({1}); answered 503",
                    new Object[] {id, busy.getClass().getName()});
            throw new ProblemException(Problem.unavailableHere());
        }
    }

    /**
     * Flushes inside the method, so a unique-index violation surfaces here, to the caller, rather
     * than at commit, where the transaction manager would log the driver's message (which quotes
     * the e-mail address).
     */
    @Transactional
    public void insert(UserAccount account) {
        em.persist(account);
        em.flush();
    }

    /**
     * Writes the account's row back unchanged and commits (called, like {@link #insert}, outside
     * any transaction): the same kind of work as an insert, for requests that must not answer
     * faster when the account already exists (see {@link RegistrationService#register}).
     */
    @Transactional
    public void rewriteUnchanged(String id) {
        em.createNamedQuery(UserAccount.REWRITE_UNCHANGED).setParameter("id", id).executeUpdate();
    }

    /**
     * Loads the account, applies the change and writes it back in one transaction (joining the
     * caller's, if any), under the account's row lock ({@link #lockForUpdate}): a change
     * serializes with every session start.
     *
     * @return false when there is no such account
     */
    @Transactional
    public boolean update(String id, java.util.function.Consumer<UserAccount> change) {
        UserAccount managed = findLocked(id);
        if (managed == null) {
            return false;
        }
        change.accept(managed);
        return true;
    }
}
