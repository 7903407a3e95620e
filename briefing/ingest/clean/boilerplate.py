"""Boilerplate knowledge shared by the dump and HTML cleaners.

Everything here is general web vocabulary (share prompts, related-story
headings, comment counters, footers), not strings of any one site.  Lines are
compared after :func:`norm_line`, which lowercases, drops edge punctuation,
bullets and counters ("Comments0" -> "comments") and folds apostrophes and
hyphens, so one entry covers "Must-Reads", "MUST READS" and "Must reads:".
"""

from __future__ import annotations

import bisect
import re

__all__ = [
    "norm_line",
    "is_boilerplate_line",
    "is_end_marker",
    "has_boilerplate_phrase",
    "is_teaser",
    "promo_score",
    "end_strength",
    "is_social_counter",
    "ends_in_ellipsis",
]

# Characters stripped from both ends of a line before comparing it (str.strip:
# linear time, unlike an end-anchored regex).
_EDGE = (" \t\n\r\f\v\u2022\u00b7\u25a1\u25e6\u25aa\u25cf\u2023*-\u2013\u2014>#|[](){}0123456789.,:;!?\"'`"
         "\u2026/\\+=_~^%@&\u00bb\u00ab\u203a\u2039\u2192\u2190\u25b6\u25ba\u2606\u2605\u00a0\u2018\u2019")


def norm_line(line: str) -> str:
    """Lowercase *line* and strip bullets, counters and edge punctuation."""
    s = line.lower().strip(_EDGE)
    if "'" in s or "\u2019" in s or "-" in s:
        s = s.replace("\u2019", "").replace("'", "").replace("-", " ")
    if "  " in s or "\t" in s or "\n" in s:
        s = " ".join(s.split())
    return s


def _vocab(text: str) -> frozenset[str]:
    return frozenset(norm_line(m) for m in text.replace("\n", " ").split(";") if m.strip())


# Headings that open a non-article section: once one of these follows the
# body, the article is over (strong), or most likely over (medium).
STRONG_END = _vocab("""
comments; comment; leave a comment; leave a reply; add a comment; show comments;
view comments; post a comment; join the discussion; join the conversation;
reader comments; discussion; responses; conversation; comments are closed;
latest stories; latest news; latest articles; latest posts; latest; latest videos;
latest headlines; more stories; top stories; more news; more articles; more to read;
more headlines; other news; other stories; in other news; elsewhere;
you may also like; you might also like; you may be interested in; we recommend;
recommended; recommended for you; recommended stories; recommended articles;
recommended reading; recommended videos; suggested for you; suggested articles;
related; related articles; related stories; related news; related content;
related topics; related posts; related links; related coverage; related reading;
related videos; related items; related searches;
popular now; popular; most popular; popular stories; popular posts; popular articles;
most read; most viewed; most shared; most commented; most watched;
trending; trending now; trending stories; trending articles; whats trending;
must reads; must read; editors picks; editor's picks; top picks; dont miss;
do not miss; more on this story; more on this topic; around the web; from the web; explore further;
from our partners; sponsored content; sponsored stories; promoted stories;
paid content; partner content; about the author; about the writer; author bio;
previous article; next article; previous post; next post; next story;
previous story; older post; newer post; you might like; read next; up next;
você pode gostar; voce pode gostar; você também pode gostar; veja também; leia também;
relacionados; notícias relacionadas; noticias relacionadas; artigos relacionados;
mais lidas; mais lidos; comentários; comentarios; deixe um comentário; deixe seu comentário;
te puede interesar; también te puede interesar; lo más leído; más leídas; más leído;
artículos relacionados; potrebbe interessarti; ti potrebbe interessare; articoli correlati;
leggi anche; commenti; lascia un commento; i più letti; das könnte sie auch interessieren;
weitere artikel; ähnliche artikel; kommentare; mehr zum thema; meistgelesen;
à lire aussi; a lire aussi; lire aussi; articles similaires; sur le même sujet; commentaires;
vous aimerez aussi; les plus lus;
""")
MEDIUM_END = _vocab("""
share this story; share this article; share this post; share this page;
share this; share it on; share; sharing; share article; share story;
tags; topics; filed under; categories; category; keywords; tagged;
stay connected; follow us; connect with us; subscribe; newsletter; newsletters;
sign up for our newsletter; get our newsletter; more from; more in;
""")
END_MARKERS = STRONG_END | MEDIUM_END

# Lines that are boilerplate wherever they are (buttons, labels, menus).
LINE_VOCAB = END_MARKERS | _vocab("""
advertisement; advertisements; advertising; ad; ads; sponsored; promoted;
story continues below advertisement; article continues below advertisement;
continue reading below; continue reading; continue reading the main story;
subscribe now; sign in; sign up; log in; login; log out; logout; register;
my account; create account; create an account; manage account;
follow; follow us on; like us on facebook; skip to content;
skip to main content; skip navigation; skip to navigation; skip to footer;
menu; main menu; open menu; close menu; toggle navigation; navigation;
search; search for; go; submit; home; homepage; back to top; top;
print; print this; print article; email; e mail; email this; email me;
facebook; twitter; x; linkedin; whatsapp; pinterest; reddit; tumblr;
flipboard; messenger; instagram; youtube; telegram; snapchat; tiktok;
pocket; mix; copy; copy link; copy url; link copied; permalink;
tweet; pin; pin it; like; likes; share on facebook; share on twitter;
share via email; share on linkedin; share on whatsapp; share by email;
close; more; less; show more; show less; load more; view more; see more;
see all; view all; all; next; previous; prev; back; open;
enlarge image; enlarge this image; expand; view gallery; view image;
view photos; view slideshow; play video; watch video; watch; listen;
listen to this article; audio; video; videos; photos; photo; gallery;
image; loading; loading...; please wait;
cookies; cookie settings; accept; accept cookies; accept all; i agree; ok; got it;
privacy; privacy policy; terms; terms of use; terms of service;
terms and conditions; contact; contact us; about; about us; faq; help;
careers; jobs; sitemap; site map; rss; rss feed; feeds; archives; archive;
accessibility; accessibility help; advertise; advertise with us;
e edition; digital edition; epaper; subscriber services; customer service;
manage your account; reset your password; sections; edition;
reprints; licensing; report an error; corrections; feedback;
contributors; authors; staff; masthead; our team; newsroom;
updated; published; posted; by; source; sources; credit; credits;
poll; quiz; weather; traffic; obituaries; classifieds; events; calendar;
view comments; hide comments; reply; report; flag;
media playback is unsupported on your device; read more; also read; see also;
read also; more; related; reply; replies; thank you; thanks;
order reprints; reprints & permissions; reprint; print this page; email this page;
""")

# Phrases that mark a line (of any length) as boilerplate.
PHRASES = (
    "all rights reserved", "privacy policy", "terms of use", "terms of service",
    "cookie policy", "we use cookies", "use of cookies", "uses cookies",
    "accept cookies", "utilizziamo i cookie", "utilizamos cookies",
    "wir verwenden cookies", "nous utilisons des cookies",
    "sign up for our newsletter", "subscribe to our newsletter",
    "get our newsletter",
    "share it on", "share this with", "share on facebook", "share on twitter",
    "skip to main content", "skip to content", "access to main content",
    "you may also like", "you might also like", "latest stories",
    "popular now", "must-reads", "most popular", "recommended for you",
    "click here to", "log in to comment", "sign in to comment",
    "this article is more than", "copyright ©", "© copyright", "(c) copyright",
    "follow us on", "download the app", "download our app",
    "read more:", "related:", "see also:", "also read:", "read also:",
    "more on:", "filed under", "have a tip", "send us a tip", "got a tip",
    "the views expressed", "is not responsible for the content",
    "javascript is disabled", "enable javascript", "your browser does not support",
    "please enable", "ad blocker", "adblock", "this story has been shared",
    "this content is imported from", "you can find more information at their web site",
    "image copyright", "image caption", "media caption", "getty images",
    "personal, non-commercial use", "please try again", "an error has occurred",
    "thanks for reading", "thank you for reading", "thanks for subscribing",
    "thank you for subscribing", "write to us at", "to order presentation-ready copies",
    "story continues below", "article continues below", "continue reading below",
    "comments are closed", "be the first to comment", "leave a reply", "your email address will not be published",
    "required fields are marked", "notify me of", "save my name, email",
    "may be reproduced without", "without the written permission", "without prior written permission",
    "without the express written", "is subject to copyright",
)

def _trie_pattern(words) -> str:
    """A regex alternation factored on common prefixes (faster to scan)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(k) + build(v) for k, v in sorted(node.items()) if k]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return build(trie)


# A phrase starts a word: the search looks for a space or punctuation first (on " " +
# the text), which Python's engine scans for quickly (a Latin-1 set: a bitmap), and tries
# the phrases only there.
_PHRASE_RE = re.compile("[ (\"'\\[\\]/|>\\-\u00a9.,;:](?:" + _trie_pattern(PHRASES) + ")")


def _has_phrase(low: str) -> bool:
    """A phrase of :data:`PHRASES` in *low* (lowercased, apostrophes folded), at a word start."""
    return _PHRASE_RE.search(" " + low) is not None


# "Comments0", "1FansLike", "299FollowersFollow", "44,976 Shares", "12 Comments"
_SOCIAL = re.compile(
    r"^(?:\d[\d,.]*\s*[km]?\s*)?(?:comments?|shares?|likes?|fans?|followers?|"
    r"subscribers?|views?|reads?|votes?|replies|reply|responses?|reactions?|"
    r"letture|commenti|comentários|comentarios|kommentare|commentaires)"
    r"(?:\s*\w{0,12})?\s*(?:\(?\d[\d,.]*[km]?\)?)?$",
    re.IGNORECASE,
)


def _fold(text: str) -> str:
    low = text.lower()
    return low.replace("\u2019", "'") if "\u2019" in low else low


# what a social counter's normalised form starts with (a cheap test before _SOCIAL)
_SOCIAL_STEMS = ("comment", "share", "like", "fan", "follower", "subscriber", "view", "read", "vote",
                 "repl", "response", "reaction", "letture", "coment", "kommentar", "commentaire")
_SOCIAL_HEADS = frozenset(stem[:3] for stem in _SOCIAL_STEMS)


def is_social_counter(text: str) -> bool:
    """"Comments0", "12 Shares", "299FollowersFollow" and the like."""
    t = text.strip()
    return len(t) <= 40 and norm_line(t).startswith(_SOCIAL_STEMS) and bool(_SOCIAL.match(t))


def has_boilerplate_phrase(text: str) -> bool:
    """True when *text* contains a boilerplate phrase ("All rights reserved")."""
    return _has_phrase(_fold(text))


def end_strength(text: str, norm: str | None = None) -> int:
    """2 for a heading that opens related/comment sections ("You May Also Like"),
    1 for share/tag/subscribe blocks, 0 otherwise."""
    t = text.strip()
    if len(t) > 80:
        return 0
    if t.startswith("["):
        m = _BRACKET_LABEL.match(t)
        if m:  # "[WORLD] Latest Stories"
            return _strength(norm_line(m.group(2)))
    return _strength(norm_line(t) if norm is None else norm)


def _strength(n: str) -> int:
    if n in STRONG_END:
        return 2
    if n in MEDIUM_END:
        return 1
    sp = n.find(" ")
    if (n if sp < 0 else n[:sp]) not in _LEAD_WORDS:
        return 0  # none of the forms below starts so
    if n.startswith(("our ", "the ", "more ", "read ")) and n.split(" ", 1)[1] in STRONG_END:
        return 2
    if n.count(" ") < 8 and _RELATED_HEAD.match(n):
        return 2  # "Related coverage from Money:"
    if len(n) <= 40:
        if n.startswith(("more from ", "more in ", "more stories", "more news", "latest from ",
                         "latest in ", "more on ", "related to ", "recommended ", "trending ",
                         "popular in ", "most popular", "other stories", "more articles",
                         "other news", "more news", "top stories", "overview ")):
            return 2
        if n.startswith(("about ", "uber ", "\u00fcber ", "sobre ", "a propos ", "\u00e0 propos ")) \
                and len(n.split()) <= 4:
            return 2
        if n.startswith(("latest ", "more ")) and len(n.split()) <= 4:
            return 2  # "Latest from Reuters", "More Washington Examiner"
        words = n.split()
        if 2 <= len(words) <= 6 and words[-1] in _SECTION_NOUNS and words[0] in _SECTION_LEADS:
            return 2  # "More Great WIRED Stories", "Top Headlines", "Other Videos"
        if _SHARE.match(n):
            return 1
    return 0


def is_end_marker(text: str) -> bool:
    """A heading that opens a non-article section ("You May Also Like")."""
    return end_strength(text) > 0


_SOCIAL_WORDS = frozenset(
    "facebook twitter whatsapp pinterest pint linkedin reddit tumblr telegram messenger flipboard "
    "email e-mail mail print copy link share shares tweet pin sms instagram youtube vk vkontakte "
    "odnoklassniki weibo wechat line viber xing pocket baixar compartilhar compartir condividi "
    "teilen partager imprimir stampa drucken imprimer fb".split())
_SECTION_NOUNS = frozenset("stories articles headlines posts news reads videos links picks".split())
_SECTION_LEADS = frozenset("more other latest top popular related recommended trending featured "
                           "best great editors editor's our most recent similar".split())
# first words of the section headings end_strength knows beyond its two sets
_LEAD_WORDS = _SECTION_LEADS | frozenset(
    "our the more read latest related recommended trending popular most other top overview about uber "
    "\u00fcber sobre a \u00e0 share tweet pin email post send".split())
# the first letters of the lines those two patterns match (a set lookup is cheaper than a regex)
_READ_ALSO_HEADS = frozenset(("read", "also", "see ", "rela", "more", "legg", "leia", "veja", "lire", "lee ",
                              "lea ", "mehr", "sieh", "lese"))
_TAGS_HEADS = frozenset(("tag", "top", "key", "fil", "cat"))
_TAGS_LABEL = re.compile(r"(?:tags|tagged|tagged with|topics|keywords|filed under|categories|category)\s*:")


def _keyword_list(text: str) -> bool:
    """A lowercase list of keywords: "stock car 2018, stock car brasil, stock car cascavel, ..."."""
    if text.count(",") < 4 or text.rstrip()[-1:] in ".!?":
        return False
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 6 or not (words[0][0].islower() or words[0][0].isdigit()) \
                or _FUNCTION_WORDS.intersection(words):
            return False  # a phrase of a sentence, not a keyword
    return True


_FUNCTION_WORDS = frozenset("the a an and or of to in on for with is are was were be been has have had "
                            "that this it said says".split())


_RELATED_HEAD = re.compile(r"related (?:coverage|stories|articles|content|posts|links|reading|videos|news|topics|items)\b")
# a line that points to another story: "(Leggi anche su: ...)", "Read more: ...", "See also ..."
_READ_ALSO = re.compile(
    r"^(?:read more|read also|also read|see also|related|more on this|leggi anche|leia tamb\u00e9m|veja tamb\u00e9m|"
    r"lire aussi|lee tambi\u00e9n|lea tambi\u00e9n|mehr zum thema|siehe auch|lesen sie auch)\b(?:\s+\w+)?\s*:")
_SHARE = re.compile(r"^(?:share|tweet|pin|email|post|send)(?: (?:this|it|the|article|story|post|page|link))*(?: (?:on|via|with|to|by)\b.*)?$")
_BRACKET_LABEL = re.compile(r"^\[([^\]\n]{1,40})\]\s*(.{1,60})$")


def bracket_label(text: str) -> str | None:
    """The label of "[WORLD] Latest Stories" when the rest is a section marker."""
    m = _BRACKET_LABEL.match(text.strip())
    if m and norm_line(m.group(2)) in END_MARKERS:
        return m.group(1).strip()
    return None


_ELLIPSIS_END = re.compile(
    r"(?:\.\.\.|\u2026|\[\u2026\]|\[\.\.\.\]|\b(?:read more|continue reading|read the full story|"
    r"full story|more \u00bb|leia mais|continua a leggere|weiterlesen|lire la suite|leer m\u00e1s))\s*[\]\)\u00bb\u203a>]?$",
    re.IGNORECASE,
)
# Link texts run together: "...Student-AthleteA 24-year-old", "Online?Wondering",
# "Won't StandWarren Mayor", "To 250,000The state"
_GLUED = re.compile(
    r"(?:[a-z\u00e0-\u00ff]{4}|[0-9?!)\u2019\u201d])(?:[A-Z](?=[a-z\u00e0-\u00ff]{2})|(?:[AI]|The|An|In)(?=\s))"
)
# a headline glued to a teaser that starts like a sentence: "...past CubaThe U.S. won"
_GLUED_SENTENCE = re.compile(
    r"[a-z]{2}(?:The|A|An|It|He|She|We|They|This|That|His|Her|Its|After|When|While|In|On|At|"
    r"For|But|As|If|With|From|Here|There|What|Who|How|Why)\s[A-Za-z0-9]"
    r"|[a-z][?!][A-Z][a-z]"  # "...for Spurs?Here are"
)
# cheap pre-check: a capital right after a small letter, a digit or closing punctuation
_GLUE_ANY = re.compile(r"[A-Z](?<=[a-z0-9?!)\u00e0-\u00ff\u2019\u201d][A-Z])")
_CAPWORD = re.compile(r"\w[\w'\u2019-]*")


def _glued(text: str) -> bool:
    """A headline glued to its teaser: the text before the glue reads as a Title Case
    headline, or the text after it starts a new sentence."""
    if text.count(" ", 0, 300) < 1 or not _GLUE_ANY.search(text, 0, 300):
        return False  # a single word, or no capital after a small letter
    if _GLUED_SENTENCE.search(text, 0, 300):
        return True
    if len(text) > 400:
        return False
    starts: list[int] | None = None
    for m in _GLUED.finditer(text, 0, 300):
        if starts is None:  # the words before each glue point: counted once, looked up by position
            starts, caps = [], [0]
            for w in _CAPWORD.finditer(text, 0, 300):
                starts.append(w.start())
                c = w.group(0)[0]
                caps.append(caps[-1] + (c.isupper() or c.isdigit()))
        end = m.start() + 1
        k = bisect.bisect_left(starts, end)  # words of text[:end]
        if k < 3 or text.count("(", 0, end) > text.count(")", 0, end):
            continue
        if caps[k] >= 0.75 * k:
            return True
    return False
_PAREN_CREDIT = re.compile(
    r"\((?=[^()]{2,90}\)\s*\.?$)[^()]*?(?:photo|getty|/|images?\b|reuters|afp|\bap\b|"
    r"file\b|courtesy|credit|pool|shutterstock|istock|epa\b|xinhua|\w\.(?:com|org|net|gov)\b)[^()]*\)\s*\.?$",
    re.IGNORECASE,
)


def ends_in_ellipsis(text: str) -> bool:
    """"... the minister said…", "[…]", "Read more": a cut-off excerpt (or a lead-in to a quote)."""
    return bool(_ELLIPSIS_END.search(text, max(0, len(text) - 30)))


def is_teaser(text: str, words: int | None = None, ellipsis: bool = True) -> bool:
    """A teaser of another story, a photo caption with its credit, or link
    texts run together: text that is on the page but not in the article.
    With *ellipsis* false, a cut-off ending alone does not make a teaser."""
    n = len(text.split()) if words is None else words
    if n >= 120:
        return False
    if ellipsis and n >= 10 and _ELLIPSIS_END.search(text, max(0, len(text) - 30)):
        return True
    if text[-1:] in ")." and text.endswith((")", ").")) and _PAREN_CREDIT.search(text, max(0, len(text) - 120)):
        return True
    return _glued(text)


# (after a non-word character, on " " + the text: faster to scan for than \b)
_PROMO = re.compile(
    r"\W(?:newsletters?|subscribe|unsubscribe|sign(?:ing)? up|spam|inbox|"
    r"registered trademarks?|this (?:web)?site|our (?:web)?site|personal data|privacy|"
    r"cookies|consent|terms (?:of|and)|forums?|news tip|follow us|"
    r"click(?:ing)? here|promo code|paywalls?|membership|members get|affiliate commission|"
    r"earn an? (?:affiliate )?commission|recommended links|if you enjoyed this|"
    r"your subscription|subscribed|activation link|stay up to date|"
    r"download (?:our|the) app|your inbox|e-?mail address|all rights reserved|copyright)\b",
)


def promo_score(text: str) -> int:
    """How many distinct promotion/legal terms a line uses (newsletter, spam,
    registered trademark, personal data...): 2 or more marks a footer blurb."""
    if len(text) > 1500:
        text = text[:1500]
    return len({m.group(0)[1:] for m in _PROMO.finditer(" " + text.lower())})


def is_boilerplate_line(text: str, norm: str | None = None) -> bool:
    """True for a whole line that is boilerplate (a button, a label, a footer).

    *norm* is ``norm_line(text)`` when the caller has it already."""
    t = text.strip()
    if not t:
        return True
    n = norm_line(t) if norm is None else norm
    if not n:
        # Only punctuation, digits or symbols ("|", "300", "\u2501\u2501\u2501").
        return True
    if n in LINE_VOCAB:
        return True
    size = len(t)
    if size <= 80:
        if (end_strength(t, n) if t[0] == "[" else _strength(n)):
            return True
        if size <= 40 and n[:3] in _SOCIAL_HEADS and _SOCIAL.match(t):
            return True
    if size < 300 and n[:4] in _READ_ALSO_HEADS and _READ_ALSO.match(n):
        return True  # "(Read also: Another story)", "Leggi anche: ..."
    if size < 800 and (n[:3] in _TAGS_HEADS and _TAGS_LABEL.match(n) or "," in t and _keyword_list(t)):
        return True  # "Tags: ads, awareness, meth", "stock car 2018, stock car brasil, ..."
    if size < 400:
        low = t.lower()
        if _has_phrase(low.replace("\u2019", "'") if "\u2019" in low else low):
            return True
        if size < 300 and t[0] in "\u00a9(Cc" and t.startswith(("\u00a9", "(c) ", "Copyright ", "COPYRIGHT ")):
            return True
    if len(n) <= 60 and _SHARE.match(n):
        return True
    if len(n) <= 120 and " " in n:
        words = n.split()
        if len(words) <= 14 and not _SOCIAL_WORDS.isdisjoint(words) \
                and sum(1 for w in words if w in _SOCIAL_WORDS) * 2 >= len(words) + 1:
            return True  # "Whatsapp Facebook Pint Baixar", "Email Twitter Facebook fb-messenger"
    return False
