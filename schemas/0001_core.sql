-- The archive's core tables: sites, authors, posts and their history, terms.
-- Every id is a 63-bit integer derived from the row's natural key (see scraper/store.py),
-- so archives made on different machines merge with plain upserts.

CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    base_url TEXT NOT NULL UNIQUE,
    name TEXT,
    description TEXT,
    platform TEXT NOT NULL DEFAULT 'generic',
    first_crawled_at TEXT,
    last_crawled_at TEXT
);

CREATE TABLE authors (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    remote_id TEXT,
    name TEXT NOT NULL,
    slug TEXT,
    url TEXT
);
CREATE INDEX idx_authors_site_id ON authors(site_id);

CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    remote_id TEXT,
    url TEXT NOT NULL UNIQUE,
    title TEXT,
    author_id INTEGER REFERENCES authors(id),
    published_at TEXT,
    modified_at TEXT,
    body_html TEXT,
    body_text TEXT,
    excerpt TEXT,
    content_hash TEXT,
    is_protected INTEGER NOT NULL DEFAULT 0,
    source TEXT,
    comment_count INTEGER NOT NULL DEFAULT 0,
    first_seen_at TEXT,
    last_seen_at TEXT,
    comments_checked_at TEXT
);
CREATE INDEX idx_posts_site_id ON posts(site_id);
CREATE INDEX idx_posts_author_id ON posts(author_id);
CREATE INDEX idx_posts_published_at ON posts(published_at);
CREATE UNIQUE INDEX idx_posts_site_remote ON posts(site_id, remote_id) WHERE remote_id IS NOT NULL;

CREATE TABLE post_versions (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts(id),
    content_hash TEXT NOT NULL,
    title TEXT,
    body_html TEXT,
    modified_at TEXT,
    captured_at TEXT NOT NULL,
    UNIQUE (post_id, content_hash)
);

CREATE TABLE terms (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    UNIQUE (site_id, kind, slug)
);

CREATE TABLE post_terms (
    post_id INTEGER NOT NULL REFERENCES posts(id),
    term_id INTEGER NOT NULL REFERENCES terms(id),
    PRIMARY KEY (post_id, term_id)
);
CREATE INDEX idx_post_terms_term_id ON post_terms(term_id);
