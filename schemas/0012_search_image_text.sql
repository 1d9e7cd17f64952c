-- Routine-image text joins search: the text OCR read in a post's images becomes the
-- image_text column of posts_fts (the "Adding a source" recipe of 0010_search.sql), so
-- a post whose routine exists only as a picture is found by the words on the picture.
-- Only the newest reading of each image counts, as in the routine_exercises view.
--
-- post_search_text is the one place that says what a post's indexed text is; every
-- trigger deletes the posts it touches from posts_fts and inserts them again from it.

DROP TRIGGER IF EXISTS "posts_search_ai";
DROP TRIGGER IF EXISTS "posts_search_ad";
DROP TRIGGER IF EXISTS "posts_search_au";
DROP TRIGGER IF EXISTS "post_terms_search_ai";
DROP TRIGGER IF EXISTS "post_terms_search_ad";
DROP TRIGGER IF EXISTS "terms_search_au";
DROP TABLE IF EXISTS "posts_fts";

CREATE VIRTUAL TABLE posts_fts USING fts5(
    title, body_text, terms, image_text,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- The text of each post as posts_fts indexes it (rowid = id).
CREATE VIEW post_search_text AS
SELECT
    p.id,
    p.title,
    p.body_text,
    (SELECT group_concat(t.name, ' · ') FROM post_terms pt JOIN terms t ON t.id = pt.term_id
      WHERE pt.post_id = p.id) AS terms,
    (SELECT group_concat(x.text, char(10)) FROM (
        SELECT t.text FROM post_images pi
          JOIN images i ON i.id = pi.image_id
          JOIN image_text t ON t.sha256 = i.sha256
         WHERE pi.post_id = p.id AND t.text != ''
           AND t.id = (SELECT t2.id FROM image_text t2 WHERE t2.sha256 = t.sha256
                        ORDER BY t2.created_at DESC, t2.id DESC LIMIT 1)
         ORDER BY pi.position, i.id
    ) x) AS image_text
FROM posts p;

-- Posts -----------------------------------------------------------------------------

CREATE TRIGGER posts_search_ai AFTER INSERT ON posts BEGIN
  INSERT INTO posts_fts (rowid, title, body_text, terms, image_text)
  SELECT id, title, body_text, terms, image_text FROM post_search_text WHERE id = new.id;
END;

CREATE TRIGGER posts_search_ad AFTER DELETE ON posts BEGIN
  DELETE FROM posts_fts WHERE rowid = old.id;
END;

CREATE TRIGGER posts_search_au AFTER UPDATE OF title, body_text ON posts
WHEN old.title IS NOT new.title OR old.body_text IS NOT new.body_text BEGIN
  DELETE FROM posts_fts WHERE rowid = old.id;
  INSERT INTO posts_fts (rowid, title, body_text, terms, image_text)
  SELECT id, title, body_text, terms, image_text FROM post_search_text WHERE id = new.id;
END;

-- Categories and tags ---------------------------------------------------------------

CREATE TRIGGER post_terms_search_ai AFTER INSERT ON post_terms BEGIN
  DELETE FROM posts_fts WHERE rowid = new.post_id;
  INSERT INTO posts_fts (rowid, title, body_text, terms, image_text)
  SELECT id, title, body_text, terms, image_text FROM post_search_text WHERE id = new.post_id;
END;

CREATE TRIGGER post_terms_search_ad AFTER DELETE ON post_terms BEGIN
  DELETE FROM posts_fts WHERE rowid = old.post_id;
  INSERT INTO posts_fts (rowid, title, body_text, terms, image_text)
  SELECT id, title, body_text, terms, image_text FROM post_search_text WHERE id = old.post_id;
END;

CREATE TRIGGER terms_search_au AFTER UPDATE OF name ON terms
WHEN old.name IS NOT new.name BEGIN
  DELETE FROM posts_fts
   WHERE rowid IN (SELECT post_id FROM post_terms WHERE term_id = new.id);
  INSERT INTO posts_fts (rowid, title, body_text, terms, image_text)
  SELECT id, title, body_text, terms, image_text FROM post_search_text
   WHERE id IN (SELECT post_id FROM post_terms WHERE term_id = new.id);
END;

-- Image readings: a new, replaced or deleted reading changes the text of every post
-- showing that image file. ------------------------------------------------------------

CREATE TRIGGER image_text_search_ai AFTER INSERT ON image_text BEGIN
  DELETE FROM posts_fts WHERE rowid IN (
    SELECT pi.post_id FROM post_images pi JOIN images i ON i.id = pi.image_id
     WHERE i.sha256 = new.sha256);
  INSERT INTO posts_fts (rowid, title, body_text, terms, image_text)
  SELECT id, title, body_text, terms, image_text FROM post_search_text WHERE id IN (
    SELECT pi.post_id FROM post_images pi JOIN images i ON i.id = pi.image_id
     WHERE i.sha256 = new.sha256);
END;

CREATE TRIGGER image_text_search_ad AFTER DELETE ON image_text BEGIN
  DELETE FROM posts_fts WHERE rowid IN (
    SELECT pi.post_id FROM post_images pi JOIN images i ON i.id = pi.image_id
     WHERE i.sha256 = old.sha256);
  INSERT INTO posts_fts (rowid, title, body_text, terms, image_text)
  SELECT id, title, body_text, terms, image_text FROM post_search_text WHERE id IN (
    SELECT pi.post_id FROM post_images pi JOIN images i ON i.id = pi.image_id
     WHERE i.sha256 = old.sha256);
END;

CREATE TRIGGER image_text_search_au AFTER UPDATE OF text, sha256, created_at ON image_text
WHEN old.text IS NOT new.text OR old.sha256 IS NOT new.sha256
  OR old.created_at IS NOT new.created_at BEGIN
  DELETE FROM posts_fts WHERE rowid IN (
    SELECT pi.post_id FROM post_images pi JOIN images i ON i.id = pi.image_id
     WHERE i.sha256 IN (old.sha256, new.sha256));
  INSERT INTO posts_fts (rowid, title, body_text, terms, image_text)
  SELECT id, title, body_text, terms, image_text FROM post_search_text WHERE id IN (
    SELECT pi.post_id FROM post_images pi JOIN images i ON i.id = pi.image_id
     WHERE i.sha256 IN (old.sha256, new.sha256));
END;

-- Image placements and files: only images that have been read change a post's text,
-- so crawling (which places images before any reading exists) does no index work here.

CREATE TRIGGER post_images_search_ai AFTER INSERT ON post_images
WHEN EXISTS (SELECT 1 FROM images i JOIN image_text t ON t.sha256 = i.sha256
              WHERE i.id = new.image_id) BEGIN
  DELETE FROM posts_fts WHERE rowid = new.post_id;
  INSERT INTO posts_fts (rowid, title, body_text, terms, image_text)
  SELECT id, title, body_text, terms, image_text FROM post_search_text WHERE id = new.post_id;
END;

CREATE TRIGGER post_images_search_ad AFTER DELETE ON post_images
WHEN EXISTS (SELECT 1 FROM images i JOIN image_text t ON t.sha256 = i.sha256
              WHERE i.id = old.image_id) BEGIN
  DELETE FROM posts_fts WHERE rowid = old.post_id;
  INSERT INTO posts_fts (rowid, title, body_text, terms, image_text)
  SELECT id, title, body_text, terms, image_text FROM post_search_text WHERE id = old.post_id;
END;

CREATE TRIGGER post_images_search_au AFTER UPDATE OF post_id, image_id, position ON post_images
WHEN EXISTS (SELECT 1 FROM images i JOIN image_text t ON t.sha256 = i.sha256
              WHERE i.id IN (old.image_id, new.image_id)) BEGIN
  DELETE FROM posts_fts WHERE rowid IN (old.post_id, new.post_id);
  INSERT INTO posts_fts (rowid, title, body_text, terms, image_text)
  SELECT id, title, body_text, terms, image_text FROM post_search_text
   WHERE id IN (old.post_id, new.post_id);
END;

CREATE TRIGGER images_search_au AFTER UPDATE OF sha256 ON images
WHEN old.sha256 IS NOT new.sha256 AND EXISTS (
  SELECT 1 FROM image_text t WHERE t.sha256 IN (old.sha256, new.sha256)) BEGIN
  DELETE FROM posts_fts WHERE rowid IN (SELECT post_id FROM post_images WHERE image_id = new.id);
  INSERT INTO posts_fts (rowid, title, body_text, terms, image_text)
  SELECT id, title, body_text, terms, image_text FROM post_search_text
   WHERE id IN (SELECT post_id FROM post_images WHERE image_id = new.id);
END;

INSERT INTO posts_fts (rowid, title, body_text, terms, image_text)
SELECT id, title, body_text, terms, image_text FROM post_search_text;
