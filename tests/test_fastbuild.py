"""Incremental, parallel builds: the same pages as a full serial build, less work."""

import filecmp
import json
import shutil

from conftest import CONTENT, build_site

BRIEFING = "briefings/iran-receives-s-300-from-russia/index.html"


def _mtimes(out):
    return {p.relative_to(out): p.stat().st_mtime_ns for p in out.rglob("*")
            if p.is_file() and "pagefind" not in p.parts}


def _same_tree(a, b):
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file()
                     and "pagefind" not in p.parts)
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file()
                     and "pagefind" not in p.parts)
    assert files_a == files_b
    return [str(p) for p in files_a if not filecmp.cmp(a / p, b / p, shallow=False)]


def test_nothing_changed_means_nothing_done(tmp_path):
    out = tmp_path / "out"
    assert build_site(CONTENT, out).returncode == 0
    before = _mtimes(out)
    second = build_site(CONTENT, out)
    assert second.returncode == 0
    assert "Nothing changed since the last build" in second.log
    assert _mtimes(out) == before
    (out / BRIEFING).unlink()  # output damaged: the build must notice and rebuild
    third = build_site(CONTENT, out)
    assert "Nothing changed" not in third.log
    assert (out / BRIEFING).exists()


def test_editing_one_briefing_rewrites_only_the_pages_that_show_it(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    out = tmp_path / "out"
    assert build_site(content, out).returncode == 0
    before = _mtimes(out)
    source = content / "briefings" / "iran-receives-s-300-from-russia.md"
    source.write_text(source.read_text().replace(
        "including its nuclear\nfacilities.", "including its nuclear\nfacilities. EDITED."))
    build = build_site(content, out)
    assert build.returncode == 0, build.log
    assert "EDITED." in (out / BRIEFING).read_text()
    changed = {str(p) for p, t in _mtimes(out).items() if before.get(p) != t}
    assert BRIEFING in changed
    assert "feeds/all.atom.xml" in changed  # the site feed carries full text
    # a page that does not show this briefing's text was not touched
    assert "briefings/first-patriot-systems-arrive-in-ukraine/index.html" not in changed
    assert "about/index.html" not in changed
    assert len(changed) < len(before) / 4, sorted(changed)
    # and the result is exactly what a full build from scratch gives
    fresh = build_site(content, tmp_path / "fresh")
    assert _same_tree(out, fresh.output) == []


def test_retagging_a_briefing_updates_related_links_everywhere(tmp_path):
    # related links are reused from the last build only while none of their inputs changed
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    out = tmp_path / "out"
    assert build_site(content, out).returncode == 0
    export = out / "api" / "briefings.json"
    before = {b["url"]: b["related"] for b in json.loads(export.read_text())}
    source = content / "briefings" / "iran-receives-s-300-from-russia.md"
    source.write_text(source.read_text().replace("systems:\n- S-300\n", "systems:\n- Patriot\n"))
    assert build_site(content, out).returncode == 0
    after = {b["url"]: b["related"] for b in json.loads(export.read_text())}
    assert after != before
    fresh = build_site(content, tmp_path / "fresh")
    assert _same_tree(out, fresh.output) == []


def test_parallel_rendering_gives_the_same_site_as_serial(tmp_path):
    serial = build_site(CONTENT, tmp_path / "serial", extra=["-e", "BUILD_PROCESSES=1"])
    parallel = build_site(CONTENT, tmp_path / "parallel", extra=["-e", "BUILD_PROCESSES=2"])
    assert serial.returncode == 0 and parallel.returncode == 0
    assert _same_tree(serial.output, parallel.output) == []


def test_a_template_change_rebuilds_every_page(tmp_path):
    theme = tmp_path / "theme"
    from conftest import ROOT

    shutil.copytree(ROOT / "theme", theme)
    out = tmp_path / "out"
    setting = f'THEME="{theme}"'
    assert build_site(CONTENT, out, extra=["-e", setting]).returncode == 0
    base = theme / "templates" / "base.html"
    base.write_text(base.read_text().replace("<footer", "<!-- new footer -->\n  <footer"))
    build = build_site(CONTENT, out, extra=["-e", setting])
    assert build.returncode == 0
    assert "<!-- new footer -->" in (out / BRIEFING).read_text()
    assert "<!-- new footer -->" in (out / "region" / "libya" / "index.html").read_text()


def _many_briefings(folder, n=80):
    folder.mkdir(parents=True)
    systems = ["S-400", "S-300", "Patriot", "Shahed-136", "F-35"]
    regions = ["Libya", "Syria", "Ukraine", "Turkey", "India"]
    for i in range(n):
        (folder / f"b{i:03d}.md").write_text(
            f"---\ntitle: Briefing number {i}\ndate: 2024-01-{1 + i % 28:02d}\n"
            f"region: [{regions[i % 5]}]\nactors: [Russia]\nsystems: [{systems[i % 5]}]\n"
            f"summary: Summary {i}.\n---\n\nBody of briefing {i} with *emphasis* and a "
            f"[link](https://example.org/{i}).\n\n- item {i}\n- item {i + 1}\n")


def test_reading_in_parallel_gives_the_same_site_and_the_same_errors(tmp_path):
    content = tmp_path / "content"
    _many_briefings(content / "briefings")
    (content / "briefings" / "bad.md").write_text("---\ntitle: Bad\ndate: soon\n---\nx\n")
    serial = build_site(content, tmp_path / "serial", extra=["-e", "BUILD_PROCESSES=1"])
    parallel = build_site(content, tmp_path / "parallel", extra=["-e", "BUILD_PROCESSES=2"])
    for build in (serial, parallel):
        assert build.returncode != 0
        assert "bad.md:3: date must be a date" in build.log
    (content / "briefings" / "bad.md").unlink()
    serial = build_site(content, tmp_path / "serial2", extra=["-e", "BUILD_PROCESSES=1"])
    parallel = build_site(content, tmp_path / "parallel2", extra=["-e", "BUILD_PROCESSES=2"])
    assert serial.returncode == 0 and parallel.returncode == 0
    assert _same_tree(serial.output, parallel.output) == []
    assert "<li>item 7</li>" in (parallel.output / "briefings" / "briefing-number-7" /
                                 "index.html").read_text()


def test_linear_period_archives_match_pelicans_own():
    import datetime as dt
    import sys
    from types import SimpleNamespace

    from conftest import ROOT
    sys.path.insert(0, str(ROOT / "plugins"))
    from fastbuild import seam
    from pelican.settings import DEFAULT_CONFIG

    settings = dict(DEFAULT_CONFIG, YEAR_ARCHIVE_SAVE_AS="archives/{date:%Y}/index.html",
                    MONTH_ARCHIVE_SAVE_AS="archives/{date:%Y}/{date:%m}/index.html")
    start = dt.datetime(2023, 1, 1)
    articles = [SimpleNamespace(date=start + dt.timedelta(days=d)) for d in
                (400, 3, 35, 3, 700, 36, 1, 400)]  # the caller's order, with equal dates
    dates = sorted(articles, key=lambda a: a.date)
    ours = seam._period_archives(None, dates, articles, settings)
    pelicans = seam._PELICAN["period_archives"](None, dates, articles, settings)
    assert ours == pelicans
    assert sum(len(a["articles"]) for a in ours["year"]) == len(articles)


def test_linear_translations_match_pelicans_own(caplog):
    import sys

    from conftest import ROOT
    sys.path.insert(0, str(ROOT / "plugins"))
    from fastbuild import seam
    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG

    def make(folder):
        specs = [("b", "en", None), ("a", "en", None), ("b", "fr", None), ("c", "fr", None),
                 ("c", "de", "true"), ("d", "en", None), ("d", "en", None),
                 ("e", "fr", "true"), ("e", "de", "true")]
        return [Article("body", metadata=dict(title=f"{slug} {lang} {i}", slug=slug, lang=lang,
                                              **({"translation": t} if t else {})),
                        settings=dict(DEFAULT_CONFIG), source_path=f"/{folder}/{i}.md")
                for i, (slug, lang, t) in enumerate(specs)]

    # (each run names other files: Pelican's log filter drops a repeated warning)
    for run, ids in enumerate(("slug", ("slug", "lang"), None)):
        theirs, ours = make(f"p{run}"), make(f"o{run}")
        caplog.clear()
        index_p, trans_p = seam._PELICAN["process_translations"](theirs, ids)
        warnings_p = [r.getMessage().replace(f"/p{run}/", "/") for r in caplog.records]
        caplog.clear()
        index_o, trans_o = seam._process_translations(ours, ids)
        def names(articles):
            return [a.source_path.rsplit("/", 1)[1] for a in articles]

        assert names(index_o) == names(index_p) and names(trans_o) == names(trans_p)
        assert [names(a.translations) for a in ours] == [names(a.translations) for a in theirs]
        assert [r.getMessage().replace(f"/o{run}/", "/") for r in caplog.records] == warnings_p
        if ids == "slug":
            assert len(trans_p) == 2 and warnings_p  # the case is not trivial
    assert trans_p == [] and len(index_p) == 9  # no translation id: all are originals


def test_an_unknown_pelican_version_is_refused_with_a_clear_message():
    import sys

    import pytest

    from conftest import ROOT
    sys.path.insert(0, str(ROOT / "plugins"))
    from fastbuild import seam

    seam.check_version("4.12.0")
    with pytest.raises(seam.PelicanVersionError, match="Pelican 5.0.0 is installed"):
        seam.check_version("5.0.0")


LISTENER = '''
import os
from pelican import signals


MAIN = os.getpid()  # the build's process (a forked worker inherits the value)


def heard(path, context):
    with open(os.environ["HEARD_LOG"], "a", encoding="utf-8") as log:
        log.write(f"{os.getpid() == MAIN} {path}\\n")


def register():
    signals.content_written.connect(heard)
'''


def test_content_written_reaches_a_listener_for_every_page_written_or_skipped(
        tmp_path, monkeypatch):
    """A stock plugin listening to content_written (a sitemap, say) hears of every page in
    the build's own process: rendered there, by a worker, or left unchanged."""
    import os
    import sys

    from conftest import ROOT

    plugin = tmp_path / "extra-plugins" / "listener"
    plugin.mkdir(parents=True)
    (plugin / "__init__.py").write_text(LISTENER)
    sys.path.insert(0, str(ROOT))
    import pelicanconf
    sys.path.remove(str(ROOT))
    plugins = json.dumps(list(pelicanconf.PLUGINS) + ["listener"])
    paths = json.dumps(list(pelicanconf.PLUGIN_PATHS) + [str(plugin.parent)])
    out = tmp_path / "out"
    extra = ["-e", "SEARCH_INDEX=false", f"PLUGINS={plugins}", f"PLUGIN_PATHS={paths}"]
    for run in ("fresh", "unchanged pages skipped"):
        log = tmp_path / f"heard-{run}.log"
        monkeypatch.setenv("HEARD_LOG", str(log))
        if run != "fresh":
            (out / "notes.txt").write_text("")  # the build runs (not "nothing changed")
            extra = extra + ['SITESUBTITLE="changed"']
        build = build_site(CONTENT, out, extra=extra)
        assert build.returncode == 0, build.log
        lines = [line.split(" ", 1) for line in log.read_text().splitlines()]
        heard = {os.path.relpath(path, out) for main, path in lines if main == "True"}
        pages = {str(p.relative_to(out)) for p in out.rglob("*.html")}
        assert pages <= heard, (run, sorted(pages - heard)[:5])


MOTD = '''
import os
from pelican import signals


def add(generator):
    with open(os.environ["MOTD_FILE"], encoding="utf-8") as handle:
        generator.context["motd"] = handle.read().strip()


def register():
    signals.article_generator_finalized.connect(add)
'''


def test_a_variable_a_plugin_adds_and_a_template_reads_is_a_dependency(
        tmp_path, content_copy, monkeypatch):
    """Nobody lists what a page depends on: a new context variable read by the theme's base
    template changes every page once its value changes, with nothing else changed."""
    import sys

    from conftest import ROOT

    plugin = tmp_path / "extra-plugins" / "motd"
    plugin.mkdir(parents=True)
    (plugin / "__init__.py").write_text(MOTD)
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    base = theme / "templates" / "base.html"
    base.write_text(base.read_text().replace("<footer", "<p class=motd>{{ motd }}</p>\n  <footer"))
    sys.path.insert(0, str(ROOT))
    import pelicanconf
    sys.path.remove(str(ROOT))
    plugins = json.dumps(list(pelicanconf.PLUGINS) + ["motd"])
    paths = json.dumps(list(pelicanconf.PLUGIN_PATHS) + [str(plugin.parent)])
    extra = ["-e", "SEARCH_INDEX=false", f"PLUGINS={plugins}", f"PLUGIN_PATHS={paths}",
             f"THEME={json.dumps(str(theme))}"]
    motd = tmp_path / "motd.txt"
    monkeypatch.setenv("MOTD_FILE", str(motd))
    out = tmp_path / "out"
    motd.write_text("first word")
    assert build_site(content_copy, out, extra=extra).returncode == 0
    assert "<p class=motd>first word</p>" in (out / BRIEFING).read_text()
    motd.write_text("second word")
    (content_copy / "notes.txt").write_text("")  # the build runs (not "nothing changed")
    build = build_site(content_copy, out, extra=extra)
    assert build.returncode == 0, build.log
    for page in (BRIEFING, "index.html", "region/libya/index.html", "archives/index.html"):
        assert "<p class=motd>second word</p>" in (out / page).read_text(), page


def _attributes_read(template_dir, names=("article", "page")):
    """(attribute, template) for every ``article.X`` / ``page.X`` the templates read, and
    the templates that index them with a computed key (``article[key]``)."""
    import jinja2
    import jinja2.nodes as nodes

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(template_dir)))
    found, computed = set(), set()
    for name in env.list_templates(extensions=["html", "xml"]):
        tree = env.parse(env.loader.get_source(env, name)[0])
        for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
            if not (isinstance(node.node, nodes.Name) and node.node.name in names):
                continue
            if isinstance(node, nodes.Getattr):
                found.add((node.attr, name))
            elif isinstance(node.arg, nodes.Const):
                found.add((str(node.arg.value), name))
            else:
                computed.add(name)
    return found, computed


def test_every_attribute_a_template_reads_of_a_briefing_is_in_its_fingerprint(tmp_path):
    """The writer skips a briefing's page when its fingerprint is unchanged: whatever the
    templates read of a briefing must be its own text and metadata, or declared as set
    after reading. A template that starts to read something else fails here, instead of
    leaving stale pages."""
    import sys

    from briefing.core import frontmatter
    from conftest import ROOT
    sys.path.insert(0, str(ROOT / "plugins"))
    from fastbuild import writer

    covered = set(frontmatter.KEYS) | writer.FROM_OWN | set(writer.SET_AFTER_READING)
    found, computed = _attributes_read(ROOT / "theme" / "templates")
    missing = sorted(f"{template}: article.{attr}" for attr, template in found
                     if attr not in covered)
    assert not missing, "not in a briefing's fingerprint: " + ", ".join(missing)
    # computed keys are the facets (the only ones the theme uses: facet_labels' keys)
    assert computed <= {"article.html", "partials/facets.html"}

    # and the check itself catches a new read
    shutil.copytree(ROOT / "theme" / "templates", tmp_path / "t")
    extra = tmp_path / "t" / "article.html"
    extra.write_text(extra.read_text() + "{{ article.reading_time }}")
    found, _ = _attributes_read(tmp_path / "t")
    assert ("reading_time", "article.html") in found and "reading_time" not in covered


def test_a_build_that_does_nothing_repeats_the_last_builds_warnings(tmp_path):
    """The content is the same, so what the last build warned of still holds: an editor who
    builds again must not think an unknown tag was fixed."""
    from conftest import DATA

    out = tmp_path / "out"
    first = build_site(DATA / "facets-site", out)
    warning = "systems term 'S-4000' is not in the vocabulary (did you mean S-400?)"
    assert first.returncode == 0 and warning in first.log, first.log
    again = build_site(DATA / "facets-site", out)
    assert "Nothing changed since the last build" in again.log
    assert f"{warning} (the last build said so; it still holds)" in again.log
