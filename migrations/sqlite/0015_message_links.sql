-- The SMS form's [Dokumenty] tab (issue 13): documents, tasks and CRM contacts a message is
-- linked to besides the one it was written about, linked and unlinked also after it was sent.

-- A contact-log entry (kontakt CRM): what was said or done with a subject, and when.
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    subject_id INTEGER REFERENCES subjects(id),
    operator_id INTEGER NOT NULL REFERENCES operators(id),
    note TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX contacts_company ON contacts(company_id, subject_id, at);

CREATE TABLE message_links (
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('document', 'task', 'contact')),
    target_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (message_id, kind, target_id)
);
CREATE INDEX message_links_target ON message_links(kind, target_id);
