-- A featured image that also appears in the post body keeps its body placement
-- (position, heading, caption, role body/gallery) and is marked is_featured = 1;
-- a featured image shown only outside the body keeps its own row with role
-- 'featured' (also is_featured = 1). routine_images shows the flag, so every
-- placement is listed once, under its heading.

ALTER TABLE post_images ADD COLUMN is_featured INTEGER NOT NULL DEFAULT 0;
UPDATE post_images SET is_featured = 1 WHERE role = 'featured';

DROP VIEW IF EXISTS routine_images;
CREATE VIEW routine_images AS
SELECT
    pi.post_id,
    p.title AS post_title,
    p.url AS post_url,
    pi.position,
    pi.role,
    pi.is_featured,
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
