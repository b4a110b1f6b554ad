package dev.latchkey.account;

import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.role.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.LockTimeoutException;
import jakarta.persistence.PessimisticLockException;
import jakarta.persistence.TypedQuery;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

@ApplicationScoped
public class UserAccountRepository {

    private static final Logger LOG = Logger.getLogger(UserAccountRepository.class.getName());

    @PersistenceContext(unitName = "latchkey")
    EntityManager em;

    @Inject
    Roles roles;

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
        roles.assignDefault(account.id());
    }

    /** A session started: for the administrators' user list. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void recordLogin(String id, Instant now) {
        em.createNamedQuery(UserAccount.RECORD_LOGIN).setParameter("id", id).setParameter("now", now).executeUpdate();
    }

    /**
     * Deletes the account with every row of this package that names it (one-time tokens, known
     * devices, a registration of the same address waiting for its link) and its role assignments;
     * the rows of other features that name the account are deleted by their owners first
     * ({@code admin.AdminService#erase}).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void delete(UserAccount account) {
        String id = account.id();
        em.createQuery("DELETE FROM OneTimeToken t WHERE t.subjectId = :id").setParameter("id", id).executeUpdate();
        em.createQuery("DELETE FROM KnownDevice d WHERE d.userId = :id").setParameter("id", id).executeUpdate();
        em.createQuery("DELETE FROM PendingRegistration p WHERE p.email = :email").setParameter("email", account.email())
                .executeUpdate();
        roles.forget(id);
        em.createQuery("DELETE FROM UserAccount u WHERE u.id = :id").setParameter("id", id).executeUpdate();
    }

    /**
     * One page of the administrators' user list, in e-mail order, keyset-paginated: the page
     * after {@code afterEmail} is one range of the unique e-mail index whatever the table's size,
     * and rows inserted meanwhile neither shift nor repeat it.
     *
     * @param emailPrefix normalized (lower case); matched literally, wildcards included
     * @param afterEmail  the last address of the previous page, empty for the first page
     * @param limit       how many to return; one more is read to know whether a next page exists
     */
    public List<UserAccount> search(Optional<String> emailPrefix, Optional<DirectoryStatus> status, Optional<String> role,
                                    Optional<String> afterEmail, int limit) {
        StringBuilder jpql = new StringBuilder("SELECT u FROM UserAccount u WHERE 1 = 1");
        Map<String, Object> parameters = new HashMap<>();
        emailPrefix.filter(prefix -> !prefix.isEmpty()).ifPresent(prefix -> {
            // LIKE for exactness, and a range so that a generic (prepared) plan can still use the
            // index, which it cannot for LIKE with a parameter.
            jpql.append(" AND u.email LIKE :pattern ESCAPE '\\' AND u.email >= :from AND u.email < :to");
            parameters.put("pattern", prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            parameters.put("from", prefix);
            parameters.put("to", successorOf(prefix));
        });
        afterEmail.ifPresent(after -> {
            jpql.append(" AND u.email > :after");
            parameters.put("after", after);
        });
        status.ifPresent(wanted -> {
            switch (wanted) {
                case DISABLED -> jpql.append(" AND u.status = dev.latchkey.account.AccountStatus.DISABLED");
                case ACTIVE -> jpql.append(" AND u.status = dev.latchkey.account.AccountStatus.ACTIVE AND u.emailVerifiedAt IS NOT NULL");
                case PENDING -> jpql.append(" AND u.status = dev.latchkey.account.AccountStatus.ACTIVE AND u.emailVerifiedAt IS NULL");
            }
        });
        role.ifPresent(name -> {
            jpql.append(" AND EXISTS (SELECT a FROM RoleAssignment a WHERE a.userId = u.id AND a.roleName = :role)");
            parameters.put("role", name);
        });
        jpql.append(" ORDER BY u.email");
        TypedQuery<UserAccount> query = em.createQuery(jpql.toString(), UserAccount.class).setMaxResults(limit);
        parameters.forEach(query::setParameter);
        return query.getResultList();
    }

    /** The first string after every string that starts with {@code prefix}, in code-point order. */
    private static String successorOf(String prefix) {
        int last = prefix.codePointBefore(prefix.length());
        return prefix.substring(0, prefix.length() - Character.charCount(last)) + Character.toString(last + 1);
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
