"""The tagger's weights, its text normalisation and the words that decide roles and cues
(see the package docstring for how each is used)."""

from __future__ import annotations

import re
import unicodedata


#: mention weight by where it is
ZONE_WEIGHT = {"title": 3.0, "lede": 2.5, "body": 1.0, "heading": 1.0, "dateline": 1.0}
#: the lede: the first sentences of the first paragraph
LEDE_SENTENCES = 2
#: a term is a tag when its score reaches this
THRESHOLDS = {"region": 2.25, "actors": 2.0, "systems": 2.0}
#: when no term of these facets reaches the bar, the article's are those scoring at least
#: this (a mention in the body): an intercept story names its aircraft once each
EMPTY_FACET_MIN = {"actors": 0.9, "systems": 0.9}
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

PAYLOAD = ""  # trie key for the entries ending at a node (no token is empty)

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


TRANSLATE = _make_translation()
_TRANSLATE_CHARS = {chr(k): v for k, v in TRANSLATE.items()}
_TO_TRANSLATE = re.compile("[%s]" % "".join(re.escape(c) for c in _TRANSLATE_CHARS))


def normalise(text: str) -> str:
    """NFC, accents off Latin letters, curly quotes and hyphens made plain; same length."""
    text = unicodedata.normalize("NFC", text)
    return _TO_TRANSLATE.sub(lambda m: _TRANSLATE_CHARS[m.group()], text)


TOKEN = re.compile(r"[^\W\d_]+|\d+")
TOKEN_SPLIT = re.compile(r"([^\W\d_]+|\d+)")
# bounded, so that a page of unclosed brackets stays linear
MD_LINK = re.compile(r"!\[[^\]\n]{0,300}\]\([^)\s]{0,500}\)|\[([^\]\n]{0,300})\]\([^)\s]{0,500}\)")
URL = re.compile(r"\b(?:https?://|www\.)\S+")
LIST_MARK = re.compile(r"^\s*(?:[-*+\u2022\u25e6\u25cb\u2606\u25a1\u25aa\u25cf\u2023\u2043]"
                        r"|\d{1,3}[.)])\s+")
LIST_FIRST = frozenset("-*+\u2022\u25e6\u25cb\u2606\u25a1\u25aa\u25cf\u2023\u2043")
HEADING = re.compile(r"^\s*#{1,6}\s+")
LONG_WORD = re.compile(r"(?<![\w'-])[^\W\d_][\w'-]{3,}")
CAP_WORD = re.compile(r"(?<![\w'-])[A-Z\u00c0-\u00de][\w'-]{3,}")
DATELINE = re.compile(
    r"""^\s*(?P<place>[A-Z][A-Z'.\-]*[A-Z](?:[ /][A-Z][A-Z'.\-]*[A-Z])*)   # KANDAHAR, BAKU/YEREVAN
        (?P<country>,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)*)?                   # , Afghanistan
        \s*(?:\([^)\n]{1,40}\))?                                          # (AP)
        \s*(?:[-\u2014]{1,2}\s*)?                                         # -
        (?=[A-Z"\u201c])""", re.X)
CREDIT_LINE = re.compile(r"^\(?\s*(?:additional\s+)?(?:reporting|editing|writing|compiled)\s+by\b",
                          re.I)
SENTENCE_BREAK = re.compile(r"""(?<=[a-z0-9)%][.!?])["'\u201d\u2019)]*\s+(?=["\u201c]?[A-Z])""")
SENTENCE_START = re.compile(r"[.!?\"]\s*$")
TITLE_SPLIT = re.compile(r"\s+(?:\||/|-|\u2022)\s+")


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
SOFT_ADVERBS = ADVERBS - AUX
#: capitalised words that may stand before a name without being part of it
OPENERS = FUNCTION_WORDS | ADVERBS | COMPASS | TITLES | _words("""meanwhile however
    yesterday today tonight tomorrow instead earlier last next neighbouring neighboring
    officials troops forces president minister""")
STATE_OR_MILITARY = STATE_CUES | MILITARY_CUES
LIST_SEPS = frozenset([", ", " and ", ", and ", " or ", ", or ", " & "])
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
SEP_OK = frozenset(["", " ", "-", "/", "'", " / ", "&", " & ", "+"])

