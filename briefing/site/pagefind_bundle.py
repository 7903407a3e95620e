"""A Pagefind bundle made reproducible: the same pages give the same bytes on every run.

Pagefind 1.5.2 writes its filter files, and so the two files that name them, in an order that
changes from run to run: ``build_indexes`` (``pagefind/src/index/mod.rs``) collects the
filters (``filter_map``) and the sort keys (``sort_types``) in hashbrown ``HashMap``s, whose
hasher is seeded at random in every process, and encodes them in the maps' iteration order
(the source says "TODO: Change filter indexes to BTree to give them a stable hash").  The
order of the values inside a filter file, the order of the filters and of the sort orders in
the ``.pf_meta`` file, and with them the files' hash names, differ.

:func:`normalise` rewrites just those files, in the format Pagefind wrote them:

* ``filter/<lang>_<hash>.pf_filter``: gzip of the signature ``pagefind_dcd`` and the CBOR
  ``[filter, [[value, [page, ...]], ...]]``; the values are sorted (the page lists already
  are, in page order), and the file is named by its new content hash;
* ``pagefind.<lang>_<hash>.pf_meta``: gzip, signature and the CBOR ``[version, pages, index
  chunks, [[filter, hash], ...], [[sort, [page, ...]], ...], meta fields]``; the filters (with
  their new hashes) and the sorts are sorted by name, and the file renamed by its new hash;
* ``pagefind-entry.json``: the language's ``hash`` names the new meta file.

The names are made as Pagefind makes them: ``<lang>_`` and the start of the SHA-1 of the CBOR
bytes (not the signature), in Pagefind's spelling of hex (``{:x?}`` per byte, so a byte below
16 is one digit); 7 digits for a filter file, as many as Pagefind gave the meta file.  The
gzip header is Pagefind's too (no time stamp, best compression, operating system "unknown").
The fragments, the word index and Pagefind's scripts are already the same on every run.

What this does not know (another Pagefind version, a file whose signature or encoding differs
from what it can reproduce byte for byte) it leaves as Pagefind wrote it: :func:`normalise`
then returns why, and changes nothing.  No Pelican import here.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import zlib

import cbor2

from briefing.core import fileio

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"
# the Pagefind versions whose bundle layout this module was checked against (the package pin)
KNOWN_VERSIONS = ("1.5.2",)
FILTER_HASH_DIGITS = 7
_HASH_NAME = re.compile(r"[A-Za-z0-9_-]+\Z")  # a file name part, never a path


class UnknownBundle(ValueError):
    """A bundle (or one file of it) this module cannot rewrite faithfully."""


def pagefind_hash(data: bytes) -> str:
    """The SHA-1 of ``data`` spelled as Pagefind spells it: each byte in hex, without a
    leading zero (Rust's ``format!("{:x?}", byte)``)."""
    return "".join(format(byte, "x") for byte in hashlib.sha1(data).digest())


def encode(data) -> tuple[bytes, bytes]:
    """(the CBOR bytes of ``data``, the file Pagefind would write for them)."""
    body = cbor2.dumps(data)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0) as handle:
        handle.write(SIGNATURE + body)
    return body, buffer.getvalue()


def decode(path: str):
    """The data of one of Pagefind's ``.pf_*`` files (gzip, signature, CBOR).  Raises
    :class:`UnknownBundle` unless re-encoding it gives the same CBOR bytes (so a rewrite
    changes nothing but what it means to)."""
    name = os.path.basename(path)
    try:
        with open(path, "rb") as handle:
            raw = gzip.decompress(handle.read())
    except (OSError, EOFError, zlib.error) as exc:
        raise UnknownBundle(f"{name}: not a gzip file Pagefind wrote ({exc})") from None
    if not raw.startswith(SIGNATURE):
        raise UnknownBundle(f"{name}: signature {raw[:len(SIGNATURE)]!r}, not {SIGNATURE!r}")
    body = raw[len(SIGNATURE):]
    try:
        data = cbor2.loads(body)
    except (cbor2.CBORDecodeError, ValueError) as exc:
        raise UnknownBundle(f"{name}: CBOR that cannot be read ({exc})") from None
    if cbor2.dumps(data) != body:
        raise UnknownBundle(f"{name}: CBOR encoded otherwise than this module encodes it")
    return data


def _is_pairs(items, second_type) -> bool:
    return isinstance(items, list) and all(
        isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
        and isinstance(item[1], second_type) for item in items)


def _check_meta(meta, name: str) -> None:
    if not (isinstance(meta, list) and len(meta) >= 5 and isinstance(meta[0], str)
            and _is_pairs(meta[3], str) and _is_pairs(meta[4], list)
            and all(_HASH_NAME.match(filter_hash) for _, filter_hash in meta[3])):
        raise UnknownBundle(f"{name}: not the metadata layout this module knows")


def _check_filter(data, name: str, filter_name: str) -> None:
    if not (isinstance(data, list) and len(data) == 2 and data[0] == filter_name
            and _is_pairs(data[1], list)):
        raise UnknownBundle(f"{name}: not the filter {filter_name!r} in Pagefind's layout")


def _short(lang: str, digest: str, digits: int, taken: set[str]) -> str:
    """``<lang>_`` and the first ``digits`` hex digits, one more while the name is taken."""
    while f"{lang}_{digest[:digits]}" in taken and digits < len(digest):
        digits += 1
    return f"{lang}_{digest[:digits]}"


def _plan_language(bundle: str, lang: str, meta_hash: str) -> tuple[dict, str, set[str]]:
    """The files one language of the bundle should hold: ({path: bytes}, the new meta hash,
    the paths of the files they replace)."""
    if not (isinstance(meta_hash, str) and _HASH_NAME.match(meta_hash)):
        raise UnknownBundle(f"{ENTRY}: {meta_hash!r} is not the name of a meta file")
    meta_path = os.path.join(bundle, f"pagefind.{meta_hash}.pf_meta")
    meta = decode(meta_path)
    _check_meta(meta, os.path.basename(meta_path))
    writes: dict[str, bytes] = {}
    old = {meta_path}
    filters, taken = [], set()
    for filter_name, filter_hash in sorted(meta[3]):
        path = os.path.join(bundle, "filter", f"{filter_hash}.pf_filter")
        data = decode(path)
        _check_filter(data, os.path.basename(path), filter_name)
        old.add(path)
        body, gz = encode([filter_name, sorted(data[1], key=lambda item: item[0])])
        short = _short(lang, pagefind_hash(body), FILTER_HASH_DIGITS, taken)
        taken.add(short)
        filters.append([filter_name, short])
        writes[os.path.join(bundle, "filter", f"{short}.pf_filter")] = gz
    meta[3] = filters
    meta[4] = sorted(meta[4], key=lambda item: item[0])
    body, gz = encode(meta)
    prefix = f"{lang}_"
    digits = len(meta_hash) - len(prefix) if meta_hash.startswith(prefix) else 0
    if digits <= 0:
        raise UnknownBundle(f"{os.path.basename(meta_path)}: a name without {prefix!r}")
    new_hash = prefix + pagefind_hash(body)[:digits]
    writes[os.path.join(bundle, f"pagefind.{new_hash}.pf_meta")] = gz
    return writes, new_hash, old


def normalise(bundle: str | os.PathLike) -> str | None:
    """Rewrite the run-dependent files of the Pagefind bundle in ``bundle`` (see the module
    docstring).  Returns None when done, or why the bundle was left as Pagefind wrote it
    (nothing is written before every file has been read and understood)."""
    bundle = os.fspath(bundle)
    entry_path = os.path.join(bundle, ENTRY)
    try:
        with open(entry_path, "rb") as handle:
            entry_bytes = handle.read()
        entry = json.loads(entry_bytes)
        version = entry["version"]
        languages = entry["languages"]
        if version not in KNOWN_VERSIONS:
            raise UnknownBundle(f"Pagefind {version}, not one of {', '.join(KNOWN_VERSIONS)}")
        if _dump_entry(entry) != entry_bytes:
            raise UnknownBundle(f"{ENTRY}: not written as Pagefind {version} writes it")
        writes: dict[str, bytes] = {}
        replaced: set[str] = set()
        for lang, info in sorted(languages.items()):
            files, info["hash"], old = _plan_language(bundle, lang, info["hash"])
            writes.update(files)
            replaced |= old
    except UnknownBundle as exc:
        return str(exc)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return f"a bundle this cannot read ({type(exc).__name__}: {exc})"

    # new files first, the entry that names them next, the files they replace last: an
    # interruption leaves a bundle whose entry names files that are there
    for path, data in sorted(writes.items()):
        fileio.write_atomic(path, data, root=bundle)
    fileio.write_atomic(entry_path, _dump_entry(entry), root=bundle)
    for path in sorted(replaced - set(writes)):
        os.unlink(path)
    return None


def _dump_entry(entry: dict) -> bytes:
    """``pagefind-entry.json`` as Pagefind (serde_json) writes it: compact, UTF-8."""
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
