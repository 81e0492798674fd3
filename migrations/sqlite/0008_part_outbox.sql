-- A per-part outbox (issue 9): every SMS part has its own row and state from the moment the
-- message is queued, so a retry submits only the parts not yet accepted, and a part whose
-- submission may or may not have reached the SMS centre is known ("unknown", in doubt).
-- Messages get the final statuses a part can give them: expired, rejected and unknown.
--
-- SQLite cannot change a CHECK constraint, so the three tables are rebuilt. Migrations run in a
-- transaction, where foreign keys cannot be switched off, and dropping a table deletes its rows
-- first, cascading to the rows that refer to them: so the new child tables refer to the new
-- messages table, the old tables are dropped children first, and the renames carry the
-- references over to the final names.

CREATE TABLE messages_new (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    operator_id INTEGER NOT NULL REFERENCES operators(id),
    phone TEXT NOT NULL,
    body TEXT NOT NULL,
    encoding TEXT NOT NULL CHECK (encoding IN ('gsm7', 'ucs2')),
    parts INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'pending', 'sent', 'delivered', 'undelivered',
                                           'expired', 'rejected', 'unknown')),
    error TEXT,
    claimed_until INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    queued_at INTEGER,
    submitted_at INTEGER,
    done_at INTEGER,
    subject_id INTEGER REFERENCES subjects(id),
    representative_id INTEGER REFERENCES representatives(id),
    template_id INTEGER REFERENCES templates(id),
    procedure TEXT,
    document_id INTEGER REFERENCES documents(id),
    task_id INTEGER REFERENCES tasks(id)
);
INSERT INTO messages_new (id, company_id, operator_id, phone, body, encoding, parts, status, error,
                          claimed_until, attempts, created_at, updated_at, queued_at, submitted_at,
                          done_at, subject_id, representative_id, template_id, procedure,
                          document_id, task_id)
    SELECT id, company_id, operator_id, phone, body, encoding, parts, status, error,
           claimed_until, attempts, created_at, updated_at, queued_at, submitted_at,
           done_at, subject_id, representative_id, template_id, procedure, document_id, task_id
    FROM messages;

CREATE TABLE message_parts_new (
    message_id INTEGER NOT NULL REFERENCES messages_new(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'submitting', 'sent', 'delivered',
                                           'undelivered', 'expired', 'rejected', 'unknown')),
    -- Submissions tried; written with 'submitting' before the part leaves.
    attempts INTEGER NOT NULL DEFAULT 0,
    -- A part given back after a temporary failure waits until then.
    retry_at INTEGER,
    gateway TEXT,
    gateway_message_id TEXT,
    error TEXT,
    -- When the last submission left, when the gateway accepted it, when it was final.
    submitting_at INTEGER,
    sent_at INTEGER,
    done_at INTEGER,
    PRIMARY KEY (message_id, seq)
);
INSERT INTO message_parts_new (message_id, seq, status, attempts, gateway, gateway_message_id,
                               error, submitting_at, sent_at, done_at)
    SELECT p.message_id, p.seq, p.status, 1, p.gateway, p.gateway_message_id, p.error,
           m.submitted_at, m.submitted_at, p.done_at
    FROM message_parts p JOIN messages m ON m.id = p.message_id;
-- Messages queued but not yet submitted get their pending parts.
WITH RECURSIVE seqs(message_id, seq, parts) AS (
    SELECT id, 0, parts FROM messages WHERE status = 'pending'
    UNION ALL
    SELECT message_id, seq + 1, parts FROM seqs WHERE seq + 1 < parts
)
INSERT INTO message_parts_new (message_id, seq, status)
    SELECT message_id, seq, 'pending' FROM seqs;

CREATE TABLE message_events_new (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages_new(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    detail TEXT,
    at INTEGER NOT NULL
);
INSERT INTO message_events_new (id, message_id, status, detail, at)
    SELECT id, message_id, status, detail, at FROM message_events;

DROP TABLE message_parts;
DROP TABLE message_events;
DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;
ALTER TABLE message_parts_new RENAME TO message_parts;
ALTER TABLE message_events_new RENAME TO message_events;

CREATE INDEX messages_company ON messages(company_id, updated_at);
CREATE INDEX messages_outbox ON messages(status, id);
CREATE INDEX messages_template ON messages(template_id);
CREATE INDEX messages_document ON messages(document_id) WHERE document_id IS NOT NULL;
CREATE INDEX messages_task ON messages(task_id) WHERE task_id IS NOT NULL;
CREATE INDEX message_events_message ON message_events(message_id, id);
-- Delivery reports find their part by the gateway's id. Not unique: SMS centres reuse ids
-- (a counter that wraps or restarts); a report goes to the latest part sent with it.
CREATE INDEX message_parts_gateway_id ON message_parts(gateway, gateway_message_id);
-- Parts waiting for a submission or in the middle of one, for the dispatcher.
CREATE INDEX message_parts_open ON message_parts(message_id) WHERE status IN ('pending', 'submitting');
-- The delivery report lists a company's messages by when they were queued.
CREATE INDEX messages_report ON messages(company_id, queued_at);

-- Incoming (mobile-originated) messages as the gateways deliver them, long ones reassembled
-- from their parts. Which company one belongs to is decided when replies are handled.
CREATE TABLE incoming_messages (
    id INTEGER PRIMARY KEY,
    gateway TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    body TEXT NOT NULL,
    parts INTEGER NOT NULL,
    received_at INTEGER NOT NULL
);
-- Parts of a long incoming message until all have arrived.
CREATE TABLE incoming_parts (
    gateway TEXT NOT NULL,
    sender TEXT NOT NULL,
    reference INTEGER NOT NULL,
    total INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    recipient TEXT NOT NULL,
    text TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (gateway, sender, reference, total, seq)
);
