-- Login throttling per client address. A stranger's guesses lock out the stranger's
-- address, not the login: the owner can still log in from elsewhere; a slower limit counts a
-- login's failures from every address. Each attempt is recorded before its password is checked,
-- so concurrent guesses count each other; its id lets an attempt that was refused, or never
-- checked, take its row back. The old rows (at most a window of throttling) are dropped.
DROP TABLE login_failures;
CREATE TABLE login_failures (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login TEXT NOT NULL,
    address TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_login ON login_failures(login, at);
