"""The package is sorted by side, and the import rules that make the sides hold are checked
here on the source (README, "Layout")."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "briefing"
PLUGINS = ROOT / "plugins"

# what each side must never import (a module name or a package prefix)
FORBIDDEN = {
    "core": ("pelican", "trafilatura", "lxml", "markdown", "briefing.ingest", "briefing.site",
             "briefing.cli"),
    "ingest": ("pelican", "briefing.site", "briefing.cli"),
    "site": ("pelican", "trafilatura", "briefing.ingest", "briefing.cli"),
}
LOOSE_ALLOWED = {"__init__.py"}
MAX_LINES = 600


def imported(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """Every module a file imports, absolute, with its line (relative imports resolved)."""
    package = list(path.relative_to(root).parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # `from briefing import ingest` imports the subpackage briefing.ingest
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def matches(module: str, rule: str) -> bool:
    return module == rule or module.startswith(rule + ".")


def test_each_side_keeps_its_import_rules():
    broken = []
    for side, rules in FORBIDDEN.items():
        files = modules(PACKAGE / side)
        assert files, f"briefing/{side}/ is empty"
        for path in files:
            for line, module in imported(path):
                for rule in rules:
                    if matches(module, rule):
                        broken.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not broken, "\n".join(broken)


def test_the_rules_catch_a_breach(tmp_path):
    """The checker itself: a core module importing Pelican or the site side is caught."""
    fake = tmp_path / "briefing" / "core" / "probe.py"
    fake.parent.mkdir(parents=True)
    fake.write_text('"""probe"""\nimport pelican.contents\nfrom ..site import related\n')
    found = [m for _, m in imported(fake, tmp_path)]
    assert any(matches(m, "pelican") for m in found)
    assert any(matches(m, "briefing.site") for m in found)


def test_no_loose_modules_and_every_module_says_what_it_holds():
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name not in LOOSE_ALLOWED]
    assert not loose, f"modules outside core/, ingest/, site/ and cli/: {loose}"
    silent = [str(p.relative_to(ROOT)) for p in modules(PACKAGE) + modules(PLUGINS)
              if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))]
    assert not silent, f"modules without an opening docstring: {silent}"


def test_plugins_reach_the_package_only_through_its_sides():
    """Plugins are adapters over the package's sides: none imports a module of the
    package outside core/, ingest/ and site/ (only ``briefing.__version__`` is loose)."""
    for path in modules(PLUGINS):
        for line, module in imported(path):
            if matches(module, "briefing"):
                assert module == "briefing" or module.split(".")[1] in (
                    "core", "site", "ingest", "__version__"), f"{path}:{line} {module}"


def test_no_module_is_too_long_to_read_as_one():
    """Past about 600 lines a module holds more than one idea: split it by what it does."""
    long = [f"{p.relative_to(ROOT)}: {n} lines" for p in modules(PACKAGE) + modules(PLUGINS)
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not long, "\n".join(long)
