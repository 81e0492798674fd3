-- Prepaid credits (issue 14): one pool of SMS credits per account, kept as a ledger. Every
-- change is an entry; the pool row holds the entries' running sums (written in the same
-- transaction as each entry) so a send need not add up the whole ledger, and its CHECKs make
-- the database itself refuse a pool below zero.

CREATE TABLE credit_pools (
    account_id BIGINT PRIMARY KEY REFERENCES accounts(id),
    -- Credits that can be spent: bought and corrected, less those held and charged.
    available BIGINT NOT NULL DEFAULT 0 CHECK (available >= 0),
    -- Credits held by queued messages, not yet charged nor given back.
    held BIGINT NOT NULL DEFAULT 0 CHECK (held >= 0),
    -- The administrators are warned when available falls below this (0: never).
    alert_below BIGINT NOT NULL DEFAULT 0 CHECK (alert_below >= 0),
    -- When the low-balance warning went out; cleared when the pool is topped up above it.
    alerted_at BIGINT
);

-- Purchases of packages (Zakup SMS) paid online. session_id is ours, sent to the provider and
-- back in its notification; provider_ref is the provider's own id of the payment. Amounts are
-- gross, in minor units (grosze). Credits are added once, when the order becomes paid.
CREATE TABLE credit_orders (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    operator_id BIGINT NOT NULL REFERENCES operators(id),
    provider TEXT NOT NULL CHECK (provider IN ('przelewy24', 'payu')),
    packages BIGINT NOT NULL CHECK (packages > 0),
    credits BIGINT NOT NULL,
    unit_price BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    session_id TEXT NOT NULL UNIQUE,
    provider_ref TEXT,
    status TEXT NOT NULL CHECK (status IN ('new', 'paid', 'failed', 'cancelled')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX credit_orders_account ON credit_orders(account_id, id);
-- Each order's history: its states and every notification, accepted or refused, with why.
CREATE TABLE credit_order_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES credit_orders(id),
    status TEXT NOT NULL,
    detail TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX credit_order_events_order ON credit_order_events(order_id, id);

-- kind: purchase, hold (a message queued), settle (its parts accepted by the gateway: now
-- charged), release (parts that will not be sent: given back), correction (the installation's
-- operator, with a reason). amount: the change of available credits; held: of held credits.
CREATE TABLE credit_entries (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL CHECK (kind IN ('purchase', 'hold', 'settle', 'release', 'correction')),
    amount BIGINT NOT NULL,
    held BIGINT NOT NULL,
    company_id BIGINT REFERENCES companies(id),
    operator_id BIGINT REFERENCES operators(id),
    message_id BIGINT REFERENCES messages(id) ON DELETE SET NULL,
    order_id BIGINT REFERENCES credit_orders(id),
    reason TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX credit_entries_account ON credit_entries(account_id, id);
CREATE INDEX credit_entries_usage ON credit_entries(account_id, kind, at);
CREATE INDEX credit_entries_message ON credit_entries(message_id) WHERE message_id IS NOT NULL;

-- Where each part's credit is: held while it may still be sent (or is in doubt), settled once
-- the gateway accepted it, released when it will never be sent. NULL: queued before credits.
ALTER TABLE message_parts ADD COLUMN credit TEXT CHECK (credit IN ('held', 'settled', 'released'));
CREATE INDEX message_parts_held ON message_parts(message_id) WHERE credit = 'held';

-- Sender names (nazwa nadawcy): what recipients see instead of a number. A name is unique in the
-- installation (name_key: upper case) and added with its owner's statement (company, address,
-- NIP, who accepted it and when), e-mailed to the gateway operator; it can be used once the
-- installation's operator authorises it.
CREATE TABLE sender_names (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'authorised')),
    owner_name TEXT NOT NULL,
    owner_address TEXT NOT NULL,
    owner_nip TEXT NOT NULL,
    accepted_by BIGINT NOT NULL REFERENCES operators(id),
    accepted_at BIGINT NOT NULL,
    -- The statement's e-mail went (NULL: not yet; the server sends it).
    statement_sent_at BIGINT,
    authorised_at BIGINT
);
CREATE INDEX sender_names_account ON sender_names(account_id);
-- The name in use for every company of the account (program level), and a company's own, which
-- overrides it; when a new name last replaced the one in use (once per 30 days).
ALTER TABLE accounts ADD COLUMN sender_name_id BIGINT REFERENCES sender_names(id);
ALTER TABLE accounts ADD COLUMN sender_name_replaced_at BIGINT;
ALTER TABLE companies ADD COLUMN sender_name_id BIGINT REFERENCES sender_names(id);
ALTER TABLE companies ADD COLUMN sender_name_replaced_at BIGINT;
-- The name a message goes with (NULL: the connection's own number).
ALTER TABLE messages ADD COLUMN sender TEXT;
