-- A per-part outbox (issue 9): every SMS part has its own row and state from the moment the
-- message is queued, so a retry submits only the parts not yet accepted, and a part whose
-- submission may or may not have reached the SMS centre is known ("unknown", in doubt).
-- Messages get the final statuses a part can give them: expired, rejected and unknown.

ALTER TABLE messages DROP CONSTRAINT messages_status_check;
ALTER TABLE messages ADD CONSTRAINT messages_status_check
    CHECK (status IN ('draft', 'pending', 'sent', 'delivered', 'undelivered',
                      'expired', 'rejected', 'unknown'));

ALTER TABLE message_parts DROP CONSTRAINT message_parts_status_check;
ALTER TABLE message_parts ADD CONSTRAINT message_parts_status_check
    CHECK (status IN ('pending', 'submitting', 'sent', 'delivered',
                      'undelivered', 'expired', 'rejected', 'unknown'));
ALTER TABLE message_parts ALTER COLUMN gateway DROP NOT NULL;
ALTER TABLE message_parts ALTER COLUMN gateway_message_id DROP NOT NULL;
-- Submissions tried; written with 'submitting' before the part leaves.
ALTER TABLE message_parts ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
-- A part given back after a temporary failure waits until then.
ALTER TABLE message_parts ADD COLUMN retry_at BIGINT;
-- When the last submission left, when the gateway accepted it (done_at: when it was final).
ALTER TABLE message_parts ADD COLUMN submitting_at BIGINT;
ALTER TABLE message_parts ADD COLUMN sent_at BIGINT;
UPDATE message_parts p SET attempts = 1, submitting_at = m.submitted_at, sent_at = m.submitted_at
    FROM messages m WHERE m.id = p.message_id;
-- Messages queued but not yet submitted get their pending parts.
INSERT INTO message_parts (message_id, seq, status)
    SELECT m.id, s.seq, 'pending'
    FROM messages m CROSS JOIN LATERAL generate_series(0, m.parts - 1) AS s(seq)
    WHERE m.status = 'pending';
-- Delivery reports find their part by the gateway's id. Not unique: SMS centres reuse ids
-- (a counter that wraps or restarts); a report goes to the latest part sent with it.
ALTER TABLE message_parts DROP CONSTRAINT message_parts_gateway_gateway_message_id_key;
CREATE INDEX message_parts_gateway_id ON message_parts(gateway, gateway_message_id);
-- Parts waiting for a submission or in the middle of one, for the dispatcher.
CREATE INDEX message_parts_open ON message_parts(message_id) WHERE status IN ('pending', 'submitting');
-- The delivery report lists a company's messages by when they were queued.
CREATE INDEX messages_report ON messages(company_id, queued_at);

-- Incoming (mobile-originated) messages as the gateways deliver them, long ones reassembled
-- from their parts. Which company one belongs to is decided when replies are handled.
CREATE TABLE incoming_messages (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    gateway TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    body TEXT NOT NULL,
    parts BIGINT NOT NULL,
    received_at BIGINT NOT NULL
);
-- Parts of a long incoming message until all have arrived.
CREATE TABLE incoming_parts (
    gateway TEXT NOT NULL,
    sender TEXT NOT NULL,
    reference BIGINT NOT NULL,
    total BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    recipient TEXT NOT NULL,
    text TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (gateway, sender, reference, total, seq)
);
