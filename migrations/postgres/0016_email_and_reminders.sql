-- The e-mail channel, the reminder automaton and notifications about new correspondence
-- (issue 15).

-- SMTP accounts mail goes from: the company's (operator_id NULL) and an operator's own in
-- that company, so replies to what they send reach them. The password is sealed with the
-- server's key (AES-256-GCM, base64 of nonce and ciphertext) and never shown back.
CREATE TABLE email_accounts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies(id),
    operator_id BIGINT REFERENCES operators(id) ON DELETE CASCADE,
    host TEXT NOT NULL,
    port BIGINT NOT NULL,
    tls TEXT NOT NULL CHECK (tls IN ('none', 'starttls', 'tls')),
    login TEXT NOT NULL DEFAULT '',
    password_sealed TEXT NOT NULL DEFAULT '',
    from_name TEXT NOT NULL,
    from_address TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX email_accounts_company ON email_accounts(company_id) WHERE operator_id IS NULL;
CREATE UNIQUE INDEX email_accounts_operator ON email_accounts(company_id, operator_id) WHERE operator_id IS NOT NULL;

-- Files mail carries: a template's fixed attachments, a document's printout pushed by the ERP.
CREATE TABLE files (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies(id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content BYTEA NOT NULL,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX files_company ON files(company_id);

-- E-mail templates: a subject and a body with the SMS templates' macros, for one procedure,
-- at most one default per procedure.
CREATE TABLE email_templates (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies(id),
    procedure TEXT NOT NULL,
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    is_default BIGINT NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX email_templates_name ON email_templates(company_id, name);
CREATE UNIQUE INDEX email_templates_default ON email_templates(company_id, procedure) WHERE is_default = 1;

CREATE TABLE email_template_files (
    template_id BIGINT NOT NULL REFERENCES email_templates(id) ON DELETE CASCADE,
    file_id BIGINT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    PRIMARY KEY (template_id, file_id)
);

ALTER TABLE documents ADD COLUMN printout_file_id BIGINT REFERENCES files(id) ON DELETE SET NULL;

-- Every e-mail, queued until the SMTP server takes it: sent, or failed with its answer after
-- a refusal or the last of the retries of a temporary failure. lease_until: a server is
-- sending it (several servers share the queue).
CREATE TABLE emails (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies(id),
    operator_id BIGINT REFERENCES operators(id),
    account_id BIGINT REFERENCES email_accounts(id) ON DELETE SET NULL,
    to_address TEXT NOT NULL,
    subject_id BIGINT REFERENCES subjects(id),
    document_id BIGINT REFERENCES documents(id),
    task_id BIGINT REFERENCES tasks(id) ON DELETE SET NULL,
    template_id BIGINT REFERENCES email_templates(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until BIGINT,
    error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX emails_due ON emails(status, next_attempt_at);
CREATE INDEX emails_company ON emails(company_id, created_at, id);

CREATE TABLE email_files (
    email_id BIGINT NOT NULL REFERENCES emails(id) ON DELETE CASCADE,
    file_id BIGINT NOT NULL REFERENCES files(id),
    PRIMARY KEY (email_id, file_id)
);

-- Recurring tasks: each occurrence starts `recurrence` after the one before, until
-- recurrence_until (inclusive) or for ever.
ALTER TABLE tasks ADD COLUMN recurrence TEXT CHECK (recurrence IN ('daily', 'weekly', 'monthly'));
ALTER TABLE tasks ADD COLUMN recurrence_until BIGINT;

-- An operator's own number, for reminders by SMS about their tasks.
ALTER TABLE operators ADD COLUMN sms_phone TEXT NOT NULL DEFAULT '';

-- The reminder automaton of a company: on or off, on whose behalf, from which e-mail account.
CREATE TABLE reminder_settings (
    company_id BIGINT PRIMARY KEY REFERENCES companies(id),
    enabled BIGINT NOT NULL DEFAULT 0,
    operator_id BIGINT REFERENCES operators(id),
    email_account_id BIGINT REFERENCES email_accounts(id) ON DELETE SET NULL,
    updated_at BIGINT NOT NULL
);

-- How clients and operators are reminded: the company's defaults (task_id NULL) and a task's
-- own. Minutes are counted back from the start of the task (Termin od).
CREATE TABLE reminder_rules (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies(id),
    task_id BIGINT REFERENCES tasks(id) ON DELETE CASCADE,
    audience TEXT NOT NULL CHECK (audience IN ('client', 'operator')),
    enabled BIGINT NOT NULL DEFAULT 0,
    channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    sms_template_id BIGINT REFERENCES templates(id) ON DELETE SET NULL,
    sms_minutes_before BIGINT NOT NULL,
    email_template_id BIGINT REFERENCES email_templates(id) ON DELETE SET NULL,
    email_minutes_before BIGINT NOT NULL
);
CREATE UNIQUE INDEX reminder_rules_company ON reminder_rules(company_id, audience) WHERE task_id IS NULL;
CREATE UNIQUE INDEX reminder_rules_task ON reminder_rules(task_id, audience) WHERE task_id IS NOT NULL;

-- Each reminder the automaton took, once: the unique key is what makes it once across
-- restarts and servers (recipient: 'client:SUBJECT' or 'operator:OPERATOR'). outcome: sent
-- (queued as an SMS or e-mail), skipped (reason).
CREATE TABLE reminders (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies(id),
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    occurrence_at BIGINT NOT NULL,
    recipient TEXT NOT NULL,
    recipient_name TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    minutes_before BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'skipped')),
    reason TEXT,
    message_id BIGINT REFERENCES messages(id) ON DELETE SET NULL,
    email_id BIGINT REFERENCES emails(id) ON DELETE SET NULL,
    at BIGINT NOT NULL,
    UNIQUE (task_id, occurrence_at, recipient, channel, minutes_before)
);
CREATE INDEX reminders_company ON reminders(company_id, at);

-- The background services' last cycle, for the settings page (any server writes it).
CREATE TABLE service_cycles (
    service TEXT PRIMARY KEY,
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    next_at BIGINT,
    error TEXT
);

-- Notifications about new correspondence: on or off, the sender name, the default text.
CREATE TABLE notification_settings (
    company_id BIGINT PRIMARY KEY REFERENCES companies(id),
    enabled BIGINT NOT NULL DEFAULT 0,
    sender TEXT,
    text TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- One notification per registration: the items registered together for a client.
CREATE TABLE correspondence_notices (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies(id),
    subject_id BIGINT NOT NULL REFERENCES subjects(id),
    text TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'skipped')),
    reason TEXT,
    created_at BIGINT NOT NULL
);

-- Letters and parcels received for a client.
CREATE TABLE correspondence (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies(id),
    subject_id BIGINT NOT NULL REFERENCES subjects(id),
    received_on TEXT NOT NULL,
    sender TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    notice_id BIGINT REFERENCES correspondence_notices(id),
    operator_id BIGINT REFERENCES operators(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX correspondence_company ON correspondence(company_id, created_at, id);

ALTER TABLE messages ADD COLUMN notice_id BIGINT REFERENCES correspondence_notices(id);
