-- Delivery reports for an id no part was recorded with, and that matched no part in doubt:
-- kept with what they say, for the record.
CREATE TABLE unmatched_reports (
    id INTEGER PRIMARY KEY,
    gateway TEXT NOT NULL,
    gateway_message_id TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    -- The handset the part was for, and the start of its text, where the receipt says them.
    destination TEXT,
    quoted TEXT,
    received_at INTEGER NOT NULL
);
