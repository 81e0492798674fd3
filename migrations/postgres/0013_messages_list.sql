-- The messages list (issue 13) pages through a company's messages newest first by when each was
-- written, as (created_at, id) keyset pages, alone or filtered by status or by subject: each
-- has an index that leads with its filter, so a page reads about as many rows as it shows.
CREATE INDEX messages_list ON messages(company_id, created_at, id);
CREATE INDEX messages_list_status ON messages(company_id, status, created_at, id);
CREATE INDEX messages_list_subject ON messages(company_id, subject_id, created_at, id);
