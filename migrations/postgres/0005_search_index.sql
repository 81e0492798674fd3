-- Address book search with 100,000 subjects in one company (issue 4). `search_text LIKE
-- '%word%'` cannot use a B-tree index, so a rare word or a code read every subject of the
-- company (about 50 ms). A trigram index (pg_trgm) serves LIKE '%word%' for words of three
-- letters or more; the planner chooses between it and the name index.
-- pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the role that migrates
-- needs CREATE on the database (its owner has it), not superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX subjects_search_text ON subjects USING gin (search_text gin_trgm_ops);

-- The list and the picker filtered by kind read this in name order instead of skipping the
-- other kinds' subjects.
CREATE INDEX subjects_company_kind_name ON subjects(company_id, kind, sort_name);
