-- Deliverables scan reports uploaded for a production (`clearance scan --server`): the report
-- exactly as sent (with its SHA-256), its counts and exit code, and one row per file it lists
-- (path, verdict, coverage) so pages can list uncovered AI assets without reading the report.
CREATE TABLE delivery_scans (
    id INTEGER PRIMARY KEY,
    production_id INTEGER NOT NULL REFERENCES productions (id),
    uploaded_by INTEGER NOT NULL REFERENCES people (id),
    created_at INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    exit_code INTEGER NOT NULL,
    files INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    ai_generated INTEGER NOT NULL,
    ai_composite INTEGER NOT NULL,
    no_ai_signal INTEGER NOT NULL,
    unreadable INTEGER NOT NULL,
    covered INTEGER NOT NULL,
    not_covered INTEGER NOT NULL,
    report TEXT NOT NULL
);
CREATE INDEX delivery_scans_production ON delivery_scans (production_id, id);

-- `rank` orders a scan's files for people: AI assets not covered first, then unreadable files,
-- covered AI assets, and files without an AI signal.
CREATE TABLE delivery_files (
    delivery_id INTEGER NOT NULL REFERENCES delivery_scans (id),
    position INTEGER NOT NULL,
    rank INTEGER NOT NULL,
    path TEXT NOT NULL,
    verdict TEXT NOT NULL,
    reason TEXT,
    coverage TEXT,
    proposal_id INTEGER,
    coverage_reason TEXT,
    PRIMARY KEY (delivery_id, position)
);
CREATE INDEX delivery_files_rank ON delivery_files (delivery_id, rank, position);
