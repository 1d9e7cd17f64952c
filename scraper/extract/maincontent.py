"""Find the main content of an arbitrary article page (the post body, nothing else).

``find_main_content(root)`` returns a new ``<div>`` holding a pruned copy of
the part of the page that is the article: paragraphs, headings, lists,
tables, quotes and figures, without navigation, share bars, related links,
comment threads, newsletter boxes or the headline itself.

How it decides, in three steps:

1. *Strip*: elements that never hold article text (scripts, forms, hidden
   elements, navigation landmarks, and containers whose class or id names
   them as page furniture) are removed, unless removing one would take most
   of the page's prose with it; a ``<header>`` or ``<form>`` holding a run of
   paragraphs stays, and so does a hidden panel beside a shown one of its kind
   (tabs, the pages of a list). A ``<noscript>`` that holds more text than
   the page around it (a page its script draws) is read instead. Sections
   a heading names as comments, customer reviews or the author's bio go too,
   whatever their class names, unless they are nearly all the page.
   Lists of teaser cards go too, unless the cards are the posts of a thread
   (prose beside the writer's card, no article beside the list).
2. *Choose a container*: every text block (an element holding running text)
   scores by its length, its commas and how little of it is link text; the
   score flows up to its ancestors with a falling share (the Readability
   idea). Containers that the markup names as the article body
   (``itemprop=articleBody``, ``e-content``, ``entry-content`` and the like)
   get a bonus. The best container wins; it climbs to a parent that adds
   prose of the same kind or a short list or table (ingredients beside a
   method), and sibling blocks that carry prose of the same kind join it,
   as do blocks of prose with its tag and class elsewhere in its ``<article>``
   (an article set in rows of a page layout).
   A container that is one post of a thread (forum posts, a question and
   its answers: sibling blocks of one kind, each naming its writer beside
   its words), or the list of them, gives way to the posts' bodies in page
   order, without the writers' cards. When the posts are reader comments
   under an article (the page names them as comments, or an article before
   them has more prose than any of them), the container is chosen again
   without them: the article wins.
3. *Prune*: inside the container, blocks that read as furniture (mostly
   links, a few words with no sentence punctuation among furniture, "share
   this", bylines, the repeated headline) are dropped.

A page whose JSON-LD declares an ``articleBody`` (or a ``HowTo`` or ``Recipe``
with its steps) three times longer than the chosen content (a body drawn by a
script) is read from that text instead.

Pure function over an lxml tree; the tree passed in is modified, so give it a
tree you no longer need. Imports lxml and sibling helpers only.
"""

from __future__ import annotations

import heapq
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

from ._html import parse_fragment, squash

__all__ = ["ContentChoice", "find_main_content", "main_content_text"]

# Elements that never hold article text.
_DROP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "math", "canvas", "object", "embed",
        "button", "select", "option", "input", "textarea", "label", "dialog", "head", "link",
        "meta", "map", "area", "frame", "frameset", "iframe",
    }
)  # fmt: skip
# Landmarks of page chrome (dropped unless they hold most of the prose).
_CHROME_TAGS = frozenset({"nav", "aside", "footer", "header", "form", "menu"})
# Landmarks that also wrap article text (an intro section set as a <header>, a
# product description inside its order form): kept when they hold a run of prose.
_PROSE_LANDMARKS = frozenset({"header", "form"})
_CHROME_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog",
     "menu", "menubar", "toolbar"}
)  # fmt: skip

_BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol",
        "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
        "blockquote", "pre", "figure", "figcaption", "address", "hr", "br", "center", "details",
        "summary", "body", "html", "header", "footer", "aside", "nav", "form", "fieldset",
    }
)  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

# Class/id words naming page furniture, and naming the article body.
_NEGATIVE = re.compile(
    r"(?:^|[-_ ])(?:comments?|commentlist|disqus|respond|reply|share|sharing|sharedaddy|social|"
    r"socials|related|recommended|recommendations|more-stories|read-more|readmore|"
    r"newsletter|subscribe|subscription|signup|sign-up|promo|promotion|advert|advertisement|"
    r"advertising|ads?|ad-slot|adslot|dfp|gpt|sponsor|sponsored|outbrain|taboola|sidebar|"
    r"widget|popup|modal|overlay|cookie|cookies|consent|gdpr|banner|breadcrumbs?|pagination|"
    r"pager|paging|masthead|navbar|nav|navigation|menu|footer|header|topbar|toolbar|"
    r"byline|dateline|author-bio|author-box|authorbox|about-author|bio|tags|tag-list|"
    r"taglist|categories|meta|post-meta|entry-meta|article-meta|skip|print|hidden|"
    r"trending|most-popular|popular|next-article|prev-article|jump|toc|table-of-contents|"
    r"rating|reactions|follow|app-download|paywall|login|logout|account|search|"
    r"caption-credit|credits?|copyright|disclaimer|video-player|playlist|carousel|"
    r"slideshow|gallery-nav|teaser|teasers|rail|right-rail|left-rail|zergnet|inline-ad|"
    r"newsletter-signup|email-signup|cta|call-to-action|donate|partner|partners|feedback|"
    r"next|prev|previous|dialog|lightbox|testimonials?)"
    r"(?=$|[-_ \d])",
    re.IGNORECASE,
)
# Furniture words that also name parts of an article (its header with the
# standfirst, a page builder's "widget" blocks, print styling, teaser text, the
# rest of the text behind a "read more" expander): such an element is stripped
# only when it does not read as prose.
_WEAK_NEGATIVE = frozenset(
    {"header", "widget", "print", "teaser", "teasers", "hidden", "carousel", "slideshow",
     "readmore", "read-more"}
)  # fmt: skip
# Of those, the words naming a part of the layout rather than furniture (a page
# builder's widget, a section's header, a responsive "hidden-xs", an expander):
# prose under such a name inside the chosen container stays.
_LAYOUT_WORDS = frozenset({"header", "widget", "hidden", "readmore", "read-more"})
_POSITIVE = re.compile(
    r"(?:^|[-_ ])(?:article|articlebody|article-body|article-content|articlecontent|body|"
    r"content|entry|entry-content|e-content|post|post-body|post-content|postcontent|"
    r"story|story-body|storybody|main|main-content|text|blog|blog-post|single|prose|"
    r"rich-text|richtext|gh-content|sqs-block-content|blog-item-content|page-content|"
    r"article-text|articletext|news-text|hentry|h-entry)(?=$|[-_ \d])",
    re.IGNORECASE,
)
# Attributes that name the article body outright.
_BODY_MARKERS = (
    ("itemprop", "articlebody"),
    ("itemprop", "text"),
    ("property", "articlebody"),
    ("property", "schema:articlebody"),
    ("data-testid", "article-body"),
)
_BODY_CLASSES = frozenset(
    {
        "e-content", "entry-content", "post-content", "post-body", "article-body",
        "article-content", "articlebody", "story-body", "story-content", "gh-content",
        "blog-item-content", "post-entry", "entry-body", "article__body", "article-text",
        "articletext", "c-entry-content", "rich-text", "post__content", "article__content",
        "content-body", "body-text", "post-text", "single-post-content", "blog-content",
    }
)  # fmt: skip
# Embedded posts (tweets, Instagram) quoted in the article are content, whatever
# "social" word their wrapper carries.
_EMBED = re.compile(
    r"(?:^|[-_ ])embed(?:ded)?(?:$|[-_ ])|twitter-tweet|instagram-media", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"[.!?…:;\u3002\uff01\uff1f]['\"’”)\]]?\s*$")
_COMMA = re.compile(r"[,\u060c\u3001\uff0c]")
# "Read also: <headline>" in other languages (the line is the prefix and one headline).
_READ_ALSO = (
    r"lesen sie auch|auch interessant|mehr zum thema|siehe auch|lee también|lea también|"
    r"te puede interesar|le puede interesar|puedes ver|mira|ver también|lire aussi|"
    r"à lire aussi|voir aussi|leia também|veja também|leggi anche|lees ook|zie ook|"
    r"czytaj też|czytaj także|zobacz też|zobacz także"
)
# Labels of page furniture in other languages: related, loading, like, comments, share.
_FURNITURE_ABROAD = (
    r"ähnliche beiträge|verwandte artikel|das könnte sie auch interessieren|schon gelesen\??|"
    r"wird geladen|gefällt mir|kommentare?|kommentar schreiben|teilen|drucken|weiterlesen|"
    r"artículos relacionados|noticias relacionadas|notas relacionadas|comentarios|compartir|"
    r"cargando|me gusta|articles similaires|sur le même sujet|commentaires|partager|"
    r"chargement|j'aime|artigos relacionados|comentários|compartilhar|carregando|curtir|"
    r"articoli correlati|commenti|condividi|caricamento|mi piace|gerelateerde artikelen|"
    r"reacties|delen|laden|powiązane artykuły|komentarze|udostępnij|похожие статьи|"
    r"комментарии|поделиться|загрузка|artikel terkait|terkait|memuat|suka|sukai ini|"
    r"weitere informationen|mehr themen|neueste artikel|keine kommentare|über den autor|"
    r"about the author|bildergalerie|externer inhalt|permalink|permalien|"
    r"zurück(?: zur \w+)?|dowiedz się więcej|lesen sie auch.{0,60}|"
    r"(?:das|dieses) (?:thema )?könnte (?:dich|sie) auch interessieren.{0,40}|"
    r"(?:photo|picture|image|bild|foto|titelbild|crédits? photos?|credits?)\s*(?:by|:).{0,80}|"
    r"(?:category|categories|kategorie|kategorien|categoría|catégorie|categoria|tags?|"
    r"schlagwörter|etiquetas)\s*:.{0,100}|"
    r"(?:last modified|last updated|release date|aufrufe|views)\s*:.{0,40}|"
    r"kontakt|contact|kommentare (?:schreiben|insgesamt)|bild anzeigen|bild schließen|"
    r"beitragsbild|empfohlener redaktioneller inhalt|zum weiterlesen|zusatzinformationen|"
    r"mehr zum thema.{0,60}|war der artikel nützlich\??|was this (?:article|post) helpful\??"
)
_FURNITURE_TEXT = re.compile(
    r"^(?:advertisement|advertising|sponsored|share|share this|share this (?:article|story|post|page)|"
    r"share on \w+|tweet|email|print|comments?|\d+ comments?|read more|continue reading|"
    r"related|related articles|related posts|you may also like|recommended|more from .*|"
    r"follow us.*|sign up.*|subscribe.*|click here.*|see also|loading.*|image|photo|"
    r"skip to .*|back to top|top|next|previous|prev|home|menu|close|"
    r"like this story\??.*|related stories|more stories|trending|most popular|"
    r"story continues below.*|article continues below.*|scroll to continue.*|"
    r"advert|tags:?|don'?t miss:?|must see:?|more:?|see more:?|read more:?|also read:?|"
    r"read also:?|more on this:?|watch:?|listen:?|related:?|more news:?|latest news:?|"
    r"like this|like|sharing is caring|you might also like|caption|anzeige|werbung|publicité|"
    r"publicidad|pubblicità|publicidade|advertentie|reklame|iklan|реклама|"
    r"[\u2022\u00b7-]?\s*\d+\s*min(?:ute)?s?\.?\s*(?:read|reading|lesezeit|de lecture|de lectura)|"
    r"(?:reading time|lesezeit|temps de lecture|tiempo de lectura|tempo de leitura|"
    r"tempo di lettura|leestijd)\s*:?\s*\d+\s*\w*|@[A-Za-z]\w{2,}|text size|"
    r"(?:image|photo|picture|slide|bild|foto|imagen|immagine)\s*\d+\s*(?:of|/|von|de|di|sur)\s*\d+|"
    r"\[?related(?: posts?| articles?| stories| reading| content)?\s*:.{0,150}\]?|"
    r"(?:" + _READ_ALSO + r")\s*:.{0,150}|" + _FURNITURE_ABROAD + r")"
    r"[\s.:!?\u2026]*$",
    re.IGNORECASE,
)
# A closing line that sends the reader elsewhere: follow us, write to, subscribe.
_PROMO_TEXT = re.compile(
    r"\b(?:follow|folgen sie|folge uns|suivez|siga|segui|s[ií]guenos)\b.{0,80}"
    r"\b(?:twitter|facebook|instagram|youtube|linkedin|telegram|tiktok|pinterest)\b|"
    r"\b(?:newsletter|subscribe|sign up|abonnieren|abonnez|suscr[ií]bete|inscreva|iscriviti)\b|"
    r"^[\w.+-]+@[\w-]+\.[\w.]+$|^(?:https?://)?(?:www\.)?[\w-]+\.com/\S+$|"
    r"\b(?:write to|email|e-mail|reach)\b.{0,60}[\w.+-]+@[\w-]+\.[\w.]+|(?:^|\s)@[A-Za-z]\w{2,}",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^[-\u2013\u2014\u2022\u00b7|\s]*(?:by|posted by|written by|words by|von|par|por|di|door|av|"
    r"publicado por|publicada por|escrito por|escrita por|publié par|écrit par|pubblicato da|"
    r"scritto da|veröffentlicht von|geschrieben von|gepubliceerd door|geschreven door|"
    r"author|autor|autore|auteur|auteurs?|autorin)\s*:?\s+\S.{0,80}$",
    re.IGNORECASE,
)
# Month and weekday names in German, French, Spanish, Portuguese, Italian and Dutch.
_MONTHS_ABROAD = (
    r"januar|jänner|jän|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|mars|"
    r"avril|juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|"
    r"mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|janeiro|"
    r"fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro|gennaio|febbraio|"
    r"aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|januari|februari|maart|mei|"
    r"augustus"
)
_WEEKDAYS_ABROAD = (
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|"
    r"vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo|"
    r"segunda-feira|terça-feira|quarta-feira|quinta-feira|sexta-feira|lunedì|martedì|"
    r"mercoledì|giovedì|venerdì|sabato|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|"
    r"zondag|segunda|terça|quarta|quinta|sexta|feira"
)
_DATE_WORDS = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|"
    r"june|july|august|september|october|november|december|mon|tue|wed|thu|fri|sat|sun|monday|"
    r"tuesday|wednesday|thursday|friday|saturday|sunday|am|pm|a\.m|p\.m|utc|gmt|[a-z]?[cemp][sd]t|"
    r"bst|cet|cest|ist|updated|published|posted|modified|last|on|at|and|by|\d+(?:st|nd|rd|th)?|"
    + _MONTHS_ABROAD
    + r"|"
    + _WEEKDAYS_ABROAD
    + r"|de|del|às|à|a|um|uhr|am|den|der|le|el|il|op|om|h|hs|hrs|publicado|publicada|"
    r"et|pt|ct|mt|min|mins|minutes?|read|reading|time|"
    r"actualizado|atualizado|veröffentlicht|aktualisiert|publié|mis|jour|pubblicato|aggiornato|"
    r"gepubliceerd|bijgewerkt|stand)\b",
    re.IGNORECASE,
)
_DATE_SIGNAL = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|"
    r"june|july|august|september|october|november|december|" + _MONTHS_ABROAD + r")\b|"
    r"\d{1,2}:\d{2}|\d{4}-\d{2}-\d{2}|"
    r"\d{1,2}[./]\d{1,2}[./]\d{2,4}",
    re.IGNORECASE,
)


def _is_date_line(text: str) -> bool:
    """True for a short line that is only a date/time stamp ("Updated at 1:23 p.m.")."""
    if len(text) > 70 or not _DATE_SIGNAL_GROUPED.search(text):
        return False
    rest = _DATE_WORDS.sub(" ", text)
    return not re.search(r"[^\W\d_]{2,}", rest)


_WS = re.compile(r"\s+")
_QUOTE_MARKS = frozenset('"\u201c\u201e\u00ab\u00bb\u2018\u201a\u300c')
# Class/id words of an article's lead (standfirst, summary, deck).
_LEAD_WORDS = re.compile(
    r"lead|intro|teaser|summary|standfirst|subtitle|subhead|deck|excerpt|abstract|description|"
    r"preface|chapo|kicker|vorspann|einleitung",
    re.IGNORECASE,
)
# Class and itemprop words of a post's writer card (forums, Q&A).
_USER_WORDS = re.compile(r"avatar|user|member|poster|author|profile", re.IGNORECASE)
# Class/id words of an image block (its caption is not article prose).
_MEDIA_WORDS = re.compile(r"image|img|photo|picture|caption|figure|video|gallery", re.IGNORECASE)


@dataclass(slots=True)
class _Stats:
    """Text measures of one element's subtree (lengths in characters)."""

    text: int = 0  # all text
    links: int = 0  # text inside <a>
    own: int = 0  # text directly in the element or its inline children
    commas: int = 0
    paragraphs: int = 0  # text blocks of 25+ characters below
    images: int = 0
    lists: int = 0  # li below
    headings: int = 0
    score: float = 0.0  # content score received from text blocks below


@dataclass
class ContentChoice:
    """The outcome of ``find_main_content``: the content and how it was chosen."""

    element: etree._Element  # a new <div> holding the content
    container: str  # a short description of the chosen container ("div.entry-content")
    marked: bool = False  # the markup itself named the article body
    removed: list[str] = field(default_factory=list)


def _norm(text: str | None) -> str:
    """``text`` with whitespace runs as single spaces, ends stripped (what ``_WS`` matches)."""
    return " ".join(text.split()) if text else ""


_SLUG = re.compile(r"^[^\W_]+(?:[-_]+[^\W_]*){3,}$")


def _attr_words(el: etree._Element) -> str:
    """Class and id of ``el``; a heading's id made of its own words (an anchor) is left out."""
    ident = el.get("id") or ""
    if ident and el.tag in _HEADINGS and _SLUG.match(ident):
        ident = ""
    return f"{el.get('class') or ''} {ident}".strip()


@lru_cache(maxsize=8192)
def _name_flags(words: str) -> tuple[bool, bool, bool, bool]:
    """(names furniture, names the body, names an embed, furniture words all weak) of class/id words.

    No name pattern matches across a space, so the flags of the words are
    those of its space-separated tokens taken together; pages repeat the same
    tokens in many class strings, and each token is matched once.
    """
    negative = positive = embed = False
    weak = True
    for token in words.split(" "):
        if token:
            # A regex "$" also matches before a string's final newline.
            key = token + " " if token[-1] == "\n" else token
            t_negative, t_positive, t_embed, t_weak = _token_flags(key)
            negative = negative or t_negative
            positive = positive or t_positive
            embed = embed or t_embed
            weak = weak and (t_weak or not t_negative)
    return negative, positive, embed, negative and weak


@lru_cache(maxsize=16384)
def _token_flags(token: str) -> tuple[bool, bool, bool, bool]:
    """``_name_flags`` of one token (no spaces but a last one after a newline)."""
    found = [match for match in _NEGATIVE_GROUPED.finditer(token) if not _is_modifier(token, match)]
    negative = bool(found)
    weak = negative and all(
        match.group(0).strip("-_ ").lower() in _WEAK_NEGATIVE for match in found
    )
    return negative, bool(_POSITIVE_GROUPED.search(token)), bool(_EMBED.search(token)), weak


def _grouped_words(pattern: re.Pattern[str], head: str = "(?:^|[-_ ])") -> re.Pattern[str]:
    """``pattern`` (``head``, a list of words, the rest) with the words grouped by first letter.

    Words with different first letters never match at the same place, so the
    matches are the same; the regex engine tries a few words at each place
    instead of all of them. A pattern of another form is returned as it is.
    """
    source = pattern.pattern
    start = len(head) + 3
    if not source.startswith(head + "(?:") or ")" not in source[start:]:
        return pattern
    end = source.index(")", start)
    groups: dict[str, list[str]] = {}
    for word in source[start:end].split("|"):
        if not ("a" <= word[:1].lower() <= "z") or word[1:2] in ("?", "*", "+", "{"):
            return pattern
        if any(char in "()[]{}\\^$.*+|" for char in word):
            return pattern
        groups.setdefault(word[0].lower(), []).append(word[1:])
    words = "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())
    return re.compile(head + "(?:" + words + source[end:], pattern.flags)


_NEGATIVE_GROUPED = _grouped_words(_NEGATIVE)
_POSITIVE_GROUPED = _grouped_words(_POSITIVE)
_DATE_SIGNAL_GROUPED = _grouped_words(_DATE_SIGNAL, r"\b")


_AD_WORDS = frozenset({"ad", "ads", "advert", "advertisement", "advertising", "inline-ad"})


def _is_modifier(words: str, match: re.Match[str]) -> bool:
    """True for an ad word that only modifies a block's name ("Section--ads": it holds ad slots)."""
    start = match.start()
    return (
        start > 0
        and words[start - 1 : start + 1] == "--"
        and match.group(0).strip("-_ ").lower() in _AD_WORDS
    )


def _class_weight(el: etree._Element) -> int:
    """Positive for names of the article body, negative for page furniture."""
    words = _attr_words(el)
    if not words:
        return 0
    negative, positive, embed, _weak = _name_flags(words)
    weight = 0
    if negative and not embed:
        weight -= 25
    if positive:
        weight += 25
    return weight


# The values of each attribute of _BODY_MARKERS that name the article body.
_MARKER_VALUES: dict[str, frozenset[str]] = {
    attr: frozenset(value for name, value in _BODY_MARKERS if name == attr)
    for attr, _value in _BODY_MARKERS
}


def _is_marked_body(el: etree._Element) -> bool:
    for attr, found in el.items():
        if attr == "class":
            if not _BODY_CLASSES.isdisjoint(found.lower().split()):
                return True
        else:
            wanted = _MARKER_VALUES.get(attr)
            if wanted and not wanted.isdisjoint(found.lower().split()):
                return True
    return False


def _hidden(el: etree._Element) -> bool:
    for attr, value in el.items():
        if attr == "hidden" or (attr == "aria-hidden" and value.lower() == "true"):
            return True
        if attr == "style" and value:
            compact = value.replace(" ", "").lower()
            if "display:none" in compact or "visibility:hidden" in compact:
                return True
    return False


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_text(text: str | None) -> str | None:
    """``text`` without the control characters lxml refuses to store (the parser keeps them)."""
    return _NOT_XML.sub("", text) if text else text


def _remove(el: etree._Element) -> None:
    """Remove ``el`` but keep its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        previous = el.getprevious()
        if previous is not None:
            previous.tail = _xml_text((previous.tail or "") + tail)
        else:
            parent.text = _xml_text((parent.text or "") + tail)
    parent.remove(el)


def _length(text: str | None) -> int:
    """Length of ``text`` with whitespace runs counted as one space, ends stripped."""
    if not text:
        return 0
    words = text.split()
    return sum(map(len, words)) + len(words) - 1 if words else 0


def _measure(
    root: etree._Element,
    stats: dict[etree._Element, _Stats] | None = None,
    changed: set[etree._Element] | None = None,
) -> dict[etree._Element, _Stats]:
    """Compute text measures for every element, bottom-up, in one walk.

    Given the ``stats`` of an earlier walk and the elements whose subtrees
    changed since (``changed``: elements removed below them), only those are
    measured again, in place; the entries of removed elements must be gone.
    """
    if stats is None or changed is None:
        stats, elements = {}, _postorder(root)
    else:
        elements = [el for el in stats if el in changed]
    block_tags = _BLOCK_TAGS
    headings = _HEADINGS
    comma = _COMMA.findall
    get = stats.get
    for el in elements:
        raw = el.text
        words = raw.split() if raw else None
        if words:
            own = text = len(" ".join(words))
            commas = len(comma(raw))
        else:
            own = text = commas = 0
        links = paragraphs = images = lists = heads = 0
        for child in el:
            cs = get(child)
            if cs is not None:
                text += cs.text
                links += cs.links
                commas += cs.commas
                paragraphs += cs.paragraphs
                images += cs.images
                lists += cs.lists
                heads += cs.headings
                if child.tag not in block_tags:
                    own += cs.text
            tail_raw = child.tail
            if tail_raw:
                words = tail_raw.split()
                if words:
                    tail = len(" ".join(words))
                    commas += len(comma(tail_raw))
                    text += tail
                    own += tail
        tag = el.tag
        if tag == "a":
            links = text
        elif tag == "img":
            images += 1
        elif tag == "li":
            lists += 1
        elif tag in headings:
            heads += 1
        if own >= 25 and tag in block_tags and tag not in headings:
            paragraphs += 1
        # Positional, in the order of _Stats's fields (keywords cost a tenth of the walk).
        stats[el] = _Stats(text, links, own, commas, paragraphs, images, lists, heads)
    return stats


def _postorder(root: etree._Element) -> Iterable[etree._Element]:
    """The elements under ``root`` (itself included), every child before its parent."""
    return reversed(list(root.iter(etree.Element)))


def _card_like(el: etree._Element, s: _Stats | None = None) -> bool:
    """True for a teaser card: a linked heading, or an <article> with a link.

    ``s``, the element's measures when known, spares the search for headings
    in an element that holds none.
    """
    if not isinstance(el.tag, str):
        return False
    for heading in el.iter("h2", "h3", "h4", "h5", "h6") if s is None or s.headings else ():
        if heading.find(".//a[@href]") is not None or (
            heading.getparent() is not None and heading.getparent().tag == "a"
        ):
            return True
    if el.tag == "article" or (len(el) == 1 and el[0].tag == "article"):
        return el.find(".//a[@href]") is not None
    return False


def _teaser_lists(
    body: etree._Element, stats: dict[etree._Element, _Stats]
) -> list[etree._Element]:
    """Return lists of teaser cards (related, more-in, popular stories)."""
    found: list[etree._Element] = []
    for el, s in stats.items():
        if len(el) < 3 or s.text == 0:
            continue
        children = [c for c in el if c in stats and stats[c].text]
        if len(children) < 3:
            continue
        cards = [c for c in children if stats[c].text < 700 and _card_like(c, stats[c])]
        if (
            len(cards) >= 3
            and len(cards) >= 0.6 * len(children)
            and not _holds_thread(el, cards, stats)
        ):
            found.append(el)
    return found


def _holds_thread(
    el: etree._Element, cards: list[etree._Element], stats: dict[etree._Element, _Stats]
) -> bool:
    """The cards are the posts of a thread (a forum page): most read as posts, no article beside.

    Reader comments under an article look the same; the article beside them
    (a block outside the list with more prose than any post) tells them apart.
    """
    posts = [c for c in cards if _post_like(c, stats[c])]
    if len(posts) < 0.5 * len(cards):
        return False
    bar = max(600, 1.5 * max(_prose(stats, c) for c in posts))
    inside = set(el.iterancestors())
    for other, s in stats.items():
        if s.paragraphs and s.text - s.links > bar and other not in inside:
            if other is el or any(a is el for a in other.iterancestors()):
                continue
            return False
    return True


def _post_like(el: etree._Element, s: _Stats) -> bool:
    """A post in a thread, not a teaser: its writer's card beside prose, a linked heading a name.

    The writer's card is an element whose class or ``itemprop`` names a user,
    member, poster, author or avatar.
    """
    if s.text - s.links < 150 or s.links > 0.15 * s.text or _has_headline_link(el):
        return False
    return any(
        _USER_WORDS.search(f"{node.get('class') or ''} {node.get('itemprop') or ''}")
        for node in el.iter()
        if isinstance(node.tag, str) and len(node.attrib)
    )


def _has_headline_link(el: etree._Element) -> bool:
    """A heading inside ``el`` links a headline (30 characters or more) to another page."""
    return any(
        _length("".join(a.itertext())) >= 30
        for heading in el.iter("h2", "h3", "h4", "h5", "h6")
        for a in heading.iter("a")
    )


def _strip(body: etree._Element) -> dict[etree._Element, _Stats]:
    """Remove elements that never hold article text; keep prose-heavy chrome.

    Returns the text measures of what is left.
    """
    doomed: list[etree._Element] = []
    fallbacks: list[etree._Element] = []
    shown: dict[etree._Element, set[tuple[str, str]]] = {}
    for el in body.iter():
        tag = el.tag
        if not isinstance(tag, str):
            doomed.append(el)
            continue
        if tag == "noscript" and not _hidden(el):
            fallbacks.append(el)
        elif tag in _DROP_TAGS or (_hidden(el) and not _hidden_panel(el, shown)):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            _remove(el)
    _keep_noscript_body(body, fallbacks)
    stats = _measure(body)
    total = max(1, _prose(stats, body))
    teasers = _teaser_lists(body, stats)
    protected: set[etree._Element] = set()
    for el in stats:
        if _is_marked_body(el):
            protected.add(el)
            protected.update(el.iterancestors())
    chrome: list[etree._Element] = teasers + _labelled_furniture(body, stats)
    teaser_set = set(chrome)
    for el in stats:
        if el is body:
            continue
        tag = el.tag
        role = el.get("role")
        if tag in _CHROME_TAGS or (role and role.lower() in _CHROME_ROLES):
            if tag in _PROSE_LANDMARKS and _holds_prose_run(stats[el]):
                continue
            if not _form_in_body(el, stats[el]):
                chrome.append(el)
        elif words := _attr_words(el):
            negative, positive, embed, weak = _name_flags(words)
            if (
                negative
                and not positive
                and not embed
                and not (weak and _reads_as_prose(stats[el]))
            ):
                chrome.append(el)
    gone: set[etree._Element] = set()  # the removed elements and all below them
    parents: list[etree._Element | None] = []
    for el in chrome:
        if el in protected or el in gone:
            continue
        # Never strip what holds a large part of the prose (the page's <form>
        # wrapper, a theme that calls the article "post-meta").
        prose = _prose(stats, el)
        if el in teaser_set:
            keep = _is_the_page(stats[el], prose, total)
        else:
            keep = prose > 0.4 * total
        if keep:
            continue
        gone.update(el.iter())
        parents.append(el.getparent())
        _remove(el)
    return _measure_after_removal(body, stats, gone, parents)


def _measure_after_removal(
    body: etree._Element,
    stats: dict[etree._Element, _Stats],
    gone: Iterable[etree._Element],
    parents: Iterable[etree._Element | None],
) -> dict[etree._Element, _Stats]:
    """The measures of ``body`` after subtrees (all their elements: ``gone``) left ``parents``.

    Only the parents still in the tree and their ancestors are measured again.
    """
    for el in gone:
        stats.pop(el, None)
    changed: set[etree._Element] = set()
    for parent in parents:
        node = parent
        while node is not None and node in stats and node not in changed:
            changed.add(node)
            node = node.getparent()
    return _measure(body, stats, changed) if changed else stats


def _holds_prose_run(s: _Stats) -> bool:
    """More than a lead: two or more paragraphs, 400 characters or more, of running text."""
    return _reads_as_prose(s) and s.paragraphs >= 2 and s.text - s.links >= 400


def _is_the_page(s: _Stats, prose: int, total: int) -> bool:
    """A list of cards that is the page itself: nearly all its prose, little of it link text.

    A forum thread or a listicle whose posts carry linked headings reads as
    a teaser list; related-story lists are mostly links and hold a small
    part of the page's prose.
    """
    return total - prose < 300 or (prose > 0.9 * total and s.links <= 0.15 * s.text)


# The heading of a comment section: "Comments", "27 commentaires", "Comments (4)", and,
# counted, on the post's title: "3 Responses to <title>", "2 thoughts on <title>".
_COMMENT_WORDS = (
    r"comments?|responses?|replies|reader comments|kommentare?|leserkommentare|commentaires?|"
    r"comentarios?|comentários?|commenti|reacties|komentarze?|комментари[ийя]|"
    r"(?:customer |product )?reviews|customer review|kundenbewertungen|bewertungen|"
    r"rezensionen|avis clients|opiniones de clientes|recensioni"
)
_SECTION_LABEL = re.compile(
    r"^(?:(?:\d+|one|no)\s+)?(?:" + _COMMENT_WORDS + r")(?:\s*\(\d+\))?[\s:.]*$|"
    r"^(?:\d+|one)\s+(?:" + _COMMENT_WORDS + r"|thoughts?|gedanken|réflexions?|pensamientos?)"
    r"\s+(?:to|on|zu|sur|a|para|su|op|do|en|em|in|sobre)\s.{1,100}$|"
    # and of an author's bio: "About the author", "Autor:innen", "À propos de l'auteur".
    r"^(?:about the authors?|the authors?|authors?|autor(?:in|en|innen|:innen|\*innen)?|"
    r"über (?:den|die) autor(?:in|en|innen)?|zum autor|zur autorin|à propos de l'auteur|"
    r"l'auteur|sobre el autor|sobre (?:o|a) autora?|l'autore|over de auteur|o autorze)[\s:.]*$",
    re.IGNORECASE,
)


def _labelled_furniture(
    body: etree._Element, stats: dict[etree._Element, _Stats]
) -> list[etree._Element]:
    """The sections a heading names as furniture, whatever their class names.

    Comment threads ("27 comments"), customer reviews and the author's bio
    ("About the author").

    The section is the block the heading (or the short header around it) opens,
    the short block around it, or else the block right after it.
    """
    found: list[etree._Element] = []
    for heading in body.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        s = stats.get(heading)
        if s is None or s.text > 120:
            continue
        if not _SECTION_LABEL.match(_norm("".join(heading.itertext()))):
            continue
        node = heading
        parent = node.getparent()
        while parent is not None and parent.tag not in ("body", "html") and _opens(node, stats):
            if stats[parent].text > s.text + 150:
                found.append(parent)
                break
            node, parent = parent, parent.getparent()
        else:
            # A wrapper holding more than the heading is the (short) section itself.
            after = node.getnext() if stats[node].text <= s.text else node
            if after is not None:
                found.append(after)
    return found


def _opens(el: etree._Element, stats: dict[etree._Element, _Stats]) -> bool:
    """True when no text comes before ``el`` in its parent."""
    parent = el.getparent()
    if parent is None or (parent.text and parent.text.strip()):
        return False
    for sib in el.itersiblings(preceding=True):
        if isinstance(sib.tag, str) and (stats.get(sib, _Stats()).text or (sib.tail or "").strip()):
            return False
    return True


def _form_in_body(el: etree._Element, s: _Stats) -> bool:
    """A ``<form>`` of prose inside the block named as the article body (a shop's product form)."""
    return (
        el.tag == "form"
        and _reads_as_prose(s)
        and any(_is_marked_body(a) for a in el.iterancestors())
    )


def _panel_kind(el: etree._Element) -> tuple[str, str]:
    """Tag and first class word of ``el`` (tabs and pages of one list share them)."""
    cls = el.get("class")
    return (el.tag, cls.split()[0] if cls and cls.strip() else "")


def _hidden_panel(el: etree._Element, shown: dict[etree._Element, set[tuple[str, str]]]) -> bool:
    """A hidden panel of text beside a shown one of its kind (other tabs, a list's next pages).

    A hidden price or label variant, shorter than a sentence, stays out.
    ``shown`` caches, per parent, the kinds of its children that are not hidden.
    """
    parent = el.getparent()
    kind = _panel_kind(el)
    if parent is None or not kind[1]:
        return False
    kinds = shown.get(parent)
    if kinds is None:
        kinds = shown[parent] = {
            _panel_kind(child)
            for child in parent
            if isinstance(child.tag, str) and not _hidden(child)
        }
    return kind in kinds and _length(" ".join(el.itertext())) >= _PANEL_MIN


_PANEL_MIN = 80  # characters: a sentence or more


def _keep_noscript_body(body: etree._Element, fallbacks: list[etree._Element]) -> None:
    """Keep the ``<noscript>`` that holds the page's text (a script renders it), drop the rest.

    A page that draws its article with a script often puts the article in a
    ``<noscript>`` for readers without one; it is kept when it holds more
    text than the whole page around it.
    """
    fallbacks = [el for el in fallbacks if el.getparent() is not None]
    if not fallbacks:
        return
    sizes = [_length(" ".join(el.itertext())) for el in fallbacks]
    rest = 0  # the page's text outside them, needed only beside a long one
    if max(sizes) >= 500:
        rest = _length(" ".join(body.itertext())) - sum(sizes)
    for el, size in zip(fallbacks, sizes, strict=True):
        if size >= 500 and size > rest:
            el.tag = "div"
        else:
            _remove(el)


def _reads_as_prose(s: _Stats) -> bool:
    """Running text: a paragraph or more of sentences, little of it link text."""
    prose = s.text - s.links
    return s.paragraphs >= 1 and prose >= 100 and s.links <= 0.3 * s.text and s.commas >= 1


def _attached(el: etree._Element, root: etree._Element) -> bool:
    node: etree._Element | None = el
    while node is not None:
        if node is root:
            return True
        node = node.getparent()
    return False


def _prose(stats: dict[etree._Element, _Stats], el: etree._Element) -> int:
    s = stats.get(el)
    return max(0, s.text - s.links) if s else 0


def _block_score(s: _Stats) -> float:
    """Content score of one text block (Readability's, softened for link text)."""
    if s.own < 25:
        return 0.0
    link_share = min(1.0, s.links / s.text) if s.text else 0.0
    # Prose has a comma every few words; a list of keywords has one every word.
    commas = min(s.commas, s.text / 30.0)
    return (1.0 + commas + min(s.own / 100.0, 3.0)) * (1.0 - link_share)


def _score_tree(body: etree._Element, stats: dict[etree._Element, _Stats]) -> None:
    """Give every text block's score to its ancestors, with a falling share.

    The share falls only at ancestors that add text of their own: wrappers
    around a single paragraph (``div.card > div.card-content > p``) pass it on
    undiminished. A block with element children and text of its own (text
    split by ``<br>``) keeps the first share itself.
    """
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag not in _BLOCK_TAGS or el.tag in _HEADINGS:
            continue
        s = stats.get(el)
        if s is None:
            continue
        score = _block_score(s)
        if score <= 0:
            continue
        mixed = s.own < s.text - 10 and any(
            isinstance(c.tag, str) and c.tag in _BLOCK_TAGS for c in el
        )
        node = el if mixed else el.getparent()
        level = 0
        previous = s.own if mixed else s.text
        while node is not None and level < 6:
            ns = stats.get(node)
            if ns is None:
                break
            if ns.text > previous + 40:
                level += 1 if node is not el else 0
            divider = 1 if level <= 1 else 2 if level == 2 else (level - 1) * 3
            ns.score += score / divider
            previous = ns.text
            if level == 0:
                level = 1
            node = node.getparent()


def _candidate_value(el: etree._Element, s: _Stats) -> float:
    link_share = min(1.0, s.links / s.text) if s.text else 1.0
    factor = {"article": 1.15, "main": 1.05, "body": 0.7, "html": 0.5, "ul": 0.8, "ol": 0.8,
              "li": 0.8, "dl": 0.8, "form": 0.9, "footer": 0.5, "aside": 0.5, "nav": 0.5,
              "header": 0.7}.get(el.tag, 1.0)  # fmt: skip
    weight = _class_weight(el)
    if weight > 0:
        factor *= 1.25
    elif weight < 0:
        factor *= 0.6
    if _is_marked_body(el):
        factor *= 1.5
    return s.score * factor * (1.0 - link_share)


def _describe(el: etree._Element) -> str:
    cls = (el.get("class") or "").split()
    ident = el.get("id")
    return str(el.tag) + (f"#{ident}" if ident else "") + (f".{cls[0]}" if cls else "")


def _pick_container(
    body: etree._Element, stats: dict[etree._Element, _Stats]
) -> tuple[etree._Element, bool]:
    """Return the element most likely to hold the article, and whether markup named it."""
    best: etree._Element | None = None
    best_value = 0.0
    for el, s in stats.items():
        if s.score <= 0:
            continue
        value = _candidate_value(el, s)
        if best is None or value > best_value:
            best, best_value = el, value
    if best is None:
        return body, False
    # A container named as the article body that holds the winner's prose wins.
    marked = [el for el in best.iterancestors() if _is_marked_body(el)]
    if marked:
        outer = marked[-1] if len(marked) == 1 else marked[0]
        if stats[outer].text < 3 * max(1, stats[best].text):
            best = outer
    elif not _is_marked_body(best):
        inner = [el for el in best.iter() if el is not best and _is_marked_body(el)]
        if inner:
            candidate = max(inner, key=lambda el: _prose(stats, el))
            if _prose(stats, candidate) > 0.6 * _prose(stats, best):
                best = candidate
    # Climb while the parent holds the winner's prose plus comparable prose
    # split into sibling blocks (articles interrupted by ads or figures).
    best = _climb(best, stats)
    return best, _is_marked_body(best)


def _preferred(
    body: etree._Element, stats: dict[etree._Element, _Stats], prefer: tuple[str, ...]
) -> tuple[etree._Element, bool] | None:
    for name in prefer:
        for el, s in stats.items():
            if s.text and name in (el.get("class") or "").split():
                return el, True
    return None


def _climb(best: etree._Element, stats: dict[etree._Element, _Stats]) -> etree._Element:
    """Climb to ancestors that add prose of the same article (chunks split by ads).

    An ancestor that adds a short list or table and little else (ingredients
    beside a recipe's method) is climbed too.

    Wrappers that add no text are climbed through for free; at most three
    ancestors that add text are taken.
    """
    chosen = best
    node = best
    steps = 0
    while steps < 3:
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        if _prose(stats, parent) <= _prose(stats, node) + _small_addition(stats[node]):
            node = parent
            continue
        ns = stats[node]
        sibling_prose = 0
        for sib in parent:
            if sib is node or not isinstance(sib.tag, str):
                continue
            ss = stats.get(sib)
            if ss is None or not ss.paragraphs or _class_weight(sib) < 0:
                continue
            if ss.text and ss.links / ss.text < 0.25:
                sibling_prose += ss.text - ss.links
        if sibling_prose <= 0.3 * (ns.text - ns.links) and not _adds_list_or_table(
            parent, node, stats
        ):
            break
        node = chosen = parent
        steps += 1
    return chosen


def _small_addition(s: _Stats) -> int:
    """Text a wrapper may add and still be climbed through for free (a time or level line)."""
    return max(40, min(80, (s.text - s.links) // 20))


# A parent that adds a list or table to the chosen block: at most this share of
# the block's prose added, and at most this share of the addition link text.
_CLEAN_SHARE = 0.35
_CLEAN_LINKS = 0.1


def _adds_list_or_table(
    parent: etree._Element, node: etree._Element, stats: dict[etree._Element, _Stats]
) -> bool:
    """The parent is ``node`` plus a short list or table of its own (a recipe's ingredients).

    What the parent adds is short beside ``node``, holds nearly no links (or
    links inside items that say more, as linked ingredient names) and no block
    named as the article's lead (a standfirst is left where it is).
    """
    ps, ns = stats[parent], stats[node]
    added, added_links = ps.text - ns.text, ps.links - ns.links
    if added > _CLEAN_SHARE * (ns.text - ns.links) or added_links > _LIST_LINKS * added:
        return False
    linked = [sib for sib in parent if sib is not node and sib in stats and stats[sib].links]
    if added_links > _CLEAN_LINKS * added and not all(
        _items_beyond_links(sib, stats) for sib in linked
    ):
        return False
    if ps.lists - ns.lists < 2 and (
        parent.find(".//table") is None or node.find(".//table") is not None
    ):
        return False
    return not any(_is_named_lead(sib) for sib in parent if sib is not node)


def _joins_article(el: etree._Element, stats: dict[etree._Element, _Stats]) -> bool:
    """A block beside the article that is more of its prose (a lead, a paragraph split off)."""
    s = stats.get(el)
    if s is not None and el.tag in _HEADINGS and el.tag != "h1":
        return _lead_heading(el, s)
    if s is None or el.tag in _HEADINGS or not s.text or s.headings or s.lists:
        return False
    if s.images and not _prose_beside_picture(el, s):
        return False
    prose = s.text - s.links
    if prose < 80 or s.links > 0.25 * s.text or _class_weight(el) < 0:
        return False
    if _MEDIA_WORDS.search(_attr_words(el)) or _holds_byline(el):
        return False
    text = _norm("".join(el.itertext()))
    sentence = s.commas or _SENTENCE_END.search(text) or (prose >= 100 and _is_named_lead(el))
    return bool(sentence) and not _FURNITURE_TEXT.match(text)


def _prose_beside_picture(el: etree._Element, s: _Stats) -> bool:
    """A block of prose that also holds one picture (a lead set beside its image)."""
    return s.images == 1 and s.text - s.links >= 200 and el.tag != "figure"


def _lead_heading(el: etree._Element, s: _Stats) -> bool:
    """A heading of a sentence or two (a standfirst set as a subheading; no section title is
    100 characters long)."""
    if s.links or s.images or not 100 <= s.text <= 400:
        return False
    text = _norm("".join(el.itertext()))
    return not _FURNITURE_TEXT.match(text)


# A link to an author's page ("/author/jane-doe/").
_AUTHOR_PAGE = re.compile(r"/(?:author|authors)/[^/?#]")


def _holds_byline(el: etree._Element) -> bool:
    """True for a block carrying the post's date stamp or author link (the page header)."""
    for node in el.iter("time", "a", "span", "div"):
        if node.tag == "time" or node.get("rel") == "author" or node.get("itemprop") == "author":
            return True
        if node.tag == "a" and _AUTHOR_PAGE.search(node.get("href") or ""):
            return True
    return False


def _list_joins(el: etree._Element, stats: dict[etree._Element, _Stats]) -> bool:
    """A list or table beside the article that is part of it (ingredients, specifications)."""
    s = stats.get(el)
    if s is None or s.text < 40 or s.images or s.links > _LIST_LINKS * s.text:
        return False
    if not (s.lists >= 2 or el.tag == "table" or el.find(".//table") is not None):
        return False
    if s.links > 0.1 * s.text and not _items_beyond_links(el, stats):
        return False
    if _class_weight(el) < 0 or el.find(".//h1") is not None:
        return False
    return not _MEDIA_WORDS.search(_attr_words(el))


# Link text a list beside the body may hold when every item says more than its link
# ("200 g <a>flour</a>"); a list of bare links holds a tenth at most.
_LIST_LINKS = 0.35


def _items_beyond_links(el: etree._Element, stats: dict[etree._Element, _Stats]) -> bool:
    """Every item of the list or row of the table holds text outside its links."""
    items = [node for node in el.iter("li", "tr") if node in stats and stats[node].text]
    return bool(items) and all(stats[node].text - stats[node].links >= 3 for node in items)


def _repeats(el: etree._Element, body_text: str) -> bool:
    """True for a pull quote: a sentence already in the article, or a block that is a quotation."""
    if _norm("".join(el.itertext()))[:1] in _QUOTE_MARKS or el.tag == "blockquote":
        return True
    return any(
        len(piece) >= 40 and piece in body_text for piece in (_norm(part) for part in el.itertext())
    )


def _prose_siblings(
    container: etree._Element, stats: dict[etree._Element, _Stats], *, named_only: bool = False
) -> tuple[list[etree._Element], list[etree._Element]]:
    """Prose blocks right before and after the container, up to five wrappers up.

    Only an unbroken run counts: the first block with text that is not
    article prose (a heading, a link list, a comment form) ends it; before the
    container, the prose that closes that block (a lead under its headline)
    still joins, unless a picture lies between and the block names the author
    or the date. A side whose run has ended is not looked at further up; the
    other side climbs on. ``named_only`` (the markup named the container as the
    article body) joins only its own siblings and, further up, blocks named as
    its lead.
    """
    before: list[etree._Element] = []
    after: list[etree._Element] = []
    body_text = _norm("".join(container.itertext()))
    node = container
    ended: set[str] = set()  # the sides whose run has ended
    for level in range(5):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        for side, sibs, found in (
            ("before", node.itersiblings(preceding=True), before),
            ("after", node.itersiblings(), after),
        ):
            if side in ended:
                continue
            run: list[etree._Element] = []
            passed = False
            for sib in sibs:
                if not isinstance(sib.tag, str):
                    continue
                if (
                    (
                        (_joins_article(sib, stats) and (found is before or sib.tag == "p"))
                        or _list_joins(sib, stats)
                    )
                    and (not named_only or level == 0 or _is_named_lead(sib))
                    and not _repeats(sib, body_text)
                ):
                    run.append(sib)
                elif found is before and _passed_over(sib, stats):
                    passed = True
                elif stats.get(sib) is not None and stats[sib].text >= 25:
                    if found is before and (not passed or not _holds_byline(sib)):
                        run.extend(_trailing_prose(sib, stats, body_text, named_only))
                    ended.add(side)
                    break
            if found is before:
                before[:0] = list(reversed(run))
            else:
                after.extend(run)
        if len(ended) == 2:
            break
        node = parent
    return before, after


def _other_parts(
    body: etree._Element,
    container: etree._Element,
    stats: dict[etree._Element, _Stats],
    taken: list[etree._Element],
) -> tuple[list[etree._Element], list[etree._Element]]:
    """The other parts of an article split across the page, before and after the container.

    A part is a block of prose with the container's tag and class in the same
    ``<article>`` (or, without one, anywhere on the page): the article set in
    rows of a page layout, its first paragraphs beside the byline. Lists (key
    points that repeat the article) do not count.
    """
    cls = container.get("class")
    if not cls or container.tag in ("body", "html"):
        return [], []
    before: list[etree._Element] = []
    after: list[etree._Element] = []
    own_article = _article_of(container)
    holders = set(container.iterancestors())  # blocks that hold what is already taken
    for el in taken:
        holders.update(el.iterancestors())
    placed = {container, *taken}
    seen_container = False
    for el in body.iter(container.tag):
        if el is container:
            seen_container = True
            continue
        if el.get("class") != cls or el in holders or _article_of(el) is not own_article:
            continue
        s = stats.get(el)
        if s is None or not _reads_as_prose(s) or s.links > 0.25 * s.text or s.lists:
            continue
        if any(a in placed for a in el.iterancestors()):
            continue
        placed.add(el)
        (after if seen_container else before).append(el)
    return before, after


def _article_of(el: etree._Element) -> etree._Element | None:
    """The nearest ``<article>`` holding ``el`` (itself included), if any."""
    if el.tag == "article":
        return el
    return next(el.iterancestors("article"), None)


def _passed_over(el: etree._Element, stats: dict[etree._Element, _Stats]) -> bool:
    """A block between an article's lead and its body: a picture and its caption, a date line.

    A block whose class names a picture counts as one when its image is not in the page
    (drawn by a script).
    """
    s = stats.get(el)
    if s is None or s.paragraphs > 1 or s.headings or s.lists:
        return False
    if el.tag in ("figure", "picture", "img") or _is_caption(el):
        return True
    if (s.images or _MEDIA_WORDS.search(_attr_words(el))) and s.text < 300:
        return True
    text = _norm("".join(el.itertext()))
    return len(text) < 120 and bool(_BYLINE.match(text) or _is_date_line(text))


def _is_named_lead(el: etree._Element) -> bool:
    return any(
        _LEAD_WORDS.search(_attr_words(node)) for node in el.iter() if isinstance(node.tag, str)
    )


def _trailing_prose(
    el: etree._Element,
    stats: dict[etree._Element, _Stats],
    body_text: str,
    named_only: bool,
    depth: int = 0,
) -> list[etree._Element]:
    """The prose blocks that end ``el`` (the lead under an article's headline), last first.

    Short lines without a sentence (a date, a byline) are passed over.
    """
    run: list[etree._Element] = []
    for child in reversed(el):
        cs = stats.get(child)
        if cs is None or cs.text == 0:
            continue
        if (
            _joins_article(child, stats)
            and not _repeats(child, body_text)
            and (not named_only or _is_named_lead(child))
        ):
            run.append(child)
            continue
        text = _norm("".join(child.itertext()))
        if not run and len(text) < 80 and not _SENTENCE_END.search(text) and not cs.headings:
            continue
        if not run and depth < 2 and cs.headings:
            run.extend(_trailing_prose(child, stats, body_text, named_only, depth + 1))
        break
    return run


def _is_furniture_block(el: etree._Element, s: _Stats, title: str | None) -> bool:
    text = _norm("".join(el.itertext()))
    if not text:
        return el.tag not in ("img", "figure", "picture", "br", "hr", "video", "audio") and (
            s.images == 0
        )
    if title and el.tag in _HEADINGS and text.lower() == title.lower():
        return True
    if _FURNITURE_TEXT.match(text):
        return True
    byline = _BYLINE.match(text) and not (text.endswith(".") and len(text.split()) >= 10)
    return len(text) < 120 and bool(byline or _is_date_line(text))


_SHORT_BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "figcaption", "span", "a",
     "strong", "em", "b", "time", "div", "section"}
)  # fmt: skip
_CLEANED_CONTAINERS = frozenset({"ul", "ol", "div", "section", "table", "dl", "aside", "figure"})


# A paragraph showing a web or mail address (the article cites it).
_ADDRESS = re.compile(r"^(?:https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+)$")


def _link_paragraph(el: etree._Element, s: _Stats) -> bool:
    """A paragraph that is only a link ("READ MORE: ...") or a row of links."""
    if not s.text:
        return False
    if _ADDRESS.match(_norm("".join(el.itertext()))):
        return False
    if s.links > 0.8 * s.text and s.text < 200 and s.commas < 2:
        return True
    return s.links > 0.65 * s.text and len(el.findall(".//a")) >= 2


def _prune(container: etree._Element, title: str | None, removed: list[str]) -> None:
    """Drop furniture inside the chosen container (Readability's conditional cleaning)."""
    stats = _measure(container)
    total = max(1, _prose(stats, container))
    doomed: list[etree._Element] = []
    for el in container.iter():
        if el is container or not isinstance(el.tag, str):
            continue
        s = stats.get(el)
        if s is None:
            continue
        tag = el.tag
        if (
            tag in _SHORT_BLOCKS
            and s.paragraphs <= 1
            and s.headings <= 1
            and not _inline_in_text(el)
            and _is_furniture_block(el, s, title)
        ):
            doomed.append(el)
            continue
        if tag == "p":
            if _link_paragraph(el, s):
                doomed.append(el)
        elif (
            tag in _CLEANED_CONTAINERS
            and _prose(stats, el) < 0.3 * total
            and _conditionally_furniture(el, s)
        ):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None and _attached(el, container):
            removed.append(_describe(el))
            _remove(el)
    _drop_closing_link_list(container, removed)
    _drop_orphan_headings(container, removed)
    _drop_closing_promos(container, removed)


_INLINE = frozenset({"a", "span", "strong", "em", "b", "time"})


def _inline_in_text(el: etree._Element) -> bool:
    """An inline element inside a line of text (the date that ends an embedded post's line)."""
    if el.tag not in _INLINE:
        return False
    if el.tail and el.tail.strip():
        return True
    previous, parent = el.getprevious(), el.getparent()
    before = previous.tail if previous is not None else parent.text if parent is not None else ""
    return bool(before and before.strip())


def _drop_closing_link_list(container: etree._Element, removed: list[str]) -> None:
    """Drop a list of links that ends the content ("More stories"), and its label.

    Every item of the list (three or more) holds a link and links are much
    of its text; nothing but the list follows it.
    """
    leaves = [el for el in container.iter() if isinstance(el.tag, str)
              and ((el.text and not el.text.isspace()) or (el.tail and not el.tail.isspace()))]  # fmt: skip
    if not leaves:
        return
    last = leaves[-1]
    if last.tail and not last.tail.isspace():
        return
    lists = [a for a in last.iterancestors() if a.tag in ("ul", "ol") and _attached(a, container)]
    if not lists or lists[-1] is container:
        return
    found = lists[-1]
    items = [li for li in found if li.tag == "li"]
    if len(items) < 3 or any(li.find(".//a") is None for li in items):
        return
    text = len(_norm("".join(found.itertext())))
    links = sum(len(_norm("".join(a.itertext()))) for a in found.iter("a"))
    if not text or links < 0.4 * text or (found.tail and not found.tail.isspace()):
        return
    label = found.getprevious()
    removed.append(_describe(found))
    _remove(found)
    if label is not None and isinstance(label.tag, str):
        words = _norm("".join(label.itertext()))
        if words and len(words) < 60 and not _SENTENCE_END.search(words):
            removed.append(_describe(label))
            _remove(label)


def _drop_closing_promos(container: etree._Element, removed: list[str]) -> None:
    """Drop the short lines that end the content by sending the reader elsewhere.

    "Follow us on Twitter", "Write to the author at name@example.com",
    "Subscribe to our newsletter": only a trailing run of paragraphs under
    250 characters is looked at; the first line of article prose ends it.
    """
    blocks = [el for el in container.iter("p", "div", "li", "h2", "h3", "h4", "h5", "h6")
              if not any(isinstance(c.tag, str) and c.tag in _BLOCK_TAGS for c in el)]  # fmt: skip
    for el in reversed(blocks):
        text = _norm("".join(el.itertext()))
        if not text:
            continue
        if len(text) >= 250 or not _PROMO_TEXT.search(text):
            break
        removed.append(_describe(el))
        _remove(el)


def _drop_orphan_headings(container: etree._Element, removed: list[str]) -> None:
    """Drop the headings that end the content: they introduce nothing.

    Text anywhere counts as content (a paragraph whose words sit in a
    ``<span>``, a tail after an inline element); a "heading" that is a
    sentence or two of prose stays.
    """
    blocks = [
        el
        for el in container.iter()
        if isinstance(el.tag, str)
        and (
            el.tag in _HEADINGS
            or el.tag in ("img", "li", "table")
            or (el.text and not el.text.isspace())
            or (el.tail and not el.tail.isspace() and el is not container)
        )
    ]
    for el in reversed(blocks):
        if el.tag not in _HEADINGS:
            if any(a.tag in _HEADINGS for a in el.iterancestors()):
                continue
            break
        text = _norm("".join(el.itertext()))
        if len(text) >= 80 and _SENTENCE_END.search(text):
            break
        removed.append(_describe(el))
        _remove(el)


@lru_cache(maxsize=4096)
def _layout_named(words: str) -> bool:
    """True when every furniture word among the class/id ``words`` names a part of the layout."""
    return all(
        match.group(0).strip("-_ ").lower() in _LAYOUT_WORDS for match in _NEGATIVE.finditer(words)
    )


def _layout_prose(el: etree._Element, s: _Stats) -> bool:
    """Prose in a block whose furniture-sounding name only names its place in the layout."""
    return _reads_as_prose(s) and _layout_named(_attr_words(el))


def _conditionally_furniture(el: etree._Element, s: _Stats) -> bool:
    weight = _class_weight(el)
    if weight < 0 and not _is_marked_body(el) and not _layout_prose(el, s):
        return True
    if s.text == 0:
        return s.images == 0 and el.tag not in ("figure", "p")
    link_share = s.links / s.text
    if s.commas >= 10:
        return False
    prose = s.text - s.links
    if el.tag in ("ul", "ol"):
        # A list of links (related stories, tag clouds) versus a list of points.
        return link_share > 0.8 or (link_share > 0.6 and s.lists >= 2)
    if el.tag == "figure":
        return False
    if link_share > 0.5 and s.text < 600:
        return True
    return weight < 25 and link_share > 0.33 and s.paragraphs < 2 and prose < 200


_TITLE_SPLIT = re.compile(r"\s+[|\u2013\u2014\u00b7\u2022:-]+\s+|\s+::\s+")
_LETTERS = re.compile(r"\w+")


def _title_key(text: str) -> str:
    return " ".join(_LETTERS.findall(text.lower()))


def page_titles(root: etree._Element) -> list[str]:
    """Return what the page says its title is: og:title, twitter:title, <title> parts."""
    found: list[str] = []
    head = root.find("head")
    if head is not None:
        for meta in head.iter("meta"):
            key = (meta.get("property") or meta.get("name") or "").lower()
            if key in ("og:title", "twitter:title", "title", "headline", "sailthru.title"):
                value = _norm(meta.get("content"))
                if value:
                    found.append(value)
        title = head.find("title")
        if title is not None:
            text = _norm("".join(title.itertext()))
            if text:
                found.append(text)
                found.extend(part for part in _TITLE_SPLIT.split(text) if len(part) > 5)
    return found


def _title_heading(container: etree._Element, titles: list[str]) -> etree._Element | None:
    """Return the heading in ``container`` that repeats the page title, if any."""
    keys = {_title_key(t) for t in titles if t}
    keys.discard("")
    if not keys:
        return None
    for el in container.iter("h1", "h2", "h3"):
        key = _title_key("".join(el.itertext()))
        if len(key) < 8:
            continue
        for wanted in keys:
            if (
                key == wanted
                or wanted.startswith(key + " ")
                or (len(key) > 20 and (key in wanted or wanted in key))
            ):
                return el
    return None


def _leading_h1(container: etree._Element) -> etree._Element | None:
    """The page's only ``h1`` when it opens the content: the headline, worded apart from <title>."""
    headings = list(container.iter("h1"))
    if len(headings) != 1:
        return None
    for el in container.iter():
        if el is headings[0]:
            return el
        if el is not container and el.text and el.text.strip():
            return None
    return None


def _is_paragraph(el: etree._Element) -> bool:
    if el.tag != "p":
        return False
    text = _norm("".join(el.itertext()))
    return len(text) >= 100 and bool(_SENTENCE_END.search(text))


def _trim_header(container: etree._Element, heading: etree._Element, removed: list[str]) -> None:
    """Drop the title heading and the short header blocks before it (kicker, date).

    A heading that follows a paragraph of prose opens a section: it stays.
    """
    before: list[etree._Element] = []
    prose = 0
    for el in container.iter():
        if el is heading:
            break
        if not isinstance(el.tag, str) or el is container:
            continue
        if any(a is heading for a in el.iterdescendants()):
            continue
        before.append(el)
    top = [
        el
        for el in before
        if el.getparent() is not None and not any(a in before for a in el.iterancestors())
    ]
    for el in top:
        prose += len(_norm("".join(el.itertext())))
    if any(_is_paragraph(el) for el in before):
        return  # prose comes first: the heading is a section of the article, not its headline
    if prose < 400:
        for el in top:
            if el.getparent() is not None and el.tag not in ("figure", "img", "picture"):
                removed.append(_describe(el))
                _remove(el)
    removed.append(_describe(heading))
    _remove(heading)


def _signature(el: etree._Element) -> tuple[str, str]:
    """Tag and first class word: what repeated blocks of one kind share (``li.postbit``)."""
    words = (el.get("class") or "").split()
    return str(el.tag), words[0] if words else ""


def _post_body(item: etree._Element, stats: dict[etree._Element, _Stats]) -> etree._Element:
    """The block of a post that holds its words: the deepest one with nearly all its prose.

    A block whose other parts name the writer is passed through to its longest part.
    """
    node = item
    while True:
        total = _prose(stats, node)
        inner = max((c for c in node if c in stats), key=lambda c: _prose(stats, c), default=None)
        if inner is None:
            return node
        share = _prose(stats, inner) / max(1, total)
        if share < 0.5 or (share < 0.85 and not _names_writer_beside(node, inner)):
            return node
        node = inner


def _names_writer_beside(node: etree._Element, inner: etree._Element) -> bool:
    """Some part of ``node`` other than ``inner`` names the writer (a user card)."""
    return any(
        isinstance(el.tag, str) and len(el.attrib) and _names_writer(el)
        for child in node
        if child is not inner
        for el in child.iter()
    )


def _names_writer(node: etree._Element) -> bool:
    return bool(_USER_WORDS.search(f"{node.get('class') or ''} {node.get('itemprop') or ''}"))


def _has_writer_card(item: etree._Element, body: etree._Element) -> bool:
    """The post names its writer beside the words: a user, member, author or avatar block."""
    for node in item.iter():
        if node is body:
            continue
        if (
            isinstance(node.tag, str)
            and len(node.attrib)
            and _names_writer(node)
            and not any(a is body for a in node.iterancestors())
        ):
            return True
    return False


def _run_of_posts(
    item: etree._Element, stats: dict[etree._Element, _Stats]
) -> tuple[list[etree._Element], bool] | None:
    """The bodies of ``item`` and its siblings of the same kind, and whether they name writers.

    Two or more siblings with the same tag and first class word, each with
    its words in a body block of one kind; the posts of a thread also name
    their writers beside their words (most of them do).
    """
    parent = item.getparent()
    tag, word = _signature(item)
    if parent is None or (not word and tag not in ("article", "li")):
        return None
    items = [c for c in parent if c.tag == tag and _signature(c)[1] == word and _prose(stats, c)]
    if sum(_prose(stats, c) >= 100 for c in items) < 2:
        return None
    if sum(map(_has_headline_link, items)) > 0.5 * len(items):
        return None  # teaser cards: each links a headline to another page
    found = [_post_body(c, stats) for c in items]
    kind, count = Counter(_signature(b) for b in found).most_common(1)[0]
    if count < 2 or count < 0.5 * len(items) or kind == (tag, word):
        return None
    # A short post's body may stop above the block of its kind (the writer's
    # card is a large part of it); the block is looked for by its class.
    pairs = [
        (c, b if _signature(b) == kind else _first_of_kind(c, kind) if kind[1] else None)
        for c, b in zip(items, found, strict=True)
    ]
    posts = [(c, b) for c, b in pairs if b is not None]
    if sum(_prose(stats, b) >= 100 for _c, b in posts) < 2:
        return None
    carded = sum(_has_writer_card(c, b) for c, b in posts) >= 0.5 * len(posts)
    return [b for _c, b in posts], carded


def _first_of_kind(item: etree._Element, kind: tuple[str, str]) -> etree._Element | None:
    """The first block inside ``item`` with the tag and first class word ``kind``."""
    for el in item.iter(kind[0]):
        if el is not item and _signature(el) == kind:
            return el
    return None


def _thread_posts(
    body: etree._Element, container: etree._Element, stats: dict[etree._Element, _Stats]
) -> tuple[list[etree._Element] | None, etree._Element | None]:
    """The post bodies of the thread the chosen container belongs to or holds, in page order.

    The container may be one post's body (the longest answer won), a post, or
    the list of posts (with each writer's card): the run of posts must then be
    most of its prose. Bodies of the same kind just outside the run (the
    question above the answers) join it.

    Returns (bodies, None) for a thread; (None, section) when the container
    is reader comments under an article: the page names the section as
    comments, or an article beside the run has more prose than any post
    (then the posts need not name their writers); (None, None) otherwise.
    """
    found = _run_around(container, body, stats) or _run_inside(container, stats)
    if found and not found[1]:
        # Repeated blocks that name no writer: only reader comments beside an article.
        run = _common_parent(found[0])
        if run is not None and _beside_article(body, run, found[0], stats) is None:
            return None, run
        return None, None
    holds_container = bool(found)
    bodies = found[0] if found else _run_beside(container, body, stats)
    if not bodies:
        return None, None
    run = _common_parent(bodies)
    if run is None:
        return None, None
    section = _comment_section(run, body)
    if section is not None:
        return None, section if holds_container else None
    extra = _beside_article(body, run, bodies, stats)
    if extra is None:
        return None, run if holds_container else None
    if not extra:
        return bodies, None
    order = {el: i for i, el in enumerate(stats)}
    return sorted([*bodies, *extra], key=lambda el: -order[el]), None


def _common_parent(bodies: list[etree._Element]) -> etree._Element | None:
    """The lowest element holding all of ``bodies``."""
    run = bodies[0].getparent()
    while run is not None and not all(_inside(b, run) for b in bodies):
        run = run.getparent()
    return run


def _beside_article(
    body: etree._Element,
    run: etree._Element,
    bodies: list[etree._Element],
    stats: dict[etree._Element, _Stats],
) -> list[etree._Element] | None:
    """Post bodies of the same kind just outside the run; None when an article stands before it.

    The article is a block before the run with more prose than 600
    characters and half again the longest post; a block holding more posts
    of the run's kind (the question above the answers) is not one.
    """
    kind = _signature(bodies[0])
    bar = max(600, 1.5 * max(_prose(stats, b) for b in bodies))
    region = run.getparent() if run is not body and run.getparent() is not None else run
    chosen = set(bodies)
    extra: list[etree._Element] = []
    above = set(run.iterancestors())
    # ``stats`` runs backwards through the page, children before their
    # parents: a post's body is met before the blocks around it, and what
    # follows the run is met before the run.
    ahead = False
    for el, s in stats.items():
        if el is run:
            ahead = True
        if el in chosen or el in above or el is run or _inside(el, run):
            continue
        if _signature(el) == kind and _prose(stats, el) and _inside(el, region):
            extra = [b for b in extra if not _inside(b, el)]
            extra.append(el)
        elif (
            ahead
            and s.paragraphs
            and s.text - s.links > bar
            and not any(_inside(el, b) or _inside(b, el) for b in extra)
        ):
            return None
    return extra


_COMMENT_NAMES = re.compile(
    r"(?:^|[-_ ])(?:comments?|commentlist|comment-list|disqus|respond|responses)(?=$|[-_ \d])",
    re.IGNORECASE,
)


def _comment_section(run: etree._Element, body: etree._Element) -> etree._Element | None:
    """The outermost of ``run`` and its next three ancestors that the page names as comments."""
    found = None
    node: etree._Element | None = run
    for _level in range(4):
        if node is None or node is body:
            break
        if _COMMENT_NAMES.search(_attr_words(node)):
            found = node
        node = node.getparent()
    return found


def _pick_without(
    body: etree._Element, section: etree._Element
) -> tuple[etree._Element, bool, dict[etree._Element, _Stats]] | None:
    """Choose the container again with ``section`` (reader comments) out of the page.

    None, with the page as it was, when nothing else holds a paragraph of prose.
    """
    parent = section.getparent()
    if parent is None:
        return None
    index = parent.index(section)
    parent.remove(section)
    stats = _measure(body)
    _score_tree(body, stats)
    container, marked = _pick_container(body, stats)
    if _prose(stats, container) >= 80 and stats[container].paragraphs:
        return container, marked, stats
    parent.insert(index, section)
    return None


def _inside(el: etree._Element, ancestor: etree._Element) -> bool:
    """True when ``el`` is ``ancestor`` or below it."""
    return el is ancestor or any(a is ancestor for a in el.iterancestors())


def _run_around(
    container: etree._Element, body: etree._Element, stats: dict[etree._Element, _Stats]
) -> tuple[list[etree._Element], bool] | None:
    """The thread whose post holds the container (one answer's body won), up to eight levels."""
    node: etree._Element | None = container
    for _level in range(8):
        if node is None or node is body:
            return None
        found = _run_of_posts(node, stats)
        if found:
            # The container's own post must be one of the run's (not a run of
            # related posts beside the article).
            mine = any(
                _inside(container, b)
                or (_inside(b, container) and _prose(stats, b) >= 0.6 * _prose(stats, container))
                for b in found[0]
            )
            return found if mine else None
        node = node.getparent()
    return None


def _run_beside(
    container: etree._Element, body: etree._Element, stats: dict[etree._Element, _Stats]
) -> list[etree._Element] | None:
    """A thread elsewhere on the page with more prose than a short chosen block (a blurb won).

    Posts deep in their markup pass little of their score up, so a short
    block of page text can outscore the thread; the best-scored blocks
    outside the container are tried as posts.
    """
    prose = _prose(stats, container)
    if prose >= _SHORT_CHOICE:
        return None
    seeds = heapq.nlargest(
        _SEEDS, (el for el, s in stats.items() if s.score > 0), key=lambda el: stats[el].score
    )
    for seed in seeds:
        if _inside(seed, container) or _inside(container, seed):
            continue
        found = _run_around(seed, body, stats) or _run_inside(seed, stats)
        if found and found[1] and sum(_prose(stats, b) for b in found[0]) > 1.5 * prose:
            return found[0]
    return None


# A chosen block shorter than this is checked against a thread elsewhere on
# the page, seeded from this many of the best-scored blocks.
_SHORT_CHOICE = 1500
_SEEDS = 5


def _run_inside(
    container: etree._Element, stats: dict[etree._Element, _Stats]
) -> tuple[list[etree._Element], bool] | None:
    """The thread the container holds (the list of posts won), when it is most of its prose."""
    node = container
    for _level in range(3):
        children = [c for c in node if c in stats and _prose(stats, c)]
        if not children:
            return None
        longest = max(children, key=lambda c: _prose(stats, c))
        found = _run_of_posts(longest, stats)
        if found:
            share = sum(_prose(stats, b) for b in found[0]) / max(1, _prose(stats, container))
            return found if share >= 0.6 else None
        if _prose(stats, longest) < 0.6 * _prose(stats, node):
            return None
        node = longest
    return None


def find_main_content(
    root: etree._Element, *, title: str | None = None, prefer: tuple[str, ...] = ()
) -> ContentChoice | None:
    """Return the article content of the page ``root`` as a new ``<div>``, or None.

    ``title`` is the post title when known; a heading repeating it is dropped.
    ``prefer`` lists class tokens of the element the platform is known to put
    the body in (Blogger's ``post-body``); the first such element with text is
    taken as the container instead of the scored choice. None means the page
    has no recognisable block of prose. ``root`` is modified.
    """
    titles = ([title] if title else []) + page_titles(root)
    declared = _declared_body(root)
    body = root.find("body")
    if body is None:
        body = root
    stats = _strip(body)
    _score_tree(body, stats)
    container, marked = _preferred(body, stats, prefer) or _pick_container(body, stats)
    if stats[container].text == 0:
        return None
    removed: list[str] = []
    description = _describe(container)
    posts, comments = (None, None) if prefer else _thread_posts(body, container, stats)
    if comments is not None:
        again = _pick_without(body, comments)
        if again is not None:
            container, marked, stats = again
            description = _describe(container)
    if posts:
        container, marked = etree.Element("div"), False
        container.extend(posts)
        description = f"{len(posts)} posts of a thread"
    before, after = _prose_siblings(container, stats, named_only=marked)
    parts_before, parts_after = _other_parts(body, container, stats, before + after)
    before = parts_before + before
    after = after + parts_after
    heading = _title_heading(container, titles)
    if heading is None:
        heading = _leading_h1(container)
    if heading is not None:
        _trim_header(container, heading, removed)
    _prune(container, title, removed)
    holder = etree.Element("div")
    if container.tag in ("body", "html"):
        holder.text = _xml_text(container.text)
        for child in list(container):
            holder.append(child)
    else:
        container.tail = None
        holder.append(container)
    for el in before:
        el.tail = None
        holder.insert(holder.index(container), el)
    for el in after:
        el.tail = None
        holder.append(el)
    if declared and len(declared) > _DECLARED_SHARE * _length(" ".join(holder.itertext())):
        return ContentChoice(
            element=_paragraphs(declared), container="articleBody", marked=True, removed=removed
        )
    return ContentChoice(element=holder, container=description, marked=marked, removed=removed)


# The article text the page declares in its JSON-LD replaces the chosen block
# when it is this many times longer (the page draws its body with a script).
_DECLARED_SHARE = 3
_DECLARED_MIN = 400


def _declared_body(root: etree._Element) -> str:
    """The longest body the page's JSON-LD declares, as plain text ('' if none).

    That is an ``articleBody``, or the description and steps of a ``HowTo`` or
    ``Recipe`` (a guide or recipe whose page a script draws).
    """
    best = steps = ""
    for script in root.iter("script"):
        raw = script.text
        if not raw or script.get("type") != "application/ld+json":
            continue
        if "articleBody" not in raw and "HowTo" not in raw and "Recipe" not in raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                text = item.get("articleBody")
                if isinstance(text, str) and len(text) > len(best):
                    best = text
                if _STEP_TYPES.intersection(_ld_types(item)):
                    text = "\n".join(_step_lines(item))
                    if len(text) > len(steps):
                        steps = text
                stack.extend(v for v in item.values() if isinstance(v, (list, dict)))
    if "<" in best and ">" in best:
        best = ""
    best = max(best.strip(), steps, key=len)
    return best if len(best) >= _DECLARED_MIN else ""


# JSON-LD types whose body is a description and a list of steps.
_STEP_TYPES = frozenset({"HowTo", "Recipe"})


def _ld_types(item: dict[str, object]) -> list[str]:
    kind = item.get("@type")
    return [k for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str)]


def _step_lines(item: dict[str, object]) -> list[str]:
    """The description and the steps of a JSON-LD ``HowTo`` or ``Recipe``, a line each."""
    lines: list[str] = []
    pending: list[object] = [
        item.get("recipeInstructions") or item.get("step"),
        item.get("description"),
    ]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            lines.extend(_plain_lines(value))
        elif isinstance(value, list):
            pending.extend(reversed(value))
        elif isinstance(value, dict):
            pending.append(value.get("text") or value.get("itemListElement"))
    return lines


def _plain_lines(text: str) -> list[str]:
    """The lines of ``text``, read as HTML when it holds tags."""
    if "<" in text and ">" in text:
        text = render_text(parse_fragment(text))
    return [line.strip() for line in text.splitlines() if line.strip()]


def _paragraphs(text: str) -> etree._Element:
    holder = etree.Element("div")
    for line in text.splitlines():
        if line.strip():
            etree.SubElement(holder, "p").text = _xml_text(line.strip())
    return holder


def main_content_text(root: etree._Element, *, title: str | None = None) -> str:
    """Return the prose of ``find_main_content``: its text without image captions."""
    choice = find_main_content(root, title=title)
    if choice is None:
        return ""
    return render_text(choice.element, captions=False)


_CAPTION_WORDS = re.compile(
    r"(?:^|[-_ ])(?:caption|credit|credits|wp-caption-text)(?=$|[-_ ])", re.IGNORECASE
)


def _is_caption(el: etree._Element) -> bool:
    if el.tag == "figcaption":
        return True
    words = _attr_words(el)
    return bool(words) and bool(_CAPTION_WORDS.search(words))


def _is_image_block(el: etree._Element) -> bool:
    """A wrapper holding an image and no more than a caption's worth of text."""
    if el.tag not in ("div", "span", "a", "picture", "figure"):
        return False
    if next(el.iter("img"), None) is None:
        return False
    return len(_norm("".join(el.itertext()))) < 200 and next(el.iter("p"), None) is None


# Characters that are never drawn: the zero-width space, the word joiner and a stray
# byte-order mark. Soft hyphens and the joiners that shape a script's letters stay.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff]")
# Ruby annotations (pronunciation over East Asian text) and their fallback brackets.
_RUBY_NOTES = frozenset({"rt", "rp"})


def render_text(el: etree._Element, *, captions: bool = True) -> str:
    """Render an element tree as text, one line per block.

    ``captions`` False leaves out figure captions and photo credits. Ruby
    annotations and zero-width spaces are left out and the text is in Unicode
    composed form (NFC), so it reads and compares as the page shows it.
    """
    parts: list[str] = []
    # Only an element holding an image can be an image block.
    imaged: set[etree._Element] = (
        set() if captions else {a for img in el.iter("img") for a in img.iterancestors()}
    )

    def walk(node: etree._Element) -> None:
        block = node.tag in _BLOCK_TAGS
        if block:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        for child in node:
            if (
                isinstance(child.tag, str)
                and child.tag not in _RUBY_NOTES
                and (
                    captions
                    or not (_is_caption(child) or (child in imaged and _is_image_block(child)))
                )
            ):
                walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(el)
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", "".join(parts)))
    lines = (squash(line) for line in text.split("\n"))
    text = "\n".join(line for line in lines if line)
    if not text and not captions:
        # Content that is all caption (a video page's text in its caption block) is read.
        return render_text(el, captions=True)
    return text
