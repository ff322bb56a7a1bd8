-- Browser sessions of the web pages: a cookie secret (only its SHA-256 is kept), the CSRF token
-- its forms must carry, and a fixed expiry. Signing in and out are audited.
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id),
    secret_sha256 BLOB NOT NULL UNIQUE,
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ended_at INTEGER
);
CREATE INDEX sessions_person ON sessions (person_id);
