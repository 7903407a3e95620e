"""Safe YAML for files editors write (front matter, the vocabulary): the C loader where PyYAML
has it, and :func:`compose` refuses, each with file:line, what could make reading explode or
hold values no page can show (anchors and aliases, too many values, deep nesting, types
beyond plain ones, control characters)."""

from __future__ import annotations

import re
from typing import Any

import yaml

try:  # the C loader is ~10x faster; fall back to the pure-Python one
    _Loader = yaml.CSafeLoader
    _Dumper = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader
    _Dumper = yaml.SafeDumper


MAX_DEPTH = 32      # lists and mappings nested in one another

# control characters (tab and newline aside), lone surrogates and non-characters: no page,
# feed or XML file can carry them
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# where a YAML anchor (&a) or alias (*a) could start: cheap to look for, and only then are
# the YAML's events read to find them
_ANCHOR_RE = re.compile(r"(?:^|[\s\[{,:])[&*][^\s\[\]{},]", re.M)
# the YAML types front matter and the vocabulary may hold (no !!binary, !!set, << merges)
_PLAIN_TAGS = frozenset("tag:yaml.org,2002:" + t for t in (
    "str", "int", "float", "bool", "null", "timestamp", "seq", "map"))


class NoAliasDumper(_Dumper):
    """Never write YAML anchors (&id001): editors read these files."""

    def ignore_aliases(self, data):
        return True


class Flow(dict):
    """A mapping written on one line, in YAML's flow style (``{region: [Libya], actors:
    []}``), where a block of lines would only add length (provenance's record of tags)."""


def flow(value: Any) -> str:
    """A list or mapping as one line of YAML flow style, keys in their order, quoted where
    YAML needs it: ``[Libya, 'a: b']``, ``{region: [Libya]}``."""
    return yaml.dump(value, Dumper=NoAliasDumper, default_flow_style=True, sort_keys=False,
                     allow_unicode=True, width=1 << 30).strip()


NoAliasDumper.add_representer(Flow, lambda dumper, data: dumper.represent_mapping(
    "tag:yaml.org,2002:map", data, flow_style=True))



def first_control(value: Any) -> str | None:
    """The first control character in any text of a value (lists and mappings walked)."""
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            found = CONTROL_RE.search(current)
            if found:
                return found.group()
        elif isinstance(current, dict):
            stack.extend(current.keys())
            stack.extend(current.values())
        elif isinstance(current, (list, tuple)):
            stack.extend(current)
    return None


def control_message(char: str) -> str:
    return (f"the control character U+{ord(char):04X} cannot be shown in a page or a feed; "
            "remove it")


def yaml_problem(exc: yaml.YAMLError, first_line: int) -> tuple[int | None, str]:
    """A YAML error as (line, message): where it is, what is wrong."""
    if not isinstance(exc, yaml.MarkedYAMLError):
        return first_line, f"invalid YAML: {exc}"
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and "end of stream" in (exc.problem or ""):
        mark = exc.context_mark  # an unclosed quote or bracket: point at its start
    line = first_line + mark.line if mark is not None else None
    what = " ".join(p for p in (exc.context, exc.problem) if p) or "cannot be read"
    if "mapping values are not allowed" in what:  # `title: Iran: a test`
        what += ("; a value with a colon and a space in it must be quoted, e.g. "
                 'title: "Iran: the talks resume"')
    return line, f"invalid YAML: {what}"


def _refuse_anchors(yaml_text: str, path: str, first_line: int, error: type) -> None:
    """Raise on the first YAML anchor (&name) or alias (*name): a kilobyte of aliases can
    stand for billions of values. Syntax errors are left to the composer."""
    loader = _Loader(yaml_text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                kind = "alias *" if isinstance(event, yaml.AliasEvent) else "anchor &"
                raise error(path, [(first_line + event.start_mark.line,
                                    f"YAML {kind}{event.anchor} is not allowed here: write "
                                    "the value out (anchors and aliases can make a few "
                                    "lines stand for billions of values)")])
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()


def _check_nodes(root: yaml.Node, path: str, first_line: int, max_nodes: int,
                 error: type) -> None:
    """Bound the tree before anything is built: at most ``max_nodes`` values, nesting at
    most MAX_DEPTH deep, only plain YAML types."""
    problems: list[tuple[int | None, str]] = []
    stack = [(root, 0)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        line = first_line + node.start_mark.line
        if count > max_nodes:
            raise error(path, [(first_line, f"more than {max_nodes:,} values: too many to "
                                            "read")])
        if depth > MAX_DEPTH:
            raise error(path, [(line, f"lists and mappings nested more than {MAX_DEPTH} "
                                      "deep")])
        if node.tag not in _PLAIN_TAGS and len(problems) < 10:
            what = "merge keys (<<)" if node.tag.endswith(":merge") else \
                f"the YAML type {node.tag.replace('tag:yaml.org,2002:', '!!')}"
            problems.append((line, f"{what} cannot be used here: write plain text, numbers, "
                                   "dates, lists and mappings"))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
    if problems:
        raise error(path, problems)


def compose(yaml_text: str, path: str, first_line: int = 1, *, max_nodes: int,
            error: type) -> yaml.Node | None:
    """The YAML's node tree, nothing built yet (None when it is empty): what could make
    building it explode, or hold types no page can show, is refused first (anchors and
    aliases, more than ``max_nodes`` values, deep nesting, !!binary, !!set, << merges).
    Problems raise ``error(path, [(line, message)...])`` (FrontMatterError or a subclass) with file:line, where
    ``first_line`` is the file's line of the YAML's first line."""
    if _ANCHOR_RE.search(yaml_text):  # rarely: "R&D" or "5 * 3" are no anchor nor alias
        _refuse_anchors(yaml_text, path, first_line, error)
    loader = _Loader(yaml_text)
    try:
        node = loader.get_single_node()
    except yaml.reader.ReaderError as exc:  # a character YAML refuses: say which, where
        line = first_line + yaml_text.count("\n", 0, max(exc.position, 0))
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise error(path, [(line, control_message(char))]) from None
    except yaml.YAMLError as exc:
        raise error(path, [yaml_problem(exc, first_line)]) from None
    finally:
        loader.dispose()
    if node is not None:
        _check_nodes(node, path, first_line, max_nodes, error)
    return node


def construct(node: yaml.Node | None, path: str, first_line: int = 1, *,
              error: type) -> Any:
    """Build the Python values of a tree from :func:`compose`; a value YAML cannot build
    (the date 2024-13-45, an unhashable key) raises ``error`` with its line."""
    if node is None:
        return None
    loader = _Loader("")
    try:
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise error(path, [yaml_problem(exc, first_line)]) from None
    except (ValueError, TypeError, OverflowError, AttributeError, RecursionError) as exc:
        # a value YAML's own resolver took for a date but cannot build (AttributeError:
        # "2000-01-01 00:00:00+00:00:00.000001"), a month 13...
        raise error(path, _locate_bad_value(node, exc, first_line)) from None
    finally:
        loader.dispose()


def _locate_bad_value(node: yaml.Node, exc: Exception,
                      first_line: int) -> list[tuple[int | None, str]]:
    """Find the value PyYAML failed to build, and the top-level key it is under."""
    entries = node.value if isinstance(node, yaml.MappingNode) else [(None, node)]
    for key_node, value_node in entries:
        stack = [value_node]
        while stack:
            current = stack.pop()
            if isinstance(current, yaml.MappingNode):
                stack.extend(n for pair in reversed(current.value) for n in reversed(pair))
                continue
            if isinstance(current, yaml.SequenceNode):
                stack.extend(reversed(current.value))
                continue
            try:
                _Loader("").construct_object(current, deep=True)
            except (ValueError, TypeError, OverflowError, AttributeError) as err:
                key = getattr(key_node, "value", None)
                where = f"{key}: " if isinstance(key, str) else ""
                why = "not a date YAML can read" if isinstance(err, AttributeError) else err
                return [(first_line + current.start_mark.line,
                         f"{where}{current.value!r} cannot be read ({why})")]
    return [(first_line + node.start_mark.line, f"a value cannot be read ({exc})")]
