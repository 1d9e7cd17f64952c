-- Search as people type it: words are stemmed (porter on top of unicode61), so "squat"
-- finds "squats"; posts are also found by their categories and tags.
--
-- Search sources. Each kind of searchable text has its own FTS5 table whose rowid is the
-- id of the row it indexes, so Datasette's table search (metadata fts_table) and the
-- archive's /search page (archive/plugins/search_page.py, SOURCES) read the same index:
--
--   posts_fts     rowid = posts.id     title, body_text, terms (category and tag names)
--   comments_fts  rowid = comments.id  author_name, body_text (external content: comments)
--
-- Adding a source. Text that belongs to a post, such as the text read from its routine
-- images (image_text rows reached through images and post_images), becomes a column of
-- posts_fts; both search places then find, rank (with the body) and snippet it with no
-- code change:
--   1. in a new migration, drop posts_fts and create it again with the new column last
--      (same tokenizer), and recreate the posts_search_* and post_terms_search_* and
--      terms_search_au triggers with the column in their SELECT (a group_concat of the
--      post's texts, as terms is);
--   2. add AFTER INSERT / DELETE / UPDATE OF text triggers on the new table that delete
--      and insert again the rows of the posts they touch, as post_terms_search_ai does;
--   3. fill posts_fts with one INSERT ... SELECT.
-- Text that is a result of its own gets a <kind>_fts table (rowid = the id the result
-- links to) with the same triggers, an entry in SOURCES in archive/plugins/search_page.py
-- and a section in archive/templates/archive_search.html.

DROP TRIGGER IF EXISTS "posts_ai";
DROP TRIGGER IF EXISTS "posts_ad";
DROP TRIGGER IF EXISTS "posts_au";
DROP TABLE IF EXISTS "posts_fts";

DROP TRIGGER IF EXISTS "comments_ai";
DROP TRIGGER IF EXISTS "comments_ad";
DROP TRIGGER IF EXISTS "comments_au";
DROP TABLE IF EXISTS "comments_fts";

-- Posts: the index keeps its own copy of the text (posts are few), so a post can be
-- deleted and inserted again by rowid whenever its title, body or terms change; terms
-- holds the names of the post's categories and tags.
CREATE VIRTUAL TABLE posts_fts USING fts5(
    title, body_text, terms,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER posts_search_ai AFTER INSERT ON posts BEGIN
  INSERT INTO posts_fts (rowid, title, body_text, terms)
  SELECT p.id, p.title, p.body_text,
         (SELECT group_concat(t.name, ' · ') FROM post_terms pt JOIN terms t ON t.id = pt.term_id
          WHERE pt.post_id = p.id)
    FROM posts p WHERE p.id = new.id;
END;

CREATE TRIGGER posts_search_ad AFTER DELETE ON posts BEGIN
  DELETE FROM posts_fts WHERE rowid = old.id;
END;

CREATE TRIGGER posts_search_au AFTER UPDATE OF title, body_text ON posts
WHEN old.title IS NOT new.title OR old.body_text IS NOT new.body_text BEGIN
  DELETE FROM posts_fts WHERE rowid = old.id;
  INSERT INTO posts_fts (rowid, title, body_text, terms)
  SELECT p.id, p.title, p.body_text,
         (SELECT group_concat(t.name, ' · ') FROM post_terms pt JOIN terms t ON t.id = pt.term_id
          WHERE pt.post_id = p.id)
    FROM posts p WHERE p.id = new.id;
END;

CREATE TRIGGER post_terms_search_ai AFTER INSERT ON post_terms BEGIN
  DELETE FROM posts_fts WHERE rowid = new.post_id;
  INSERT INTO posts_fts (rowid, title, body_text, terms)
  SELECT p.id, p.title, p.body_text,
         (SELECT group_concat(t.name, ' · ') FROM post_terms pt JOIN terms t ON t.id = pt.term_id
          WHERE pt.post_id = p.id)
    FROM posts p WHERE p.id = new.post_id;
END;

CREATE TRIGGER post_terms_search_ad AFTER DELETE ON post_terms BEGIN
  DELETE FROM posts_fts WHERE rowid = old.post_id;
  INSERT INTO posts_fts (rowid, title, body_text, terms)
  SELECT p.id, p.title, p.body_text,
         (SELECT group_concat(t.name, ' · ') FROM post_terms pt JOIN terms t ON t.id = pt.term_id
          WHERE pt.post_id = p.id)
    FROM posts p WHERE p.id = old.post_id;
END;

CREATE TRIGGER terms_search_au AFTER UPDATE OF name ON terms
WHEN old.name IS NOT new.name BEGIN
  DELETE FROM posts_fts
   WHERE rowid IN (SELECT post_id FROM post_terms WHERE term_id = new.id);
  INSERT INTO posts_fts (rowid, title, body_text, terms)
  SELECT p.id, p.title, p.body_text,
         (SELECT group_concat(t.name, ' · ') FROM post_terms pt JOIN terms t ON t.id = pt.term_id
          WHERE pt.post_id = p.id)
    FROM posts p WHERE p.id IN (SELECT post_id FROM post_terms WHERE term_id = new.id);
END;

INSERT INTO posts_fts (rowid, title, body_text, terms)
SELECT p.id, p.title, p.body_text,
       (SELECT group_concat(t.name, ' · ') FROM post_terms pt JOIN terms t ON t.id = pt.term_id
         WHERE pt.post_id = p.id)
  FROM posts p;

-- Comments: external content (the text stays in comments only), rebuilt from it.
CREATE VIRTUAL TABLE comments_fts USING fts5(
    author_name, body_text,
    content="comments", content_rowid="id",
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER comments_search_ai AFTER INSERT ON comments BEGIN
  INSERT INTO comments_fts (rowid, author_name, body_text)
  VALUES (new.id, new.author_name, new.body_text);
END;

CREATE TRIGGER comments_search_ad AFTER DELETE ON comments BEGIN
  INSERT INTO comments_fts (comments_fts, rowid, author_name, body_text)
  VALUES ('delete', old.id, old.author_name, old.body_text);
END;

CREATE TRIGGER comments_search_au AFTER UPDATE OF author_name, body_text ON comments
WHEN old.author_name IS NOT new.author_name OR old.body_text IS NOT new.body_text BEGIN
  INSERT INTO comments_fts (comments_fts, rowid, author_name, body_text)
  VALUES ('delete', old.id, old.author_name, old.body_text);
  INSERT INTO comments_fts (rowid, author_name, body_text)
  VALUES (new.id, new.author_name, new.body_text);
END;

INSERT INTO comments_fts (comments_fts) VALUES ('rebuild');
