-- Routine images as data: the text OCR read in each archived image, its lines
-- with boxes, and the routine rows parsed from them. Everything here is derived
-- (re-created by `fitarchive ocr`): an image is read once per file content
-- (sha256) and engine version; rows carry the parser version so the parser can
-- be re-run over the stored lines without OCR.

CREATE TABLE image_text (
    id INTEGER PRIMARY KEY,            -- stable id of (sha256, engine, engine_version)
    sha256 TEXT NOT NULL,              -- the image file read (images.sha256)
    engine TEXT NOT NULL,              -- e.g. rapidocr
    engine_version TEXT NOT NULL,      -- package version + model names
    text TEXT NOT NULL DEFAULT '',     -- lines in reading order joined with newlines ('' = no text)
    mean_confidence REAL,
    line_count INTEGER NOT NULL DEFAULT 0,
    error TEXT,                        -- why the file could not be read (not retried for this version)
    parser_version INTEGER,            -- parser version of this reading's routine_rows
    created_at TEXT NOT NULL,
    UNIQUE (sha256, engine, engine_version)
);
CREATE INDEX idx_image_text_sha256 ON image_text(sha256);

CREATE TABLE image_text_lines (
    image_text_id INTEGER NOT NULL REFERENCES image_text(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,         -- 1-based, reading order
    text TEXT NOT NULL,
    confidence REAL,
    box TEXT,                          -- JSON: four [x, y] corner points in pixels
    PRIMARY KEY (image_text_id, position)
);

CREATE TABLE routine_rows (
    image_text_id INTEGER NOT NULL REFERENCES image_text(id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,              -- the image (images.sha256)
    position INTEGER NOT NULL,         -- 1-based order on the card
    exercise TEXT NOT NULL,
    sets INTEGER,
    reps TEXT,                         -- as written: 10, 8-12, AMRAP, 30 s
    rest_seconds INTEGER,
    source_line TEXT,                  -- the OCR text the row came from
    low_confidence INTEGER NOT NULL DEFAULT 0,
    parser_version INTEGER NOT NULL,
    PRIMARY KEY (image_text_id, position)
);
CREATE INDEX idx_routine_rows_sha256 ON routine_rows(sha256);
CREATE INDEX idx_routine_rows_exercise ON routine_rows(exercise);

-- One row per exercise per placement of a routine image in a post. Only the
-- newest reading of each image counts (an image read again by a newer engine
-- keeps the older reading until it is pruned, but not twice in this view).
CREATE VIEW routine_exercises AS
SELECT
    p.id AS post_id,
    p.title AS post_title,
    p.url AS post_url,
    pi.position AS image_position,
    pi.heading,
    i.path AS image_path,
    i.sha256,
    r.position,
    r.exercise,
    r.sets,
    r.reps,
    r.rest_seconds,
    r.low_confidence
FROM routine_rows r
JOIN image_text t ON t.id = r.image_text_id
JOIN images i ON i.sha256 = r.sha256
JOIN post_images pi ON pi.image_id = i.id
JOIN posts p ON p.id = pi.post_id
WHERE t.id = (
    SELECT t2.id FROM image_text t2 WHERE t2.sha256 = r.sha256
    ORDER BY t2.created_at DESC, t2.id DESC LIMIT 1
)
ORDER BY p.published_at, p.id, pi.position, r.position;
