-- Templates (issue 5): a template is attached to procedures (the places SMS are sent from), at
-- most one default per company and procedure; a template used by messages is hidden instead of
-- deleted, so its name is free for a new one. Messages remember the template and procedure they
-- were written with.

-- The name must be unique among visible templates only. SQLite cannot drop the table's UNIQUE
-- constraint, so the table is rebuilt (nothing refers to it yet).
CREATE TABLE templates_new (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    hidden INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
INSERT INTO templates_new (id, company_id, name, body, hidden, created_at, updated_at)
    SELECT id, company_id, name, body, 0, created_at, created_at FROM templates;
DROP TABLE templates;
ALTER TABLE templates_new RENAME TO templates;
CREATE UNIQUE INDEX templates_name ON templates(company_id, name) WHERE hidden = 0;

-- company_id is repeated here so the database itself can keep one default per procedure.
CREATE TABLE template_procedures (
    template_id INTEGER NOT NULL REFERENCES templates(id) ON DELETE CASCADE,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    procedure TEXT NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    PRIMARY KEY (template_id, procedure)
);
CREATE UNIQUE INDEX template_procedures_default
    ON template_procedures(company_id, procedure) WHERE is_default = 1;
CREATE INDEX template_procedures_company ON template_procedures(company_id, procedure);

ALTER TABLE messages ADD COLUMN template_id INTEGER REFERENCES templates(id);
-- Id of the procedure the message was written from (`sms_form`, …), for its macros.
ALTER TABLE messages ADD COLUMN procedure TEXT;
CREATE INDEX messages_template ON messages(template_id);
