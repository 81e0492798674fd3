-- Sending through the HTTP API (issue 13).

-- The answer to each request sent with an Idempotency-Key, stored in the transaction that made
-- its messages: the same key again gets this answer, and makes nothing new.
CREATE TABLE api_requests (
    company_id INTEGER NOT NULL REFERENCES companies(id),
    idempotency_key TEXT NOT NULL,
    -- SHA-256 of the method, path and body: the key used for another request is refused.
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    answer TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (company_id, idempotency_key)
);

-- One status webhook per account: status changes of its messages (message_events after
-- cursor) are posted to url, signed with secret, in order; a failed post is tried again later.
CREATE TABLE webhooks (
    account_id INTEGER PRIMARY KEY REFERENCES accounts(id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    cursor INTEGER NOT NULL DEFAULT 0,
    -- Failed posts in a row, and when the next try is due.
    failures INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL DEFAULT 0,
    lease_until INTEGER,
    updated_at INTEGER NOT NULL
);

-- Every post of the webhook, as the administrator sees them.
CREATE TABLE webhook_attempts (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    at INTEGER NOT NULL,
    first_event INTEGER NOT NULL,
    last_event INTEGER NOT NULL,
    events INTEGER NOT NULL,
    status_code INTEGER,
    error TEXT,
    delivered INTEGER NOT NULL
);
CREATE INDEX webhook_attempts_account ON webhook_attempts(account_id, id);

-- Links the ERP's "Send SMS" button opens: the composer about a document or task, for an
-- operator who is logged in. Only the token's hash is kept; a link lives a few minutes.
CREATE TABLE composer_links (
    token_hash TEXT PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    document_id INTEGER REFERENCES documents(id),
    task_id INTEGER REFERENCES tasks(id),
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
