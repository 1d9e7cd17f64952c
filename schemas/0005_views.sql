-- Views every archive has. Both stream as full CSV in Datasette.

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
ORDER BY p.published_at, c.post_id, c.path;

CREATE VIEW routine_images AS
SELECT
    pi.post_id,
    p.title AS post_title,
    p.url AS post_url,
    pi.position,
    pi.role,
    pi.heading,
    pi.caption,
    pi.alt,
    i.url AS image_url,
    i.width,
    i.height,
    i.mime,
    i.bytes,
    i.sha256,
    i.path AS image_path
FROM post_images pi
JOIN posts p ON p.id = pi.post_id
JOIN images i ON i.id = pi.image_id
ORDER BY p.published_at, pi.post_id, pi.position;
