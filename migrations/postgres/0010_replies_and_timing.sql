-- Two-way SMS and timing (issue 10): replies tied to a company, its subject and the message
-- they answer; opt-out by STOP with every change kept; message categories; scheduled sends;
-- quiet hours.

-- Transactional (the default) or marketing; and when a message may go, for one scheduled or
-- held back by quiet hours (NULL: at once).
ALTER TABLE messages ADD COLUMN category TEXT NOT NULL DEFAULT 'transactional'
    CHECK (category IN ('transactional', 'marketing'));
ALTER TABLE messages ADD COLUMN send_at BIGINT;
-- A reply finds the last message sent to its number.
CREATE INDEX messages_phone ON messages(phone, id);

-- Quiet hours: sending allowed from quiet_from to quiet_to (minutes after local midnight) on
-- quiet_days (bit 0 Monday … bit 6 Sunday). opt_out_everything: an opted-out number gets no
-- message at all, not only no marketing. opt_out_words: the company's own STOP words.
ALTER TABLE companies ADD COLUMN quiet_from BIGINT NOT NULL DEFAULT 480;
ALTER TABLE companies ADD COLUMN quiet_to BIGINT NOT NULL DEFAULT 1200;
ALTER TABLE companies ADD COLUMN quiet_days BIGINT NOT NULL DEFAULT 63;
ALTER TABLE companies ADD COLUMN opt_out_everything BIGINT NOT NULL DEFAULT 0;
ALTER TABLE companies ADD COLUMN opt_out_words TEXT NOT NULL DEFAULT '';

-- A reply belongs to the company whose message it answers (NULL: it answers none of ours),
-- and is shown with that message and its subject. opt_change: 'out' or 'in' when it changed
-- the number's opt-out.
ALTER TABLE incoming_messages ADD COLUMN company_id BIGINT REFERENCES companies(id);
ALTER TABLE incoming_messages ADD COLUMN subject_id BIGINT REFERENCES subjects(id);
ALTER TABLE incoming_messages ADD COLUMN message_id BIGINT REFERENCES messages(id);
ALTER TABLE incoming_messages ADD COLUMN opt_change TEXT;
CREATE INDEX incoming_company ON incoming_messages(company_id, received_at);
CREATE INDEX incoming_subject ON incoming_messages(subject_id) WHERE subject_id IS NOT NULL;
CREATE INDEX incoming_message ON incoming_messages(message_id) WHERE message_id IS NOT NULL;

-- Numbers opted out of a company's messages, since when.
CREATE TABLE opt_outs (
    company_id BIGINT NOT NULL REFERENCES companies(id),
    phone TEXT NOT NULL,
    since BIGINT NOT NULL,
    PRIMARY KEY (company_id, phone)
);
-- Every opt-out and opt-in: the number, when, how (a reply or an operator), and the reply and
-- the message it answered, or the operator.
CREATE TABLE opt_out_changes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies(id),
    phone TEXT NOT NULL,
    opted_out BIGINT NOT NULL,
    how TEXT NOT NULL CHECK (how IN ('reply', 'operator')),
    at BIGINT NOT NULL,
    incoming_id BIGINT REFERENCES incoming_messages(id),
    message_id BIGINT REFERENCES messages(id),
    operator_id BIGINT REFERENCES operators(id)
);
CREATE INDEX opt_out_changes_company ON opt_out_changes(company_id, at);
