"""The tokens of one article's text (`Doc`), with helpers to look around a mention: the
separator after a token, the next word, a cue nearby, a headline, a glued name."""

from __future__ import annotations

from itertools import accumulate

from .segments import Segment, is_headline
from .words import (
    ADVERBS, AUX, COMPASS, FUNCTION_WORDS, OPENERS, PLACE_NOUNS, SENTENCE_START, SOFT_ADVERBS,
    TITLES, TOKEN_SPLIT)


class Doc:
    """The tokens of one article's text, with helpers to look around a mention."""

    def __init__(self, text: str, segs: list[Segment]):
        self.text = text
        self.segs = segs
        self._headline: dict[int, bool] = {}
        parts = TOKEN_SPLIT.split(text)            # separator, token, separator, token...
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
        while self.keys[k] in SOFT_ADVERBS and self.sep(k) == " ":
            k += 1
        return k

    def cue_near(self, i: int, j: int, cues: frozenset, seg: Segment,
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

    def headline(self, seg: Segment) -> bool:
        """Is the segment written in Title Case?"""
        found = self._headline.get(seg.offset)
        if found is None:
            end = self.text.find("\n", seg.offset, seg.offset + 400)
            found = is_headline(self.text[seg.offset:end if end >= 0 else seg.offset + 400])
            self._headline[seg.offset] = found
        return found

    def title_like(self, seg: Segment) -> bool:
        """Is the segment a title or in Title Case (verbs capitalised)?"""
        return seg.zone in ("title", "heading") or self.headline(seg)

    def glued(self, i: int, j: int, seg: Segment) -> bool:
        """Is the name glued to another capitalised word (Michael Jordan, Atlanta, Georgia)?"""
        texts, keys, starts = self.texts, self.keys, self.starts
        if i > 0 and starts[i - 1] >= seg.offset and self.sep(i - 1) in (" ", ", "):
            prev = texts[i - 1]
            if prev[0].isupper() and keys[i - 1] not in OPENERS:
                return True
        if self.sep(j) == " ":
            nxt = texts[j + 1]
            if nxt[0].isupper() and nxt.lower() not in FUNCTION_WORDS:
                return True
        return False

    def inside_longer_name(self, i: int, seg: Segment, ends_at: dict) -> bool:
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
        return not SENTENCE_START.search(before)

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
