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
    country of the leading actor, if the article names it as a place at all. When no actor
    or no system reaches it, those the article names in its prose (a score of at least
    :data:`EMPTY_FACET_MIN`, a body mention) are its tags: a drone strike story names the
    drone and the air defence it hit once each, and is about them. Tags are
    ordered by score, then by first position; ``add_parents`` then appends ancestors.

Modules
    ``words`` (weights, normalisation, cue words), ``matcher`` (the trie and the case rules),
    ``segments`` (which text counts), ``document`` (the article's tokens), ``roles`` (actor
    or place), ``scorer`` (salience and the tags); the :class:`Tagger` here ties them
    together.
"""

from __future__ import annotations

import bisect
from itertools import compress

from briefing.core.facets import FACETS
from briefing.core.vocabulary import Vocabulary

from .matcher import case_ok, Matcher, Mention
from .document import Doc
from .scorer import Evidence, Scorer, TagResult
from .segments import prose_segments
from .words import normalise, PAYLOAD, SEP_OK

__all__ = ["FACETS", "Evidence", "TagResult", "Tagger"]


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
        self._m = Matcher(vocab)

    def __call__(self, title: str, body: str) -> dict[str, list[str]]:
        return self.tag(title, body).as_dict()

    def tag(self, title: str, body: str) -> TagResult:
        """The tags of one article (title and cleaned body)."""
        text, segs = prose_segments(title or "", body or "")
        if not text.isascii():
            text = normalise(text)
        doc = Doc(text, segs)
        if not doc.keys:
            return TagResult()
        mentions = self._match(doc)
        return Scorer(self, doc, mentions).result()

    # matching ------------------------------------------------------------------------------
    def _match(self, doc: "Doc") -> list[Mention]:
        """Longest matches, left to right, with the case and boundary checks."""
        text, starts, ends, texts, keys = doc.text, doc.starts, doc.ends, doc.texts, doc.keys
        root = self._m.root
        n = len(keys)
        seg_offsets = [s.offset for s in doc.segs]
        out: list[Mention] = []
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
                pay = node.get(PAYLOAD)
                if pay:
                    cands.append((j, pay))
                j1 = j + 1
                if j1 >= n:
                    break
                sep = text[ends[j]:starts[j1]]
                if sep not in SEP_OK and not (sep in (".", ". ") and ends[j] - starts[j] == 1):
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
                ok = [entry for entry in pay if case_ok(entry, texts, i)]
                if ok:
                    matched = (j, ok)
                    break
            if matched is None:
                continue
            j, ok = matched
            out.append(Mention(i, j, ok, bisect.bisect_right(seg_offsets, starts[i]) - 1))
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


