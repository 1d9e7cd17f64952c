-- Re-index full text only when an indexed column changes: bookkeeping updates
-- (last_seen_at, comments_checked_at, comment_count, deleted_at) no longer
-- rewrite the FTS rows.

DROP TRIGGER IF EXISTS "posts_au";
CREATE TRIGGER "posts_au" AFTER UPDATE OF "title", "body_text" ON "posts" BEGIN
  INSERT INTO "posts_fts" ("posts_fts", rowid, "title", "body_text") VALUES('delete', old.rowid, old."title", old."body_text");
  INSERT INTO "posts_fts" (rowid, "title", "body_text") VALUES (new.rowid, new."title", new."body_text");
END;

DROP TRIGGER IF EXISTS "comments_au";
CREATE TRIGGER "comments_au" AFTER UPDATE OF "author_name", "body_text" ON "comments" BEGIN
  INSERT INTO "comments_fts" ("comments_fts", rowid, "author_name", "body_text") VALUES('delete', old.rowid, old."author_name", old."body_text");
  INSERT INTO "comments_fts" (rowid, "author_name", "body_text") VALUES (new.rowid, new."author_name", new."body_text");
END;
