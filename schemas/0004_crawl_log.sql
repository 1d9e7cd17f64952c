-- The crawl log and raw capture: crawl_runs (one row per run), fetches (every HTTP
-- exchange of a run), pages (the latest raw bytes of every document, zlib-compressed,
-- so `fitarchive reextract` can rebuild the derived tables offline) and crawl_state
-- (per-site high-water marks for incremental runs).

CREATE TABLE crawl_runs (
    id INTEGER PRIMARY KEY,
    site_id INTEGER REFERENCES sites(id),
    seed_url TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    pages_fetched INTEGER NOT NULL DEFAULT 0,
    pages_not_modified INTEGER NOT NULL DEFAULT 0,
    bytes_fetched INTEGER NOT NULL DEFAULT 0,
    posts_new INTEGER NOT NULL DEFAULT 0,
    posts_updated INTEGER NOT NULL DEFAULT 0,
    posts_unchanged INTEGER NOT NULL DEFAULT 0,
    comments_new INTEGER NOT NULL DEFAULT 0,
    comments_deleted INTEGER NOT NULL DEFAULT 0,
    images_new INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    message TEXT
);

CREATE TABLE fetches (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES crawl_runs(id),
    url TEXT NOT NULL,
    kind TEXT,
    status INTEGER,
    bytes INTEGER,
    elapsed_ms INTEGER,
    etag TEXT,
    last_modified TEXT,
    fetched_at TEXT,
    error TEXT
);
CREATE INDEX idx_fetches_run_id ON fetches(run_id);

CREATE TABLE pages (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    site_id INTEGER REFERENCES sites(id),
    kind TEXT,
    fetched_at TEXT,
    status INTEGER,
    content_type TEXT,
    etag TEXT,
    last_modified TEXT,
    body BLOB,
    sha256 TEXT
);
CREATE INDEX idx_pages_site_id ON pages(site_id);

CREATE TABLE crawl_state (
    site_id INTEGER NOT NULL REFERENCES sites(id),
    key TEXT NOT NULL,
    value TEXT,
    updated_at TEXT,
    PRIMARY KEY (site_id, key)
);
