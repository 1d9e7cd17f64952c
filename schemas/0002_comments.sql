-- Comment threads: one row per comment, parent_id gives the true reply tree and
-- path (zero-padded remote ids joined by '/') sorts a post's thread in reading order.

CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts(id),
    remote_id TEXT NOT NULL,
    parent_id INTEGER REFERENCES comments(id),
    depth INTEGER NOT NULL DEFAULT 1,
    path TEXT NOT NULL,
    comment_type TEXT NOT NULL DEFAULT 'comment',
    author_name TEXT,
    author_url TEXT,
    is_post_author INTEGER NOT NULL DEFAULT 0,
    published_at TEXT,
    body_html TEXT,
    body_text TEXT,
    permalink TEXT,
    first_seen_at TEXT,
    last_seen_at TEXT,
    deleted_at TEXT,
    UNIQUE (post_id, remote_id)
);
CREATE INDEX idx_comments_parent_id ON comments(parent_id);
CREATE INDEX idx_comments_post_path ON comments(post_id, path);
CREATE INDEX idx_comments_published_at ON comments(published_at);
