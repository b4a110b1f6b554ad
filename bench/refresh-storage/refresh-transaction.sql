-- pgbench: the transaction a refresh runs, as PostgreSQL's own ceiling for it (issue 20, part 3).
-- The statements are those SessionService.refresh issues through TokenFamilyRepository, as
-- EclipseLink sends them (run.sh's statements-per-refresh step prints them from the log): read
-- the session the token names with its account and the account's roles and permissions, then the
-- compare-and-set that rotates it. As in the refresh scenario of bench/load, each client rotates a
-- session of its own (pgbench-<client_id>, which run.sh copies from seeded sessions), so no two
-- clients contend for a row. What Latchkey does besides (token signing, the HMAC, the cookies,
-- HTTP) is not here: this is what the database alone can do.
-- The read returns a row per role and permission, as Latchkey's does; \aset keeps the last row's
-- values, the session's being the same on every row. Run with -M prepared, as the driver runs
-- Latchkey's statements: each :variable is then a bound parameter.
BEGIN;
SELECT f.id, f.user_id, f.created_at, f.absolute_expires_at, f.last_used_at, f.rotated_at, f.generation,
       f.current_token_hash AS presented, f.previous_token_hash, f.successor_sealed, f.user_agent, f.client_ip,
       f.revoked_at, f.revoked_reason, f.remember_me, u.*, a.role_name, p.permission
FROM token_family f, user_account u
     LEFT OUTER JOIN user_role a ON a.user_id = u.id
     LEFT OUTER JOIN role_permission p ON p.role_name = a.role_name
WHERE f.id = 'pgbench-' || :client_id AND u.id = f.user_id
\aset
UPDATE token_family SET current_token_hash = md5(random()::text), previous_token_hash = :presented,
       successor_sealed = repeat('s', 96), generation = generation + 1,
       last_used_at = (extract(epoch FROM clock_timestamp()) * 1000)::bigint,
       rotated_at = (extract(epoch FROM clock_timestamp()) * 1000)::bigint
WHERE id = 'pgbench-' || :client_id AND current_token_hash = :presented AND revoked_at IS NULL;
COMMIT;
