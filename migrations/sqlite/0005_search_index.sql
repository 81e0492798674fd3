-- Address book search with 100,000 subjects in one company (issue 4). `search_text LIKE
-- '%word%'` cannot use a B-tree index, so a rare word or a code read every subject of the
-- company (about 0.3 s). A trigram index finds the subjects containing a word of three letters
-- or more; the search still applies its LIKEs, so what matches is unchanged.

-- External content: the text stays in subjects only; the triggers keep the index in step, as
-- FTS5 requires of such tables.
CREATE VIRTUAL TABLE subjects_search USING fts5(
    search_text, content = 'subjects', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO subjects_search (subjects_search) VALUES ('rebuild');

CREATE TRIGGER subjects_search_insert AFTER INSERT ON subjects BEGIN
    INSERT INTO subjects_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER subjects_search_delete AFTER DELETE ON subjects BEGIN
    INSERT INTO subjects_search (subjects_search, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
END;
-- Saving a subject writes search_text every time; the index changes only when the text does.
CREATE TRIGGER subjects_search_update AFTER UPDATE OF search_text ON subjects
WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO subjects_search (subjects_search, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    INSERT INTO subjects_search (rowid, search_text) VALUES (new.id, new.search_text);
END;

-- The list and the picker filtered by kind read this in name order instead of skipping the
-- other kinds' subjects.
CREATE INDEX subjects_company_kind_name ON subjects(company_id, kind, sort_name);
