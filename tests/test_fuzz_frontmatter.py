"""Fuzz: every front-matter key and every vocabulary field, fed values of every YAML type,
is accepted or refused with a problem naming the file and the line; never another
exception (issue 14 rows 14-19)."""

import datetime as dt

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.core import frontmatter, vocabulary
from briefing.core.facets import FACETS

FUZZ = settings(max_examples=200, deadline=2000,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

offsets = st.builds(dt.timezone, st.timedeltas(min_value=dt.timedelta(hours=-23),
                                               max_value=dt.timedelta(hours=23)))
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
    st.sampled_from(["Libya", "Libya, Syria, Tartus", "../x", "javascript:alert(1)", "",
                     " ", "a\x01b", "page", "en", "2024-12-18", "9999-12-31T23:59:59-12:00"]),
    st.dates(), st.datetimes(timezones=offsets),
    st.sampled_from([dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone(-dt.timedelta(hours=12))),
                     dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=14)))]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)
# YAML written by hand: what no Python value dumps to
RAW = st.sampled_from([
    "&a [1, 2]", "*a", "!!binary aGVsbG8=", "!!set {a, b}", "{<<: {a: 1}}", "2024-13-45",
    '"\\x01"', '"\\uffff"', "[[[[[[]]]]]]", "{? [a]: b}", "!!python/object:os.system x",
    "|\n  a\n  b", "~", "0x1F", "1e400", "-.inf", ".nan", "2024-01-01 25:00", "[a, {b: c}]",
    "yes", "'9999-12-31T23:59:59-12:00'", "0001-01-01T00:00:00+14:00",
])
KEYS = st.sampled_from(list(frontmatter.KEYS) + list(frontmatter.REFUSED_KEYS)
                       + ["Region", "Title", "URL", "_private", "extra", "my note"])


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def _yaml(value) -> str:
    return yaml.dump(value, Dumper=_NoAliases, allow_unicode=True, default_flow_style=True,
                     width=10_000).strip().removesuffix("...").strip()


def _accepted_or_located(text: str, path: str = "content/briefings/fuzz.md"):
    try:
        doc = frontmatter.parse(text, path)
    except frontmatter.FrontMatterError as exc:
        assert exc.problems
        for line, message in exc.problems:
            assert isinstance(line, int) and line >= 1, (line, message)
            assert isinstance(message, str) and message
        assert str(exc).startswith(path + ":")
        return None
    for facet in FACETS:
        assert isinstance(doc.meta[facet], list)
        assert all(isinstance(n, str) and n for n in doc.meta[facet])
        assert len(doc.meta[facet]) <= frontmatter.MAX_TAGS
    assert isinstance(doc.meta["title"], str) and doc.meta["date"].tzinfo is not None
    return doc


@FUZZ
@given(KEYS, values)
def test_every_front_matter_key_with_any_yaml_value(key, value):
    base = {"title": "A story", "date": "2024-12-18"}
    base[key] = value
    text = "---\n" + "".join(f"{_yaml(k)}: {_yaml(v)}\n" for k, v in base.items()) \
        + "---\nBody.\n"
    _accepted_or_located(text)


@FUZZ
@given(KEYS, RAW)
def test_every_front_matter_key_with_hand_written_yaml(key, raw):
    lines = ["title: A story", "date: 2024-12-18"]
    lines = [ln for ln in lines if not ln.startswith(key + ":")]
    raw = raw.replace("\n", "\n  ") if raw.startswith("|") else raw
    text = "---\n" + "\n".join(lines + [f"{_yaml(key)}: {raw}"]) + "\n---\nBody.\n"
    _accepted_or_located(text)


TERM_FIELDS = st.sampled_from(list(vocabulary.TERM_KEYS) + ["unknown"])


def _vocabulary_accepted_or_located(text: str) -> None:
    try:
        vocab = vocabulary.parse(text, "vocabulary.yaml")
    except vocabulary.VocabularyError as exc:
        assert exc.problems
        for line, message in exc.problems:
            assert isinstance(line, int) and line >= 1, (line, message)
            assert isinstance(message, str) and message
        return
    for terms in vocab.terms.values():
        for term in terms.values():
            assert isinstance(term.name, str) and isinstance(term.slug, str)
            assert term.parent is None or isinstance(term.parent, str)
            assert term.kind is None or isinstance(term.kind, str)
            assert isinstance(term.description, str) and isinstance(term.match, bool)
            assert all(isinstance(a, str) for a in term.aliases + term.adjectives)
    # what the build and the tagger do with it
    for facet in vocab.terms:
        for name in list(vocab.terms[facet]):
            vocab.ancestors(facet, name)
            vocab.descendants(facet, name)
        vocab.suggest(facet, "Lybia")


@FUZZ
@given(TERM_FIELDS, values)
def test_every_vocabulary_field_with_any_yaml_value(field, value):
    term = {"name": "Libya", field: value}
    text = ("region:\n  - " + "\n    ".join(f"{_yaml(k)}: {_yaml(v)}" for k, v in term.items())
            + "\n  - name: Maghreb\nactors: []\nsystems: []\n")
    _vocabulary_accepted_or_located(text)


@FUZZ
@given(TERM_FIELDS, RAW)
def test_every_vocabulary_field_with_hand_written_yaml(field, raw):
    raw = raw.replace("\n", "\n      ") if raw.startswith("|") else raw
    text = f"region:\n  - name: Libya\n    {field}: {raw}\n  - name: Maghreb\n"
    _vocabulary_accepted_or_located(text)


@FUZZ
@given(st.sampled_from(["region", "actors", "systems", "tagger", "version", "other"]), values)
def test_every_vocabulary_section_with_any_yaml_value(section, value):
    _vocabulary_accepted_or_located(f"{section}: {_yaml(value)}\n")
