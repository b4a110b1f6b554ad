-- Seeds the admin user-list benchmark (bench/admin/run.sh): :users accounts with distinct,
-- realistic addresses, each holding the built-in role "user", then ANALYZE.
--
--   psql -v users=1000000 -f bench/admin/seed.sql <database whose schema Latchkey's Liquibase made>
--
-- Addresses are first/last names from a mixed list in eight common shapes (john.smith,
-- johnsmith, jsmith, john_smith, john.s, smith.john, john, johnsmi), with no suffix, two digits,
-- a birth year or up to four digits, at weighted domains (the big free-mail providers most often).
-- So a one-letter prefix matches a few per cent of the users, two letters a fraction of that,
-- "john." a few thousand, and so on: the selectivity of real prefixes, not of "user000123@".
-- Everything is a hash of the row number, so every run seeds the same addresses; only the ids
-- (random UUIDs) differ. Rows are inserted in row-number (sign-up) order, which is unrelated to
-- e-mail order, so the table is not physically sorted by e-mail (pg_stats.correlation ~ 0), as in
-- a real user table, and an index scan pays a random heap read per row.
\set ON_ERROR_STOP on
\timing on

BEGIN;

CREATE TEMP TABLE seed_account ON COMMIT DROP AS
WITH names AS (
    SELECT ARRAY['james','john','robert','michael','william','david','richard','joseph','thomas','charles',
                 'christopher','daniel','matthew','anthony','mark','donald','steven','paul','andrew','joshua',
                 'kevin','brian','george','timothy','ronald','edward','jason','jeffrey','ryan','jacob',
                 'gary','nicholas','eric','jonathan','stephen','larry','justin','scott','brandon','benjamin',
                 'mary','patricia','jennifer','linda','elizabeth','barbara','susan','jessica','sarah','karen',
                 'lisa','nancy','betty','margaret','sandra','ashley','kimberly','emily','donna','michelle',
                 'carol','amanda','dorothy','melissa','deborah','stephanie','rebecca','sharon','laura','cynthia',
                 'maria','jose','juan','luis','carlos','ana','sofia','lucia','pablo','diego',
                 'hans','jurgen','anna','lena','felix','lukas','marie','sophie','pierre','camille',
                 'giulia','marco','luca','francesca','wei','li','hiroshi','yuki','aarav','priya',
                 'olga','ivan','dmitri','fatima','ahmed','omar','zainab','kwame','amara','xavier',
                 'quentin','yasmin','ulrich','ingrid','oscar','nina','eva','tom','ben','sam'] AS first,
           ARRAY['smith','johnson','williams','brown','jones','garcia','miller','davis','rodriguez','martinez',
                 'hernandez','lopez','gonzalez','wilson','anderson','thomas','taylor','moore','jackson','martin',
                 'lee','perez','thompson','white','harris','sanchez','clark','ramirez','lewis','robinson',
                 'walker','young','allen','king','wright','scott','torres','nguyen','hill','flores',
                 'green','adams','nelson','baker','hall','rivera','campbell','mitchell','carter','roberts',
                 'muller','schmidt','schneider','fischer','weber','meyer','wagner','becker','schulz','hoffmann',
                 'rossi','russo','ferrari','esposito','bianchi','romano','colombo','ricci','dubois','lefebvre',
                 'moreau','laurent','simon','michel','petit','durand','kowalski','nowak','wisniewski','novak',
                 'ivanov','petrov','sato','suzuki','takahashi','tanaka','wang','zhang','chen','liu',
                 'kumar','singh','patel','sharma','khan','ali','okafor','mensah','silva','santos',
                 'oliveira','costa','pereira','jensen','nielsen','hansen','larsen','andersson','johansson','virtanen',
                 'quinn','xu','yilmaz','zimmermann','underwood','vargas','ortiz','evans','edwards','ellis'] AS last,
           -- weighted: a provider listed n times gets n shares
           ARRAY['gmail.com','gmail.com','gmail.com','gmail.com','gmail.com','gmail.com','gmail.com','gmail.com',
                 'yahoo.com','yahoo.com','yahoo.com','outlook.com','outlook.com','outlook.com','hotmail.com','hotmail.com',
                 'icloud.com','icloud.com','aol.com','proton.me','gmx.de','web.de','t-online.de','orange.fr',
                 'free.fr','libero.it','yandex.ru','mail.ru','qq.com','163.com','naver.com','yahoo.co.jp',
                 'acme-corp.com','initech.com','globex.example','umbrella.org','example.edu','stark-industries.com',
                 'wayne-enterprises.com','hooli.com','piedpiper.io','contoso.com','fabrikam.net','northwind.example',
                 'university.ac.uk','cs.university.edu','mail.startup.io','consulting.co'] AS domain
), draw AS (
    SELECT i,
           abs(hashtext(i || ':f')) AS hf, abs(hashtext(i || ':l')) AS hl, abs(hashtext(i || ':p')) % 100 AS hp,
           abs(hashtext(i || ':s')) % 100 AS hs, abs(hashtext(i || ':n')) AS hn, abs(hashtext(i || ':d')) AS hd
    FROM generate_series(1, (:users * 6) / 5) AS i
), parts AS (
    SELECT i,
           n.first[1 + hf % cardinality(n.first)] AS f,
           n.last[1 + hl % cardinality(n.last)] AS l,
           hp, hs, hn,
           n.domain[1 + hd % cardinality(n.domain)] AS d
    FROM draw, names n
), address AS (
    SELECT i,
           CASE WHEN hp < 30 THEN f || '.' || l
                WHEN hp < 45 THEN f || l
                WHEN hp < 55 THEN left(f, 1) || l
                WHEN hp < 65 THEN f || '_' || l
                WHEN hp < 75 THEN f || '.' || left(l, 1)
                WHEN hp < 85 THEN l || '.' || f
                WHEN hp < 92 THEN f
                ELSE f || left(l, 3) END
           || CASE WHEN hs < 45 THEN ''
                   WHEN hs < 70 THEN (hn % 100)::text
                   WHEN hs < 85 THEN (1950 + hn % 56)::text
                   ELSE (hn % 10000)::text END
           || '@' || d AS email
    FROM parts
), first_of_each AS (
    -- one row per distinct address: the first row number that drew it
    SELECT DISTINCT ON (email) email, i FROM address ORDER BY email, i
)
SELECT email, i FROM first_of_each ORDER BY i LIMIT :users;

SELECT count(*) AS distinct_addresses FROM seed_account \gset
SELECT CASE WHEN :distinct_addresses < :users THEN 1/0 ELSE 0 END AS enough_distinct_addresses;

-- Sign-up order (i) spread over 2019-01-01 .. 2025-06-30; 3 % disabled, 8 % never verified,
-- 20 % never logged in. password_hash is no valid hash: nobody logs in as a seeded user.
INSERT INTO user_account (id, email, password_hash, status, created_at, updated_at, password_changed_at,
                          email_verified_at, mfa_enabled_at, last_login_at, version)
SELECT gen_random_uuid()::text,
       email,
       '!seeded-by-bench-admin',
       CASE WHEN abs(hashtext(i || ':status')) % 100 < 3 THEN 'DISABLED' ELSE 'ACTIVE' END,
       1546300800000 + i * ((1751241600000 - 1546300800000) / :users),
       1546300800000 + i * ((1751241600000 - 1546300800000) / :users),
       1546300800000 + i * ((1751241600000 - 1546300800000) / :users),
       CASE WHEN abs(hashtext(i || ':verified')) % 100 < 8 THEN NULL
            ELSE 1546300800000 + i * ((1751241600000 - 1546300800000) / :users) + 600000 END,
       CASE WHEN abs(hashtext(i || ':mfa')) % 100 < 5 THEN 1546300800000 + i * ((1751241600000 - 1546300800000) / :users) END,
       CASE WHEN abs(hashtext(i || ':login')) % 100 < 20 THEN NULL
            ELSE 1751241600000 + abs(hashtext(i || ':last')) % 15552000000 END,
       0
FROM seed_account
ORDER BY i;

INSERT INTO user_role (user_id, role_name)
SELECT id, 'user' FROM user_account WHERE password_hash = '!seeded-by-bench-admin';

COMMIT;

VACUUM ANALYZE user_account;
VACUUM ANALYZE user_role;

SELECT count(*) AS seeded_users FROM user_account WHERE password_hash = '!seeded-by-bench-admin';
SELECT attname, n_distinct, round(correlation::numeric, 3) AS correlation
FROM pg_stats WHERE tablename = 'user_account' AND attname IN ('email', 'id');
SELECT pg_size_pretty(pg_table_size('user_account')) AS user_account_table,
       pg_size_pretty(pg_relation_size('uq_user_account_email')) AS email_index;
