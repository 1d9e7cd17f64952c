"""Post images: largest rendition, role, caption, heading, featured image."""

from __future__ import annotations

from pathlib import Path

from scraper.extract import extract_post_page
from scraper.records import ImageRef

HTML = Path(__file__).parent / "fixtures" / "html"
UP = "https://ironandoats.example/wp-content/uploads/2024/"


def page(name: str) -> bytes:
    return (HTML / name).read_bytes()


def minimal(body: str, *, head: str = "", outside: str = "") -> bytes:
    return (
        f'<html><head>{head}</head><body class="single single-post postid-5"><article id="post-5" '
        f'class="post-5 post type-post">{outside}<h1 class="entry-title">T</h1>'
        f'<div class="entry-content">{body}</div></article></body></html>'
    ).encode()


def images(html: bytes, url: str = "https://site.example/post/") -> tuple[ImageRef, ...]:
    post = extract_post_page(html, url)
    assert post is not None
    return post.images


def test_classic_theme_images_with_headings_captions_and_gallery() -> None:
    post = extract_post_page(
        page("tt1-post-nested-comments.html"),
        "https://ironandoats.example/2024/02/11/back-day-three-routines/",
    )
    assert post is not None
    assert post.images == (
        ImageRef(
            url=UP + "02/barbell-row-2048x1365.jpg",
            position=0,
            role="featured",
            alt="Barbell row at the bottom position",
            caption="Rows first, always.",
            width=2048,
            height=1365,
        ),
        ImageRef(  # the link to the original wins over the srcset
            url=UP + "02/deadlift-setup.jpg",
            position=1,
            alt="Deadlift setup with the bar over mid-foot",
            caption="Brace before you pull.",
            heading="Back Routine 1",
        ),
        ImageRef(  # classic [caption] figure, original found in the srcset
            url=UP + "02/pull-up.jpg",
            position=2,
            alt="Pull-up, chin over the bar",
            caption="Weighted pull-ups, 3 sets of 6.",
            heading="Back Routine 2",
            width=1200,
            height=800,
        ),
        ImageRef(  # classic gallery: linked -scaled original
            url=UP + "02/face-pull-scaled.jpg",
            position=3,
            role="gallery",
            caption="Face pull",
            heading="Accessory circuit",
        ),
        ImageRef(  # gallery item linked to its attachment page: widest srcset candidate
            url=UP + "02/shrug-800x800.jpg",
            position=4,
            role="gallery",
            alt="Dumbbell shrug",
            caption="Dumbbell shrug",
            heading="Accessory circuit",
            width=800,
            height=800,
        ),
    )


def test_block_gallery_captions_under_headings() -> None:
    refs = images(
        page("tt3-post-block-gallery.html"),
        "https://ironandoats.example/2024/03/02/leg-day-circuit/",
    )
    assert [(r.position, r.role, r.url.rsplit("/", 1)[1], r.caption, r.heading) for r in refs] == [
        (0, "featured", "goblet-squat-scaled.jpg", None, None),
        (1, "gallery", "kb-goblet.jpg", "Goblet squat, 4 x 12", "Circuit A"),
        # no caption of its own, and the gallery's caption describes the whole gallery
        (2, "gallery", "step-up-1024x768.jpg", None, "Circuit A"),
        (3, "gallery", "rdl.jpg", "Single-leg RDL, 3 x 8 each side", "Circuit B"),
        (4, "gallery", "swing-1024x683.jpg", "Swings, 20 reps", "Circuit B"),
    ]
    assert (refs[1].width, refs[1].height) == (1800, 1201)
    assert (refs[0].width, refs[0].height) == (2560, 1707)


def test_lazy_loaded_and_jetpack_images() -> None:
    refs = images(page("generatepress-comment-page-2.html"), "https://kettlecorner.example/?p=118")
    base = "https://kettlecorner.example/wp-content/uploads/2023/11/"
    assert [(r.url, r.width, r.height, r.heading) for r in refs] == [
        (base + "snatch-test.jpg", 1200, 800, None),
        (base + "swing-1600x1066.jpg", 1600, 1066, "Weeks 1\u20132: swings"),  # data-lazy-srcset
        (base + "high-pull-1200x800.jpg", 1200, 800, "Weeks 3\u20134: high pulls"),  # data-srcset
        (base + "snatch-ladder.jpg", 1400, 933, "Weeks 5\u20136: snatch ladders"),  # data-orig-file
    ]
    post = extract_post_page(
        page("generatepress-comment-page-2.html"), "https://kettlecorner.example/?p=118"
    )
    assert post is not None
    # The body shows the real image, not the placeholder, and no noscript duplicate.
    assert "data:image" not in post.body_html and "lazy_placeholder" not in post.body_html
    assert post.body_html.count('swing-800x533.jpg" alt') == 1


def test_old_theme_caption_div_and_dl_gallery() -> None:
    refs = images(
        page("twentytwelve-old-post.html"),
        "http://oldschoolstrength.example/2013/06/starting-strength-vs-5x5/",
    )
    base = "http://oldschoolstrength.example/wp-content/uploads/2013/06/"
    assert [(r.url, r.role, r.caption, r.heading) for r in refs] == [
        (base + "squat-log.jpg", "body", "My squat log, weeks 1-4", "Month 1: Starting Strength"),
        (base + "power-clean.jpg", "gallery", "Power clean, week 6", "Month 2: 5\u00d75"),
        # "-5x5" is part of the name, only "-150x150" is a size suffix
        (
            base + "barbell-row-5x5.jpg",
            "gallery",
            "Pendlay rows replace cleans",
            "Month 2: 5\u00d75",
        ),
    ]


def test_relative_urls_resolve_against_the_page_and_base_href() -> None:
    refs = images(
        minimal('<p><img src="../img/a.jpg" alt="A"></p>'), "https://site.example/blog/post/"
    )
    assert refs[0].url == "https://site.example/blog/img/a.jpg"
    html = minimal('<p><img src="img/b.jpg"></p>', head='<base href="https://cdn.site.example/x/">')
    assert images(html)[0].url == "https://cdn.site.example/x/img/b.jpg"


def test_skipped_images() -> None:
    body = (
        '<p><img src="https://s.w.org/images/core/emoji/14.0.0/svg/1f3cb.svg" class="emoji" alt="x">'
        '<img src="https://secure.gravatar.com/avatar/1?s=40" class="avatar avatar-40" alt="">'
        '<img src="https://pixel.wp.com/g.gif?blog=1" alt="">'
        '<img src="https://site.example/t.gif" width="1" height="1">'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<img src="https://site.example/wp-content/uploads/real.jpg" alt="Real"></p>'
    )
    refs = images(minimal(body))
    assert [r.url for r in refs] == ["https://site.example/wp-content/uploads/real.jpg"]
    assert refs[0].position == 0


def test_same_image_twice_is_two_placements_with_their_own_captions() -> None:
    body = (
        '<h2>One</h2><p><img src="https://site.example/u/a-300x200.jpg" '
        'srcset="https://site.example/u/a-300x200.jpg 300w, https://site.example/u/a.jpg 900w"></p>'
        '<h2>Two</h2><figure class="wp-block-image"><a href="https://site.example/u/a.jpg">'
        '<img src="https://site.example/u/a-150x150.jpg"></a><figcaption>Second look</figcaption></figure>'
    )
    refs = images(minimal(body))
    assert [(r.position, r.url, r.heading, r.caption) for r in refs] == [
        (0, "https://site.example/u/a.jpg", "One", None),
        (1, "https://site.example/u/a.jpg", "Two", "Second look"),
    ]


def test_gallery_caption_is_not_given_to_an_uncaptioned_image() -> None:
    body = (
        '<figure class="wp-block-gallery has-nested-images">'
        '<figure class="wp-block-image"><img src="https://site.example/u/a.jpg"></figure>'
        '<figure class="wp-block-image"><img src="https://site.example/u/b.jpg">'
        '<figcaption class="wp-element-caption">B alone</figcaption></figure>'
        '<figcaption class="blocks-gallery-caption wp-element-caption">The whole set</figcaption></figure>'
    )
    refs = images(minimal(body))
    assert [(r.role, r.caption) for r in refs] == [("gallery", None), ("gallery", "B alone")]


def test_link_to_a_different_image_is_not_the_original() -> None:
    body = '<p><a href="https://site.example/u/other.jpg"><img src="https://site.example/u/a-300x200.jpg" width="300" height="200"></a></p>'
    (ref,) = images(minimal(body))
    assert (ref.url, ref.width, ref.height) == ("https://site.example/u/a-300x200.jpg", 300, 200)


def test_image_before_any_heading_has_no_heading_and_images_inside_figures_follow_headings() -> (
    None
):
    body = (
        '<p><img src="https://site.example/u/intro.jpg"></p><h3>Core <em>Routine</em> 1</h3>'
        '<div class="wp-block-group"><figure class="wp-block-image"><img src="https://site.example/u/plank.jpg">'
        "</figure></div>"
    )
    refs = images(minimal(body))
    assert [(r.url.rsplit("/", 1)[1], r.heading) for r in refs] == [
        ("intro.jpg", None),
        ("plank.jpg", "Core Routine 1"),
    ]


def test_featured_image_from_og_image_only_when_it_is_an_upload_not_in_the_body() -> None:
    og = '<meta property="og:image" content="https://site.example/wp-content/uploads/2024/01/hero.jpg">'
    refs = images(minimal("<p>Text</p>", head=og))
    assert [(r.url, r.role, r.position) for r in refs] == [
        ("https://site.example/wp-content/uploads/2024/01/hero.jpg", "featured", 0)
    ]
    # The SEO plugin fell back to the first body image: not a featured image.
    body = '<p><img src="https://site.example/wp-content/uploads/2024/01/hero-1024x683.jpg"></p>'
    refs = images(minimal(body, head=og))
    assert [r.role for r in refs] == ["body"]
    # Site logos and CDN placeholders are not featured images either.
    logo = '<meta property="og:image" content="https://site.example/wp-content/uploads/cropped-icon.png">'
    assert images(minimal("<p>x</p>", head=logo)) == ()
    blank = '<meta property="og:image" content="https://s0.wp.com/i/blank.jpg">'
    assert images(minimal("<p>x</p>", head=blank)) == ()


def test_featured_image_outside_the_article_and_sidebar_thumbnails_ignored() -> None:
    refs = images(
        page("twentyseventeen-hostile-post.html"),
        "https://kaisdeadlifts.example/deadlift-form-checklist/",
    )
    assert refs[0].role == "featured"
    assert refs[0].url.endswith("/deadlift-lockout-2000x1200.jpg")
    astra = images(
        page("astra-post.html"), "https://strideandsquat.example/mobility-before-squats/"
    )
    assert all("box-squat" not in r.url for r in astra)  # latest-posts widget thumbnail
    assert [r.role for r in astra] == ["body", "body"]


def test_plugin_gallery_thumbnails_link_to_their_originals() -> None:
    body = (
        '<div class="ngg-galleryoverview"><div class="ngg-gallery-thumbnail">'
        '<a href="https://site.example/wp-content/gallery/meet/clean-and-jerk.jpg">'
        '<img src="https://site.example/wp-content/gallery/meet/thumbs/thumbs_clean-and-jerk.jpg" '
        'alt="Clean and jerk" width="240" height="160"></a></div></div>'
    )
    (ref,) = images(minimal(body))
    assert (ref.url, ref.role, ref.alt) == (
        "https://site.example/wp-content/gallery/meet/clean-and-jerk.jpg",
        "gallery",
        "Clean and jerk",
    )


_ROW = "https://site.example/wp-content/uploads/2024/01/barbell-row"


def test_featured_image_also_in_the_body_keeps_its_body_placement_classic() -> None:
    outside = (
        '<figure class="post-thumbnail"><img class="wp-post-image" src="' + _ROW + '-1568x1045.jpg" '
        'srcset="' + _ROW + '-1568x1045.jpg 1568w, ' + _ROW + '.jpg 1800w" alt="Row">'
        '<figcaption class="wp-caption-text">Featured caption</figcaption></figure>'
    )
    body = (
        '<p><img src="https://site.example/wp-content/uploads/2024/01/intro.jpg"></p>'
        '<h2>Back Routine 1</h2><figure class="wp-caption"><img src="' + _ROW + '-1024x683.jpg" '
        'srcset="' + _ROW + '-1024x683.jpg 1024w, ' + _ROW + '.jpg 1800w" alt="Row in the body">'
        '<figcaption class="wp-caption-text">Body caption</figcaption></figure>'
    )
    refs = images(minimal(body, outside=outside))
    assert [(r.position, r.role, r.is_featured, r.url.rsplit("/", 1)[1], r.heading, r.caption, r.alt)
            for r in refs] == [
        (0, "body", False, "intro.jpg", None, None, None),
        (1, "body", True, "barbell-row.jpg", "Back Routine 1", "Body caption", "Row in the body"),
    ]


def test_featured_image_also_in_the_body_keeps_its_body_placement_block_theme() -> None:
    html = (
        '<html><body class="single single-post postid-7 wp-theme-twentytwentythree"><main>'
        '<h1 class="wp-block-post-title">T</h1><figure class="wp-block-post-featured-image">'
        '<img class="wp-post-image" src="' + _ROW + '.jpg" alt=""></figure>'
        '<div class="entry-content wp-block-post-content"><h2>Leg Day 1</h2>'
        '<figure class="wp-block-gallery has-nested-images"><figure class="wp-block-image">'
        '<img src="' + _ROW + '-1024x683.jpg" alt="Row"><figcaption>Gallery item</figcaption></figure>'
        '</figure></div></main></body></html>'
    ).encode()
    (ref,) = images(html)
    assert (ref.position, ref.role, ref.is_featured, ref.heading, ref.caption, ref.alt) == (
        0, "gallery", True, "Leg Day 1", "Gallery item", "Row")


def test_featured_image_outside_the_body_only_keeps_its_own_row() -> None:
    outside = '<figure class="post-thumbnail"><img class="wp-post-image" src="' + _ROW + '.jpg"></figure>'
    refs = images(minimal('<h2>A</h2><img src="https://site.example/x.jpg">', outside=outside))
    assert [(r.position, r.role, r.is_featured) for r in refs] == [(0, "featured", False), (1, "body", False)]
