-- Seeds the refresh-storage benchmark (bench/refresh-storage/run.sh, issue 20): :users accounts,
-- :families sessions (token_family) of theirs and, when the table refresh_token exists, :history
-- rows of refresh-token history spread over those sessions; then VACUUM ANALYZE and CHECKPOINT.
--
--   psql -v users=250000 -v families=1000000 -v history=10000000 -f bench/refresh-storage/seed.sql <database>
--
-- The database's schema is the one Latchkey's Liquibase made. Only columns of
-- liquibase/changes/002-token-family.xml, 006-remember-me.xml and 011-dpop.xml (and user_account's
-- of 001, 005, 009) are written: a later design's added columns must be nullable or defaulted.
-- Instants are epoch milliseconds in bigint columns, as InstantToEpochMillisConverter stores them.
--
-- Shape:
--   * sessions were started evenly over the last 8 days (session f at now - 8 days + (f-1)/families
--     of 8 days, so the table is in start order, as a real one is), each with the default absolute
--     lifetime of 7 days: the eighth started 7 to 8 days ago is past its absolute expiry already,
--     which is one day's worth for housekeeping to prune;
--   * history row j (1..history) belongs to session ((j-1) mod families) + 1 as generation
--     floor((j-1) / families): every session has history/families rows (the oldest one more),
--     generations 0..n, inserted generation after generation, so a session's rows lie far apart
--     in the heap as in a table written by many sessions at once; issued_at steps evenly from
--     the session's start to its last use;
--   * a session's generation is its history rows - 1, its current_token_hash the hash of its last
--     history row, previous_token_hash that of the one before; last_used_at = rotated_at lies in
--     the second half of the session's life so far (never after its expiry); 10 % were logged out
--     (revoked_at, LOGOUT); those rotated in the last 10 minutes (the default housekeeping
--     interval) still carry a grace-window seal;
--   * token hashes are unpadded base64url SHA-256 (43 characters) of a label and the row number:
--     random-looking and unique, like the server's; ids are UUIDs made from the md5 of a label and
--     the row number, so history rows can name their session without a join.
-- Triggers (and so the foreign-key checks) are off while inserting (session_replication_role =
-- replica): every reference is correct by construction, and is checked afterwards by one query.
\set ON_ERROR_STOP on
\timing on

SELECT (extract(epoch FROM now()) * 1000)::bigint AS now_ms \gset
SELECT to_regclass('refresh_token') IS NOT NULL AS has_history \gset
\set day_ms 86400000
\set lifetime_ms 604800000

CREATE FUNCTION pg_temp.bench_hash(label text, n bigint) RETURNS text IMMUTABLE LANGUAGE sql
    AS $$ SELECT translate(encode(sha256(convert_to('latchkey-bench-refresh-storage:' || label || ':' || n, 'UTF8')), 'base64'), '+/=', '-_') $$;
CREATE FUNCTION pg_temp.bench_uuid(label text, n bigint) RETURNS text IMMUTABLE LANGUAGE sql
    AS $$ SELECT md5('latchkey-bench-refresh-storage:' || label || ':' || n)::uuid::text $$;
-- Session f: its start, its end of use (its expiry or now, whichever is first), its last use.
CREATE FUNCTION pg_temp.bench_created(f bigint, families bigint, now_ms bigint) RETURNS bigint IMMUTABLE LANGUAGE sql
    AS $$ SELECT now_ms - 691200000 + ((f - 1) * 691200000) / families $$;
CREATE FUNCTION pg_temp.bench_last_used(f bigint, families bigint, now_ms bigint) RETURNS bigint IMMUTABLE LANGUAGE sql
    AS $$ SELECT c + (least(now_ms, c + 604800000) - c) / 2
                   + ((least(now_ms, c + 604800000) - c) / 2) * (abs(hashtext('used:' || f)) % 1000) / 1000
          FROM (SELECT pg_temp.bench_created(f, families, now_ms) AS c) s $$;
-- History rows of session f.
CREATE FUNCTION pg_temp.bench_rows(f bigint, families bigint, history bigint) RETURNS bigint IMMUTABLE LANGUAGE sql
    AS $$ SELECT history / families + CASE WHEN f <= history % families THEN 1 ELSE 0 END $$;

SET session_replication_role = replica;
BEGIN;

-- Accounts: created a year ago or so, active, password never changed since (so none of their
-- sessions is refused for a password change). Nobody logs in as one: the hash is no valid hash.
INSERT INTO user_account (id, email, password_hash, status, created_at, updated_at, password_changed_at, email_verified_at)
SELECT pg_temp.bench_uuid('user', u),
       'seeded-' || u || '@refresh-storage.bench.example',
       '!seeded-by-bench-refresh-storage',
       'ACTIVE',
       :now_ms - 400::bigint * :day_ms + u,
       :now_ms - 400::bigint * :day_ms + u,
       :now_ms - 400::bigint * :day_ms + u,
       :now_ms - 400::bigint * :day_ms + u + 600000
FROM generate_series(1, :users) AS u;

INSERT INTO user_role (user_id, role_name)
SELECT pg_temp.bench_uuid('user', u), 'user' FROM generate_series(1, :users) AS u;

INSERT INTO token_family (id, user_id, created_at, absolute_expires_at, last_used_at, rotated_at, generation,
                          current_token_hash, previous_token_hash, successor_sealed, user_agent, client_ip,
                          revoked_at, revoked_reason, remember_me)
SELECT pg_temp.bench_uuid('family', f),
       pg_temp.bench_uuid('user', (f - 1) % :users + 1),
       created,
       created + :lifetime_ms,
       last_used,
       last_used,
       greatest(k - 1, 0),
       CASE WHEN k >= 1 THEN pg_temp.bench_hash('token', f + (k - 1) * :families) ELSE pg_temp.bench_hash('first', f) END,
       CASE WHEN k >= 2 THEN pg_temp.bench_hash('token', f + (k - 2) * :families) END,
       -- An AES-GCM seal of a 43-character token, base64url: 96 characters.
       CASE WHEN last_used > :now_ms - 600000 AND k >= 2
            THEN left(pg_temp.bench_hash('seal-a', f) || pg_temp.bench_hash('seal-b', f) || pg_temp.bench_hash('seal-c', f), 96) END,
       (ARRAY['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
              'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
              'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
              'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
              'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
              'okhttp/4.12.0'])[1 + abs(hashtext('agent:' || f)) % 6],
       CASE WHEN abs(hashtext('v6:' || f)) % 5 = 0
            THEN '2001:db8:' || to_hex(abs(hashtext('ip:' || f)) % 65536) || '::' || to_hex(f % 65536)
            ELSE (abs(hashtext('ip:' || f)) % 223 + 1) || '.' || (f / 65536) % 256 || '.' || (f / 256) % 256 || '.' || f % 256 END,
       CASE WHEN abs(hashtext('logout:' || f)) % 10 = 0 THEN last_used END,
       CASE WHEN abs(hashtext('logout:' || f)) % 10 = 0 THEN 'LOGOUT' END,
       0
FROM generate_series(1, :families) AS f,
     LATERAL (SELECT pg_temp.bench_created(f, :families, :now_ms) AS created,
                     pg_temp.bench_last_used(f, :families, :now_ms) AS last_used,
                     pg_temp.bench_rows(f, :families, :history) AS k) AS s;

\if :has_history
INSERT INTO refresh_token (token_hash, family_id, generation, issued_at)
SELECT pg_temp.bench_hash('token', j),
       pg_temp.bench_uuid('family', f),
       g,
       created + CASE WHEN k > 1 THEN ((last_used - created) * g) / (k - 1) ELSE 0 END
FROM generate_series(1, :history) AS j,
     LATERAL (SELECT (j - 1) % :families + 1 AS f, (j - 1) / :families AS g) AS r,
     LATERAL (SELECT pg_temp.bench_created(f, :families, :now_ms) AS created,
                     pg_temp.bench_last_used(f, :families, :now_ms) AS last_used,
                     pg_temp.bench_rows(f, :families, :history) AS k) AS s;
\else
\echo 'no table refresh_token: no history seeded'
\endif

COMMIT;
RESET session_replication_role;

-- The references the disabled foreign keys would have checked.
SELECT count(*) AS sessions_without_account FROM token_family f
WHERE NOT EXISTS (SELECT 1 FROM user_account u WHERE u.id = f.user_id) \gset
\if :has_history
SELECT count(*) AS history_without_session FROM refresh_token t
WHERE NOT EXISTS (SELECT 1 FROM token_family f WHERE f.id = t.family_id) \gset
\else
\set history_without_session 0
\endif
SELECT CASE WHEN :sessions_without_account + :history_without_session > 0 THEN 1/0 ELSE 0 END AS references_hold;

VACUUM ANALYZE user_account;
VACUUM ANALYZE user_role;
VACUUM ANALYZE token_family;
\if :has_history
VACUUM ANALYZE refresh_token;
\endif

-- Written out now, not during the next measurement.
CHECKPOINT;

SELECT count(*) AS sessions,
       count(*) FILTER (WHERE absolute_expires_at <= :now_ms) AS already_expired,
       count(*) FILTER (WHERE successor_sealed IS NOT NULL) AS sealed,
       count(*) FILTER (WHERE revoked_at IS NOT NULL) AS revoked
FROM token_family;
