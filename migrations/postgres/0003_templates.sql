-- Templates (issue 5): a template is attached to procedures (the places SMS are sent from), at
-- most one default per company and procedure; a template used by messages is hidden instead of
-- deleted, so its name is free for a new one. Messages remember the template and procedure they
-- were written with.

-- The name must be unique among visible templates only.
ALTER TABLE templates DROP CONSTRAINT templates_company_id_name_key;
ALTER TABLE templates ADD COLUMN hidden BIGINT NOT NULL DEFAULT 0;
ALTER TABLE templates ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
UPDATE templates SET updated_at = created_at;
CREATE UNIQUE INDEX templates_name ON templates(company_id, name) WHERE hidden = 0;

-- company_id is repeated here so the database itself can keep one default per procedure.
CREATE TABLE template_procedures (
    template_id BIGINT NOT NULL REFERENCES templates(id) ON DELETE CASCADE,
    company_id BIGINT NOT NULL REFERENCES companies(id),
    procedure TEXT NOT NULL,
    is_default BIGINT NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    PRIMARY KEY (template_id, procedure)
);
CREATE UNIQUE INDEX template_procedures_default
    ON template_procedures(company_id, procedure) WHERE is_default = 1;
CREATE INDEX template_procedures_company ON template_procedures(company_id, procedure);

ALTER TABLE messages ADD COLUMN template_id BIGINT REFERENCES templates(id);
-- Id of the procedure the message was written from (`sms_form`, …), for its macros.
ALTER TABLE messages ADD COLUMN procedure TEXT;
CREATE INDEX messages_template ON messages(template_id);
