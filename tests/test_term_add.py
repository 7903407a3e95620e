"""`briefing term add`: a term added to a copy of the real vocabulary reads back, lands at the
end of its facet's list, and leaves every other byte of the file as it was; each refusal
leaves the file byte-identical and says why in one line."""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

import pytest

from briefing.cli import vocab as cli
from briefing.core import vocabedit, vocabulary
from briefing.core.vocabedit import TermError, add_term
from conftest import ROOT

REAL = ROOT / "vocabulary.yaml"


@pytest.fixture
def vocab(tmp_path) -> Path:
    path = tmp_path / "vocabulary.yaml"
    shutil.copyfile(REAL, path)
    return path


def line_of(path: Path, startswith: str) -> int:
    """The 1-based line of the first line starting with this text."""
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if line.startswith(startswith):
            return number
    raise AssertionError(startswith)


def without(after: bytes, first: int, count: int) -> bytes:
    """The file with the ``count`` lines from line ``first`` (1-based) taken out."""
    lines = after.splitlines(keepends=True)
    return b"".join(lines[:first - 1] + lines[first - 1 + count:])


# --- adding -----------------------------------------------------------------------------
def test_a_term_with_parent_and_aliases_reads_back_and_nothing_else_changes(vocab):
    before = vocab.read_bytes()
    old = vocabulary.load(vocab)
    result = add_term(vocab, "actors", "Espanola Battalion", parent="Russia",
                      aliases=["Espanola", "Española battalion"], kind="armed-group",
                      description="Russian volunteer unit formed from football ultras.")
    after = vocab.read_bytes()
    entry = result.entry.encode("utf-8")
    assert result.written
    assert entry == (b'  - name: "Espanola Battalion"\n'
                     b"    slug: espanola-battalion\n"
                     b'    aliases: ["Espanola", "Espa\xc3\xb1ola battalion"]\n'
                     b'    parent: "Russia"\n'
                     b"    kind: armed-group\n"
                     b'    description: "Russian volunteer unit formed from football '
                     b'ultras."\n')
    assert len(after) == len(before) + len(entry)
    assert without(after, result.line, 6) == before
    assert after.splitlines(keepends=True)[result.line - 1:result.line + 5] == \
        entry.splitlines(keepends=True)

    new = vocabulary.load(vocab)
    term = new.get("actors", "Espanola Battalion")
    assert term is not None and term.line == result.line
    assert term.parent == "Russia" and term.slug == "espanola-battalion"
    assert term.kind == "armed-group"
    assert new.resolve("actors", "Espanola") == term
    assert new.resolve("actors", "española battalion") == term
    assert new.canonical("actors", "ESPANOLA") == "Espanola Battalion"
    assert "Espanola Battalion" in new.children("actors", "Russia")
    assert len(new) == len(old) + 1
    assert [m for _, m in new.problems] == [m for _, m in old.problems]


def test_the_entry_goes_at_the_end_of_its_facet_not_the_end_of_the_file(vocab):
    old_actors = line_of(vocab, "actors:")
    result = add_term(vocab, "region", "Bir Hakeim", parent="Libya", kind="town")
    lines = vocab.read_text(encoding="utf-8").split("\n")
    actors = line_of(vocab, "actors:")
    # the facet's last entry before it, then the blank line and the next facet after it
    assert result.line < actors
    assert lines[result.line - 2].startswith("    description: ")  # Fezzan's, the last one
    assert lines[result.line - 1] == '  - name: "Bir Hakeim"'
    assert lines[result.line + 3] == "    kind: town"  # name, slug, aliases, parent, kind
    assert lines[result.line + 4] == ""  # then the gap, and the next facet, as before
    assert lines[result.line + 5] == "actors:"
    assert result.line == old_actors - 1 and actors == old_actors + 5
    region = vocabulary.load(vocab).terms["region"]
    assert list(region)[-1] == "Bir Hakeim"


def test_optional_fields_are_left_out_and_aliases_written_like_the_others(vocab):
    """kind and description are optional in the loader: not given, not written; every
    entry of the file writes its aliases, even none, so the new one does too."""
    result = add_term(vocab, "region", "Bir Hakeim")
    assert result.entry == ('  - name: "Bir Hakeim"\n'
                            "    slug: bir-hakeim\n"
                            "    aliases: []\n")
    term = vocabulary.load(vocab).get("region", "Bir Hakeim")
    assert term.kind is None and term.description == "" and term.parent is None


def test_adjectives_no_match_and_slug(vocab):
    result = add_term(vocab, "actors", "Republic of Somaliland", adjectives=["Somalilander"],
                      slug="somaliland-state", kind="state", match=False)
    assert "    adjectives: [\"Somalilander\"]\n" in result.entry
    assert result.entry.endswith("    kind: state\n    match: false\n")
    term = vocabulary.load(vocab).get("actors", "Republic of Somaliland")
    assert term.adjectives == ("Somalilander",) and term.match is False
    assert term.slug == "somaliland-state"


def test_a_name_with_a_colon_and_quotes_round_trips(vocab):
    name = 'Project "Zircon-2": the \'next\' missile'
    aliases = ["Zircon-2, the new one", "#hashtag", "- dash", "yes", "2K99"]
    result = add_term(vocab, "systems", name, parent="missile", aliases=aliases,
                      kind="missile", description="Tested: in 2024; \"hypersonic\".")
    term = vocabulary.load(vocab).get("systems", name)
    assert term is not None
    assert term.aliases == tuple(aliases)
    assert term.description == "Tested: in 2024; \"hypersonic\"."
    # the systems facet writes plain text where YAML allows it, and quotes the rest
    assert "    parent: missile\n" in result.entry
    assert "    kind: missile\n" in result.entry
    assert result.entry.startswith('  - name: "Project \\"Zircon-2\\": the \'next\' missile"')
    assert result.line > line_of(vocab, "systems:")


def test_text_is_read_back_as_the_loader_keeps_it(vocab):
    """White space runs become one space and accents are NFC: the entry holds what the
    loader will read (and the check compares exactly that)."""
    add_term(vocab, "region", "  Bir   Hake\u0301im ", aliases=["Bir\tHakim"])
    term = vocabulary.load(vocab).get("region", "Bir Hak\u00e9im")
    assert term is not None and term.aliases == ("Bir Hakim",)


def test_crlf_file_stays_crlf(vocab):
    vocab.write_bytes(REAL.read_bytes().replace(b"\n", b"\r\n"))
    before = vocab.read_bytes()
    result = add_term(vocab, "actors", "Espanola Battalion", parent="Russia",
                      aliases=["Espanola"])
    after = vocab.read_bytes()
    assert after.count(b"\n") == after.count(b"\r\n") == before.count(b"\n") + 4
    assert without(after, result.line, 4) == before
    assert vocabulary.load(vocab).get("actors", "Espanola Battalion").parent == "Russia"


def test_a_file_without_a_final_newline_gets_one(vocab):
    vocab.write_bytes(REAL.read_bytes().rstrip(b"\n"))
    before = vocab.read_bytes()
    result = add_term(vocab, "systems", "Zircon-2", parent="missile")
    after = vocab.read_bytes()
    assert after.endswith(b"    aliases: []\n    parent: missile\n")
    assert after.startswith(before + b"\n")
    assert result.line == before.count(b"\n") + 2


def test_a_facet_not_in_the_file_yet_gets_its_section(vocab):
    text = REAL.read_text(encoding="utf-8")
    vocab.write_text(text[:text.index("\nsystems:") + 1], encoding="utf-8")
    before = vocab.read_bytes()
    result = add_term(vocab, "systems", "missile", kind="category", match=False)
    after = vocab.read_bytes()
    assert after.startswith(before)
    assert after[len(before):] == (b"\nsystems:\n  - name: \"missile\"\n    slug: missile\n"
                                   b"    kind: category\n    match: false\n")
    assert vocabulary.load(vocab).get("systems", "missile").line == result.line


def test_dry_run_writes_nothing(vocab):
    before = vocab.read_bytes()
    mtime = vocab.stat().st_mtime_ns
    result = add_term(vocab, "actors", "Espanola Battalion", parent="Russia", dry_run=True)
    assert not result.written
    assert result.entry.startswith('  - name: "Espanola Battalion"\n')
    assert vocab.read_bytes() == before and vocab.stat().st_mtime_ns == mtime
    assert not [p for p in vocab.parent.iterdir() if p.name != vocab.name]


# --- refusals ---------------------------------------------------------------------------
def refused(vocab: Path, *args, **kwargs) -> str:
    before = vocab.read_bytes()
    with pytest.raises(TermError) as caught:
        add_term(vocab, *args, **kwargs)
    assert vocab.read_bytes() == before
    assert not [p for p in vocab.parent.iterdir() if p.name != vocab.name]
    message = str(caught.value)
    assert "\n" not in message and str(vocab) in message
    return message


def test_an_alias_of_another_term_is_refused_naming_its_owner_and_line(vocab):
    line = line_of(vocab, '    aliases: ["IRGC"')
    message = refused(vocab, "actors", "Iran Guards", aliases=["IRGC"])
    assert message.endswith(f"`IRGC` is already an alias of Islamic Revolutionary Guard "
                            f"Corps ({vocab}:{line})")
    assert "already an alias of Islamic Revolutionary Guard Corps" in \
        refused(vocab, "actors", "IRGC")


def test_a_name_or_alias_that_is_a_term_is_refused_loosely(vocab):
    line = line_of(vocab, '  - name: "Libya"')
    assert f"`Libya` is already a term of region ({vocab}:{line})" in \
        refused(vocab, "region", "Libya")
    assert f"`LIBYA` is already a term of region (written Libya) ({vocab}:{line})" in \
        refused(vocab, "region", "New place", aliases=["LIBYA"])
    assert "`S400` is already a term of systems (written S-400)" in \
        refused(vocab, "systems", "S400")
    # the same name in another facet is another term: the place and the state
    assert add_term(vocab, "actors", "Fezzan", dry_run=True).term.facet == "actors"


def test_a_parent_not_in_the_facet_is_refused_with_a_suggestion(vocab):
    assert refused(vocab, "region", "Bir Hakeim", parent="Lybia").endswith(
        f"parent `Lybia` is not a region term in {vocab}; did you mean Libya?")
    assert "(it is a term of actors; a parent is in the same facet)" in \
        refused(vocab, "region", "Bir Hakeim", parent="Wagner Group")
    assert "Bir Hakeim cannot be its own parent" in \
        refused(vocab, "region", "Bir Hakeim", parent="Bir Hakeim")


def test_bad_or_taken_slugs_are_refused(vocab):
    line = line_of(vocab, "    slug: libya")
    assert f"slug `libya` is already the slug of Libya ({vocab}:{line})" in \
        refused(vocab, "region", "Libyan coast", slug="libya")
    assert "slug `Foo Bar` must be lower-case letters, digits and hyphens (for example " \
           "`foo-bar`)" in refused(vocab, "region", "Foo", slug="Foo Bar")
    assert "slug `foo_bar` must be" in refused(vocab, "region", "Foo", slug="foo_bar")
    assert "no slug can be made from `???`" in refused(vocab, "region", "???")


def test_bad_requests_are_refused(vocab):
    assert "'actor' is not a facet" in refused(vocab, "actor", "Foo")
    assert "the name is empty" in refused(vocab, "region", "   ")
    assert "control character U+0007" in refused(vocab, "region", "Foo\x07")
    assert "alias `Foo` is the name itself" in refused(vocab, "region", "Foo", aliases=["foo"])
    assert "alias `bar` is given twice" in refused(vocab, "region", "Foo",
                                                   aliases=["Bar", "bar"])


def test_a_new_problem_is_refused_even_when_each_field_looks_right(vocab):
    """A term whose parent is missing in the file (a problem it had): adding that parent
    under the term itself would make a cycle, which the read-back check finds."""
    text = vocab.read_text(encoding="utf-8")
    vocab.write_text(text.replace('    slug: africa\n', '    slug: africa\n'
                                                         '    parent: "Atlantis"\n', 1),
                     encoding="utf-8")
    message = refused(vocab, "region", "Atlantis", parent="North Africa")
    assert "its parents form a cycle" in message
    # without the parent it is fine, and it mends the missing parent
    add_term(vocab, "region", "Atlantis")
    assert vocabulary.load(vocab).problems == []


def test_a_vocabulary_with_errors_is_refused(vocab):
    vocab.write_text(vocab.read_text(encoding="utf-8").replace(
        "    kind: macro-region\n", "    kind: [macro-region]\n", 1), encoding="utf-8")
    message = refused(vocab, "region", "Bir Hakeim")
    assert "kind must be text" in message and "fix the vocabulary first" in message


def test_a_file_changed_while_adding_is_not_overwritten(vocab, monkeypatch):
    verify = vocabedit._verify

    def meanwhile(*args, **kwargs):
        got = verify(*args, **kwargs)
        with open(vocab, "ab") as handle:
            handle.write(b"# an editor saved the file\n")
        return got

    monkeypatch.setattr(vocabedit, "_verify", meanwhile)
    with pytest.raises(TermError, match="changed while the term was being added"):
        add_term(vocab, "region", "Bir Hakeim")
    assert vocab.read_bytes() == REAL.read_bytes() + b"# an editor saved the file\n"


def test_a_link_to_the_vocabulary_is_kept_and_its_file_written(vocab, tmp_path):
    link = tmp_path / "linked.yaml"
    os.symlink(vocab, link)
    add_term(link, "region", "Bir Hakeim")
    assert link.is_symlink()
    assert vocabulary.load(vocab).get("region", "Bir Hakeim") is not None


# --- the command line -------------------------------------------------------------------
def run(argv: list[str], capsys) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="briefing")
    cli.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_adds_a_term_and_says_where(vocab, capsys):
    code, out, err = run(["term", "add", "actors", "Espanola Battalion", "--parent", "Russia",
                          "--alias", "Espanola", "--alias", "Española battalion",
                          "--kind", "armed-group", "--vocabulary", str(vocab)], capsys)
    line = vocabulary.load(vocab).get("actors", "Espanola Battalion").line
    assert code == 0, err
    assert out == (f'{vocab}:{line}: added actors "Espanola Battalion" (slug '
                   "espanola-battalion; parent Russia; aliases Espanola, Española "
                   "battalion)\n")
    assert f"briefing retag --vocabulary {vocab}" in err


def test_cli_refuses_with_exit_1_and_one_line(vocab, capsys):
    before = vocab.read_bytes()
    code, out, err = run(["term", "add", "actors", "Iran Guards", "--alias", "IRGC",
                          "--vocabulary", str(vocab)], capsys)
    assert code == 1 and out == ""
    assert err.startswith("error: not added: `IRGC` is already an alias of Islamic "
                          "Revolutionary Guard Corps (") and err.count("\n") == 1
    assert vocab.read_bytes() == before


def test_cli_dry_run_prints_the_entry(vocab, capsys):
    before = vocab.read_bytes()
    code, out, err = run(["term", "add", "region", "Bir Hakeim", "--parent", "Libya",
                          "--no-match", "--dry-run", "--vocabulary", str(vocab)], capsys)
    assert code == 0
    assert "would add region \"Bir Hakeim\"" in out and "nothing written" in out
    assert out.endswith('  - name: "Bir Hakeim"\n    slug: bir-hakeim\n    aliases: []\n'
                        '    parent: "Libya"\n    match: false\n')
    assert vocab.read_bytes() == before


def test_cli_rejects_an_unknown_facet(vocab, capsys):
    with pytest.raises(SystemExit) as caught:
        run(["term", "add", "actor", "Foo", "--vocabulary", str(vocab)], capsys)
    assert caught.value.code == 2
    assert "invalid choice: 'actor'" in capsys.readouterr().err


def test_briefing_term_add_then_retag_proposes_the_new_term(vocab, tmp_path):
    """The editor's loop end to end, through the `briefing` script: a term the vocabulary
    lacks is added, and retag then proposes it for a briefing that names it."""
    import subprocess
    import sys

    script = str(Path(sys.executable).parent / "briefing")
    briefing = tmp_path / "b.md"
    briefing.write_text("---\ntitle: Fighting near Ras Lanuf\ndate: 2024-01-02\n"
                        "region: [Libya]\n---\nForces clashed at Ras Lanuf, the oil port, "
                        "on Tuesday. Ras Lanuf has changed hands several times.\n",
                        encoding="utf-8")
    before = subprocess.run([script, "retag", "--vocabulary", str(vocab), str(briefing)],
                            capture_output=True, text=True, timeout=120)
    assert "Ras Lanuf" not in before.stdout
    added = subprocess.run([script, "term", "add", "region", "Ras Lanuf", "--parent", "Libya",
                            "--kind", "town", "--vocabulary", str(vocab)],
                           capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    assert f'{vocab}:' in added.stdout and 'added region "Ras Lanuf"' in added.stdout
    after = subprocess.run([script, "retag", "--vocabulary", str(vocab), str(briefing)],
                           capture_output=True, text=True, timeout=120)
    assert f"{briefing}: + region: Ras Lanuf" in after.stdout, after.stdout + after.stderr
    again = subprocess.run([script, "term", "add", "region", "ras lanuf", "--vocabulary",
                            str(vocab)], capture_output=True, text=True, timeout=120)
    assert again.returncode == 1 and "already" in again.stderr


def test_a_country_gets_its_iso_code_and_a_place_its_point(vocab):
    before = vocab.read_bytes()
    added = add_term(vocab, "region", "Testland", parent="Maghreb", kind="country", iso="tq",
                     adjectives=["Testish"])
    text = vocab.read_text(encoding="utf-8")
    assert '    kind: country\n    iso: "TQ"\n' in text  # quoted: an unquoted NO is false
    assert vocabulary.load(vocab).get("region", "Testland").iso == "TQ"
    assert without(vocab.read_bytes(), added.line, len(added.entry.splitlines())) == before

    base = add_term(vocab, "region", "Test Base", parent="Libya", kind="base", lat=32.1,
                    lon=20.05)
    got = vocabulary.load(vocab).get("region", "Test Base")
    assert (got.lat, got.lon) == (32.1, 20.05) and base.term.lat == 32.1


@pytest.mark.parametrize("kwargs, why", [
    ({"kind": "country"}, "a country needs its ISO 3166-1 code"),
    ({"kind": "country", "iso": "LY"}, "is also the code of 'Libya'"),
    ({"kind": "country", "iso": "LBY"}, "must be two letters"),
    ({"kind": "base", "lat": 10.0}, "give both --lat and --lon"),
    ({"kind": "base", "lat": 95.0, "lon": 0.0}, "--lat must be from -90 to 90"),
])
def test_a_country_without_a_good_code_or_a_half_point_is_refused(vocab, kwargs, why):
    before = vocab.read_bytes()
    with pytest.raises(TermError, match=why):
        add_term(vocab, "region", "Testland", parent="Maghreb", **kwargs)
    assert vocab.read_bytes() == before
