"""Generate a large static WordPress-style blog for the crawl benchmarks.

The markup is the twentytwentyone theme as captured from the project's WordPress
harness (scraper/sample_blog/site): the page head, sidebar and footer are copied
from a captured post page, and the article, the comment list (nested
``ol.children``), the ``/comment-page-N/`` pagination and the comment form are
written in the same markup. The bare post URL shows the newest comment page,
as WordPress does with ``default_comments_page=newest``.

Output layout (a directory served as-is by a static server)::

    robots.txt                      no Disallow, a Sitemap line
    wp-sitemap.xml                  sitemap index
    wp-sitemap-posts-post-K.xml     at most 2,000 post URLs each
    index.html                      home page (captured markup)
    feed/index.xml                  RSS2 post feed (10 newest, with slash:comments)
    comments/feed/index.xml         RSS2 comment feed (10 newest comments)
    YYYY/MM/DD/slug/index.html      post page (newest comment page)
    YYYY/MM/DD/slug/comment-page-N/index.html
    wp-content/uploads/...          a handful of shared images
    manifest.json                   counts: posts, comment pages, comments, images

Deterministic: the same ``--seed`` and ``--posts`` give the same bytes.

Usage::

    python bench/generate_blog.py OUT_DIR --posts 2000 --base-url http://127.0.0.1:8090
"""

from __future__ import annotations

import argparse
import html
import json
import random
import shutil
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "scraper" / "sample_blog" / "site"
TEMPLATE_POST = "2024/01/15/back-routine-1-and-2-rows-pull-ups-and-hinges"
TEMPLATE_TITLE = "Back Routine 1 and 2: Rows, Pull-ups and Hinges"
TEMPLATE_ID = 4
SAMPLE_BASE = "http://127.0.0.1:8089"

COMMENTS_PER_PAGE = 10  # top-level threads per comment page (WordPress counts threads)
SITEMAP_MAX = 2000
MAX_DEPTH = 5  # thread_comments_depth

#: (file under uploads/, width, height, sizes: [(suffix, w, h)], alt, caption)
IMAGES = [
    ("2024/01/barbell-row.jpg", 800, 533, [("-300x200", 300, 200), ("-768x512", 768, 512)],
     "Lifter pulling a barbell to the lower ribs in a bent-over row",
     "Bent-over row with a flat back and elbows tucked"),
    ("2024/01/front-plank.png", 600, 400, [("-300x200", 300, 200)],
     "Athlete holding a front plank on the forearms", "Front plank on the forearms"),
    ("2024/02/romanian-deadlift.jpg", 800, 600, [("-300x225", 300, 225), ("-768x576", 768, 576)],
     "Romanian deadlift at mid-shin with a neutral spine", "Hinge until the hamstrings stop you"),
    ("2024/03/goblet-squat.jpg", 600, 600, [("-150x150", 150, 150), ("-300x300", 300, 300)],
     "Goblet squat holding a kettlebell at the chest", "Goblet squat, elbows inside the knees"),
    ("2024/03/kettlebell-swing.jpg", 600, 600, [("-150x150", 150, 150), ("-300x300", 300, 300)],
     "Kettlebell swing at chest height", "Swing: the hips do the work"),
    ("2024/04/anti-rotation.jpg", 1000, 560, [("-300x168", 300, 168), ("-768x430", 768, 430)],
     "Pallof press with a cable held at the chest", "Pallof press for anti-rotation"),
    ("2024/05/track-intervals.jpg", 800, 450, [("-300x169", 300, 169), ("-768x432", 768, 432)],
     "Runner on a red track at dawn", "Interval day on the track"),
    ("2024/06/deadlift-setup.png", 720, 480, [("-300x200", 300, 200)],
     "Deadlift setup with shins touching the bar", "Set the back before the bar moves"),
]

AUTHORS = [  # (login, display name, bio)
    ("dana", "Dana Whitfield", "Head coach. Writes the strength programs."),
    ("priya", "Priya Raman", "Runner who learned to love the barbell."),
    ("jose-nunez", "José Núñez", "Cooks for lifters and lifts to cook."),
    ("mika", "Mika Lindqvist", "Mobility nerd and former gymnast."),
]
COMMENTERS = [
    "Marta K.", "Chris P.", "Nora Berg", "Diego Ramírez", "Anna F.", "Ben O.", "Chloe R.",
    "Dev S.", "Elif Y.", "Jonas F.", "Kira T.", "Lars H.", "Sam W.", "Aoife M.", "Tomás G.",
    "佐藤 美咲", "Noah E.", "Leila A.", "Priyanka D.", "Omar Z.",
]
CATEGORIES = ["Strength", "Programs", "Mobility", "Running", "Nutrition", "Conditioning"]
TAGS = ["squat", "deadlift", "back", "core", "pull-up", "kettlebell", "intervals", "mobility",
        "meal-prep", "challenge", "bench", "rows", "hips", "recovery"]
EXERCISES = ["barbell row", "pull-up", "Romanian deadlift", "goblet squat", "front squat",
             "kettlebell swing", "Pallof press", "face pull", "walking lunge", "bench press",
             "overhead press", "farmer carry", "side plank", "hip thrust", "chin-up", "dip",
             "step-up", "good morning", "sled push", "dead bug"]
TOPICS = ["Back Routine", "Leg Day", "Core Routine", "Upper Body Day", "Mobility Flow",
          "Conditioning Block", "Deload Week", "Grip Work", "Hinge Practice", "Push Day",
          "Pull Day", "Travel Workout", "Home Gym Session", "Kettlebell Complex"]
SENTENCES = [
    "Keep the ribs down and brace before every rep.",
    "Start light and add weight only when every set looks the same.",
    "Rest two minutes between the heavy sets and one minute between the accessories.",
    "Film a set from the side once a week; the camera sees what you cannot feel.",
    "If the last rep slows down a lot, stop the set there.",
    "Walk for ten minutes after the session to cool down.",
    "Log the weight, the reps and how hard it felt on a scale from one to ten.",
    "Move the bar in a straight line and keep it close to the body.",
    "Breathe in at the top, hold it through the hard part, and breathe out at the end.",
    "Two good sessions a week beat four rushed ones.",
    "Sleep and food do more for recovery than any supplement.",
    "When in doubt, slow the lowering phase down to three seconds.",
    "Warm up with the empty bar and two lighter sets before the work sets.",
    "Pick one cue per session; more than that turns into noise.",
]
COMMENT_LINES = [
    "Did this three times this week and my rows finally feel solid.",
    "How long should I rest between the sets?",
    "Great write-up, the cue about the ribs fixed my lower back pain.",
    "Could you post a version for people training at home with dumbbells only?",
    "I swapped the lunges for step-ups because of my knee, hope that is fine.",
    "Week four done. Up five kilos on the hinge and no soreness.",
    "Thanks! Printed this and taped it to the garage wall.",
    "Is it okay to do this routine on consecutive days?",
    "My grip gives out before my back does. Any tips?",
    "Loved the deload section, I always skip those and always regret it.",
    "Tried it this morning 💪 brutal but doable.",
    "What shoes do you recommend for the squats?",
]
REPLY_LINES = [
    "Good question: two minutes is plenty for most people.",
    "Yes, that swap works well. Keep the same sets and reps.",
    "Use straps on the heavy sets and train grip separately at the end.",
    "Same here, the cue helped a lot.",
    "Nice work! Keep the pause at the top of every rep.",
    "I would leave a day between them so the back can recover.",
    "Flat shoes with a hard sole; nothing fancy needed.",
]


@dataclass
class Comment:
    id: int
    author: str
    text: str
    when: datetime
    by_post_author: bool = False
    author_url: str | None = None
    children: list[Comment] = field(default_factory=list)

    def count(self) -> int:
        return 1 + sum(child.count() for child in self.children)


@dataclass
class Post:
    id: int
    title: str
    slug: str
    published: datetime
    author: tuple[str, str, str]
    categories: list[str]
    tags: list[str]
    body: str
    featured: int | None
    threads: list[Comment]

    @property
    def path(self) -> str:
        return f"{self.published:%Y/%m/%d}/{self.slug}"


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _a(text: str) -> str:
    return html.escape(text, quote=True)


def _wp_date(when: datetime) -> str:
    return f"{when:%B} {when.day}, {when.year}"


def _wp_time(when: datetime) -> str:
    hour = when.hour % 12 or 12
    return f"{_wp_date(when)} at {hour}:{when:%M} {'am' if when.hour < 12 else 'pm'}"


def _iso(when: datetime) -> str:
    return when.isoformat()


# ---------------------------------------------------------------- content


def _pages_for(rng: random.Random) -> int:
    """How many comment pages a post has.

    About one post in ten has its comments over several pages (2 to 4, mean
    about 2.3), so the comment pages a crawler reads add ~23% to the post
    pages, as on the blogs measured in shared/ANCHORS.md.
    """
    if rng.random() >= 0.10:
        return 1
    roll = rng.random()
    if roll < 0.78:
        return 2
    if roll < 0.93:
        return 3
    return 4


def _make_thread(rng: random.Random, ids: list[int], when: datetime, author: str, depth: int,
                 post_author: str) -> Comment:
    ids[0] += 1
    text = rng.choice(COMMENT_LINES if depth == 1 else REPLY_LINES)
    if rng.random() < 0.4:
        text += " " + rng.choice(SENTENCES)
    url = f"https://{author.split()[0].lower()}-lifts.example/" if rng.random() < 0.15 else None
    comment = Comment(id=ids[0], author=author, text=text, when=when, author_url=url,
                      by_post_author=author == post_author)
    if depth < MAX_DEPTH:
        replies = 0
        roll = rng.random()
        if roll < (0.35, 0.25, 0.15, 0.1)[depth - 1]:
            replies = rng.choice([1, 1, 1, 2])
        for _ in range(replies):
            when = when + timedelta(hours=rng.randint(1, 20))
            replier = post_author if rng.random() < 0.4 else rng.choice(COMMENTERS)
            comment.children.append(_make_thread(rng, ids, when, replier, depth + 1, post_author))
    return comment


def _make_body(rng: random.Random, title_topic: str) -> tuple[str, int | None]:
    parts: list[str] = []
    intro = " ".join(rng.sample(SENTENCES, 3))
    parts.append(f"<p>{_e(intro)}</p>")
    featured = rng.randrange(len(IMAGES)) if rng.random() < 0.5 else None
    for n in range(1, rng.randint(2, 4) + 1):
        parts.append(f"<h2>{_e(title_topic)} {n}</h2>")
        parts.append(f"<p>{_e(' '.join(rng.sample(SENTENCES, rng.randint(2, 4))))}</p>")
        if rng.random() < 0.45:
            parts.append(_figure(rng, rng.randrange(len(IMAGES))))
        items = rng.sample(EXERCISES, rng.randint(3, 5))
        parts.append("<ul>\n" + "\n".join(
            f"<li>{_e(name.capitalize())}: {rng.randint(2, 5)} sets of {rng.choice([5, 6, 8, 10, 12, 15])}</li>"
            for name in items) + "\n</ul>")
    parts.append("<h3>Cooldown</h3>")
    parts.append(f"<p>{_e(' '.join(rng.sample(SENTENCES, 2)))}</p>")
    return "\n".join(parts), featured


def _srcset(base: str, index: int) -> tuple[str, str]:
    path, width, _height, sizes, _alt, _cap = IMAGES[index]
    stem, dot, ext = path.rpartition(".")
    url = f"{base}/wp-content/uploads/{path}"
    items = [f"{url} {width}w"] + [f"{base}/wp-content/uploads/{stem}{suffix}.{ext} {w}w"
                                   for suffix, w, _h in sizes]
    return url, ", ".join(items)


def _figure(rng: random.Random, index: int) -> str:
    # placeholder {BASE} is filled in per page; attachment ids are stable per image
    path, width, height, _sizes, alt, caption = IMAGES[index]
    attachment = 100 + index
    if rng.random() < 0.5:  # classic [caption] markup
        return (f'<figure id="attachment_{attachment}" aria-describedby="caption-attachment-{attachment}" '
                f'style="width: {width}px" class="wp-caption aligncenter"><img decoding="async" loading="lazy" '
                f'class="size-full wp-image-{attachment}" src="{{IMG{index}}}" alt="{_a(alt)}" width="{width}" '
                f'height="{height}" srcset="{{SET{index}}}" sizes="(max-width: {width}px) 100vw, {width}px" />'
                f'<figcaption id="caption-attachment-{attachment}" class="wp-caption-text">{_e(caption)}'
                f'</figcaption></figure>')
    return (f'<figure class="wp-block-image size-full"><img decoding="async" loading="lazy" width="{width}" '
            f'height="{height}" src="{{IMG{index}}}" alt="{_a(alt)}" class="wp-image-{attachment}" '
            f'srcset="{{SET{index}}}" sizes="(max-width: {width}px) 100vw, {width}px" />'
            f'<figcaption class="wp-element-caption">{_e(caption)}</figcaption></figure>')


def make_posts(count: int, seed: int) -> list[Post]:
    """Build the blog's posts (content only, no markup around it)."""
    rng = random.Random(seed)
    start = datetime(2016, 1, 4, 7, 30, tzinfo=timezone(timedelta(hours=1)))
    span_minutes = int(timedelta(days=7 * 365).total_seconds() // 60)
    step = max(1, span_minutes // max(count, 1))
    ids = [1000]  # comment id counter
    posts = []
    slugs: set[str] = set()
    for n in range(count):
        topic = rng.choice(TOPICS)
        exercise = rng.choice(EXERCISES)
        title = f"{topic} {n + 1}: {exercise.capitalize()} and {rng.choice(EXERCISES)}"
        slug = "-".join(part for part in "".join(
            c.lower() if c.isalnum() else "-" for c in title).split("-") if part)
        while slug in slugs:
            slug += "-2"
        slugs.add(slug)
        published = start + timedelta(minutes=n * step + rng.randint(0, max(1, step // 2)))
        author = rng.choice(AUTHORS)
        body, featured = _make_body(rng, topic)
        pages = _pages_for(rng)
        if pages == 1:
            threads_n = rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 10])
        else:
            threads_n = COMMENTS_PER_PAGE * (pages - 1) + rng.randint(1, COMMENTS_PER_PAGE)
        when = published + timedelta(hours=2)
        threads = []
        for _ in range(threads_n):
            when += timedelta(hours=rng.randint(1, 30))
            threads.append(_make_thread(rng, ids, when, rng.choice(COMMENTERS), 1, author[1]))
        posts.append(Post(
            id=10 + n, title=title, slug=slug, published=published, author=author,
            categories=sorted(set(rng.sample(CATEGORIES, rng.randint(1, 2)))),
            tags=sorted(set(rng.sample(TAGS, rng.randint(1, 3)))),
            body=body, featured=featured, threads=threads,
        ))
    return posts


# ---------------------------------------------------------------- markup


@dataclass
class Template:
    head: str  # up to and including <main ...>
    tail: str  # from </main> to the end
    respond: str  # the comment form, for the template post

    @classmethod
    def load(cls, base: str) -> Template:
        text = (SAMPLE / TEMPLATE_POST / "index.html").read_text(encoding="utf-8")
        text = text.replace(SAMPLE_BASE, base).replace(
            urllib.parse.quote(SAMPLE_BASE, safe=""), urllib.parse.quote(base, safe=""))
        marker = '<main id="main" class="site-main">'
        head = text[: text.index(marker) + len(marker)]
        tail = text[text.index("</main><!-- #main -->"):]
        start = text.index('<div id="respond"')
        end = text.index("</div><!-- #respond -->") + len("</div><!-- #respond -->")
        return cls(head=head, tail=tail, respond=text[start:end])


class Renderer:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.template = Template.load(self.base)
        self._image_subs = {}
        for index in range(len(IMAGES)):
            url, srcset = _srcset(self.base, index)
            self._image_subs[f"{{IMG{index}}}"] = url
            self._image_subs[f"{{SET{index}}}"] = srcset

    def url(self, post: Post) -> str:
        return f"{self.base}/{post.path}/"

    def _head(self, post: Post, page_title: str) -> str:
        head = self.template.head
        old_url = f"{self.base}/{TEMPLATE_POST}/"
        new_url = self.url(post)
        head = head.replace(urllib.parse.quote(old_url, safe=""), urllib.parse.quote(new_url, safe=""))
        head = head.replace(old_url, new_url)
        head = head.replace(f"{TEMPLATE_TITLE} &#8211;", f"{_e(page_title)} &#8211;")
        head = head.replace(f"&raquo; {TEMPLATE_TITLE} Comments Feed", f"&raquo; {_a(post.title)} Comments Feed")
        head = head.replace(f"/wp-json/wp/v2/posts/{TEMPLATE_ID}\"", f"/wp-json/wp/v2/posts/{post.id}\"")
        head = head.replace(f"?p={TEMPLATE_ID}'", f"?p={post.id}'")
        head = head.replace(f" postid-{TEMPLATE_ID} ", f" postid-{post.id} ")
        return head

    def _body(self, post: Post) -> str:
        text = post.body
        for key, value in self._image_subs.items():
            text = text.replace(key, value)
        return text

    def _article(self, post: Post) -> str:
        classes = " ".join(
            [f"post-{post.id} post type-post status-publish format-standard"]
            + (["has-post-thumbnail"] if post.featured is not None else [])
            + ["hentry"]
            + [f"category-{c.lower()}" for c in post.categories]
            + [f"tag-{t}" for t in post.tags]
            + ["entry"])
        featured = ""
        if post.featured is not None:
            path, width, height, _sizes, alt, caption = IMAGES[post.featured]
            url, srcset = _srcset(self.base, post.featured)
            featured = (
                f'\n\t\t\n\t\t\t<figure class="post-thumbnail">\n\t\t\t\t<img width="{width}" height="{height}" '
                f'src="{url}" class="attachment-post-thumbnail size-post-thumbnail wp-post-image" alt="{_a(alt)}" '
                f'decoding="async" srcset="{srcset}" sizes="(max-width: {width}px) 100vw, {width}px" '
                f'style="width:100%;height:{100 * height / width:.2f}%;max-width:{width}px;" />'
                f'\t\t\t\t\t\t\t\t\t<figcaption class="wp-caption-text">{_e(caption)}</figcaption>\n'
                f'\t\t\t\t\t\t\t</figure><!-- .post-thumbnail -->\n\n\t\t\t\t\t')
        cats = ", ".join(f'<a href="{self.base}/category/{c.lower()}/" rel="category tag">{_e(c)}</a>'
                         for c in post.categories)
        tags = ", ".join(f'<a href="{self.base}/tag/{t}/" rel="tag">{_e(t)}</a>' for t in post.tags)
        login, name, bio = post.author
        return (
            f'\n\n<article id="post-{post.id}" class="{classes}">\n\n'
            f'\t<header class="entry-header alignwide">\n'
            f'\t\t<h1 class="entry-title">{_e(post.title)}</h1>\t\t{featured}</header><!-- .entry-header -->\n\n'
            f'\t<div class="entry-content">\n\t\t{self._body(post)}\n\t</div><!-- .entry-content -->\n\n'
            f'\t<footer class="entry-footer default-max-width">\n'
            f'\t\t<div class="posted-by"><span class="posted-on">Published <time class="entry-date published updated" '
            f'datetime="{_iso(post.published)}">{_wp_date(post.published)}</time></span></div>'
            f'<div class="post-taxonomies"><span class="cat-links">Categorized as {cats} </span>'
            f'<span class="tags-links">Tagged {tags}</span></div>\t</footer><!-- .entry-footer -->\n\n'
            f'\t\t\t\t<div class="author-bio ">\n\t\t\t\t<div class="author-bio-content">\n'
            f'\t\t\t<h2 class="author-title">\n\t\t\tBy {_e(name)}\t\t\t</h2>\n'
            f'\t\t\t<p class="author-description"> {_e(bio)}</p><!-- .author-description -->\n'
            f'\t\t\t<a class="author-link" href="{self.base}/author/{login}/" rel="author">View all of '
            f'{_e(name)}&#039;s posts.</a>\t\t</div><!-- .author-bio-content -->\n\t</div><!-- .author-bio -->\n'
            f'\t\t\n</article><!-- #post-{post.id} -->\n')

    def _comment(self, post: Post, comment: Comment, depth: int, link_base: str, state: list[int],
                 thread_index: int | None) -> str:
        state[0] += 1
        parity = "even" if state[0] % 2 else "odd alt"
        classes = ["comment"]
        if comment.by_post_author:
            classes += ["byuser", f"comment-author-{post.author[0]}", "bypostauthor"]
        classes.append(parity)
        if thread_index is not None:
            classes.append("thread-even" if thread_index % 2 == 0 else "thread-odd thread-alt")
        classes.append(f"depth-{depth}")
        if comment.children:
            classes.append("parent")
        if comment.author_url:
            author = (f"<a href='{_a(comment.author_url)}' rel='external nofollow ugc' class='url'>"
                      f"{_e(comment.author)}</a>")
        else:
            author = _e(comment.author)
        reply_base = link_base if "comment-page-" in link_base else self.url(post)
        out = [
            f'\t\t<li id="comment-{comment.id}" class="{" ".join(classes)}">\n'
            f'\t\t\t<article id="div-comment-{comment.id}" class="comment-body">\n'
            f'\t\t\t\t<footer class="comment-meta">\n\t\t\t\t\t<div class="comment-author vcard">\n'
            f'\t\t\t\t\t\t\t\t\t\t\t\t<b class="fn">{author}</b> <span class="says">says:</span>'
            f'\t\t\t\t\t</div><!-- .comment-author -->\n\n\t\t\t\t\t<div class="comment-metadata">\n'
            f'\t\t\t\t\t\t<a href="{link_base}#comment-{comment.id}"><time datetime="{_iso(comment.when)}">'
            f'{_wp_time(comment.when)}</time></a>\t\t\t\t\t</div><!-- .comment-metadata -->\n\n'
            f'\t\t\t\t\t\t\t\t\t</footer><!-- .comment-meta -->\n\n'
            f'\t\t\t\t<div class="comment-content">\n\t\t\t\t\t<p>{_e(comment.text)}</p>\n'
            f'\t\t\t\t</div><!-- .comment-content -->\n\n'
            f"\t\t\t\t<div class=\"reply\"><a rel='nofollow' class='comment-reply-link' "
            f"href='{reply_base}?replytocom={comment.id}#respond' data-commentid=\"{comment.id}\" "
            f'data-postid="{post.id}" data-belowelement="div-comment-{comment.id}" data-respondelement="respond" '
            f"data-replyto=\"Reply to {_a(comment.author)}\" aria-label='Reply to {_a(comment.author)}'>Reply</a>"
            f"</div>\t\t\t</article><!-- .comment-body -->\n"
        ]
        if comment.children:
            out.append('\t\t<ol class="children">\n')
            for child in comment.children:
                out.append(self._comment(post, child, depth + 1, link_base, state, None))
            out.append("\t\t</ol><!-- .children -->\n")
        out.append("\t\t</li><!-- #comment-## -->\n")
        return "".join(out)

    def _pagination(self, post: Post, page: int, pages: int) -> str:
        url = self.url(post)
        svg_prev = ('<svg class="svg-icon" width="24" height="24" aria-hidden="true" role="img" focusable="false" '
                    'viewBox="0 0 24 24" fill="none" xmlns="http://www.w3.org/2000/svg"><path fill-rule="evenodd" '
                    'clip-rule="evenodd" d="M20 13v-2H8l4-4-1-2-7 7 7 7 1-2-4-4z" fill="currentColor"/></svg>')
        svg_next = ('<svg class="svg-icon" width="24" height="24" aria-hidden="true" role="img" focusable="false" '
                    'viewBox="0 0 24 24" fill="none" xmlns="http://www.w3.org/2000/svg"><path fill-rule="evenodd" '
                    'clip-rule="evenodd" d="m4 13v-2h12l-4-4 1-2 7 7-7 7-1-2 4-4z" fill="currentColor"/></svg>')
        links = []
        if page > 1:
            links.append(f'<a class="prev page-numbers" href="{url}comment-page-{page - 1}/#comments">{svg_prev} '
                         f'<span class="nav-prev-text">Older comments</span></a>')
        dots = False
        for n in range(1, pages + 1):
            if n == page:
                links.append(f'<span aria-current="page" class="page-numbers current">Page {n}</span>')
                dots = False
            elif n in (1, pages) or abs(n - page) <= 1:
                links.append(f'<a class="page-numbers" href="{url}comment-page-{n}/#comments">Page {n}</a>')
                dots = False
            elif not dots:
                links.append('<span class="page-numbers dots">&hellip;</span>')
                dots = True
        if page < pages:
            links.append(f'<a class="next page-numbers" href="{url}comment-page-{page + 1}/#comments">'
                         f'<span class="nav-next-text">Newer comments</span> {svg_next}</a>')
        return ('\n\t<nav class="navigation comments-pagination" aria-label="Comments">\n'
                '\t\t<h2 class="screen-reader-text">Comments navigation</h2>\n'
                '\t\t<div class="nav-links">' + "\n".join(links) + "</div>\n\t</nav>")

    def _comments(self, post: Post, page: int, pages: int) -> str:
        total = sum(thread.count() for thread in post.threads)
        respond = self.template.respond
        old = f"/{TEMPLATE_POST}/"
        respond = respond.replace(old, f"/{post.path}/").replace(
            f"value='{TEMPLATE_ID}' id='comment_post_ID'", f"value='{post.id}' id='comment_post_ID'")
        if not post.threads:
            return ('\n<div id="comments" class="comments-area default-max-width ">\n\n\t\n\t\t'
                    + respond + '\n\t\n</div><!-- #comments -->\n')
        threads = post.threads[(page - 1) * COMMENTS_PER_PAGE: page * COMMENTS_PER_PAGE]
        link_base = f"{self.url(post)}comment-page-{page}/" if pages > 1 else self.url(post)
        state = [0]
        items = "".join(self._comment(post, thread, 1, link_base, state, i) for i, thread in enumerate(threads))
        title = "One comment" if total == 1 else f"{total} comments"
        nav = self._pagination(post, page, pages) if pages > 1 else ""
        return (
            '\n<div id="comments" class="comments-area default-max-width ">\n\n'
            f'\t\t\t<h2 class="comments-title">\n\t\t\t\t\t\t\t{title}\t\t\t\t\t</h2><!-- .comments-title -->\n\n'
            f'\t\t<ol class="comment-list">\n\t{items}\t\t</ol><!-- .comment-list -->\n\n\t\t{nav}\n\t\t\t\n'
            f'\t\t{respond}\n\t\n</div><!-- #comments -->\n')

    def _post_nav(self, prev: Post | None, nxt: Post | None) -> str:
        parts = []
        if prev is not None:
            parts.append(f'<div class="nav-previous"><a href="{self.url(prev)}" rel="prev"><p class="meta-nav">'
                         f'Previous post</p><p class="post-title">{_e(prev.title)}</p></a></div>')
        if nxt is not None:
            parts.append(f'<div class="nav-next"><a href="{self.url(nxt)}" rel="next"><p class="meta-nav">'
                         f'Next post</p><p class="post-title">{_e(nxt.title)}</p></a></div>')
        return ('\n\t<nav class="navigation post-navigation" aria-label="Posts">\n'
                '\t\t<h2 class="screen-reader-text">Post navigation</h2>\n'
                f'\t\t<div class="nav-links">{"".join(parts)}</div>\n\t</nav>\t\t\t')

    def page(self, post: Post, page: int, pages: int, prev: Post | None, nxt: Post | None) -> str:
        return (self._head(post, post.title) + self._article(post) + self._comments(post, page, pages)
                + self._post_nav(prev, nxt) + self.template.tail)


def _rfc822(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S +0000")


def _rss(base: str, self_path: str, title: str, items: list[str], built: datetime) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
        '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n'
        '\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"\n\t>\n\n<channel>\n'
        f'\t<title>{_e(title)}</title>\n'
        f'\t<atom:link href="{base}{self_path}" rel="self" type="application/rss+xml" />\n'
        f'\t<link>{base}</link>\n\t<description>Routines, form notes and honest training logs</description>\n'
        f'\t<lastBuildDate>{_rfc822(built)}</lastBuildDate>\n\t<language>en-US</language>\n'
        '\t<generator>https://wordpress.org/?v=6.1.9</generator>\n'
        + "".join(items) + "</channel>\n</rss>\n")


def write_feeds(out: Path, renderer: Renderer, items: list[Post]) -> None:
    """The post feed and the site-wide comment feed, as WordPress serves them (10 items)."""
    base = renderer.base
    newest = sorted(items, key=lambda post: post.published, reverse=True)[:10]
    post_items = []
    for post in newest:
        url = renderer.url(post)
        total = sum(thread.count() for thread in post.threads)
        text = html.escape(post.body.split("</p>", 1)[0].removeprefix("<p>"), quote=False)
        post_items.append(
            f"\t<item>\n\t\t<title>{_e(post.title)}</title>\n\t\t<link>{url}</link>\n"
            f"\t\t<comments>{url}#comments</comments>\n"
            f"\t\t<dc:creator><![CDATA[{post.author[1]}]]></dc:creator>\n"
            f"\t\t<pubDate>{_rfc822(post.published)}</pubDate>\n"
            + "".join(f"\t\t<category><![CDATA[{c}]]></category>\n" for c in post.categories)
            + f'\t\t<guid isPermaLink="false">{base}/?p={post.id}</guid>\n'
            f"\t\t<description><![CDATA[{text}]]></description>\n"
            f"\t\t<wfw:commentRss>{url}feed/</wfw:commentRss>\n"
            f"\t\t<slash:comments>{total}</slash:comments>\n\t</item>\n")
    built = newest[0].published if newest else datetime(2024, 1, 1, tzinfo=timezone.utc)
    (out / "feed").mkdir()
    (out / "feed" / "index.xml").write_text(
        _rss(base, "/feed/", "Ironbark Training Journal", post_items, built), encoding="utf-8")
    everything: list[tuple[datetime, Post, Comment, int]] = []
    for post in items:
        pages = comment_pages(post)
        for number, thread in enumerate(post.threads):
            stack = [thread]
            while stack:
                comment = stack.pop()
                everything.append((comment.when, post, comment, number // COMMENTS_PER_PAGE + 1 if pages > 1 else 0))
                stack.extend(comment.children)
    everything.sort(key=lambda item: (item[0], item[2].id), reverse=True)
    comment_items = []
    for when, post, comment, page in everything[:10]:
        url = renderer.url(post) + (f"comment-page-{page}/" if page else "")
        comment_items.append(
            f"\t<item>\n\t\t<title>Comment on {_e(post.title)} by {_e(comment.author)}</title>\n"
            f"\t\t<link>{url}#comment-{comment.id}</link>\n"
            f"\t\t<dc:creator><![CDATA[{comment.author}]]></dc:creator>\n"
            f"\t\t<pubDate>{_rfc822(when)}</pubDate>\n"
            f'\t\t<guid isPermaLink="false">{base}/?p={post.id}#comment-{comment.id}</guid>\n'
            f"\t\t<description><![CDATA[{comment.text}]]></description>\n\t</item>\n")
    built = everything[0][0] if everything else built
    (out / "comments" / "feed").mkdir(parents=True)
    (out / "comments" / "feed" / "index.xml").write_text(
        _rss(base, "/comments/feed/", "Comments for Ironbark Training Journal", comment_items, built),
        encoding="utf-8")


def comment_pages(post: Post) -> int:
    return max(1, -(-len(post.threads) // COMMENTS_PER_PAGE))


def generate(out: Path, *, posts: int = 2000, seed: int = 10, base_url: str = "http://127.0.0.1:8090") -> dict[str, int]:
    """Write the blog into ``out`` (emptied first) and return its manifest counts."""
    base = base_url.rstrip("/")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    renderer = Renderer(base)
    items = make_posts(posts, seed)
    comment_page_files = fetched_comment_pages = comments = 0
    html_bytes = 0
    for i, post in enumerate(items):
        prev = items[i - 1] if i > 0 else None
        nxt = items[i + 1] if i + 1 < len(items) else None
        pages = comment_pages(post)
        folder = out / post.path
        folder.mkdir(parents=True, exist_ok=True)
        text = renderer.page(post, pages, pages, prev, nxt).encode("utf-8")
        (folder / "index.html").write_bytes(text)
        html_bytes += len(text)
        comments += sum(thread.count() for thread in post.threads)
        if pages > 1:
            for n in range(1, pages + 1):
                page_dir = folder / f"comment-page-{n}"
                page_dir.mkdir()
                text = renderer.page(post, n, pages, prev, nxt).encode("utf-8")
                (page_dir / "index.html").write_bytes(text)
                html_bytes += len(text)
                comment_page_files += 1
            fetched_comment_pages += pages
    # sitemaps: an index and sub-sitemaps of at most SITEMAP_MAX URLs
    chunks = [items[i:i + SITEMAP_MAX] for i in range(0, len(items), SITEMAP_MAX)] or [[]]
    index = ['<?xml version="1.0" encoding="UTF-8"?>\n'
             f'<?xml-stylesheet type="text/xsl" href="{base}/wp-sitemap-index.xsl" ?>\n'
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for k, chunk in enumerate(chunks, start=1):
        name = f"wp-sitemap-posts-post-{k}.xml"
        index.append(f"<sitemap><loc>{base}/{name}</loc></sitemap>")
        urls = "".join(f"<url><loc>{renderer.url(post)}</loc></url>" for post in chunk)
        (out / name).write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<?xml-stylesheet type="text/xsl" href="{base}/wp-sitemap.xsl" ?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n', encoding="utf-8")
    index.append("</sitemapindex>\n")
    (out / "wp-sitemap.xml").write_text("".join(index), encoding="utf-8")
    (out / "robots.txt").write_text(f"User-agent: *\nAllow: /\n\nSitemap: {base}/wp-sitemap.xml\n", encoding="utf-8")
    write_feeds(out, renderer, items)
    home = (SAMPLE / "index.html").read_text(encoding="utf-8").replace(SAMPLE_BASE, base)
    (out / "index.html").write_text(home, encoding="utf-8")
    images = 0
    for path, _w, _h, sizes, _alt, _cap in IMAGES:
        stem, _dot, ext = path.rpartition(".")
        for name in [path] + [f"{stem}{suffix}.{ext}" for suffix, _sw, _sh in sizes]:
            target = out / "wp-content" / "uploads" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(SAMPLE / "wp-content" / "uploads" / name, target)
        images += 1
    manifest = {
        "posts": len(items),
        "comment_page_files": comment_page_files,
        "comment_pages_to_fetch": fetched_comment_pages,
        "html_pages_to_fetch": len(items) + fetched_comment_pages,
        "comments": comments,
        "images": images,
        "html_bytes": html_bytes,
        "seed": seed,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="directory to write (emptied first)")
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--base-url", default="http://127.0.0.1:8090")
    args = parser.parse_args()
    manifest = generate(args.out, posts=args.posts, seed=args.seed, base_url=args.base_url)
    print(json.dumps(manifest))


if __name__ == "__main__":
    main()
