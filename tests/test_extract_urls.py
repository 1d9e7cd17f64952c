"""URL helpers behind canonical URLs and comment-page links."""

from __future__ import annotations

from datetime import datetime

import pytest

from scraper.extract._urls import comment_page_number, post_key, strip_comment_page
from scraper.extract.dates import parse_date, parse_loose_date


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://b.example/2024/01/post/comment-page-2/#comments",
            "https://b.example/2024/01/post/",
        ),
        ("https://b.example/post/comment-page-12", "https://b.example/post"),
        ("https://b.example/?p=7&cpage=3#comment-9", "https://b.example/?p=7"),
        ("https://b.example/?cpage=3&p=7", "https://b.example/?p=7"),
        ("https://b.example/post/?replytocom=41#respond", "https://b.example/post/"),
        ("https://b.example/comment-page-guide/", "https://b.example/comment-page-guide/"),
    ],
)
def test_strip_comment_page(url: str, expected: str) -> None:
    assert strip_comment_page(url) == expected


def test_comment_page_number_and_post_key() -> None:
    assert comment_page_number("https://b.example/post/comment-page-4/#comments") == 4
    assert comment_page_number("https://b.example/?p=7&cpage=2") == 2
    assert comment_page_number("https://b.example/post/") is None
    assert post_key("https://B.example/post/comment-page-2/") == post_key("https://b.example/post")


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def test_dates_are_utc_and_zone_less_text_is_not_guessed() -> None:
    assert iso(parse_date("2024-03-31T02:30:00+02:00")) == "2024-03-31T00:30:00+00:00"
    assert parse_date("2024-03-31T02:30:00") is None
    assert iso(parse_date("2024-03-31T02:30:00", assume_utc=True)) == "2024-03-31T02:30:00+00:00"
    assert parse_date("0000-00-00 00:00:00") is None
    assert parse_loose_date("March 5, 2024 at 6:40 am") is None
    assert iso(parse_loose_date("March 5, 2024 at 6:40 am +01:00")) == "2024-03-05T05:40:00+00:00"
    assert parse_loose_date("no date here") is None
