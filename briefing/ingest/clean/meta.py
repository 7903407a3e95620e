"""Metadata found in a line of text: dates, bylines, e-mail addresses, captions.

Standard library and a few regexes only (fast, no locale state).
"""

from __future__ import annotations

import datetime as dt
import logging
import re

log = logging.getLogger(__name__)

__all__ = [
    "parse_date",
    "is_date_line",
    "parse_byline",
    "looks_like_name",
    "find_email",
    "is_email_line",
    "split_caption",
]

# --- dates ------------------------------------------------------------------

_MONTHS = {
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11,
    "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7,
    "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    # Portuguese, Spanish, Italian, French, German (common forms)
    "janeiro": 1, "fevereiro": 2, "março": 3, "abril": 4, "maio": 5, "junho": 6,
    "julho": 7, "agosto": 8, "setembro": 9, "outubro": 10, "novembro": 11,
    "dezembro": 12, "enero": 1, "febrero": 2, "marzo": 3, "mayo": 5,
    "junio": 6, "julio": 7, "septiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12, "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5,
    "giugno": 6, "luglio": 7, "settembre": 9, "ottobre": 10, "dicembre": 12,
    "janvier": 1, "février": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "januar": 1, "februar": 2, "märz": 3, "juni": 6, "juli": 7,
    "oktober": 10, "dezember": 12, "ago": 8, "set": 9, "ott": 10, "dic": 12,
    "ene": 1, "abr": 4, "out": 10, "dez": 12, "fev": 2, "mai.": 5,
}
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))

_TZ_OFFSETS = {
    "utc": 0, "gmt": 0, "z": 0, "bst": 60, "cet": 60, "cest": 120, "eet": 120,
    "eest": 180, "msk": 180, "ist": 330, "kst": 540, "jst": 540, "aest": 600,
    "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420,
    "mdt": -360, "pst": -480, "pdt": -420, "et": None, "ct": None, "mt": None,
    "pt": None,
}
_TZ_ZONES = {"et": "America/New_York", "ct": "America/Chicago",
             "mt": "America/Denver", "pt": "America/Los_Angeles"}
_TZ_ALT = "|".join(sorted(_TZ_OFFSETS, key=len, reverse=True))

_TIME = (
    r"(?:\s*(?:,|at|@|\||-|\u2013|/|\u00b7)?\s*"
    r"(?P<h>\d{1,2})[:.h](?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*"
    r"(?P<ap>[ap]\.?\s?m\.?)?"
    r"(?:\s*(?P<tz>" + _TZ_ALT + r")\b|\s*(?P<off>[+-]\d{2}:?\d{2}))?)?"
)
_ISO = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"(?P<off>Z|[+-]\d{2}:?\d{2})?)?"
)
_MDY = re.compile(
    r"(?<![\w])(?P<mon>" + _MONTH_ALT + r")\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+"
    r"(?P<y>(?:19|20)\d{2})(?!\d)" + _TIME,
    re.IGNORECASE,
)
_DMY = re.compile(
    r"(?<![\w])(?P<d>\d{1,2})(?:st|nd|rd|th|\.|º)?\s+(?:de\s+)?(?P<mon>" + _MONTH_ALT
    + r")\.?,?\s+(?:de\s+)?(?P<y>(?:19|20)\d{2})(?!\d)" + _TIME,
    re.IGNORECASE,
)
_NUM = re.compile(
    r"(?<![\w/.])(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>(?:19|20)?\d{2})(?![\w/])" + _TIME,
    re.IGNORECASE,
)


def _tz(name: str | None, off: str | None, when: dt.datetime) -> dt.tzinfo | None:
    if off:
        if off.upper() == "Z":
            return dt.timezone.utc
        sign = -1 if off[0] == "-" else 1
        digits = off[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
        return dt.timezone(sign * dt.timedelta(minutes=minutes))
    if not name:
        return None
    key = name.lower()
    if key in _TZ_ZONES:
        try:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
        except ImportError:
            ZoneInfo = None  # noqa: N806
        if ZoneInfo is not None:
            try:
                return ZoneInfo(_TZ_ZONES[key])
            except (ZoneInfoNotFoundError, ValueError, OSError):
                log.debug("no tz database for %s; using the standard offset", key)
        return dt.timezone(dt.timedelta(minutes={"et": -300, "ct": -360, "mt": -420, "pt": -480}[key]))
    minutes = _TZ_OFFSETS.get(key)
    if minutes is None:
        return None
    return dt.timezone(dt.timedelta(minutes=minutes))


def _build(y: int, m: int, d: int, g: dict) -> dt.date | dt.datetime | None:
    if not (1990 <= y <= 2100):
        return None
    try:
        day = dt.date(y, m, d)
    except ValueError:
        return None
    h = g.get("h")
    if h is None:
        return day
    try:
        hour, minute = int(h), int(g.get("mi") or 0)
        second = int(g.get("s") or 0)
        ap = (g.get("ap") or "").replace(".", "").replace(" ", "").lower()
        if ap == "pm" and hour < 12:
            hour += 12
        elif ap == "am" and hour == 12:
            hour = 0
        when = dt.datetime(y, m, d, hour, minute, second)
    except ValueError:
        return day
    tz = _tz(g.get("tz"), g.get("off"), when)
    if tz is None:
        return day  # a naive time is not worth a naive datetime
    return when.replace(tzinfo=tz)


_HAS_YEAR = re.compile(r"(?:19|20)\d\d|\d[/.]\d{1,2}[/.]\d\d")


def parse_date(text: str) -> dt.date | dt.datetime | None:
    """The first date in *text* ("August 13, 2018", "13 Aug 2018", "2024-12-18",
    "Dec. 18, 2024 10:21 AM ET", "11/20/19 6:38 AM"), or None."""
    if len(text) > 2000:
        text = text[:2000]
    if not _HAS_YEAR.search(text):
        return None
    best: tuple[int, dt.date | dt.datetime] | None = None
    for rx in (_ISO, _MDY, _DMY, _NUM):
        for m in rx.finditer(text):
            g = m.groupdict()
            if rx is _ISO:
                val = _build(int(g["y"]), int(g["m"]), int(g["d"]), g)
            elif rx is _NUM:
                a, b, y = int(g["a"]), int(g["b"]), int(g["y"])
                if y < 100:
                    y += 2000
                mon, day = (a, b) if a <= 12 else (b, a)
                val = _build(y, mon, day, g)
            else:
                mon = _MONTHS.get(g["mon"].lower().rstrip("."))
                val = _build(int(g["y"]), mon, int(g["d"]), g) if mon else None
            if val is not None:
                if best is None or m.start() < best[0]:
                    best = (m.start(), val)
                break
    return best[1] if best else None


_DATE_WORDS = re.compile(
    r"(?<![^\W\d_])(?:updated|update|published|posted|last modified|modified|created|"
    r"first published|date|on|at|am|pm|a\.m\.|p\.m\.|[ap]m|"
    r"et|est|edt|gmt|utc|bst|cet|cest|pst|pdt|cst|cdt|ist|kst|jst|"
    r"mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|segunda|terça|quarta|quinta|sexta|feira|sábado|domingo|lunes|martes|"
    r"miércoles|jueves|viernes|lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|"
    r"jeudi|vendredi|samedi|dimanche|de|del|el|le|um|uhr|ore|às|as|h|"
    r"publicado|publicada|pubblicato|veröffentlicht|publié|atualizado|actualizado|aggiornato|"
    + _MONTH_ALT + r")\.?(?![^\W\d_])",
    re.IGNORECASE,
)
_TIME_ONLY = re.compile(r"\d{1,2}[:.h]\d{2}(?::\d{2})?\s*(?:[ap]\.?\s?m\.?)?", re.IGNORECASE)


def is_date_line(text: str) -> bool:
    """A line that is only a date/time stamp ("Updated: Nov. 19, 2019 4:20 p.m.")."""
    if len(text) > 120 or parse_date(text) is None:
        return False
    rest = text
    for rx in (_ISO, _MDY, _DMY, _NUM):
        rest = rx.sub(" ", rest)
    rest = _TIME_ONLY.sub(" ", rest)
    rest = _DATE_WORDS.sub(" ", rest)
    letters = sum(1 for c in rest if c.isalpha())
    return letters <= 3


# --- bylines ----------------------------------------------------------------

_PARTICLES = {"de", "da", "do", "dos", "das", "van", "von", "der", "den", "del",
              "della", "di", "du", "la", "le", "bin", "al", "el", "y", "and", "&", "e"}
_NAME_TOKEN = re.compile(r"^[A-Z\u00c0-\u00de][\w'\u2019.\-]*$|^[A-Z]\.$|^Mc\w+$|^O'\w+$")
_ROLE_WORDS = re.compile(
    r"\s*(?:,|\||-|\u2013|\u2014)?\s*\b(?:staff writer|staff reporter|reporter|correspondent|"
    r"senior writer|contributing writer|contributor|columnist|editor(?:-at-large)?|"
    r"senior editor|news editor|managing editor|writer|journalist|"
    r"associated press|the associated press|ap|reuters|afp|cnn|bbc news)\b.*$",
    re.IGNORECASE,
)
_PARTS = re.compile(r"\s+[|\u2022\u00b7]\s+")
_BY = re.compile(
    r"^(?:(?:written|posted|words|story|text|reported|published)\s+)?by[:\s]\s*(?P<rest>.+)$",
    re.IGNORECASE,
)


def looks_like_name(text: str) -> bool:
    """2-5 capitalised words ("Daniel Kim", "Ludwig van Beethoven", "J. R. Smith")."""
    toks = text.replace(",", " ").split()
    if not 2 <= len(toks) <= 7:
        return False
    caps = 0
    for t in toks:
        if t in _PARTICLES:  # "de", "van"; a capitalised "Al" or "Van" is a name
            continue
        if not _NAME_TOKEN.match(t) or any(c.isdigit() for c in t):
            return False
        caps += 1
    return caps >= 2


def _trim_name(rest: str) -> str:
    rest = re.split(r"\s+(?:[|\u2022\u00b7/]|-|\u2013|\u2014)\s+|\s+(?:updated|published|posted|on)\b|\t",
                    rest, maxsplit=1, flags=re.IGNORECASE)[0]
    rest = rest.strip(" ,;:-\u2013\u2014|")
    # "Jane Doe, Reuters" -> "Jane Doe"; "Jane Doe and John Roe" stays.
    if "," in rest:
        first, _, tail = rest.partition(",")
        if looks_like_name(first) and not looks_like_name(tail.strip()):
            rest = first
    return rest.strip()


def parse_byline(text: str) -> str | None:
    """The author named by a byline line ("By Jane Doe", "Posted by X",
    "Jane Doe, Reuters"), or None."""
    t = text.strip()
    if not t or len(t) > 160:
        return None
    low = t.lower()
    if "by" not in low and "," not in t:
        return None
    if _PARTS.search(t):
        # "October 9, 2018 | by Olivia Larsen", "By Jane Doe • 2 min read"
        for part in _PARTS.split(t):
            part = part.strip()
            if part and part != t and _BY.match(part):
                return parse_byline(part)
        return None
    m = _BY.match(t)
    if m:
        name = _trim_name(m.group("rest"))
        name = _ROLE_WORDS.sub("", name).strip(" ,;:-")
        if name and len(name) <= 80 and len(name.split()) <= 10 and not parse_date(name):
            if name.isupper() and len(name) > 3:
                name = name.title()
            return name
        return None
    if "," in t:
        first, _, tail = t.partition(",")
        tail = tail.strip()
        if looks_like_name(first.strip()) and 1 <= len(tail.split()) <= 5 and not looks_like_name(tail):
            if _ROLE_WORDS.match(", " + tail) or tail[:1].isupper():
                return first.strip()
    return None


# --- e-mail -----------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,6}")


def find_email(text: str) -> str | None:
    m = _EMAIL.search(text)
    if not m:
        return None
    return m.group(0).rstrip(".-")


def is_email_line(text: str) -> bool:
    """A contact line: an address with at most a short label ("Contact: a@b.com")."""
    m = _EMAIL.search(text)
    if not m:
        return False
    rest = (text[: m.start()] + text[m.end():]).strip()
    return len(rest.split()) <= 6


# --- captions ---------------------------------------------------------------

_CREDIT_TAIL = re.compile(
    r"^(?P<cap>.*?[^\s])\s*(?:"
    r"\s(?:/|\|)\s+(?P<c1>[^/|]{2,60})"
    r"|\((?:photo|image|picture|credit|photograph|foto|source)s?[:\s]\s*(?P<c2>[^()]{2,80})\)"
    r"|\((?P<c3>(?:AP|AFP|Reuters|Getty|EPA|Xinhua)[^()]{0,60})\)"
    r"|(?:photo|image|picture|credit|photograph|foto)s?(?: by|:)\s*(?P<c4>[^.]{2,60})"
    r"|(?P<c5>(?:AP|AFP|REUTERS|Reuters|EPA|Getty Images|Shutterstock|iStock)(?:/[^.]{1,40})?)"
    r")\s*\.?$",
    re.IGNORECASE,
)
_CAPTION_LEAD = re.compile(
    r"^(?:image caption|caption|photo caption|media caption|pictured|above|top|"
    r"foto|photo|image|picture|illustration)\s*[:\-\u2013\u2014]?\s*",
    re.IGNORECASE,
)


def split_caption(text: str) -> tuple[str, str | None]:
    """Split "Caption text. / Credit" into ("Caption text.", "Credit")."""
    t = _CAPTION_LEAD.sub("", text.strip(), count=1) or text.strip()
    m = _CREDIT_TAIL.match(t)
    if m:
        credit = next((m.group(k) for k in ("c1", "c2", "c3", "c4", "c5") if m.group(k)), None)
        cap = m.group("cap").strip()
        if credit and len(credit.split()) <= 8 and len(cap.split()) >= 3:
            return cap, credit.strip(" .")
    return t, None
