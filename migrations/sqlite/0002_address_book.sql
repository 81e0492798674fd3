-- Address book, documents and tasks, API tokens, login throttling (issue 4).
-- Texts that are dates without a time (document dates) are ISO 'YYYY-MM-DD'; money is INTEGER
-- minor units; instants are epoch milliseconds (UTC).

ALTER TABLE operators ADD COLUMN active INTEGER NOT NULL DEFAULT 1;

-- Failed logins, counted per login over a window to slow down password guessing; kept in the
-- database so several servers share the count.
CREATE TABLE login_failures (
    login TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX login_failures_login ON login_failures(login, at);

ALTER TABLE subjects ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE subjects ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE subjects ADD COLUMN nip TEXT NOT NULL DEFAULT '';
-- Employees: owner or partner (właściciel/wspólnik).
ALTER TABLE subjects ADD COLUMN is_owner INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subjects ADD COLUMN notifications_enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE subjects ADD COLUMN external_id TEXT;
-- Further fields pushed by the ERP (JSON object), reachable by templates by path.
ALTER TABLE subjects ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';
-- Code, name, phone digits, e-mail, NIP and the representatives' names and phones, folded to
-- lower case without diacritics ("Łódź" → "lodz"), for search that ignores case and Polish
-- letters; written by the application on every change.
ALTER TABLE subjects ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE subjects ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX subjects_external_id ON subjects(company_id, external_id) WHERE external_id IS NOT NULL;
-- The name folded the same way, so lists sort "Łódź" among the L's on both databases.
ALTER TABLE subjects ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';
CREATE INDEX subjects_company_name ON subjects(company_id, sort_name);

-- Numbers for notifications about new correspondence: several per subject, each with the
-- country calling code it was entered with.
CREATE TABLE subject_notification_numbers (
    id INTEGER PRIMARY KEY,
    subject_id INTEGER NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
    country_code TEXT NOT NULL,
    phone TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (subject_id, phone)
);

ALTER TABLE representatives ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX representatives_external_id ON representatives(subject_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX representatives_subject ON representatives(subject_id);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    kind TEXT NOT NULL CHECK (kind IN ('sales_invoice', 'order', 'contract', 'transport_order', 'other')),
    number TEXT NOT NULL,
    issue_date TEXT NOT NULL,
    due_date TEXT,
    gross_amount INTEGER NOT NULL DEFAULT 0,
    left_to_pay INTEGER NOT NULL DEFAULT 0,
    currency TEXT NOT NULL DEFAULT 'PLN',
    subject_id INTEGER REFERENCES subjects(id),
    external_id TEXT,
    attributes TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX documents_external_id ON documents(company_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX documents_company ON documents(company_id, issue_date);
CREATE INDEX documents_subject ON documents(subject_id);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    title TEXT NOT NULL,
    subject_id INTEGER REFERENCES subjects(id),
    operator_id INTEGER REFERENCES operators(id),
    starts_at INTEGER NOT NULL,
    ends_at INTEGER,
    done INTEGER NOT NULL DEFAULT 0,
    external_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX tasks_external_id ON tasks(company_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX tasks_company ON tasks(company_id, starts_at);

-- Tokens of the host ERP for the HTTP API; only a SHA-256 of each is stored.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    -- The first characters of the token, so administrators can tell tokens apart.
    prefix TEXT NOT NULL,
    created_by INTEGER REFERENCES operators(id),
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);
CREATE INDEX api_tokens_account ON api_tokens(account_id);

-- The recipient a message was written to (kept when the subject is deactivated).
ALTER TABLE messages ADD COLUMN subject_id INTEGER REFERENCES subjects(id);
ALTER TABLE messages ADD COLUMN representative_id INTEGER REFERENCES representatives(id);
