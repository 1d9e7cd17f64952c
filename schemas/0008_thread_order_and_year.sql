-- comment_threads orders by post id rather than comments.post_id so SQLite walks
-- the existing indexes instead of sorting the whole view for every page it serves;
-- comments get an index on path (the default thread order), and posts a
-- published_year column for faceting by year.

DROP VIEW IF EXISTS comment_threads;
CREATE VIEW comment_threads AS
SELECT
    c.id AS comment_id,
    c.post_id,
    p.title AS post_title,
    p.url AS post_url,
    c.path,
    c.depth,
    c.parent_id,
    c.comment_type,
    substr('                                                  ', 1, 2 * (c.depth - 1)) || coalesce(c.author_name, '') AS indented_author,
    c.author_name,
    c.author_url,
    c.is_post_author,
    c.published_at,
    c.body_text,
    c.permalink,
    c.deleted_at
FROM comments c
JOIN posts p ON p.id = c.post_id
ORDER BY p.published_at, p.id, c.path;

CREATE INDEX idx_comments_path ON comments(path);

ALTER TABLE posts ADD COLUMN published_year INTEGER
    GENERATED ALWAYS AS (CAST(substr(published_at, 1, 4) AS INTEGER)) VIRTUAL;
