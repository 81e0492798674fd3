-- Documents and tasks: searched like the address book, and linked from the messages sent
-- about them (issue 4 lists, issue 5 composer with a document or task).

-- Folded text to search (lower case, no diacritics), written by the application with
-- `fold_for_search`: a document's number and external id, a task's title and external id.
-- Rows stored before this migration are folded here for Polish letters, as the application
-- would for Polish text.
ALTER TABLE documents ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
UPDATE documents SET search_text = LOWER(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(number || ' ' || COALESCE(external_id, ''), 'ą', 'a'), 'ć', 'c'), 'ę', 'e'), 'ł', 'l'), 'ń', 'n'), 'ó', 'o'), 'ś', 's'), 'ź', 'z'), 'ż', 'z'), 'Ą', 'a'), 'Ć', 'c'), 'Ę', 'e'), 'Ł', 'l'), 'Ń', 'n'), 'Ó', 'o'), 'Ś', 's'), 'Ź', 'z'), 'Ż', 'z'));
ALTER TABLE tasks ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
UPDATE tasks SET search_text = LOWER(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(title || ' ' || COALESCE(external_id, ''), 'ą', 'a'), 'ć', 'c'), 'ę', 'e'), 'ł', 'l'), 'ń', 'n'), 'ó', 'o'), 'ś', 's'), 'ź', 'z'), 'ż', 'z'), 'Ą', 'a'), 'Ć', 'c'), 'Ę', 'e'), 'Ł', 'l'), 'Ń', 'n'), 'Ó', 'o'), 'Ś', 's'), 'Ź', 'z'), 'Ż', 'z'));

-- The document or task a message was sent about (its macros were filled from it).
ALTER TABLE messages ADD COLUMN document_id BIGINT REFERENCES documents(id);
ALTER TABLE messages ADD COLUMN task_id BIGINT REFERENCES tasks(id);
CREATE INDEX messages_document ON messages(document_id) WHERE document_id IS NOT NULL;
CREATE INDEX messages_task ON messages(task_id) WHERE task_id IS NOT NULL;
