-- Images: one row per distinct image URL (the largest rendition), the file kept
-- content-addressed in the image store next to the database; post_images places
-- each image in a post with its heading, caption and alt text.

CREATE TABLE images (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    sha256 TEXT,
    mime TEXT,
    width INTEGER,
    height INTEGER,
    bytes INTEGER,
    path TEXT,
    fetched_at TEXT,
    error TEXT
);
CREATE INDEX idx_images_sha256 ON images(sha256);

CREATE TABLE post_images (
    post_id INTEGER NOT NULL REFERENCES posts(id),
    image_id INTEGER NOT NULL REFERENCES images(id),
    position INTEGER NOT NULL,
    role TEXT NOT NULL DEFAULT 'body',
    alt TEXT,
    caption TEXT,
    heading TEXT,
    PRIMARY KEY (post_id, position)
);
CREATE INDEX idx_post_images_image_id ON post_images(image_id);
