"""The tagger: a cleaned article (title + body) -> its tags in three facets.

``Tagger(vocab).tag(title, body)`` returns a :class:`TagResult`: the canonical names of the
vocabulary terms the article is about, ``region`` (places), ``actors`` (who acts) and
``systems`` (named weapons and platforms), most salient first, plus the :class:`Evidence` for
every candidate. Build the tagger once per vocabulary; ``tag`` is a pure function of the text.

Matching
    One pass over the article's tokens (runs of letters, runs of digits) against a token trie
    built once from every name, alias and nationality adjective. Separators inside a name are
    loose ("S-400" = "S 400" = "S400"; "U.S." = "US"); the longest match wins ("Iron Dome for
    America" over "Iron Dome", "Patriot PAC-3" over "Patriot", "Black Sea Fleet" over "Black
    Sea"); plurals and possessives are accepted ("S-400s", "Patriots", "Haftar's"). Case is
    checked token by token: a name's first capitalised word must be capitalised in the text
    (ALL-CAPS lines too), acronyms and one-letter designators must match exactly ("US", not
    "us"; a long acronym may be written "Nato"), lower-case words of a name ("class") match in
    any case. A match starts at a word boundary ("Oman" is not in "woman", "pro-Russian" is not
    Russia) and may only be followed by a short letter suffix after a number ("F-35C").
    Derived spellings count only after the full name: a person's surname ("Esper" after
    "Mark Esper"), a system's name after its designation ("Reaper" after "MQ-9 Reaper"), a
    body's head noun ("the Tribunal" after "International Criminal Tribunal for..."), and
    a national force without its country ("the Air Force": the force the article names in
    full, else the one of its leading state). A place name glued to a capitalised word the
    vocabulary lacks is not that place ("New Mexico" is not Mexico).

Which text counts
    The title (minus a trailing site name: "... | The Guardian") and the body's prose:
    hard-wrapped lines are joined, and a paragraph counts only if it reads as a sentence (it
    ends with a full stop, or with ? ! ... and is not in Title Case like a headline; closing
    quotes aside) and is not a repeat. Markdown
    subheadings count; list items count only when most items of their list are sentences; a
    dateline ("KANDAHAR, Afghanistan -") is an ordinary body mention. So menus, "Most Popular"
    lists, related headlines, photo credits and bylines add nothing, even in a raw page dump.

Ambiguous names
    A name that is also a common word or first name needs support: every single plain word
    among systems ("Patriot", "Javelin", "Lancet", "Tor") and the words in :data:`AMBIGUOUS`
    ("Chad", "Jordan", "Georgia", "PLAN", "Wagner"...) count only if a mention of the term in
    the article has a cue in its sentence (military words for systems - missile, battery,
    drones...; state or military words for the others - government, troops...) or, for places
    and actors, the term's adjective ("Chadian") or a vocabulary neighbour (parent, child,
    sibling) is in the article; a cue written with a capital mid-sentence ("the Jets") does not
    count. Never when glued to another capitalised word ("Michael Jordan", "New England
    Patriots", "Atlanta, Georgia").

Actor or place
    A name that is both a region and an actor (a country) is read in context. A place: after
    a place preposition or verb ("in", "off", "near", "visited"), after "to"/"from" with
    movement nearby ("moved them to Libya", "from Syria to Libya"), after a compass word
    ("eastern Libya"), in apposition ("Tartus, Syria"), before a place noun ("Libya's eastern
    region", "the coast of Oman"). An actor: a subject ("Russia moved", "Russia Relocates" in a
    title), a possessor ("Russia's navy"), before an actor noun ("US officials", "Russia
    jets"), after by/with/against. Otherwise undecided: it splits like the article's decided
    mentions of that country. Co-ordinated lists share a role ("in Mali, Burkina Faso and
    Niger"). Anonymous officials quoted as a source ("cited U.S. officials", "U.S. officials
    said") count half. Nationality adjectives are weak evidence only: for the actor before a
    military or state noun ("Russian forces", "Chinese navy"), for the place before a place or
    event noun ("Indonesian waters", "the Afghan war"). A generic national force ("the US
    military") is its state; a named one (US Navy, Black Sea Fleet) is an actor of its own. A
    force described in lower case ("the Chinese navy") is its state too. A
    capital used as a metonym ("Moscow denies", "Kyiv's strike") is not a place; it is weak
    evidence that its country acts. A surname alone counts fully after the full name or a
    title ("President Trump"), and weakly otherwise; a person as a modifier ("the Assad
    regime") counts half.

Salience
    Each mention weighs :data:`ZONE_WEIGHT` by where it is (title 3, lede - the first two
    sentences of the body - 2.5, the rest 1) times its share for the facet (the role shares
    above; :data:`WEAK` = 0.5 for indirect evidence), and for places times
    :data:`REGION_KIND_WEIGHT` (seas, islands, territories and bases 1.25: they are where the
    story happens; continents 0.75: usually context; a sea used as a modifier, "its
    Mediterranean base", half). A place inside a country adds half its weight to the country
    (:data:`PLACE_TO_COUNTRY`). A term's score is the sum over its mentions; it is a tag when
    the score reaches :data:`THRESHOLDS` (region 2.25, actors 2, systems 2). So a title or lede
    mention, or a name repeated in the body, is a tag, and a passing mention is not
    ("Benghazi is 400 miles from Greece and Italy": 1 each). Then two rules complete the
    region facet: places listed together with a tagged place share its tag ("Niger, Burkina
    Faso and Mali"), and when no place reaches the threshold the story is at home - the
    country of the leading actor, if the article names it as a place at all. Tags are
    ordered by score, then by first position; ``add_parents`` then appends ancestors.
"""

from __future__ import annotations

import bisect
import logging
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import accumulate, compress

from briefing.core.facets import FACETS
from briefing.core.vocabulary import Term, Vocabulary

logger = logging.getLogger(__name__)


#: mention weight by where it is
ZONE_WEIGHT = {"title": 3.0, "lede": 2.5, "body": 1.0, "heading": 1.0, "dateline": 1.0}
#: the lede: the first sentences of the first paragraph
LEDE_SENTENCES = 2
#: a term is a tag when its score reaches this
THRESHOLDS = {"region": 2.25, "actors": 2.0, "systems": 2.0}
#: role shares: (region, actors) of a country mention in each role; an undecided mention
#: splits like the article's decided mentions of that country
ROLE_SHARE = {"place": (1.0, 0.0), "actor": (0.0, 1.0)}
#: weight of indirect evidence: adjectives, capital metonyms, a person as a modifier
WEAK = 0.5
#: a place inside a country (Kandahar, Tbilisi) adds this much of its weight to the country
PLACE_TO_COUNTRY = 0.5
#: a continent or other top-level macro-region (Africa, Europe) is usually context
MACRO_ROOT_WEIGHT = 0.75
#: a surname alone, with no full name or title in the article
SURNAME_ALONE = 0.6

#: spellings (lower-case) that are also common words, first names or other things; they
#: need a cue (see the module docstring). Single plain-word system names are added
#: automatically.
AMBIGUOUS = frozenset("""
    chad jordan georgia turkey guinea darwin perth wagner leonardo indra patria kratos quad
    fano thales plan saab airbus boeing sukhoi antonov andersen
""".split())

_PAYLOAD = ""  # trie key for the entries ending at a node (no token is empty)

# --- text normalisation -------------------------------------------------------------------


def _make_translation() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0xC0, 0x250):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFKD", ch)
                       if not unicodedata.combining(c))
        if len(base) == 1 and base != ch:
            table[cp] = base
    table.update({ord(c): "'" for c in "\u2019\u2018\u02bc\u2032`"})
    table.update({ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2212"})
    table.update({ord(c): " " for c in "\u00a0\u2007\u202f\u2009\u200a"})
    table.update({ord(c): '"' for c in "\u201c\u201d\u201e"})
    table[0x0131] = "i"
    table[0x0142] = "l"
    table[0x0141] = "L"
    table[0x00f8] = "o"
    table[0x00d8] = "O"
    table[0x0111] = "d"
    return table


_TRANSLATE = _make_translation()
_TRANSLATE_CHARS = {chr(k): v for k, v in _TRANSLATE.items()}
_TO_TRANSLATE = re.compile("[%s]" % "".join(re.escape(c) for c in _TRANSLATE_CHARS))


def _normalise(text: str) -> str:
    """NFC, accents off Latin letters, curly quotes and hyphens made plain; same length."""
    text = unicodedata.normalize("NFC", text)
    return _TO_TRANSLATE.sub(lambda m: _TRANSLATE_CHARS[m.group()], text)


_TOKEN = re.compile(r"[^\W\d_]+|\d+")
_TOKEN_SPLIT = re.compile(r"([^\W\d_]+|\d+)")
# bounded, so that a page of unclosed brackets stays linear
_MD_LINK = re.compile(r"!\[[^\]\n]{0,300}\]\([^)\s]{0,500}\)|\[([^\]\n]{0,300})\]\([^)\s]{0,500}\)")
_URL = re.compile(r"\b(?:https?://|www\.)\S+")
_LIST_MARK = re.compile(r"^\s*(?:[-*+\u2022\u25e6\u25cb\u2606\u25a1\u25aa\u25cf\u2023\u2043]"
                        r"|\d{1,3}[.)])\s+")
_LIST_FIRST = frozenset("-*+\u2022\u25e6\u25cb\u2606\u25a1\u25aa\u25cf\u2023\u2043")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_LONG_WORD = re.compile(r"(?<![\w'-])[^\W\d_][\w'-]{3,}")
_CAP_WORD = re.compile(r"(?<![\w'-])[A-Z\u00c0-\u00de][\w'-]{3,}")
_DATELINE = re.compile(
    r"""^\s*(?P<place>[A-Z][A-Z'.\-]*[A-Z](?:[ /][A-Z][A-Z'.\-]*[A-Z])*)   # KANDAHAR, BAKU/YEREVAN
        (?P<country>,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)*)?                   # , Afghanistan
        \s*(?:\([^)\n]{1,40}\))?                                          # (AP)
        \s*(?:[-\u2014]{1,2}\s*)?                                         # -
        (?=[A-Z"\u201c])""", re.X)
_CREDIT_LINE = re.compile(r"^\(?\s*(?:additional\s+)?(?:reporting|editing|writing|compiled)\s+by\b",
                          re.I)
_SENTENCE_BREAK = re.compile(r"""(?<=[a-z0-9)%][.!?])["'\u201d\u2019)]*\s+(?=["\u201c]?[A-Z])""")
_SENTENCE_START = re.compile(r"[.!?\"]\s*$")
_TITLE_SPLIT = re.compile(r"\s+(?:\||/|-|\u2022)\s+")


# --- words that decide roles and cues -------------------------------------------------------

def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STRONG_PLACE = _words("""in into inside within near off across throughout around outside beyond
    along onto at entering entered enter visit visited visiting visits invade invaded invading
    occupied occupy occupying reach reached reaching crossed cross toured leaving
    fled flee returned return arrived arrive arriving landed stationed based bombed shelled""")
WEAK_PLACE = _words("to from toward towards over through via")
MOVEMENT = _words("""moved move moves moving relocated relocate relocates relocating transfer
    transferred transfers transferring deploy deployed deploys deploying redeploy redeployed
    sent send sends sending travel travelled traveled travels travelling traveling flew fly
    flies flying flown sailed sail sails sailing arrived arrive returned return returning
    visit trip trips journey shipped shipping withdraw withdrew withdrawn withdrawal
    evacuated evacuate fled flee heading headed bound miles kilometers kilometres km route
    routes border flights flight smuggled smuggling transit exported imported""")
#: kinds of place whose name inside an actor's name counts as weak evidence for the place
#: ("Black Sea Fleet"); not countries or continents ("US Africa Command")
NESTED_PLACE_KINDS = frozenset(["waters", "area", "territory"])
REGION_KIND_WEIGHT = {"waters": 1.25, "area": 1.25, "territory": 1.25, "base": 1.25}
ACTOR_PREPS = _words("by against with between versus vs alongside backed supported urged told "
                     "accused accuses warned warns sanctioned pressed pressured")
COMPASS = _words("""the eastern western northern southern central north south east west
    northeast northwest southeast southwest northeastern northwestern southeastern
    southwestern mainland occupied neighbouring neighboring coastal landlocked remote
    far rural southernmost northernmost""")
#: nouns after a nationality adjective that put the story in the country ("Afghan capital")
EVENT_PLACE_NOUNS = _words("""war conflict capital soil territory territories waters coast
    coastline border borders city cities village villages province provinces town towns region
    regions port ports airspace mainland countryside desert island islands election
    elections frontier countryside streets""")
PLACE_NOUNS = _words("""region regions coast coastline coasts border borders borderlands capital
    city cities town towns port ports territory territories waters airspace soil north south
    east west northeast northwest southeast southwest interior mainland province provinces
    island islands shore shores skies side frontier countryside desert mountains state
    states county district districts oblast peninsula eez villages village eastern western
    northern southern central heartland hinterland outskirts""")
ACTOR_NOUNS = _words("""government governments military militaries army armies navy navies
    naval air forces force troops soldiers president presidency prime minister ministers
    ministry officials official leader leaders leadership foreign defense defence embassy
    ambassador envoy regime authorities intelligence diplomats diplomat spokesman
    spokeswoman spokesperson junta warships warship jets jet warplanes planes aircraft
    ships ship vessels vessel submarine submarines destroyer destroyers frigate frigates
    corvette drones drone missiles missile commanders commander generals general admiral
    parliament congress administration cabinet police special marines fleet sailors
    pilots personnel officers delegation negotiators counterpart counterparts allies ally
    partner partners sanctions support decision move moves efforts policy strategy plans
    plan claims claim invasion offensive aggression attack attacks strikes strike
    deployment presence backing interests influence ambitions bombers fighters helicopters
    tanks artillery units paratroopers commandos coast guard security service services agency agencies operation operations buildup threat""")
MILITARY_NOUNS = _words("""military militaries army armies navy navies naval forces force troops
    soldiers officials official government authorities ministry minister president leader
    leaders diplomats embassy ambassador intelligence warships warship jets jet warplanes
    ships vessels submarine submarines sub subs frigate frigates corvette corvettes
    destroyer destroyers helicopter helicopters drones drone missile missiles coast guard
    police commandos paratroopers marines fleet regime junta defence defense foreign
    bombers bomber fighter fighters aircraft tanks tank artillery units sailors pilots
    personnel officers delegation counterpart troopships cruiser carrier carriers
    gunboats patrol airmen servicemen air""")
#: words that show a single-word system name ("Patriot", "Lancet") is the weapon
MILITARY_CUES = _words("""missile missiles rocket rockets launcher launchers drone drones uav uavs
    jet jets fighter fighters aircraft warplane warplanes bomber bombers helicopter
    helicopters gunship gunships tank tanks armored armoured howitzer howitzers artillery
    system systems battery batteries interceptor interceptors weapon weapons munition
    munitions warhead warheads airstrike airstrikes fired launched intercepted army military
    troops soldiers navy naval warship warships vessel vessels submarine submarines destroyer
    destroyers frigate frigates deployed deployment procurement pentagon nato squadron
    regiment brigade battalion infantry radar radars sam sams loitering kamikaze ammunition guided cruise ballistic hypersonic sortie
    sorties carrier corvette mortar mortars armor armour""")
STATE_CUES = _words("""government president minister ministry country countries nation state
    capital border borders embassy ambassador troops army military forces rebels junta coup
    militants insurgents jihadists sanctions conflict war election parliament regime
    authorities officials diplomats province region neighbouring neighboring independence
    republic kingdom sovereignty""")
FUNCTION_WORDS = _words("""and or but nor of in on at to for with by from as into onto over under
    near off than that which who whom whose where when while after before since until about
    against between among amid through during across along around toward towards via per
    the a an this these those its their his her our your if because so yet nor not both
    either neither each every all some any no versus vs de""")
ADVERBS = _words("""also already now still recently reportedly then later again never ever just
    once previously currently ultimately allegedly apparently itself has have had will would
    may might can could should must is was are were been being""")
TITLES = _words("""president presidents prime minister ministers secretary general gen gens
    admiral adm colonel col lt lieutenant major maj captain capt commander cmdr sergeant
    sgt mr mrs ms dr sen senator rep representative gov governor chancellor king queen
    prince crown sheikh emir ayatollah marshal field premier leader chief ambassador envoy
    spokesman spokeswoman director chairman pope judge justice mayor vice deputy foreign
    defense defence state""")
AUX = _words("""is was are were has have had will would may might can could should must shall
    does did do says said say""")
_SOFT_ADVERBS = ADVERBS - AUX
#: capitalised words that may stand before a name without being part of it
_OPENERS = FUNCTION_WORDS | ADVERBS | COMPASS | TITLES | _words("""meanwhile however
    yesterday today tonight tomorrow instead earlier last next neighbouring neighboring
    officials troops forces president minister""")
_STATE_OR_MILITARY = STATE_CUES | MILITARY_CUES
_LIST_SEPS = frozenset([", ", " and ", ", and ", " or ", ", or ", " & "])
SOURCE_NOUNS = _words("""officials official authorities sources source intelligence diplomats
    diplomat officers military""")
SPEECH = _words("""said say says told believe believes believed think thinks thought estimate
    estimates estimated claimed claim claims confirmed confirm confirms reported report
    reports added stated noted acknowledged suspect suspected suspects assess assessed
    assesses warned warn warns insisted""")
#: kinds of body whose head noun refers back to it ("the Tribunal", "the Court")
HEADED_KINDS = frozenset(["organisation", "agency", "alliance"])
#: nouns after a person's name that make the name a modifier ("the Assad regime")
PERSON_MODIFIED = _words("""regime administration government era camp family loyalists
    supporters allies aides presidency doctrine policy policies team campaign""")
# A one-letter token before "." ends an abbreviation, not a sentence (U.S., J. Randy Forbes).
_SEP_OK = frozenset(["", " ", "-", "/", "'", " / ", "&", " & ", "+"])


# --- data -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Evidence:
    """Why a term is (or is not) a tag: its score and where it was seen."""

    score: float
    mentions: int
    first: int          # offset of the first mention in the title + body text
    in_title: bool
    in_lede: bool
    paragraphs: int     # distinct paragraphs (the title counts as one)
    roles: tuple[tuple[str, int], ...] = ()   # for countries: ("place", 3), ("actor", 5)...


@dataclass
class TagResult:
    """Canonical names per facet, most salient first, and the evidence for every candidate."""

    region: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    systems: list[str] = field(default_factory=list)
    evidence: dict[tuple[str, str], Evidence] = field(default_factory=dict)

    def as_dict(self) -> dict[str, list[str]]:
        return {"region": list(self.region), "actors": list(self.actors),
                "systems": list(self.systems)}


# token case rules of a name
_ANY, _CAP, _EXACT, _ACRO, _MIXED = range(5)

# what a spelling is (_Entry.form)
NAME = "name"          # the name or an alias
SURNAME = "surname"    # a person's one-word alias in the vocabulary (Haftar)
COREF = "coref"        # a person's surname derived from the name: counts after the full name
ADJECTIVE = "adjective"  # a nationality adjective (Russian)
GENERIC = "generic"    # a national force by a generic phrase (US military): its state acts
SHORT = "short"        # a national force without its country (the Air Force, the Navy)
NATIONAL = "national"  # a national force by its country and branch (Russian Navy)


@dataclass(frozen=True, eq=False)
class _Entry:
    """One spelling of one term (or of a family of terms, for short forms)."""

    facet: str                  # region | actors | systems | adj | short
    name: str                   # canonical name (the country's for an adjective; the short
                                # form's key for a short form)
    kind: str
    tokens: tuple[str, ...]     # as spelled
    rules: tuple[int, ...]
    form: str = NAME
    ambiguous: bool = False
    capital: bool = False       # a capital city (may stand for its government)
    strict: bool = False        # every capitalised token must be capitalised in the text
    places: tuple[str, ...] = ()  # region names inside an actor's name (Black Sea Fleet)

    def key(self) -> tuple:
        return (self.facet, self.name, self.rules, self.form, self.ambiguous, self.strict)


@dataclass
class _Mention:
    start: int                  # token indices, inclusive
    end: int
    entries: list
    seg: int


@dataclass
class _Segment:
    offset: int
    zone: str
    para: int


def _token_rule(tok: str) -> int:
    if tok.isdigit() or tok.islower():
        return _ANY
    if len(tok) == 1:
        return _EXACT
    if tok.isupper():
        return _ACRO
    if tok[0].isupper() and tok[1:].islower():
        return _CAP
    return _MIXED


def _case_ok(entry: _Entry, texts: list[str], i: int) -> bool:
    """Does the text's spelling at token i.. fit the case of the entry's tokens?"""
    anchored = False
    for k, rule in enumerate(entry.rules):
        if rule == _ANY:
            continue
        t = texts[i + k]
        p = entry.tokens[k]
        if rule == _CAP:
            if anchored and not entry.strict:
                continue
            if not t[0].isupper():
                return False
        elif rule == _EXACT:
            if t != p:
                return False
        elif rule == _ACRO:
            if t != p and not (len(p) >= 4 and not entry.ambiguous and t == p.capitalize()):
                return False
        else:  # mixed case (McCain, BrahMos)
            if t != p and t != p.upper():
                return False
        anchored = True
    return True


def _plurals(word: str) -> list[str]:
    if not word.isalpha() or len(word) < 3:
        return []
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return [word + "es"]
    if word.endswith("y") and word[-2] not in "aeiou":
        return [word[:-1] + "ies", word + "s"]
    return [word + "s"]


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.translate(_TRANSLATE))


# --- the matcher ------------------------------------------------------------------------------

class _Matcher:
    """The token trie of one vocabulary, plus what the rules need to know about its terms."""

    def __init__(self, vocab: Vocabulary):
        self.vocab = vocab
        self.root: dict = {}
        self.first_keys: set[str] = set()    # first tokens matched in any case (al-, 9K33)
        self.first_texts: set[str] = set()   # first tokens as they may be written (Russia)
        self.dual: set[str] = set(vocab.terms["region"]) & set(vocab.terms["actors"])
        self.states: set[str] = {n for n, t in vocab.terms["actors"].items()
                                 if t.kind == "state"}
        self.region_names: set[str] = set(vocab.terms["region"])
        self.actor_names: set[str] = set(vocab.terms["actors"])
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        self.surname_owner: dict[str, list[str]] = defaultdict(list)
        self.head_owner: dict[str, list[str]] = defaultdict(list)
        self.short_forms: dict[str, list[tuple[str, str]]] = defaultdict(list)  # key -> (state, term)
        self.state_of: dict[str, str | None] = {}
        self.country_parent: dict[str, str] = {
            n: t.parent for n, t in vocab.terms["region"].items()
            if t.parent and t.kind != "country" and t.parent in self.dual}
        self.macro_roots: set[str] = {n for n, t in vocab.terms["region"].items()
                                      if t.kind == "macro-region" and not t.parent}
        region_spellings: dict[tuple[str, ...], str] = {}
        for term in vocab.terms["region"].values():
            if term.match and term.kind in NESTED_PLACE_KINDS:
                for s in (term.name, *term.aliases):
                    toks = _tokens(s)
                    if toks and toks[0][0].isupper():
                        region_spellings.setdefault(tuple(toks), term.name)
        self._region_spellings = region_spellings
        for name in vocab.terms["actors"]:
            self.state_of[name] = self._find_state(name)
        self.prefixes = self._state_prefixes()
        n = 0
        for facet in FACETS:
            for term in vocab.terms[facet].values():
                if term.match and term.kind != "category":
                    n += self._add_term(term)
        n += self._add_adjectives()
        n += self._add_short_forms()
        for facet in ("region", "actors"):
            for term in vocab.terms[facet].values():
                family = set(vocab.children(facet, term.name))
                if term.parent:
                    family.add(term.parent)
                    family |= set(vocab.children(facet, term.parent))
                family.discard(term.name)
                self.neighbours[term.name] |= family
        logger.debug("tagger: %d spellings from %d terms", n, len(vocab))

    def _find_state(self, name: str) -> str | None:
        """The nearest state above (or at) an actor term."""
        if name in self.states:
            return name
        for anc in self.vocab.ancestors("actors", name):
            if anc in self.states:
                return anc
        return None

    def _places_in(self, toks: list[str]) -> tuple[str, ...]:
        """Region names spelled inside a longer name (Black Sea Fleet -> Black Sea)."""
        found = []
        for a in range(len(toks)):
            for b in range(len(toks), a, -1):
                if (a, b) == (0, len(toks)):
                    continue
                name = self._region_spellings.get(tuple(toks[a:b]))
                if name and name not in found:
                    found.append(name)
                    break
        return tuple(found)

    def _add_term(self, term: Term) -> int:
        n = 0
        spellings: list[str] = []
        for s in (term.name, *term.aliases):
            s = s.translate(_TRANSLATE)
            if s not in spellings:
                spellings.append(s)
        capital = (term.facet == "region" and term.kind == "city"
                   and re.search(r"(?i)^capital\b|\bcapital of\b", term.description) is not None)
        person = term.facet == "actors" and term.kind == "person"
        for s in spellings:
            toks = _TOKEN.findall(s)
            if len(toks) > 1 and toks[0].lower() == "the":
                toks = toks[1:]                             # "The Hague": matched from Hague
            if not toks:
                continue
            single_plain = len(toks) == 1 and toks[0].isalpha() and not toks[0].isupper()
            ambiguous = (len(toks) == 1 and toks[0].lower() in AMBIGUOUS) or (
                term.facet == "systems" and single_plain)
            form = NAME
            if person and len(toks) == 1 and s != term.name:
                form = SURNAME
                self.surname_owner[toks[0].lower()].append(term.name)
            elif term.facet == "actors" and self._national(term.name, toks):
                # "US military" is its state; "Chinese Navy" is its state when written
                # "Chinese navy" (see _Scorer.result)
                form = GENERIC if toks[-1].lower() in ("military", "militaries") else NATIONAL
            entry = _Entry(term.facet, term.name, term.kind or "", tuple(toks),
                           tuple(_token_rule(t) for t in toks), form=form,
                           ambiguous=ambiguous, capital=capital,
                           places=self._places_in(toks) if term.facet == "actors" else ())
            self._insert(toks, entry)
            n += 1
            if term.facet == "systems" or term.kind in ("armed-group", "pmc"):
                for plural in _plurals(toks[-1]):
                    self._insert([*toks[:-1], plural], entry)
        if term.facet == "systems":
            self._add_system_coref(term, spellings)
        if term.facet == "actors" and term.kind in HEADED_KINDS:
            self._add_head_coref(term)
        if person:
            toks = _TOKEN.findall(term.name.translate(_TRANSLATE))
            if len(toks) >= 2 and toks[-1][0].isupper() and len(toks[-1]) >= 3:
                key = toks[-1].lower()
                if term.name not in self.surname_owner[key]:
                    self._insert([toks[-1]], _Entry("actors", term.name, "person", (toks[-1],),
                                                    (_CAP,), form=COREF))
                    self.surname_owner[key].append(term.name)
        return n

    def _add_system_coref(self, term: Term, spellings: list[str]) -> None:
        """"Reaper" for "MQ-9 Reaper": the name after a designation counts once the full name
        is in the article."""
        for s in spellings:
            toks = _TOKEN.findall(s)
            cut = 0
            while cut < len(toks) and (toks[cut].isdigit() or toks[cut].isupper()
                                       or len(toks[cut]) == 1):
                cut += 1
            rest = toks[cut:]
            if cut == 0 or not rest or not all(t[0].isupper() for t in rest) \
                    or not any(t.isdigit() for t in toks[:cut]) or self._spelled(rest):
                continue
            entry = _Entry("systems", term.name, term.kind or "", tuple(rest),
                           tuple(_token_rule(t) for t in rest), form=COREF)
            self._insert(rest, entry)
            for plural in _plurals(rest[-1]):
                self._insert([*rest[:-1], plural], entry)

    def _add_head_coref(self, term: Term) -> None:
        """"the Tribunal" after "International Criminal Tribunal for the former Yugoslavia":
        the head noun of a long body's name, after its full name."""
        toks = _TOKEN.findall(term.name.translate(_TRANSLATE))
        if len(toks) < 3:
            return
        cut = next((k for k, t in enumerate(toks) if t in ("for", "of", "on", "in")), len(toks))
        head = toks[cut - 1] if cut > 1 else ""
        if not (head.isalpha() and head[0].isupper() and not head.isupper() and len(head) >= 4):
            return
        key = head.lower()
        if term.name not in self.head_owner[key]:
            self.head_owner[key].append(term.name)
            self._insert([head], _Entry("actors", term.name, term.kind or "", (head,), (_CAP,),
                                        form=COREF, strict=True))

    def _add_adjectives(self) -> int:
        n = 0
        seen: set[tuple[str, str]] = set()
        for facet in ("region", "actors"):
            for term in self.vocab.terms[facet].values():
                if not term.match:
                    continue
                for adj in term.adjectives:
                    toks = _tokens(adj)
                    if not toks or (adj, term.name) in seen:
                        continue
                    seen.add((adj, term.name))
                    self._insert(toks, _Entry("adj", term.name, "adjective", tuple(toks),
                                              tuple(_token_rule(t) for t in toks),
                                              form=ADJECTIVE))
                    n += 1
        return n

    def _state_prefixes(self) -> dict[str, set[tuple[str, ...]]]:
        """The token spellings of each state's names and adjectives (US, U.S., Russian)."""
        prefixes: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for state in self.states:
            for facet in ("region", "actors"):
                term = self.vocab.get(facet, state)
                if term:
                    for s in (term.name, *term.aliases, *term.adjectives):
                        toks = _tokens(s)
                        if toks:
                            prefixes[state].add(tuple(t.lower() for t in toks))
        return prefixes

    def _national(self, name: str, toks: list[str]) -> int:
        """How many tokens of a force's spelling name its state ("Russian Navy": 1)."""
        state = self.state_of.get(name)
        if not state or state == name:
            return 0
        low = tuple(t.lower() for t in toks)
        for size in (3, 2, 1):
            if len(toks) > size and low[:size] in self.prefixes[state]:
                return size
        return 0

    def _add_short_forms(self) -> int:
        """"Air Force" for "US Air Force": a national force named without its country."""
        n = 0
        for term in self.vocab.terms["actors"].values():
            state = self.state_of.get(term.name)
            if not term.match or term.kind not in ("armed-force", "agency") or not state \
                    or state == term.name:
                continue
            for s in (term.name, *term.aliases):
                toks = _tokens(s)
                size = self._national(term.name, toks)
                if not size:
                    continue
                rest = toks[size:]
                if rest[0][0].isupper() and rest[-1][0].isupper() \
                        and rest[-1].lower() not in ("military", "militaries") \
                        and not self._spelled(rest):
                    key = " ".join(t.lower() for t in rest)
                    if (state, term.name) not in self.short_forms[key]:
                        self.short_forms[key].append((state, term.name))
                        self._insert(rest, _Entry(
                            "short", key, term.kind or "", tuple(rest),
                            tuple(_token_rule(t) for t in rest), form=SHORT, strict=True))
                        n += 1
        return n

    def _spelled(self, toks: list[str]) -> bool:
        """Is this already the spelling of some term?"""
        node = self.root
        for t in toks:
            node = node.get(t.lower())
            if node is None:
                return False
        return any(e.form in (NAME, SURNAME, GENERIC, NATIONAL)
                   for e in node.get(_PAYLOAD, ()))

    def _insert(self, toks: list[str], entry: _Entry) -> None:
        first, rule = toks[0], entry.rules[0] if entry.rules else _ANY
        if rule == _ANY:
            self.first_keys.add(first.lower())
        else:   # the spellings a capitalised first token can have in the text
            self.first_texts.update((first, first.upper()))
            if rule == _ACRO and len(first) >= 4:
                self.first_texts.add(first.capitalize())
        node = self.root
        for t in toks:
            node = node.setdefault(t.lower(), {})
        entries = node.setdefault(_PAYLOAD, [])
        if not any(e.key() == entry.key() for e in entries):
            entries.append(entry)


# --- preparing the text -----------------------------------------------------------------------

def _strip_site(title: str) -> str:
    parts = _TITLE_SPLIT.split(title.strip())
    while len(parts) > 1 and len(parts[-1].split()) <= 4 and (
            "." in parts[-1] or all(w[:1].isupper() for w in parts[-1].split())):
        parts.pop()
    return " - ".join(parts) if len(parts) > 1 else parts[0]


def _is_headline(line: str) -> bool:
    """A short line in Title Case: a headline, a link or a menu, not a sentence."""
    if line.count(" ") > 23:
        return False
    long = len(_LONG_WORD.findall(line))
    return long >= 3 and len(_CAP_WORD.findall(line)) >= 0.75 * long


#: a line this long that stops mid-sentence continues on the next line (hard-wrapped text)
_WRAP_MIN = 50
_FINAL = frozenset(".!?\u2026\"')\u201d\u2019:")
_CLOSERS = "\"')]\u201d\u2019*_"


def _is_prose(line: str) -> bool:
    """Does the line read as a sentence (not a menu item, a link or a headline)?"""
    end = line.rstrip(_CLOSERS + " ")
    if end[-1:] not in (".", "!", "?", "\u2026") or line.count(" ") < 3:
        return False
    # a full stop ends sentences, not headlines; "?", "!" and "..." end both
    return (end[-1] == "." and not end.endswith("..")) or not _is_headline(line)


def _segments(title: str, body: str) -> tuple[str, list[_Segment]]:
    """The text the tagger reads, joined with blank lines, and where each part starts."""
    parts: list[tuple[str, str, int]] = []
    title = _strip_site(" ".join(title.split()))
    if title:
        parts.append((title, "title", 0))
    if "](" in body:
        body = _MD_LINK.sub(lambda m: m.group(1) or " ", body)
    if "://" in body or "www." in body:
        body = _URL.sub(" ", body)
    seen: set[str] = set()
    para = 0
    blank = True
    lede_done = False
    kept: list[tuple[str, str, int]] = []
    run: list[tuple[str, bool]] = []   # a list's items: (text, is prose)

    def flush_run() -> None:
        if run and sum(p for _, p in run) * 2 > len(run):
            kept.extend((t, "body", para) for t, p in run if p)
        run.clear()

    pending: list[str] = []            # the lines of a hard-wrapped paragraph

    def flush_pending() -> None:
        if pending:
            line = " ".join(pending)
            pending.clear()
            if line in seen:
                return
            seen.add(line)
            if line[0] == ">":
                line = line.lstrip("> ")
            if _is_prose(line) and not _CREDIT_LINE.match(line):
                kept.append((line, "body", para))

    for raw in body.split("\n"):
        line = raw.strip()
        if not line:
            flush_pending()
            blank = True
            continue
        if blank:
            para += 1
            blank = False
        first = line[0]
        if first == "#" and _HEADING.match(line):
            flush_pending()
            flush_run()
            text = _HEADING.sub("", line).strip()
            if text and text.count(" ") < 15 and text not in seen:
                seen.add(text)
                kept.append((text, "heading", para))
            continue
        if (first in _LIST_FIRST or first.isdigit()) and _LIST_MARK.match(line):
            flush_pending()
            text = _LIST_MARK.sub("", line).strip()
            if text not in seen:
                seen.add(text)
                run.append((text, _is_prose(text)))
            continue
        flush_run()
        if pending and (len(pending[-1]) < _WRAP_MIN or pending[-1][-1] in _FINAL):
            flush_pending()                              # not a wrapped line: a new one
        pending.append(line)
    flush_pending()
    flush_run()
    for text, zone, p in kept:
        if zone == "body" and not lede_done:
            m = _DATELINE.match(text)
            if m and sum(c.isalpha() for c in m.group("place")) >= 4:
                parts.append((text[:m.end()], "dateline", p))
                text = text[m.end():]
            cut = [x.end() for x in _SENTENCE_BREAK.finditer(text)]
            if len(cut) >= LEDE_SENTENCES:
                parts.append((text[:cut[LEDE_SENTENCES - 1]].rstrip(), "lede", p))
                parts.append((text[cut[LEDE_SENTENCES - 1]:], "body", p))
            else:
                parts.append((text, "lede", p))
            lede_done = True
        else:
            parts.append((text, zone, p))
    offsets, chunks, pos = [], [], 0
    for text, zone, p in parts:
        offsets.append(_Segment(pos, zone, p))
        chunks.append(text)
        pos += len(text) + 2
    return "\n\n".join(chunks), offsets


# --- the tagger -------------------------------------------------------------------------------

class Tagger:
    """Tags articles against one vocabulary; build once, call :meth:`tag` many times."""

    def __init__(self, vocab: Vocabulary, *, add_parents: dict[str, int] | None = None):
        self.vocab = vocab
        self.add_parents = {f: 0 for f in FACETS}
        for facet, levels in (add_parents or {}).items():
            if facet not in FACETS:
                raise ValueError(f"add_parents: unknown facet {facet!r} "
                                 f"(expected {', '.join(FACETS)})")
            if not isinstance(levels, int) or isinstance(levels, bool) or levels < -1:
                raise ValueError(f"add_parents[{facet!r}] must be an int >= -1, got {levels!r}")
            self.add_parents[facet] = levels
        self._m = _Matcher(vocab)

    def __call__(self, title: str, body: str) -> dict[str, list[str]]:
        return self.tag(title, body).as_dict()

    def tag(self, title: str, body: str) -> TagResult:
        """The tags of one article (title and cleaned body)."""
        text, segs = _segments(title or "", body or "")
        if not text.isascii():
            text = _normalise(text)
        doc = _Doc(text, segs)
        if not doc.keys:
            return TagResult()
        mentions = self._match(doc)
        return _Scorer(self, doc, mentions).result()

    # matching ------------------------------------------------------------------------------
    def _match(self, doc: "_Doc") -> list[_Mention]:
        """Longest matches, left to right, with the case and boundary checks."""
        text, starts, ends, texts, keys = doc.text, doc.starts, doc.ends, doc.texts, doc.keys
        root = self._m.root
        n = len(keys)
        seg_offsets = [s.offset for s in doc.segs]
        out: list[_Mention] = []
        resume = 0
        begins = set(compress(range(n), map(self._m.first_texts.__contains__, texts)))
        begins.update(compress(range(n), map(self._m.first_keys.__contains__, keys)))
        for i in sorted(begins):
            if i < resume:
                continue
            node = root[keys[i]]
            s = starts[i]
            if s > 0:
                before = text[s - 1]
                if before.isalnum() or (before == "'" and len(keys[i]) <= 2):
                    continue                                 # mid-word; Haftar's, don't
                if before == "-" and i > 0 and ends[i - 1] == s - 1 and texts[i - 1].islower():
                    continue                                 # pro-Russian, anti-US
            cands = []
            j = i
            while True:
                pay = node.get(_PAYLOAD)
                if pay:
                    cands.append((j, pay))
                j1 = j + 1
                if j1 >= n:
                    break
                sep = text[ends[j]:starts[j1]]
                if sep not in _SEP_OK and not (sep in (".", ". ") and ends[j] - starts[j] == 1):
                    break
                node = node.get(keys[j1])
                if node is None:
                    break
                j = j1
            matched = None
            for j, pay in reversed(cands):
                e = ends[j]
                if e < len(text):
                    after = text[e]
                    if after.isalnum():
                        # only a short letter suffix after a number: F-35C, S-400s, Su-24MR
                        if not (texts[j].isdigit() and j + 1 < n and starts[j + 1] == e
                                and len(texts[j + 1]) <= 3 and texts[j + 1].isalpha()):
                            continue
                    elif after == "-" and texts[j].isdigit() and j + 1 < n \
                            and starts[j + 1] == e + 1 and texts[j + 1].islower() \
                            and len(texts[j + 1]) > 1:
                        continue                             # "A 10-year-old"
                ok = [entry for entry in pay if _case_ok(entry, texts, i)]
                if ok:
                    matched = (j, ok)
                    break
            if matched is None:
                continue
            j, ok = matched
            out.append(_Mention(i, j, ok, bisect.bisect_right(seg_offsets, starts[i]) - 1))
            resume = j + 1
            if resume < n and starts[resume] == ends[j] and texts[j].isdigit():
                resume += 1                                  # the suffix of S-400s
        return out

    def _with_parents(self, facet: str, tags: list[str]) -> list[str]:
        levels = self.add_parents.get(facet, 0)
        if not levels:
            return tags
        out = list(tags)
        for name in tags:
            ancestors = self.vocab.ancestors(facet, name)
            if levels > 0:
                ancestors = ancestors[:levels]
            for anc in ancestors:
                if anc not in out:
                    out.append(anc)
        return out


class _Doc:
    """The tokens of one article's text, with helpers to look around a mention."""

    def __init__(self, text: str, segs: list[_Segment]):
        self.text = text
        self.segs = segs
        self._headline: dict[int, bool] = {}
        parts = _TOKEN_SPLIT.split(text)            # separator, token, separator, token...
        offsets = list(accumulate(map(len, parts), initial=0))
        self.texts = parts[1::2]
        self.starts = offsets[1::2][:len(self.texts)]
        self.ends = offsets[2::2][:len(self.texts)]
        self.keys = "\x00".join(self.texts).lower().split("\x00") if self.texts else []

    def sep(self, k: int) -> str | None:
        """The text between token k and token k + 1 (None at the end or across lines)."""
        if k < 0 or k + 1 >= len(self.keys):
            return None
        s = self.text[self.ends[k]:self.starts[k + 1]]
        if s == ". " and self.ends[k] - self.starts[k] == 1 and k > 0 \
                and self.texts[k].isupper() and self.text[self.starts[k] - 1] == ".":
            return " "                                       # U.S. destroyer
        return None if "\n" in s else s

    def next_word(self, k: int) -> int | None:
        """The index of the word after token k, past soft adverbs ("Russia also moved")."""
        if self.sep(k) != " ":
            return None
        k += 1
        while self.keys[k] in _SOFT_ADVERBS and self.sep(k) == " ":
            k += 1
        return k

    def cue_near(self, i: int, j: int, cues: frozenset, seg: _Segment,
                 window: int = 14) -> bool:
        """Is a cue word near tokens i..j? A capitalised cue counts only in a title-like
        line ("the New York Jets" is no cue for a fighter)."""
        keys, texts = self.keys, self.texts
        caps_ok = self.title_like(seg)
        lo = i
        while lo > 0 and i - lo < window and self.sep(lo - 1) is not None:
            lo -= 1
        hi = j
        while hi + 1 < len(keys) and hi - j < window and self.sep(hi) is not None:
            hi += 1
        for k in range(lo, hi + 1):
            if k < i or k > j:
                if keys[k] in cues and (caps_ok or not texts[k][0].isupper()):
                    return True
                if keys[k] in ("defense", "defence") and k > 0 and keys[k - 1] in (
                        "air", "missile"):
                    return True                              # air defence
        return False

    def headline(self, seg: _Segment) -> bool:
        """Is the segment written in Title Case?"""
        found = self._headline.get(seg.offset)
        if found is None:
            end = self.text.find("\n", seg.offset, seg.offset + 400)
            found = _is_headline(self.text[seg.offset:end if end >= 0 else seg.offset + 400])
            self._headline[seg.offset] = found
        return found

    def title_like(self, seg: _Segment) -> bool:
        """Is the segment a title or in Title Case (verbs capitalised)?"""
        return seg.zone in ("title", "heading") or self.headline(seg)

    def glued(self, i: int, j: int, seg: _Segment) -> bool:
        """Is the name glued to another capitalised word (Michael Jordan, Atlanta, Georgia)?"""
        texts, keys, starts = self.texts, self.keys, self.starts
        if i > 0 and starts[i - 1] >= seg.offset and self.sep(i - 1) in (" ", ", "):
            prev = texts[i - 1]
            if prev[0].isupper() and keys[i - 1] not in _OPENERS:
                return True
        if self.sep(j) == " ":
            nxt = texts[j + 1]
            if nxt[0].isupper() and nxt.lower() not in FUNCTION_WORDS:
                return True
        return False

    def inside_longer_name(self, i: int, seg: _Segment, ends_at: dict) -> bool:
        """Is the place name the tail of a longer name the vocabulary lacks ("New Mexico",
        "Papua New Guinea")? A capitalised word right before it, mid-sentence, that is not a
        title, a compass word or another vocabulary name says so."""
        if i == 0 or self.sep(i - 1) != " " or self.starts[i - 1] <= seg.offset \
                or self.headline(seg):
            return False
        prev = self.texts[i - 1]
        key = self.keys[i - 1]
        if not prev[0].isupper() or prev.isupper() or key in FUNCTION_WORDS \
                or key in COMPASS or key in TITLES or key in ADVERBS or (i - 1) in ends_at:
            return False
        before = self.text[max(seg.offset, self.starts[i - 1] - 3):self.starts[i - 1]]
        return not _SENTENCE_START.search(before)

    def verb_like(self, k: int, title_like: bool, root: dict) -> bool:
        word, token = self.keys[k], self.texts[k]
        if word in AUX:
            return True
        if word in FUNCTION_WORDS or word in PLACE_NOUNS or len(word) < 4:
            return False
        if not token.islower() and not (title_like and root.get(word) is None):
            return False
        return word.endswith("ed") or (word.endswith("s") and not word.endswith(
            ("ss", "us", "is", "ous")))


class _Scorer:
    """Evidence and salience for one article's mentions."""

    def __init__(self, tagger: Tagger, doc: _Doc, mentions: list[_Mention]):
        self.t = tagger
        self.m = tagger._m
        self.doc = doc
        self.mentions = mentions
        self.scores: dict[tuple[str, str], float] = defaultdict(float)
        self.count: dict[tuple[str, str], int] = defaultdict(int)
        self.first: dict[tuple[str, str], int] = {}
        self.zones: dict[tuple[str, str], set] = defaultdict(set)
        self.paras: dict[tuple[str, str], set] = defaultdict(set)
        self.roles: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, facet: str, name: str, w: float, m: _Mention, role: str | None = None):
        key = (facet, name)
        seg = self.doc.segs[m.seg]
        self.scores[key] += w
        self.count[key] += 1
        self.first.setdefault(key, self.doc.starts[m.start])
        self.zones[key].add(seg.zone)
        self.paras[key].add(seg.para)
        if role:
            self.roles[name][role] += 1

    # the passes ----------------------------------------------------------------------------
    def result(self) -> TagResult:
        doc, mentions = self.doc, self.mentions
        supported, rejected = self._ambiguity()
        role_of, groups, ends_at = self._roles()
        full_names = {e.name for m in mentions for e in m.entries
                      if e.facet == "actors" and e.kind == "person" and e.form == NAME}
        shares = self._neutral_shares(role_of)
        shorts: list[tuple[_Mention, _Entry]] = []
        for idx, m in enumerate(mentions):
            w = ZONE_WEIGHT[doc.segs[m.seg].zone]
            done: set[tuple[str, str]] = set()
            tail = any(e.facet == "region" for e in m.entries) and doc.inside_longer_name(
                m.start, doc.segs[m.seg], ends_at)
            for e in m.entries:
                if (e.facet, e.name) in done:
                    continue
                done.add((e.facet, e.name))
                if e.ambiguous and (idx in rejected or (e.facet, e.name) not in supported):
                    continue
                if tail and (e.facet == "region" or e.name in self.m.dual):
                    continue                                 # New Mexico is not Mexico
                if e.form == SHORT:
                    shorts.append((m, e))
                elif e.form == ADJECTIVE:
                    self._adjective(e, m, w)
                elif e.form == COREF and e.facet == "systems":
                    if self.count.get(("systems", e.name)):
                        self.add("systems", e.name, w, m)
                elif e.form == COREF and e.kind != "person":
                    self._head(e, m, w)
                elif e.form in (SURNAME, COREF):
                    self._surname(e, m, w, full_names)
                elif e.form == GENERIC:
                    state = self.m.state_of.get(e.name)
                    self.add("actors", state, w * self._source(m), m)
                elif e.form == NATIONAL and e.tokens[-1][0].isupper() \
                        and doc.texts[m.end].islower():
                    # "the Indonesian navy", "a Chinese navy ship": the country acts
                    self.add("actors", self.m.state_of[e.name], w * self._source(m), m)
                elif e.name in self.m.dual and e.facet in ("region", "actors"):
                    role = role_of.get(idx, "neutral")
                    if role == "neutral":
                        share = shares[e.name][0 if e.facet == "region" else 1]
                    else:
                        share = ROLE_SHARE[role][0 if e.facet == "region" else 1]
                    if e.facet == "actors":
                        share *= self._source(m)
                    self.add(e.facet, e.name, w * share, m, role if e.facet == "region" else None)
                elif e.facet == "region":
                    self._place(e, m, w)
                else:
                    self._actor_or_system(e, m, w)
        self._short_forms(shorts)
        return self._select(groups, role_of)

    def _ambiguity(self) -> tuple[set, set]:
        """Which ambiguous terms have support in the article; which mentions are glued."""
        doc, m_ = self.doc, self.m
        present: dict[str, set[str]] = defaultdict(set)
        for m in self.mentions:
            for e in m.entries:
                present[e.name].add(e.facet)
        supported: set[tuple[str, str]] = set()
        rejected: set[int] = set()
        for idx, m in enumerate(self.mentions):
            for e in m.entries:
                if not e.ambiguous:
                    continue
                if doc.glued(m.start, m.end, doc.segs[m.seg]):
                    rejected.add(idx)
                    continue
                if (e.facet, e.name) in supported:
                    continue
                if e.facet == "systems":
                    ok = doc.cue_near(m.start, m.end, MILITARY_CUES, doc.segs[m.seg])
                else:
                    ok = (doc.cue_near(m.start, m.end, _STATE_OR_MILITARY, doc.segs[m.seg])
                          or any(n in present for n in m_.neighbours.get(e.name, ()))
                          or "adj" in present.get(e.name, ()))
                if ok:
                    supported.add((e.facet, e.name))
        return supported, rejected

    def _roles(self) -> tuple[dict[int, str], list[list[int]], dict[int, str]]:
        """Roles of country mentions (shared along lists) and the lists of places."""
        doc, m_ = self.doc, self.m
        role_of: dict[int, str] = {}
        ends_at: dict[int, str] = {}                          # last token -> what ends there
        placeish: list[int] = []
        for idx, m in enumerate(self.mentions):
            facets = {e.facet for e in m.entries}
            if any(e.name in m_.dual and e.facet in ("region", "actors") for e in m.entries):
                role_of[idx] = self._role(m, ends_at)
                ends_at[m.end] = role_of[idx]
                placeish.append(idx)
            elif "region" in facets:
                ends_at[m.end] = "place"
                placeish.append(idx)
            else:
                ends_at[m.end] = "actor"
        groups: list[list[int]] = []
        for a, b in zip(placeish, placeish[1:]):
            sep = doc.text[doc.ends[self.mentions[a].end]:doc.starts[self.mentions[b].start]]
            if sep in _LIST_SEPS:
                if groups and groups[-1][-1] == a:
                    groups[-1].append(b)
                else:
                    groups.append([a, b])
        for group in groups:
            decided = [role_of[x] for x in group if role_of.get(x, "neutral") != "neutral"]
            if decided:
                fill = decided[0] if len(set(decided)) == 1 else None
                if fill:
                    for x in group:
                        if x in role_of and role_of[x] == "neutral":
                            role_of[x] = fill
        return role_of, groups, ends_at

    def _role(self, m: _Mention, ends_at: dict[int, str]) -> str:
        """place | actor | neutral for a country mention (see the module docstring)."""
        doc = self.doc
        keys, texts = doc.keys, doc.texts
        i, j, n = m.start, m.end, len(keys)
        title_like = doc.title_like(doc.segs[m.seg])
        after = None
        sep = doc.sep(j)
        if sep == "'" and keys[j + 1] == "s":                 # possessive
            nxt = j + 2 if doc.sep(j + 1) == " " else None
            if nxt is not None and nxt < n:
                if keys[nxt] == "coast" and nxt + 1 < n and keys[nxt + 1] == "guard":
                    return "actor"
                if keys[nxt] in PLACE_NOUNS:
                    return "place"
            return "actor"
        nxt = doc.next_word(j)
        if nxt is not None:
            word = keys[nxt]
            if word == "coast":
                if nxt + 1 < n and keys[nxt + 1] == "guard":
                    return "actor"
                after = "place"
            elif word in PLACE_NOUNS:
                after = "place"
            elif word in ACTOR_NOUNS:
                return "actor"                               # US officials, Russia jets
            elif doc.verb_like(nxt, title_like, self.m.root):
                after = "actor"                              # Russia moved, Russia Relocates
        k = i - 1
        compass = False
        while k >= 0 and keys[k] in COMPASS and doc.sep(k) in (" ", "-"):
            if keys[k] != "the":
                compass = True
            k -= 1
        if compass:
            return "place"                                   # eastern Libya
        sep = doc.sep(k)
        if sep == " " and texts[k].islower():
            prev = keys[k]
            if prev in STRONG_PLACE:
                return "place"
            if prev == "between" and k > 0 and keys[k - 1] in PLACE_NOUNS:
                return "place"                               # the borderlands between...
            if prev in ACTOR_PREPS:
                return "actor"
            if prev == "of" and k > 0:
                if keys[k - 1] in PLACE_NOUNS:
                    return "place"                           # the coast of Oman
                if keys[k - 1] in ACTOR_NOUNS:
                    return "actor"                           # the government of Mali
            if prev in WEAK_PLACE:
                if ends_at.get(k - 1) == "place":
                    return "place"                           # from Syria to Libya
                if any(keys[x] in MOVEMENT for x in range(max(0, k - 8), k)):
                    return "place"                           # moved them to Libya
        elif sep == ", " and k == i - 1 and texts[k][0].isupper() \
                and ends_at.get(k, "other") in ("other", "place"):
            return "place"                                   # Tartus, Syria
        return after or "neutral"

    def _source(self, m: _Mention) -> float:
        """Anonymous officials quoted as a source ("U.S. officials said", "cited U.S.
        officials") are weaker evidence that their country acts: WEAK, else 1."""
        doc = self.doc
        keys = doc.keys
        i = m.start
        if i > 0 and doc.sep(i - 1) == " " and (keys[i - 1] in ("cited", "quoted", "citing")
                                                 or (keys[i - 1] == "to" and i > 1
                                                     and keys[i - 2] == "according")):
            return WEAK
        k = m.end
        seen_noun = False
        for _ in range(3):
            nxt = doc.next_word(k)
            if nxt is None:
                break
            if keys[nxt] in SOURCE_NOUNS:
                seen_noun = True
                k = nxt
                continue
            if seen_noun and keys[nxt] in SPEECH:
                return WEAK
            break
        return 1.0

    def _neutral_shares(self, role_of: dict[int, str]) -> dict[str, tuple[float, float]]:
        """How an undecided country mention splits between place and actor: like the
        article's decided mentions of that country (half and half when there are none)."""
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for idx, role in role_of.items():
            if role == "neutral":
                continue
            for e in self.mentions[idx].entries:
                if e.name in self.m.dual:
                    counts[e.name][0 if role == "place" else 1] += 1
                    break
        shares: dict[str, tuple[float, float]] = defaultdict(lambda: (0.5, 0.5))
        for name, (place, actor) in counts.items():
            p = (place + 0.5) / (place + actor + 1.0)
            shares[name] = (p, 1.0 - p)
        return shares

    # one mention ------------------------------------------------------------------------------
    def _adjective(self, e: _Entry, m: _Mention, w: float) -> None:
        """A nationality adjective: weak actor evidence before a military or state noun,
        weak place evidence before a place or event noun ("Indonesian waters", "Afghan war")."""
        doc = self.doc
        k = m.end
        for step in range(3):
            if doc.sep(k) not in (" ", "-"):
                return
            k += 1
            word = doc.keys[k]
            if word in MILITARY_NOUNS:
                if e.name in self.m.actor_names:
                    self.add("actors", e.name, w * WEAK, m, None)
                return
            if step == 0 and word in EVENT_PLACE_NOUNS:
                if e.name in self.m.region_names:
                    self.add("region", e.name, w * WEAK, m, None)
                return
            if word in FUNCTION_WORDS or (doc.texts[k][0].isupper() and not
                                          doc.title_like(doc.segs[m.seg])):
                return                                       # Bosnian Serb forces

    def _surname(self, e: _Entry, m: _Mention, w: float, full_names: set[str]) -> None:
        owners = self.m.surname_owner.get(e.tokens[0].lower(), [])
        seen_full = [o for o in owners if o in full_names]
        if e.form == COREF:
            if e.name in seen_full:
                self.add("actors", e.name, w * self._person_modifier(m), m)
            return
        if seen_full and e.name not in seen_full:
            return
        titled = m.start > 0 and self.doc.keys[m.start - 1] in TITLES
        weight = w if (seen_full or titled) else w * SURNAME_ALONE
        self.add("actors", e.name, weight * self._person_modifier(m), m)

    def _head(self, e: _Entry, m: _Mention, w: float) -> None:
        """"the Tribunal": the one body so headed whose full name came before."""
        if m.start == 0 or self.doc.keys[m.start - 1] != "the":
            return
        owners = [o for o in self.m.head_owner.get(e.tokens[0].lower(), ())
                  if self.count.get(("actors", o))]
        if owners == [e.name]:
            self.add("actors", e.name, w, m)

    def _person_modifier(self, m: _Mention) -> float:
        """A person named as a modifier ("the Assad regime") counts half."""
        nxt = self.doc.next_word(m.end)
        if nxt is not None and self.doc.keys[nxt] in PERSON_MODIFIED:
            return WEAK
        return 1.0

    def _place(self, e: _Entry, m: _Mention, w: float) -> None:
        doc = self.doc
        if e.capital and self._metonym(m):
            parent = self.t.vocab.parent("region", e.name)
            if parent and parent in self.m.states:
                self.add("actors", parent, w * WEAK, m)
            return
        weight = REGION_KIND_WEIGHT.get(e.kind, 1.0)
        if e.kind == "macro-region" and e.name in self.m.macro_roots:
            weight = MACRO_ROOT_WEIGHT
        if e.kind in ("waters", "macro-region"):
            nxt = doc.next_word(m.end)
            if nxt is not None and doc.texts[nxt].islower() and doc.keys[nxt] not in \
                    FUNCTION_WORDS and doc.keys[nxt] not in AUX:
                weight *= WEAK                               # "its Mediterranean base"
        self.add("region", e.name, w * weight, m)
        parent = self.m.country_parent.get(e.name)
        if parent:
            self.add("region", parent, w * weight * PLACE_TO_COUNTRY, m)

    def _actor_or_system(self, e: _Entry, m: _Mention, w: float) -> None:
        if e.facet == "actors" and e.kind == "person":
            w *= self._person_modifier(m)
        self.add(e.facet, e.name, w, m)
        if e.facet == "actors":
            for place in e.places:
                kind = self.t.vocab.terms["region"][place].kind
                self.add("region", place, w * WEAK * REGION_KIND_WEIGHT.get(kind, 1.0), m)

    def _metonym(self, m: _Mention) -> bool:
        """A capital standing for its government: "Moscow denies", "Kyiv's strike"."""
        doc = self.doc
        keys = doc.keys
        i, j, n = m.start, m.end, len(keys)
        sep = doc.sep(j)
        if sep == "'" and j + 1 < n and keys[j + 1] == "s":
            return not (j + 2 < n and keys[j + 2] in PLACE_NOUNS)
        if i > 0 and keys[i - 1] in STRONG_PLACE | WEAK_PLACE and doc.sep(i - 1) == " ":
            return False
        nxt = doc.next_word(j)
        if nxt is None:
            return False
        word = keys[nxt]
        if word in ("government", "regime", "authorities", "leadership", "officials"):
            return True
        if word in ("is", "was", "are", "were", "lies", "sits"):
            return False                                     # "Benghazi is 400 miles from"
        return doc.verb_like(nxt, False, self.m.root)

    def _short_forms(self, shorts: list[tuple[_Mention, _Entry]]) -> None:
        """Resolve "the Air Force": the force whose full name the article uses, else the
        force of the article's leading state."""
        doc = self.doc
        for m, e in shorts:
            if m.start > 0 and doc.sep(m.start - 1) == " ":
                prev = doc.texts[m.start - 1]
                if prev[0].isupper() and prev.lower() not in FUNCTION_WORDS:
                    continue                                 # Indonesian Navy, Salvation Army
            cands = self.m.short_forms.get(e.name, [])
            named = [(self.count[("actors", term)], term, state) for state, term in cands
                     if self.count.get(("actors", term))]
            if named:
                _, term, state = max(named)
            else:
                ranked = [(self.scores.get(("actors", state), 0.0), term, state)
                          for state, term in cands]
                if not ranked:
                    continue
                best, term, state = max(ranked)
                if best < THRESHOLDS["actors"]:
                    continue
            w = ZONE_WEIGHT[doc.segs[m.seg].zone]
            self.add("actors", term, w, m)

    # the tags ---------------------------------------------------------------------------------
    def _select(self, groups: list[list[int]], role_of: dict[int, str]) -> TagResult:
        result = TagResult()
        ranked: dict[str, list[tuple[float, int, str]]] = defaultdict(list)
        for (facet, name), score in self.scores.items():
            key = (facet, name)
            ranked[facet].append((score, self.first[key], name))
            result.evidence[key] = Evidence(
                score=round(score, 3), mentions=self.count[key], first=self.first[key],
                in_title="title" in self.zones[key], in_lede="lede" in self.zones[key],
                paragraphs=len(self.paras[key]),
                roles=tuple(sorted(self.roles[name].items())) if name in self.roles else ())
        tags: dict[str, list[str]] = {}
        for facet in FACETS:
            items = sorted(ranked[facet], key=lambda x: (-x[0], x[1], x[2]))
            tags[facet] = [name for score, _, name in items if score >= THRESHOLDS[facet]]
        tags["region"] += self._list_mates(tags["region"], groups, role_of)
        if not tags["region"]:
            tags["region"] = self._home_region(tags["actors"])
        for facet in FACETS:
            setattr(result, facet, self.t._with_parents(facet, tags[facet]))
        return result

    def _list_mates(self, region: list[str], groups, role_of) -> list[str]:
        """Places listed with a tagged place ("Niger, Burkina Faso and Mali") share its tag."""
        out: list[str] = []
        for group in groups:
            if len(group) < 3:
                continue
            names = []
            for x in group:
                if role_of.get(x) == "actor":
                    names = []
                    break
                names.extend(e.name for e in self.mentions[x].entries if e.facet == "region")
            if any(n in region for n in names):
                out.extend(n for n in names if n not in region and n not in out)
        return out

    def _home_region(self, actors: list[str]) -> list[str]:
        """No place scored: the story is at home, the country of its leading actor, if the
        article names that country as a place at least once."""
        for name in actors:
            state = self.m.state_of.get(name)
            if state:
                if state in self.m.region_names and self.scores.get(("region", state), 0.0) > 0:
                    return [state]
                break
        return []


