-- Foundation schema: tenancy, operators and sessions, a minimal address book and templates
-- (grown by later migrations), and the message outbox with per-part delivery state.
-- Timestamps are epoch milliseconds (UTC); flags are INTEGER 0/1.

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE companies (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    stamp_name TEXT NOT NULL,
    stamp_address TEXT NOT NULL,
    stamp_nip TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE operators (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL CHECK (role IN ('administrator', 'operator')),
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE operator_companies (
    operator_id INTEGER NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    PRIMARY KEY (operator_id, company_id)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    operator_id INTEGER NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_operator ON sessions(operator_id);

CREATE TABLE subjects (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    kind TEXT NOT NULL CHECK (kind IN ('contractor', 'employee', 'office', 'bank')),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    sms_phone TEXT,
    email TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    UNIQUE (company_id, kind, code)
);

CREATE TABLE representatives (
    id INTEGER PRIMARY KEY,
    subject_id INTEGER NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT '',
    sms_phone TEXT,
    email TEXT,
    active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE templates (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (company_id, name)
);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    operator_id INTEGER NOT NULL REFERENCES operators(id),
    phone TEXT NOT NULL,
    body TEXT NOT NULL,
    encoding TEXT NOT NULL CHECK (encoding IN ('gsm7', 'ucs2')),
    parts INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'pending', 'sent', 'delivered', 'undelivered')),
    error TEXT,
    -- Lease of the dispatcher that is submitting it; a crashed dispatcher's lease expires.
    claimed_until INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    queued_at INTEGER,
    submitted_at INTEGER,
    done_at INTEGER
);
CREATE INDEX messages_company ON messages(company_id, updated_at);
CREATE INDEX messages_outbox ON messages(status, id);

-- One row per SMS part the gateway accepted; delivery reports arrive per part.
CREATE TABLE message_parts (
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    gateway TEXT NOT NULL,
    gateway_message_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('sent', 'delivered', 'undelivered')),
    error TEXT,
    done_at INTEGER,
    PRIMARY KEY (message_id, seq),
    UNIQUE (gateway, gateway_message_id)
);

-- Status history of a message, oldest first.
CREATE TABLE message_events (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    detail TEXT,
    at INTEGER NOT NULL
);
CREATE INDEX message_events_message ON message_events(message_id, id);
