"""The main-content finder on small pages: content beside the chosen block and inside it."""

from __future__ import annotations

from article_pages import body, text


def test_standfirst_set_as_a_subheading_joins_the_body_and_a_short_heading_does_not() -> None:
    lead = (
        "The gym reopens next week with longer hours, a new rack room and classes for "
        "beginners, the owners said on Monday."
    )
    page = (
        "<html><head><title>Gym reopens | Example</title></head><body><article>"
        "<h1>Gym reopens</h1><h2>{heading}</h2><div class='ad-slot'></div>"
        f"<div class='story'>{body(6)}</div></article></body></html>"
    )
    out = text(page.format(heading=lead))
    assert out.startswith(lead)
    assert out.count("Paragraph") == 6
    bare = lead.replace(",", "").rstrip(".") + " for the third time this year"
    assert text(page.format(heading=bare)).startswith(bare)
    short = text(page.format(heading="Longer hours and a new rack room"))
    assert "Longer hours" not in short
    assert short.count("Paragraph") == 6


def test_unnamed_lead_right_beside_a_marked_body_joins_it_and_one_further_up_does_not() -> None:
    lead = (
        "The gym reopens next week with longer hours, a new rack room and classes for "
        "beginners, the owners said on Monday."
    )
    notice = (
        "This copy is for your own use only, and ordering copies for your colleagues, "
        "clients or customers is done elsewhere."
    )
    html = (
        "<html><head><title>Gym reopens | Example</title></head><body>"
        f"<h1>Gym reopens</h1><div class='wrap'><p>{notice}</p><article>"
        f"<div class='bold'><p><strong>{lead}</strong></p></div><span></span>"
        f"<div class='entry-content'>{body(6)}</div></article></div></body></html>"
    )
    out = text(html)
    assert out.startswith(lead)
    assert out.count("Paragraph") == 6
    assert "This copy" not in out


def test_prose_in_blocks_named_by_layout_words_stays_and_a_newsletter_box_goes() -> None:
    section = (
        "<div class='elementor-widget-container'><p>Section {n}: the gym was founded in 2013 "
        "by two coaches, and it has grown, slowly and on purpose, into a club of four hundred "
        "members who train together.</p></div>"
    )
    html = (
        "<html><head><title>About us | Example</title></head><body><article>"
        f"<div class='entry'>{body(8)}"
        + section.format(n=1)
        + "<div class='newsletter-widget'><p>Get our letter every week, with plans, recipes "
        "and news, delivered to your inbox, free.</p></div>"
        "</div></article></body></html>"
    )
    out = text(html)
    assert "Section 1: the gym was founded" in out
    assert "Get our letter" not in out
    assert out.count("Paragraph") == 8


def test_lead_closing_a_header_block_above_a_picture_joins_unless_it_names_the_author() -> None:
    lead = (
        "The gym reopens next week with longer hours, a new rack room and classes for "
        "beginners, the owners said on Monday."
    )
    page = (
        "<html><head><title>Gym reopens | Example</title></head><body><article>"
        "<div class='top'><h2>Gym reopens</h2>{author}<p>{lead}</p></div>"
        "<figure><img src='/rack.jpg'><figcaption>The new rack room.</figcaption></figure>"
        f"<div class='story'>{body(6)}</div></article></body></html>"
    )
    out = text(page.format(author="", lead=lead))
    assert out.startswith(lead)
    assert out.count("Paragraph") == 6 and "rack room." not in out
    signed = text(page.format(author="<a href='/author/sam-lee/'>Sam Lee</a>", lead=lead))
    assert "The gym reopens" not in signed and "Sam Lee" not in signed
    assert signed.count("Paragraph") == 6


def test_lead_named_by_its_class_joins_without_sentence_punctuation() -> None:
    lead = (
        "Gym reopens next week with longer hours and a new rack room and classes for beginners "
        "on every weekday morning"
    )
    page = (
        "<html><head><title>Gym reopens | Example</title></head><body><article>"
        "<h1>Gym reopens</h1><p class='{cls}'>{lead}</p>"
        f"<div class='story'>{body(6)}</div></article></body></html>"
    )
    assert text(page.format(cls="subtitle", lead=lead)).startswith(lead)
    assert lead not in text(page.format(cls="note", lead=lead))


def test_lead_further_up_joins_though_a_box_after_the_body_ends_that_side() -> None:
    lead = (
        "The gym reopens next week with longer hours, a new rack room and classes for "
        "beginners, the owners said on Monday."
    )
    html = (
        "<html><head><title>Gym reopens | Example</title></head><body><main><article>"
        f"<h1>Gym reopens</h1><p>{lead}</p><div class='wrap'>"
        f"<div class='story'>{body(6)}</div>"
        "<div class='rights'>All rights reserved by the publisher of this page</div>"
        "</div></article></main></body></html>"
    )
    out = text(html)
    assert out.startswith(lead)
    assert out.count("Paragraph") == 6
    assert "All rights" not in out


def test_lead_set_beside_its_picture_joins_and_a_gallery_does_not() -> None:
    lead = (
        "The gym reopens next week with longer hours, a new rack room and classes for "
        "beginners, the owners said on Monday. Members keep their plans, and the first "
        "week of classes is free for everyone who signs up at the desk."
    )
    page = (
        "<html><head><title>Gym reopens | Example</title></head><body><article>"
        "<h1>Gym reopens</h1><div class='top'>{pictures}<p>{lead}</p></div>"
        f"<div class='story'>{body(6)}</div></article></body></html>"
    )
    out = text(page.format(pictures="<img src='/face.jpg'>", lead=lead))
    assert out.startswith(lead)
    gallery = text(page.format(pictures="<img src='/a.jpg'><img src='/b.jpg'>", lead=lead))
    assert lead not in gallery
    assert gallery.count("Paragraph") == 6


def test_lead_four_wrappers_above_the_body_joins_it_across_pictures() -> None:
    lead = (
        "The gym reopens next week with longer hours, a new rack room and classes for "
        "beginners, the owners said on Monday."
    )
    figure = (
        "<figure><img src='/{n}.jpg'><figcaption>Picture {n}: the rack room seen from the "
        "entrance on the first floor, with the platforms along the window</figcaption></figure>"
    )
    html = (
        "<html><head><title>Gym reopens | Example</title></head><body><article>"
        f"<h1>Gym reopens</h1><p>{lead}</p>"
        + "".join(f"<div class='level{n}'>" + figure.format(n=n) for n in (3, 2, 1))
        + f"<div class='story'>{body(6)}</div></div></div></div></article></body></html>"
    )
    out = text(html)
    assert out.startswith(lead)
    assert out.count("Paragraph") == 6 and "Picture" not in out


def test_ingredient_list_with_linked_names_joins_and_a_list_with_bare_links_does_not() -> None:
    linked = "".join(
        f"<li>{n}00 g of <a href='/i{n}'>rolled oats</a>, toasted in a dry pan</li>"
        for n in range(1, 7)
    )
    mixed = "".join(
        f"<li>{n}00 g of rolled oats, toasted in a dry pan, then cooled</li>" for n in range(1, 5)
    ) + "".join(f"<li><a href='/r{n}'>Oat bar number {n}</a></li>" for n in range(5, 7))
    page = (
        "<html><head><title>Oat bars | Example</title></head><body><article>"
        "<h1>Oat bars</h1><div class='ingredients'><ul>{items}</ul></div>"
        f"<div class='method'>{body(6)}</div></article></body></html>"
    )
    out = text(page.format(items=linked))
    assert "600 g of rolled oats, toasted" in out
    assert out.count("Paragraph") == 6
    other = text(page.format(items=mixed))
    assert "100 g of rolled oats" not in other and "Oat bar number" not in other
    assert other.count("Paragraph") == 6


def test_body_climbs_to_the_parent_that_adds_an_ingredient_list_with_linked_names() -> None:
    linked = "".join(
        f"<li>{n}00 g of <a href='/i{n}'>rolled oats</a>, toasted in a dry pan</li>"
        for n in range(1, 7)
    )
    html = (
        "<html><head><title>Oat bars | Example</title></head><body><article>"
        f"<h1>Oat bars</h1><h2>What goes in</h2><ul>{linked}</ul><h2>How to bake them</h2>"
        f"<div class='method'>{body(8)}</div></article></body></html>"
    )
    out = text(html)
    assert out.index("What goes in") < out.index("600 g of rolled oats") < out.index("How to")
    assert out.count("Paragraph") == 8


def test_lead_joins_across_an_image_block_whose_picture_is_not_in_the_page() -> None:
    lead = (
        "The gym reopens next week with longer hours, a new rack room and classes for "
        "beginners, the owners said on Monday."
    )
    html = (
        "<html><head><title>Gym reopens | Example</title></head><body><article>"
        f"<h1>Gym reopens</h1><p>{lead}</p>"
        "<div class='article-image'><span>The new rack room, seen from the entrance on the "
        "first floor (picture loaded by a script)</span></div>"
        f"<div class='story'>{body(6)}</div></article></body></html>"
    )
    out = text(html)
    assert out.startswith(lead)
    assert out.count("Paragraph") == 6 and "rack room, seen" not in out


def test_paragraph_showing_a_linked_address_stays_and_a_read_more_link_goes() -> None:
    html = (
        "<html><head><title>Gym reopens | Example</title></head><body><article>"
        f"<div class='story'>{body(3)}"
        "<p><a href='https://example.org/timetable'>https://example.org/timetable</a></p>"
        f"{body(3)}<p><a href='/news/older-post'>Read our older post about the racks</a></p>"
        "<p><a href='mailto:desk@example.org'>desk@example.org</a></p>"
        f"{body(2)}</div></article></body></html>"
    )
    out = text(html)
    assert "https://example.org/timetable" in out and "desk@example.org" in out
    assert "Read our older post" not in out
    assert out.count("Paragraph") == 8


def test_date_link_ending_a_line_of_text_stays_and_a_date_line_alone_goes() -> None:
    html = (
        "<html><head><title>Gym reopens | Example</title></head><body><article>"
        "<div class='story'><p><time>November 17, 2019</time></p>"
        f"{body(3)}<blockquote class='twitter-tweet'><p>The racks are in, see you Monday!</p>"
        "— Sam Lee (@samlee) <a href='https://example.org/s/1'>November 18, 2019</a>"
        f"</blockquote>{body(3)}<p>Read the timetable <a href='/t'>here</a> before you come.</p>"
        "</div></article></body></html>"
    )
    out = text(html)
    assert "— Sam Lee (@samlee) November 18, 2019" in out
    assert "Read the timetable here before you come." in out
    assert "November 17" not in out
    assert out.count("Paragraph") == 6


def test_sentence_starting_with_by_stays_and_a_byline_goes() -> None:
    sentence = "By using a belt on the heavy sets, you brace harder and lift faster."
    html = (
        "<html><head><title>Belts | Example</title></head><body><article>"
        f"<div class='story'><p>By Sam Lee</p>{body(3)}<p>{sentence}</p>{body(3)}</div>"
        "</article></body></html>"
    )
    out = text(html)
    assert sentence in out
    assert "By Sam Lee" not in out
    assert out.count("Paragraph") == 6


def test_article_split_into_rows_of_the_layout_is_joined_in_page_order() -> None:
    first = "".join(
        f"<p>Opening {n}: the gym reopens next week with longer hours, a new rack room, and "
        "classes for beginners on weekday mornings.</p>"
        for n in (1, 2)
    )
    html = (
        "<html><head><title>Gym reopens | Example</title></head><body><article>"
        "<h1>Gym reopens</h1><section class='row'><div class='col'>By Sam Lee<br><time>12/30/2019"
        f"</time></div><div class='col'><div class='story-text'>{first}</div></div>"
        "<div class='col'><ul>"
        + "".join(
            f"<li><a href='/p{n}'>Another story about the gym, part {n}</a></li>" for n in (1, 2, 3)
        )
        + "</ul></div></section>"
        "<section class='row'><div class='ad-slot'>Advertisement</div></section>"
        f"<section class='row'><div class='col'><div class='story-text'>{body(8)}</div></div>"
        "</section></article></body></html>"
    )
    out = text(html)
    assert out.startswith("Opening 1:") and out.index("Opening 2:") < out.index("Paragraph 1:")
    assert out.count("Paragraph") == 8
    assert "Sam Lee" not in out and "Advertisement" not in out


def test_posts_of_an_index_page_in_their_own_articles_are_not_joined() -> None:
    html = (
        "<html><head><title>Blog | Example</title></head><body><main>"
        f"<article><h2>First post</h2><div class='entry-content'>{body(8)}</div></article>"
        "<article><h2>Second post</h2><div class='entry-content'>"
        + "<p>Another post: rows, presses and curls, then face pulls, and a stretch for the "
        "chest and the hips before the walk home.</p>" * 2 + "</div></article></main></body></html>"
    )
    out = text(html)
    assert out.count("Paragraph") == 8
    assert "Another post" not in out
