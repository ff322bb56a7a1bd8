-- The clearance store, SQLite flavour. migrations/postgres holds the same schema for
-- PostgreSQL; the two must stay column for column the same (the statements are shared).
-- Times are INTEGER milliseconds since the Unix epoch; lists are JSON text.

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    organisation TEXT,
    created_at INTEGER NOT NULL
);

CREATE TABLE tokens (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id),
    label TEXT NOT NULL,
    secret_sha256 BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);
CREATE INDEX tokens_person ON tokens (person_id);

CREATE TABLE productions (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    studio TEXT NOT NULL,
    rulebooks TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE members (
    production_id INTEGER NOT NULL REFERENCES productions (id),
    person_id INTEGER NOT NULL REFERENCES people (id),
    capacity TEXT NOT NULL,
    PRIMARY KEY (production_id, person_id)
);
CREATE INDEX members_person ON members (person_id);

CREATE TABLE proposals (
    id INTEGER PRIMARY KEY,
    production_id INTEGER NOT NULL REFERENCES productions (id),
    title TEXT NOT NULL,
    vendor TEXT,
    vendor_key TEXT,
    status TEXT NOT NULL,
    current_version INTEGER NOT NULL,
    tier TEXT,
    approved_version INTEGER,
    approval_expires_at INTEGER,
    needs_reapproval BOOLEAN NOT NULL,
    created_by INTEGER NOT NULL REFERENCES people (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    search_text TEXT NOT NULL
);
CREATE INDEX proposals_production ON proposals (production_id);
CREATE INDEX proposals_status ON proposals (status, approval_expires_at);
CREATE INDEX proposals_updated ON proposals (updated_at, id);

CREATE TABLE versions (
    proposal_id INTEGER NOT NULL REFERENCES proposals (id),
    number INTEGER NOT NULL,
    source TEXT NOT NULL,
    format TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    intake TEXT NOT NULL,
    tools TEXT NOT NULL,
    consent_ids TEXT NOT NULL,
    author_id INTEGER NOT NULL REFERENCES people (id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (proposal_id, number)
);

CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY,
    proposal_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    tier TEXT NOT NULL,
    result TEXT NOT NULL,
    rulebooks TEXT NOT NULL,
    records TEXT NOT NULL,
    evaluated_at INTEGER NOT NULL,
    FOREIGN KEY (proposal_id, version) REFERENCES versions (proposal_id, number)
);
CREATE INDEX evaluations_version ON evaluations (proposal_id, version, id);

-- The tools (names and ids, lowercased) and consent ids of each proposal's current version.
CREATE TABLE proposal_tools (
    proposal_id INTEGER NOT NULL REFERENCES proposals (id),
    tool TEXT NOT NULL,
    PRIMARY KEY (proposal_id, tool)
);
CREATE INDEX proposal_tools_tool ON proposal_tools (tool);

CREATE TABLE proposal_consents (
    proposal_id INTEGER NOT NULL REFERENCES proposals (id),
    consent_id TEXT NOT NULL,
    PRIMARY KEY (proposal_id, consent_id)
);
CREATE INDEX proposal_consents_consent ON proposal_consents (consent_id);

CREATE TABLE idempotency (
    actor_id INTEGER NOT NULL,
    idem_key TEXT NOT NULL,
    proposal_id INTEGER NOT NULL REFERENCES proposals (id),
    version INTEGER NOT NULL,
    audit_index INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (actor_id, idem_key)
);

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    proposal_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    rulebooks TEXT NOT NULL,
    tier TEXT NOT NULL,
    reviewer_id INTEGER NOT NULL REFERENCES people (id),
    decision TEXT NOT NULL,
    note TEXT NOT NULL,
    conditions TEXT NOT NULL,
    scope TEXT,
    expires_at INTEGER,
    created_at INTEGER NOT NULL,
    audit_index INTEGER NOT NULL,
    FOREIGN KEY (proposal_id, version) REFERENCES versions (proposal_id, number)
);
CREATE INDEX reviews_proposal ON reviews (proposal_id, id);

CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    proposal_id INTEGER NOT NULL REFERENCES proposals (id),
    author_id INTEGER NOT NULL REFERENCES people (id),
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX comments_proposal ON comments (proposal_id, id);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    proposal_id INTEGER NOT NULL REFERENCES proposals (id),
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES people (id),
    created_at INTEGER NOT NULL,
    content BLOB NOT NULL
);
CREATE INDEX attachments_proposal ON attachments (proposal_id, id);

CREATE TABLE consents (
    id TEXT PRIMARY KEY,
    performer TEXT NOT NULL,
    grantor TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    representative_id INTEGER REFERENCES people (id),
    production_id INTEGER REFERENCES productions (id),
    uses TEXT NOT NULL,
    media TEXT,
    purpose TEXT NOT NULL,
    state TEXT NOT NULL,
    granted_on TEXT,
    expires_on TEXT,
    evidence_sha256 TEXT,
    revoked_at INTEGER,
    revoked_reason TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX consents_representative ON consents (representative_id);

CREATE TABLE tools (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    vendor TEXT,
    environment TEXT NOT NULL,
    trains_on_inputs TEXT NOT NULL,
    retention TEXT,
    terms_reviewed_on TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    revision INTEGER NOT NULL
);

CREATE TABLE rulebooks (
    id TEXT NOT NULL,
    version TEXT NOT NULL,
    digest TEXT NOT NULL,
    source TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    production_id INTEGER REFERENCES productions (id),
    active BOOLEAN NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    event TEXT NOT NULL,
    production_id INTEGER REFERENCES productions (id),
    proposal_id INTEGER REFERENCES proposals (id),
    recipients TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE notification_recipients (
    person_id INTEGER NOT NULL REFERENCES people (id),
    notification_id INTEGER NOT NULL REFERENCES notifications (id),
    PRIMARY KEY (person_id, notification_id)
);

CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    notification_id INTEGER NOT NULL REFERENCES notifications (id),
    webhook_id INTEGER NOT NULL REFERENCES webhooks (id),
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER,
    delivered_at INTEGER,
    last_error TEXT
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE delivered_at IS NULL;

-- The audit log: one row per entry; `idx` is the leaf index in the Merkle tree.
CREATE TABLE audit_log (
    idx INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    actor_id INTEGER,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    leaf_hash TEXT NOT NULL
);

-- The single row holding the tree's size and frontier (written by the store at first open).
CREATE TABLE audit_tree (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    size INTEGER NOT NULL,
    frontier BLOB NOT NULL
);

CREATE TABLE checkpoints (
    id INTEGER PRIMARY KEY,
    origin TEXT NOT NULL,
    size INTEGER NOT NULL,
    root TEXT NOT NULL,
    timestamp_ms INTEGER NOT NULL,
    key_id TEXT NOT NULL,
    signature BLOB NOT NULL
);
CREATE INDEX checkpoints_size ON checkpoints (size, id);
