-- An operator whose password was generated (the first administrator's, printed once at the
-- first start) must choose their own at their first login before doing anything else.
ALTER TABLE operators ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
