-- Serial sends (issue 13): one batch per "Wyślij SMS" on a selection of a list. Its rows are
-- the recipients, rendered and checked by a background job that survives restarts (each row is
-- prepared once, in order, and committed in chunks); sending makes each valid row's message
-- once (the row keeps its message's id, written in the same transaction as the message).

CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    operator_id INTEGER NOT NULL REFERENCES operators(id),
    -- Chosen by the composer when it opens: the same request twice makes one batch.
    request_key TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('subjects', 'documents')),
    procedure TEXT NOT NULL,
    template_id INTEGER REFERENCES templates(id),
    body TEXT NOT NULL,
    category TEXT NOT NULL,
    urgent INTEGER NOT NULL DEFAULT 0,
    -- The time the operator chose, and when the messages go once quiet hours are applied.
    chosen_send_at INTEGER,
    send_at INTEGER,
    from_number INTEGER NOT NULL DEFAULT 0,
    sender TEXT,
    without_polish INTEGER NOT NULL DEFAULT 0,
    -- preparing → ready → sending → sent, or saving → saved; or discarded.
    state TEXT NOT NULL CHECK (state IN ('preparing', 'ready', 'sending', 'saving', 'sent', 'saved', 'discarded')),
    total INTEGER NOT NULL,
    -- Lease of the job working on it; a crashed job's lease expires and another resumes.
    lease_until INTEGER,
    created_at INTEGER NOT NULL,
    UNIQUE (company_id, request_key)
);
CREATE INDEX batches_unfinished ON batches(state, lease_until);

CREATE TABLE batch_rows (
    batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    subject_id INTEGER REFERENCES subjects(id),
    document_id INTEGER REFERENCES documents(id),
    prepared INTEGER NOT NULL DEFAULT 0,
    -- E.164 when valid, else as the address book has it.
    phone TEXT,
    -- The filled text; the template's text when its macros cannot be filled.
    text TEXT,
    parts INTEGER,
    -- Parts without Polish characters.
    plain_parts INTEGER,
    -- Why the row cannot be sent (NULL: it can): no_phone, invalid_phone, opted_out,
    -- unfilled (detail: the macros), duplicate, too_long, no_subject.
    problem TEXT,
    detail TEXT,
    -- Its message was made (the message may since be deleted, a draft).
    made INTEGER NOT NULL DEFAULT 0,
    message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    PRIMARY KEY (batch_id, seq)
);
CREATE INDEX batch_rows_phone ON batch_rows(batch_id, phone);
