"""Issue 14 rows 14-19: front matter and vocabulary validation, and the one content report.

Each bad input is refused with ``file:line: what is wrong`` (by ``briefing check``, the
build and ingest alike), never a traceback, a hang or a silent loss."""

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pelican.contents import Article, Page

from briefing.core import frontmatter, vocabulary
from conftest import DATA, ROOT, build_site

BRIEFING = Path(sys.executable).parent / "briefing"
RAW = DATA / "raw" / "viewus-russia-air-defense-libya.txt"
GOOD = "---\ntitle: {title}\ndate: 2024-01-01\nregion: [Libya]\n---\nBody.\n"


def run(*args, cwd=ROOT):
    return subprocess.run([str(BRIEFING), *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def problems(text: str, path: str = "content/briefings/x.md") -> list[str]:
    with pytest.raises(frontmatter.FrontMatterError) as info:
        frontmatter.parse(text, path)
    return str(info.value).splitlines()


def summary(log: str) -> str:
    assert "Traceback" not in log, log
    return log[log.index("BuildFailed"):]


# --- row 14: vocabulary fields of the wrong type ------------------------------------------
BAD_TERMS = {
    "parent: [Maghreb]": "vocabulary.yaml:3: region 'Libya': parent must be text, got a list",
    "parent: {name: Maghreb}":
        "vocabulary.yaml:3: region 'Libya': parent must be text, got a mapping",
    "parent: 7": "vocabulary.yaml:3: region 'Libya': parent must be text, got a number",
    "kind: {a: b}": "vocabulary.yaml:3: region 'Libya': kind must be text, got a mapping",
    "description: [x]":
        "vocabulary.yaml:3: region 'Libya': description must be text, got a list",
    "match: [x]": "vocabulary.yaml:3: region 'Libya': match must be true or false",
    "slug: [libya]": "vocabulary.yaml:3: region 'Libya': slug must be text, got a list",
    "aliases: {a: b}":
        "vocabulary.yaml:3: region 'Libya': aliases must be a list of names, got a mapping",
    "adjectives: [Libyan, [x]]":
        "vocabulary.yaml:3: region 'Libya': adjectives: item 2 must be text, got a list",
}


def _vocab(field: str) -> str:
    return f"region:\n  - name: Libya\n    {field}\n  - name: Maghreb\nactors: []\nsystems: []\n"


@pytest.mark.parametrize("field", BAD_TERMS)
def test_row14_vocabulary_field_of_the_wrong_type_is_a_problem_with_its_line(field):
    with pytest.raises(vocabulary.VocabularyError) as info:
        vocabulary.parse(_vocab(field), "vocabulary.yaml")
    assert BAD_TERMS[field] in str(info.value)


def test_row14_vocabulary_name_and_sections_of_the_wrong_type_are_located():
    text = ("region:\n  - name: [Libya]\n  - Tobruk\n  - name: Derna\n    name: Darnah\n"
            "actors: {a: b}\ntagger: {add_parents: {region: yes}}\n")
    with pytest.raises(vocabulary.VocabularyError) as info:
        vocabulary.parse(text, "v.yaml")
    report = str(info.value)
    assert "v.yaml:2: region: item 1: name must be text, got a list" in report
    assert "v.yaml:3: region: item 2 must be a term (- name: ...), got text" in report
    assert "v.yaml:5: region item 3: name is given twice (first on line 4)" in report
    assert "v.yaml:6: actors must be a list of terms, got a mapping" in report
    assert "v.yaml:7: tagger: add_parents must map a facet" in report


def test_row14_check_build_and_ingest_stop_with_the_same_clear_message(tmp_path):
    vocab = tmp_path / "vocabulary.yaml"
    vocab.write_text(_vocab("parent: [Maghreb]"))
    expected = f"{vocab}:3: region 'Libya': parent must be text, got a list"
    content = write(tmp_path / "content", {"briefings/a.md": GOOD.format(title="A")})

    check = run("check", "--vocabulary", vocab, content)
    assert check.returncode == 1 and expected in check.stdout, check.stdout + check.stderr
    assert "Traceback" not in check.stdout + check.stderr

    ingest = run("ingest", "--vocabulary", vocab, "--out", tmp_path / "out", RAW)
    assert ingest.returncode != 0 and expected in ingest.stderr
    assert "Traceback" not in ingest.stderr and not (tmp_path / "out").exists()

    build = build_site(content, tmp_path / "site",
                       extra=["-e", f"BRIEFING_VOCABULARY={json.dumps(str(vocab))}"])
    assert build.returncode == 1 and expected in build.log
    assert "Traceback" not in build.log and "TypeError" not in build.log


# --- rows 15-19 in one hostile site: one build, one report ---------------------------------
BOMB = "".join(
    ['  a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n']
    + [f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9)])
HOSTILE = {
    # row 15
    "pages/region.md": "---\ntitle: Regions\nslug: region\n---\nx\n",
    "pages/search.md": "---\ntitle: Search us\nslug: search\n---\nx\n",
    "pages/archives.md": "---\ntitle: Old\nslug: archives\n---\nx\n",
    "briefings/by-count.md": "---\ntitle: By count\ndate: 2024-01-01\nregion: [By Count]\n"
                             "---\nBody.\n",
    "briefings/template.md": "---\ntitle: T\ndate: 2024-01-01\ntemplate: ../x\n---\nBody.\n",
    "briefings/old-template.md": "Title: Old T\nDate: 2024-01-01\nTemplate: nosuch\n\nBody.\n",
    "briefings/control-title.md": '---\ntitle: "A \\x01 title"\ndate: 2024-01-01\n---\nBody.\n',
    "briefings/control-body.md": "---\ntitle: C\ndate: 2024-01-01\n---\n\nA \x0b body.\n",
    # row 16
    "briefings/late.md": "---\ntitle: Late\ndate: 9999-12-31T23:59:59-12:00\n---\nBody.\n",
    "briefings/early.md": "---\ntitle: Early\ndate: 0001-01-01T00:00:00+14:00\n---\nBody.\n",
    "briefings/modified.md": "---\ntitle: M\ndate: 2024-01-01\n"
                             "modified: 9999-12-31T23:59:59-12:00\n---\nBody.\n",
    # row 17
    "briefings/bomb.md": f"---\ntitle: Bomb\ndate: 2024-01-01\nextra:\n{BOMB}---\nBody.\n",
    "briefings/tags.md": "---\ntitle: Tags\ndate: 2024-01-01\nsystems:\n"
                         + "".join(f"- Widget {i}\n" for i in range(10_000)) + "---\nBody.\n",
    # row 18
    "briefings/capital.md": "---\ntitle: Capital\ndate: 2024-01-01\nRegion: Libya\n---\nBody.\n",
    "briefings/commas.md": "---\ntitle: Commas\ndate: 2024-01-01\n"
                           "region: Libya, Syria, Tartus\n---\nBody.\n",
    "briefings/old-commas.md": "Title: Old commas\nDate: 2024-01-01\nRegion: Libya, Syria\n\n"
                               "Body.\n",
    # row 19
    "briefings/url.md": '---\ntitle: U\ndate: 2024-01-01\nurl: "javascript:alert(1)"\n---\nB\n',
    "briefings/save-as.md": "---\ntitle: S\ndate: 2024-01-01\nsave_as: ../../x.html\n---\nB\n",
    "briefings/old-url.md": "Title: Old U\nDate: 2024-01-01\nURL: javascript:alert(1)\n\nB\n",
    "briefings/lang.md": "---\ntitle: L\ndate: 2024-01-01\nlang: [en]\n---\nBody.\n",
    "briefings/good.md": GOOD.format(title="Good"),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("rows-15-19")
    content = write(root / "content", HOSTILE)
    start = time.monotonic()
    build = build_site(content, root / "site")
    build.seconds = time.monotonic() - start
    build.report = summary(build.log)
    build.check = run("check", content)
    return build


def _in_report(build, *lines):
    for line in lines:
        assert line in build.report, f"{line}\n---\n{build.report}"


def test_row15_page_slugs_that_take_a_site_address_are_reported_naming_both(hostile):
    assert hostile.returncode == 1
    _in_report(hostile,
               "pages/region.md: its page region/index.html is also the Region index",
               "pages/search.md: its page search/index.html is also the search page",
               "pages/archives.md: its page archives/index.html is also the archives page")


def test_row15_a_tag_whose_page_is_a_facet_index_is_reported(hostile):
    _in_report(hostile, "briefings/by-count.md: the page of its Region term 'By Count' "
                        "region/by-count/index.html is also the Region index by count; "
                        "rename the tag")


def test_row15_template_must_be_a_plain_name_the_theme_has(hostile):
    _in_report(hostile,
               "briefings/template.md:4: template must be the name of one of the theme's "
               "templates",
               "briefings/old-template.md: template 'nosuch' is not one of the theme's "
               "templates")
    assert "briefings/template.md:4: template" in hostile.check.stdout


def test_row15_control_characters_in_a_title_or_body_are_located(hostile):
    _in_report(hostile,
               "briefings/control-title.md:2: title: the control character U+0001",
               "briefings/control-body.md:6: the text: the control character U+000B")
    assert "briefings/control-body.md:6: the text" in hostile.check.stdout
    assert "UnserializableContentError" not in hostile.log


def test_row16_dates_that_overflow_in_utc_are_located(hostile):
    _in_report(hostile,
               "briefings/late.md:3: date: 9999-12-31 23:59:59-12:00 is out of range",
               "briefings/early.md:3: date: 0001-01-01 00:00:00+14:00 is out of range",
               "briefings/modified.md:4: modified: 9999-12-31 23:59:59-12:00 is out of range")
    assert "could not be read (see the messages above)" not in hostile.report


def test_row17_an_alias_bomb_and_ten_thousand_tags_fail_fast_and_clearly(hostile):
    _in_report(hostile, "briefings/bomb.md:5: YAML anchor &a0 is not allowed here",
               "briefings/tags.md:4: systems has 10,000 names; at most 100 per facet")
    assert hostile.seconds < 60  # was 59 s and 6.1 GB for the bomb, killed at 357 s for tags
    assert "briefings/bomb.md:5: YAML anchor" in hostile.check.stdout


def test_row18_key_case_and_text_with_commas_are_reported(hostile):
    _in_report(hostile,
               "briefings/capital.md:4: Region: write the key in lower case, region",
               "briefings/commas.md:4: region: 'Libya, Syria, Tartus' is one text with "
               "commas; write a YAML list, region: [Libya, Syria, Tartus]",
               "briefings/old-commas.md: region: 'Libya, Syria' is one text with commas")


def test_row19_url_and_save_as_overrides_are_refused(hostile):
    _in_report(hostile,
               "briefings/url.md:4: url cannot be set in front matter",
               "briefings/save-as.md:4: save_as cannot be set in front matter",
               "briefings/old-url.md: its address 'javascript:alert(1)' is not a path "
               "inside the site",
               "briefings/lang.md:4: lang must be a language tag like en or pt-BR")
    assert not (hostile.output / "api" / "briefings.json").exists()


def test_rows15_to_19_check_lists_the_front_matter_problems_too(hostile):
    assert hostile.check.returncode == 1
    out = hostile.check.stdout
    for where in ("capital.md:4", "commas.md:4", "url.md:4", "save-as.md:4", "lang.md:4",
                  "late.md:3", "early.md:3", "tags.md:4", "control-title.md:2"):
        assert where in out, where
    assert "Traceback" not in out + hostile.check.stderr


# --- row 17: aliases in the vocabulary, node and depth caps, memoised suggestions ----------
def test_row17_aliases_and_huge_or_deep_yaml_are_refused_before_building():
    with pytest.raises(vocabulary.VocabularyError, match=r"v.yaml:2: YAML anchor &a"):
        vocabulary.parse("region:\n  - &a {name: A}\n  - *a\n", "v.yaml")
    huge = "---\ntitle: T\ndate: 2024-01-01\nx: [" + "1, " * 60_000 + "]\n---\n"
    assert "more than 50,000 values: too many" in problems(huge)[0]
    deep = "---\ntitle: T\ndate: 2024-01-01\nx: " + "[" * 40 + "]" * 40 + "\n---\n"
    assert "nested more than 32 deep" in problems(deep)[0]
    typed = problems("---\ntitle: T\ndate: 2024-01-01\nx: !!binary aGk=\ny: !!set {a}\n---\n")
    assert typed[0].startswith("content/briefings/x.md:4: the YAML type !!binary")
    assert typed[1].startswith("content/briefings/x.md:5: the YAML type !!set")


def test_row17_unknown_term_suggestions_are_worked_out_once_per_distinct_tag(monkeypatch):
    vocab = vocabulary.load(vocabulary.default_path())
    assert vocab.suggest("region", "Lybia") == "Libya"
    calls = []
    real = vocab._suggest
    monkeypatch.setattr(vocab, "_suggest", lambda f, t: calls.append(t) or real(f, t))
    start = time.monotonic()
    for _ in range(100):
        for i in range(100):
            vocab.suggest("systems", f"Unknown widget {i}")
    assert len(calls) == 100 and time.monotonic() - start < 5


# --- row 18: a facet given as text is one tag, in Pelican's Key: value files too -----------
def test_row18_pelican_style_region_text_is_one_tag(tmp_path):
    content = write(tmp_path / "content", {
        "briefings/old.md": "Title: Old style\nDate: 2024-01-01\nRegion: Libya\n\nBody.\n",
        "briefings/new.md": "---\ntitle: New style\ndate: 2024-01-02\nregion: Libya\n---\nB\n"})
    build = build_site(content, tmp_path / "site")
    assert build.returncode == 0, build.log
    rows = json.loads((build.output / "api" / "briefings.json").read_text())
    assert [row["region"] for row in rows] == [["Libya"], ["Libya"]]
    terms = sorted(p.name for p in (build.output / "region").iterdir() if p.is_dir())
    assert "libya" in terms and not any(len(t) == 1 for t in terms), terms


# --- row 19: every key Pelican would read as an override ------------------------------------
def test_row19_every_pelican_page_attribute_is_refused_as_a_key():
    ours = set(frontmatter.KEYS) | {"summary", "status"}
    attributes = {n for n in set(dir(Article)) | set(dir(Page)) if not n.startswith("_")}
    for name in sorted(attributes - ours):
        text = f"---\ntitle: T\ndate: 2024-01-01\n{name}: x\n---\n"
        assert re.search(rf"x.md:4: {name} cannot be set in front matter", problems(text)[0]), \
            name
    for name in ("URL", "Save_as", "override_url", "_content", "translations"):
        assert "cannot be set in front matter" in problems(
            f"---\ntitle: T\ndate: 2024-01-01\n{name}: x\n---\n")[0], name


def test_row19_modified_and_lang_are_checked_and_kept():
    doc = frontmatter.parse("---\ntitle: T\ndate: 2024-01-01\nmodified: 2024-02-03\n"
                            "lang: pt-BR\ntemplate: page\n---\nBody\n", "x.md")
    assert doc.meta["modified"].isoformat() == "2024-02-03T00:00:00+00:00"
    assert doc.meta["lang"] == "pt-br" and doc.meta["template"] == "page"
    bad = problems("---\ntitle: T\ndate: 2024-01-01\nmodified: soon\nlang: 7\n---\n")
    assert "x.md:4: modified must be a date" in bad[0]
    assert "x.md:5: lang must be a language tag" in bad[1]


# --- row 15: the pages a paginated template adds are planned outputs too -------------------
def test_row15_a_page_at_the_address_of_a_later_page_of_the_home_or_a_term_is_reported(
        tmp_path):
    files = {f"briefings/b{i}.md": GOOD.format(title=f"B {i}").replace("01-01", f"01-{i + 1:02d}")
             for i in range(25)}  # 3 pages of the home page, 2 of Libya's (10 and 20 a page)
    files["pages/p.md"] = "Title: P\nSlug: page/2\n\nX\n"
    files["pages/q.md"] = "Title: Q\nSlug: region/libya/page/2\n\nX\n"
    build = build_site(write(tmp_path / "content", files), tmp_path / "site")
    assert build.returncode == 1
    report = summary(build.log)
    assert "pages/p.md: its page page/2/index.html is also page 2 of the home page" in report
    assert "pages/q.md: its page region/libya/page/2/index.html is also page 2 of the page " \
           "of the Region term 'Libya'" in report


# --- row 19: translation, which Pelican reads as text ---------------------------------------
def test_row19_translation_must_be_true_or_false_and_builds_as_pelican_reads_it(tmp_path):
    doc = frontmatter.parse("---\ntitle: T\ndate: 2024-01-01\ntranslation: true\n---\nB\n")
    assert doc.meta["translation"] == "true"
    assert "x.md:4: translation must be true or false, got 5" in problems(
        "---\ntitle: T\ndate: 2024-01-01\ntranslation: 5\n---\n")[0]
    content = write(tmp_path / "content", {
        "briefings/a.md": GOOD.format(title="A"),
        "briefings/t.md": "---\ntitle: T\ndate: 2024-01-02\ntranslation: false\n---\nB\n"})
    build = build_site(content, tmp_path / "site")  # was AttributeError: 'bool' ... 'lower'
    assert build.returncode == 0, build.log
    assert (build.output / "briefings" / "t" / "index.html").exists()
