"""Writing files, the one way the project does it: atomically, with the modes any tool gives
them, never through a link out of their folder, and never touching a file whose bytes did
not change.

* :class:`AtomicFile` streams text or bytes to a temporary file beside the target (named
  ``.briefing-tmp-*``), then renames it into place: an interrupted run leaves the old file or
  the new one, never half of one. The file gets the mode the umask gives (0644 under umask
  022), as a file written by any other tool would, not ``mkstemp``'s private 0600.
* A file whose bytes are already these is left untouched (its modification time too).
* With ``root``, a file whose folder resolves outside ``root`` (a symbolic link in the way)
  is refused with :class:`OutsideFolderError`.
* With ``exclusive``, an existing file is never replaced (:class:`FileExistsError`).
* :func:`remove_temporaries` removes what a killed run left behind.
* :func:`digest` is the one digest of values and files (caches, fingerprints).
* :func:`walk` is the one walker of folders (content, output, theme, code).

No Pelican import here.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from typing import Callable, Iterable, Iterator

from briefing.core.errors import Report

TMP_PREFIX = ".briefing-tmp-"
TMP_SUFFIX = ".tmp"
# temporaries of earlier versions: ".<name>.<random>.tmp", ".write.<random>.tmp",
# ".<random>.tmp" and the page renderers' ".render-<random>.pickle"
_LEGACY_TMP = re.compile(r"^\.(?:briefing-tmp-.*|.*\.tmp|render-[^/]*\.pickle)$")

_mode: int | None = None


def file_mode() -> int:
    """The mode a new file gets under this process's umask (read once)."""
    global _mode
    if _mode is None:
        umask = os.umask(0o022)
        os.umask(umask)
        _mode = 0o666 & ~umask
    return _mode


class OutsideFolderError(Report, OSError):
    """A file would be written outside the folder it belongs to (through a symbolic link).
    A report for the user, not a crash."""


def inside(path: str | os.PathLike, root: str | os.PathLike) -> bool:
    """True when ``path`` (resolving every link on the way) is ``root`` or inside it."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    return real == real_root or real.startswith(os.path.join(real_root, ""))


def _existing_ancestor(folder: str) -> str:
    while folder and not os.path.lexists(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return folder or "."


def check_inside(path: str | os.PathLike, root: str | os.PathLike) -> None:
    """Raise :class:`OutsideFolderError` when ``path``'s folder leads out of ``root``."""
    folder = _existing_ancestor(os.path.dirname(os.path.abspath(path)))
    if not inside(folder, root):
        raise OutsideFolderError(
            f"{path}: not written, because {folder} leads outside {root} (to "
            f"{os.path.realpath(folder)}); remove the symbolic link")


def file_sha1(path: str | os.PathLike) -> bytes | None:
    """SHA-1 of a file's bytes, or None if it cannot be read."""
    digest = hashlib.sha1()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.digest()


def digest(*parts, files: Iterable[str | os.PathLike] = ()) -> str:
    """The project's one digest (SHA-1, hex) of values and files: a text is hashed as its
    UTF-8 bytes, bytes as they are, anything else as its ``repr()`` (so give it plain,
    ordered data: lists, tuples, sorted items); each file by its bytes."""
    h = hashlib.sha1()
    for path in files:
        h.update(b"\x00f")
        h.update(file_sha1(path) or b"missing")
    for part in parts:
        if type(part) is str:  # the common case, and page texts are long: no repr()
            h.update(b"\x00s")
            h.update(part.encode("utf-8", "surrogatepass"))
        elif isinstance(part, (bytes, bytearray, memoryview)):
            h.update(b"\x00b")
            h.update(part)
        else:
            h.update(repr(part).encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()


class AtomicFile:
    """``with AtomicFile(path) as f: f.write(...)``: see the module docstring. Text (``str``)
    is encoded as UTF-8 with newlines as given; ``bytes`` are written as they are. After the
    block, ``changed`` tells whether the file on disk changed."""

    def __init__(self, path: str | os.PathLike, *, root: str | os.PathLike | None = None,
                 exclusive: bool = False, fsync: bool = False, encoding: str = "utf-8"):
        self.path = os.fspath(path)
        self.root = root
        self.exclusive = exclusive
        self.fsync = fsync
        self.encoding = encoding
        self.changed = False
        self._digest = hashlib.sha1()
        self._handle = None
        self.tmp = ""

    def __enter__(self) -> "AtomicFile":
        if self.root is not None:
            check_inside(self.path, self.root)
        folder = os.path.dirname(self.path) or "."
        os.makedirs(folder, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=TMP_SUFFIX, dir=folder)
        try:
            os.fchmod(fd, file_mode())
        except OSError:  # pragma: no cover - a file system without modes
            pass
        self._handle = os.fdopen(fd, "wb")
        return self

    def write(self, data) -> int:
        """Write text or any bytes-like object (``pickle`` hands large frames over as
        buffers); returns the number of bytes written."""
        if isinstance(data, str):
            data = data.encode(self.encoding, "surrogateescape")
        self._digest.update(data)
        self._handle.write(data)
        return memoryview(data).nbytes

    def writelines(self, pieces: Iterable[str | bytes]) -> None:
        for piece in pieces:
            self.write(piece)

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None and self.fsync:
                self._handle.flush()
                os.fsync(self._handle.fileno())
            self._handle.close()
            if exc_type is not None:
                return False
            if self.exclusive:
                os.link(self.tmp, self.path)  # FileExistsError: never replaced
                self.changed = True
            elif file_sha1(self.path) == self._digest.digest():
                self.changed = False  # the same bytes: the old file and its mtime stay
            else:
                os.replace(self.tmp, self.path)
                self.changed = True
            return False
        finally:
            if self.tmp and os.path.lexists(self.tmp):
                os.unlink(self.tmp)


def write_atomic(path: str | os.PathLike, data: str | bytes | Iterable[str | bytes], *,
                 root: str | os.PathLike | None = None, exclusive: bool = False,
                 fsync: bool = False) -> bool:
    """Write ``data`` (text, bytes, or pieces of either) to ``path`` with :class:`AtomicFile`;
    True when the file changed."""
    with AtomicFile(path, root=root, exclusive=exclusive, fsync=fsync) as handle:
        if isinstance(data, (str, bytes)):
            handle.write(data)
        else:
            handle.writelines(data)
    return handle.changed


def is_temporary(name: str) -> bool:
    """A temporary file of a writer of this project (of any version)."""
    return bool(_LEGACY_TMP.match(name))


def remove_temporaries(folder: str | os.PathLike) -> list[str]:
    """Remove the temporaries a killed run left in ``folder`` (not below it); only call this
    while no other run can be writing there. Returns the paths removed."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if is_temporary(entry.name) and entry.is_file(follow_symlinks=False):
            try:
                os.unlink(entry.path)
                removed.append(entry.path)
            except OSError:
                pass
    return removed


def walk(root: str | os.PathLike, *, prune: Callable[[str], bool] | None = None,
         follow_links: bool = False) -> Iterator[tuple[str, os.DirEntry]]:
    """Every entry under ``root`` that is not a folder walked into, as (its path relative to
    ``root``, its ``os.DirEntry``): files, and links to folders unless ``follow_links``.
    Each folder's entries come in name order, then its subfolders, in name order. A folder
    for whose relative path ``prune`` is true is neither walked into nor yielded; a folder
    that cannot be read is skipped."""

    def entries(folder: str, rel: str) -> Iterator[tuple[str, os.DirEntry]]:
        try:
            found = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        subfolders = []
        for entry in found:
            path = os.path.join(rel, entry.name) if rel else entry.name
            try:
                is_folder = entry.is_dir() and (follow_links or not entry.is_symlink())
            except OSError:
                continue
            if not is_folder:
                yield path, entry
            elif not (prune and prune(path)):
                subfolders.append((entry.path, path))
        for folder_path, path in subfolders:
            yield from entries(folder_path, path)

    yield from entries(os.fspath(root), "")


def is_folder(entry: os.DirEntry) -> bool:
    """Is the entry a folder or a link to one (False when that cannot be told)?"""
    try:
        return entry.is_dir()
    except OSError:
        return False
