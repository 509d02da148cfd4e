-- Reviewers (passwords hashed with argon2), their sessions, and decisions.
CREATE TABLE reviewers (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    reviewer_id TEXT NOT NULL REFERENCES reviewers(id),
    csrf_token TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE reviews (
    submission_id TEXT PRIMARY KEY REFERENCES submissions(id),
    reviewer_id TEXT NOT NULL REFERENCES reviewers(id),
    decision TEXT NOT NULL,
    reasons TEXT NOT NULL,
    note TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
