"""Words and text patterns that name page parts, and the tests of names and text against them.

Tag sets, class/id name words (furniture, body markers, embeds, layout), and
text patterns (furniture labels in many languages, bylines, dates, promos).
Imports nothing from the other steps.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

# Elements that never hold article text.
DROP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "math", "canvas", "object", "embed",
        "button", "select", "option", "input", "textarea", "label", "dialog", "head", "link",
        "meta", "map", "area", "frame", "frameset", "iframe",
    }
)  # fmt: skip

# Landmarks of page chrome (dropped unless they hold most of the prose).
CHROME_TAGS = frozenset({"nav", "aside", "footer", "header", "form", "menu"})

# Landmarks that also wrap article text (an intro section set as a <header>, a
# product description inside its order form): kept when they hold a run of prose.
PROSE_LANDMARKS = frozenset({"header", "form"})

CHROME_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog",
     "menu", "menubar", "toolbar"}
)  # fmt: skip

BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol",
        "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
        "blockquote", "pre", "figure", "figcaption", "address", "hr", "br", "center", "details",
        "summary", "body", "html", "header", "footer", "aside", "nav", "form", "fieldset",
    }
)  # fmt: skip

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

# Class/id words naming page furniture, and naming the article body.
NEGATIVE = re.compile(
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
LAYOUT_WORDS = frozenset({"header", "widget", "hidden", "readmore", "read-more"})

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

SENTENCE_END = re.compile(r"[.!?…:;\u3002\uff01\uff1f]['\"’”)\]]?\s*$")

COMMA = re.compile(r"[,\u060c\u3001\uff0c]")

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

FURNITURE_TEXT = re.compile(
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
PROMO_TEXT = re.compile(
    r"\b(?:follow|folgen sie|folge uns|suivez|siga|segui|s[ií]guenos)\b.{0,80}"
    r"\b(?:twitter|facebook|instagram|youtube|linkedin|telegram|tiktok|pinterest)\b|"
    r"\b(?:newsletter|subscribe|sign up|abonnieren|abonnez|suscr[ií]bete|inscreva|iscriviti)\b|"
    r"^[\w.+-]+@[\w-]+\.[\w.]+$|^(?:https?://)?(?:www\.)?[\w-]+\.com/\S+$|"
    r"\b(?:write to|email|e-mail|reach)\b.{0,60}[\w.+-]+@[\w-]+\.[\w.]+|(?:^|\s)@[A-Za-z]\w{2,}",
    re.IGNORECASE,
)

BYLINE = re.compile(
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


def is_date_line(text: str) -> bool:
    """True for a short line that is only a date/time stamp ("Updated at 1:23 p.m.")."""
    if len(text) > 70 or not _DATE_SIGNAL_GROUPED.search(text):
        return False
    rest = _DATE_WORDS.sub(" ", text)
    return not re.search(r"[^\W\d_]{2,}", rest)


QUOTE_MARKS = frozenset('"\u201c\u201e\u00ab\u00bb\u2018\u201a\u300c')

# Class/id words of an article's lead (standfirst, summary, deck).
LEAD_WORDS = re.compile(
    r"lead|intro|teaser|summary|standfirst|subtitle|subhead|deck|excerpt|abstract|description|"
    r"preface|chapo|kicker|vorspann|einleitung",
    re.IGNORECASE,
)

# Class and itemprop words of a post's writer card (forums, Q&A).
USER_WORDS = re.compile(r"avatar|user|member|poster|author|profile", re.IGNORECASE)

# Class/id words of an image block (its caption is not article prose).
MEDIA_WORDS = re.compile(r"image|img|photo|picture|caption|figure|video|gallery", re.IGNORECASE)

_SLUG = re.compile(r"^[^\W_]+(?:[-_]+[^\W_]*){3,}$")


def attr_words(el: etree._Element) -> str:
    """Class and id of ``el``; a heading's id made of its own words (an anchor) is left out."""
    ident = el.get("id") or ""
    if ident and el.tag in HEADINGS and _SLUG.match(ident):
        ident = ""
    return f"{el.get('class') or ''} {ident}".strip()


@lru_cache(maxsize=8192)
def name_flags(words: str) -> tuple[bool, bool, bool, bool]:
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
    """``name_flags`` of one token (no spaces but a last one after a newline)."""
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


_NEGATIVE_GROUPED = _grouped_words(NEGATIVE)

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


def class_weight(el: etree._Element) -> int:
    """Positive for names of the article body, negative for page furniture."""
    words = attr_words(el)
    if not words:
        return 0
    negative, positive, embed, _weak = name_flags(words)
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


def is_marked_body(el: etree._Element) -> bool:
    for attr, found in el.items():
        if attr == "class":
            if not _BODY_CLASSES.isdisjoint(found.lower().split()):
                return True
        else:
            wanted = _MARKER_VALUES.get(attr)
            if wanted and not wanted.isdisjoint(found.lower().split()):
                return True
    return False
