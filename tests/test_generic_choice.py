"""The main-content finder on small pages where the wrong block could be chosen, one rule each."""

from __future__ import annotations

from article_pages import text


def test_content_that_is_all_caption_is_read_with_its_caption() -> None:
    html = (
        "<html><head><title>Deadlift day</title></head><body><main><article class='video'>"
        "<div class='player'><img src='/v.jpg' alt=''></div>"
        "<div class='item-caption'><p>The deadlift is the lift where the bar starts on the floor, "
        "and the whole body, from the feet to the grip, moves it.</p>"
        "<p>Our coach shows the setup, the pull and the lockout, and where most lifters go wrong."
        "</p></div></article></main></body></html>"
    )
    out = text(html)
    assert "The deadlift is the lift where the bar starts on the floor" in out
    assert "where most lifters go wrong" in out


def test_captions_stay_out_when_the_content_has_prose_of_its_own() -> None:
    html = (
        "<html><body><article>"
        "<figure><img src='/a.jpg' alt=''><figcaption>A lifter at the bar.</figcaption></figure>"
        "<p>The deadlift is the lift where the bar starts on the floor, and the whole body, "
        "from the feet to the grip, moves it, as every coach will tell you.</p>"
        "</article></body></html>"
    )
    out = text(html)
    assert "The deadlift is the lift" in out
    assert "A lifter at the bar" not in out


def test_testimonials_are_furniture_beside_the_page_text() -> None:
    quotes = "".join(
        f"<li><p>“Coach {n} fixed my squat, my back, my sleep and, somehow, my posture at the "
        "desk. Thank you, really, for everything.”</p><p>Client, May 2024</p></li>"
        for n in range(1, 4)
    )
    about = (
        "We coach lifters of every age online and in our gym with a plan written for you.",
        "Every plan starts with a call and a look at your training so far and a test week.",
        "Then we set the loads and the days and the lifts and change them as you go along.",
        "The gym is open from six in the morning to ten at night on all of the weekdays.",
        "Parking is free for members in the yard behind the building next to the bakery.",
    )
    html = (
        "<html><body><div class='about'>"
        + "".join(f"<p>{line}</p>" for line in about)
        + f"</div><div class='testimonial-slider'><h2>What clients say</h2><ul>{quotes}</ul>"
        "</div></body></html>"
    )
    out = text(html)
    assert "We coach lifters of every age" in out
    assert "Coach 1 fixed my squat" not in out


def test_product_form_inside_the_marked_body_is_kept() -> None:
    html = (
        "<html><body><main><article><h1>Lifting belt</h1><div class='entry-content'>"
        "<form class='productform' action='/cart' method='post'>"
        "<div class='description'><p>A ten-millimetre leather belt, stitched twice, with a "
        "single prong buckle that holds at any notch, for squats, pulls and presses.</p>"
        "<p>Delivery time: 3 to 5 days.</p></div>"
        "<input type='number' name='qty' value='1'><button>Add to cart</button>"
        "</form></div></article></main>"
        "<aside class='sidebar'><p>We ship across the country, and we are happy to help "
        "with sizes, colours and anything else.</p></aside>"
        "<footer><p>" + "Our shop, our terms, our returns and our privacy notice. " * 8 + "</p>"
        "</footer></body></html>"
    )
    out = text(html)
    assert "A ten-millimetre leather belt, stitched twice" in out
    assert "Delivery time: 3 to 5 days." in out
    assert "We ship across the country" not in out
    assert "Add to cart" not in out


def comments(n: int) -> str:
    return "".join(
        f"<li><div class='top'>Reader {i}, 2 May 2024</div><p>Great post, thanks. I tried it, "
        "and my knees, my hips and, oddly, my shoulders feel better; my coach, however, "
        "disagrees, and says the bar, the stance and the grip all matter more than this.</p></li>"
        for i in range(1, n + 1)
    )


def test_comment_section_named_by_its_heading_does_not_win_over_the_post() -> None:
    html = (
        "<html><body><div id='main'><article>"
        "<p>Pause squats build strength out of the hole because the pause takes away "
        "the stretch reflex, so the lift starts from a dead stop.</p>"
        "<p>Start with two seconds at the bottom and a weight you can own for five reps, "
        "then add weight week by week while the pause stays honest.</p>"
        "<p>Film a set from the side now and then: the hips should not drift back "
        "during the pause.</p>"
        "</article></div>"
        f"<div id='talk'><div class='box'><h2>12 comments</h2><ul>{comments(12)}</ul></div>"
        "</div></body></html>"
    )
    out = text(html)
    assert "Pause squats build strength" in out
    assert "Reader 1" not in out and "Great post" not in out


def test_comment_heading_after_the_post_in_its_wrapper_takes_only_the_thread() -> None:
    html = (
        "<html><body><div class='wrap'><article>"
        "<p>Pause squats build strength out of the hole because the pause takes away "
        "the stretch reflex, so the lift starts from a dead stop.</p>"
        "<p>Start with two seconds at the bottom and a weight you can own for five reps, "
        "then add weight week by week while the pause stays honest.</p>"
        "<p>Film a set from the side now and then: the hips should not drift back "
        "during the pause.</p></article>"
        f"<h3>Comments (8)</h3><ol class='list'>{comments(8)}</ol></div></body></html>"
    )
    out = text(html)
    assert "Pause squats build strength" in out and "while the pause stays honest" in out
    assert "Great post" not in out


def test_customer_reviews_under_a_header_do_not_win_over_the_product_text() -> None:
    reviews = "".join(
        f"<div class='rev'><b>Buyer {i}</b><p>Solid belt, stiff at first, but after a week, "
        "and a few heavy sessions, it sits well; the buckle, though, sticks a little.</p></div>"
        for i in range(1, 7)
    )
    html = (
        "<html><body><div class='product'>"
        "<div class='desc'><p>A ten-millimetre leather belt, stitched twice, with a single "
        "prong buckle that holds at any notch.</p><p>Made by hand in a small workshop from "
        "vegetable-tanned leather that softens with use.</p><p>Sizes from small to extra "
        "large; measure around the waist where you wear the belt.</p><p>Ships in two "
        "days in a cotton bag, with a card on caring for the leather over the years.</p></div>"
        "<div class='widget'><div class='widget-head'><h2>Customer Reviews</h2></div>"
        f"<div class='widget-body'>{reviews}</div></div></div></body></html>"
    )
    out = text(html)
    assert "A ten-millimetre leather belt" in out
    assert "Solid belt" not in out


def test_an_empty_comment_section_stays_out_and_the_block_after_it_stays() -> None:
    html = (
        "<html><body><main><section class='story'>"
        "<p>Pause squats build strength out of the hole because the pause takes away "
        "the stretch reflex, so the lift starts from a dead stop.</p>"
        "<p>Start with two seconds at the bottom and a weight you can own for five reps, "
        "then add weight week by week while the pause stays honest.</p>"
        "<p>Three sets a week are plenty; they are slow sets, and they tire you more than "
        "the weight on the bar suggests.</p></section>"
        "<section class='talk'><div><h2>0 Comments</h2></div><p>No comments yet</p></section>"
        "<section class='story'><p>Film a set from the side now and then: the hips should "
        "not drift back during the pause, and the chest should stay up.</p></section>"
        "</main></body></html>"
    )
    out = text(html)
    assert "Pause squats build strength" in out
    assert "Film a set from the side" in out
    assert "No comments yet" not in out


def test_sections_whose_name_says_they_hold_ad_slots_are_still_article() -> None:
    section = (
        "<section class='report__section report__section--ads'><h2>Part {n}</h2>"
        "<p>Part {n} of the test: the bar, the plates and the collars, loaded, unloaded and "
        "dropped, again and again, for a week of heavy sessions.</p>"
        "<div class='ad-slot'><p>Advertisement: buy plates now</p></div></section>"
    )
    html = (
        "<html><body><main><article class='report'><h1>Barbell test</h1>"
        + "".join(section.format(n=n) for n in range(1, 4))
        + "</article></main><aside><p>Other tests, other bars, other plates.</p></aside>"
        "</body></html>"
    )
    out = text(html)
    for n in range(1, 4):
        assert f"Part {n} of the test" in out
    assert "buy plates now" not in out


def test_author_bio_under_its_heading_does_not_win_over_a_short_post() -> None:
    html = (
        "<html><body><main><article>"
        "<section class='content'><p>This chart shows how many lifters entered each "
        "national meet since the federation began keeping records. The count rose slowly "
        "for thirty years and then doubled within five. Most of the new lifters are women "
        "and most of them started in a gym rather than in a club. The meets grew longer "
        "and the federation added a second platform in the last year.</p></section>"
        "<div class='people'><h2>About the author</h2><div class='card'><p>Born in 1983, "
        "Sam has coached, judged and written about lifting for twenty years, in clubs, gyms "
        "and, lately, online; before that, Sam studied physics, history and German.</p>"
        "</div></div></article></main></body></html>"
    )
    out = text(html)
    assert "This chart shows how many lifters" in out
    assert "Born in 1983" not in out


def test_a_counted_thoughts_on_title_heading_names_the_comment_section() -> None:
    html = (
        "<html><body><div id='main'><article>"
        "<p>Pause squats build strength out of the hole because the pause takes away "
        "the stretch reflex, so the lift starts from a dead stop.</p>"
        "<p>Start with two seconds at the bottom and a weight you can own for five reps, "
        "then add weight week by week while the pause stays honest.</p>"
        "<p>Film a set from the side now and then: the hips should not drift back "
        "during the pause.</p></article></div>"
        f"<div id='talk'><div class='box'><h2>12 thoughts on “Pause squats”</h2>"
        f"<ul>{comments(12)}</ul></div></div></body></html>"
    )
    out = text(html)
    assert "Pause squats build strength" in out
    assert "Great post" not in out


def test_a_section_heading_that_only_starts_like_a_comment_label_stays() -> None:
    html = (
        "<html><body><article>"
        "<p>Pause squats build strength out of the hole because the pause takes away "
        "the stretch reflex, so the lift starts from a dead stop.</p>"
        "<h2>Thoughts on volume</h2>"
        "<p>Three sets a week are plenty; they are slow sets, and they tire you more than "
        "the weight on the bar suggests, so keep the rest of the week light.</p>"
        "</article></body></html>"
    )
    out = text(html)
    assert "Thoughts on volume" in out
    assert "Three sets a week are plenty" in out
