"""The one atomic writer (briefing.core.fileio): modes, unchanged files, exclusive creation,
links out of the folder, large pickles, leftovers of killed runs."""

from __future__ import annotations

import os
import pickle
import stat

import pytest

from briefing.core import fileio


def test_a_new_file_gets_the_umasks_mode(tmp_path):
    old = os.umask(0o027)
    try:
        fileio._mode = None  # read the umask again
        fileio.write_atomic(tmp_path / "a.txt", "x")
        assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o640
    finally:
        os.umask(old)
        fileio._mode = None


def test_unchanged_bytes_leave_the_file_and_its_time_alone(tmp_path):
    path = tmp_path / "a.txt"
    assert fileio.write_atomic(path, "same") is True
    os.utime(path, ns=(1, 1))
    assert fileio.write_atomic(path, ["sa", "me"]) is False
    assert path.stat().st_mtime_ns == 1
    assert fileio.write_atomic(path, b"other") is True
    assert path.read_bytes() == b"other"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_exclusive_never_replaces(tmp_path):
    path = tmp_path / "a.md"
    fileio.write_atomic(path, "first", exclusive=True)
    with pytest.raises(FileExistsError):
        fileio.write_atomic(path, "second", exclusive=True)
    assert path.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_a_link_out_of_the_root_is_refused(tmp_path):
    root, elsewhere = tmp_path / "root", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    (root / "sub").symlink_to(elsewhere)
    with pytest.raises(fileio.OutsideFolderError, match="leads outside"):
        fileio.write_atomic(root / "sub" / "page.html", "x", root=root)
    assert list(elsewhere.iterdir()) == []
    fileio.write_atomic(root / "new" / "page.html", "x", root=root)  # inside: fine


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("old")
    with pytest.raises(RuntimeError):
        with fileio.AtomicFile(path) as handle:
            handle.write("half")
            raise RuntimeError("killed")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_large_pickles_are_written_whole(tmp_path):
    """pickle protocol 5 hands frames over 64 KB to write() as buffers, not bytes."""
    import numpy

    value = (numpy.arange(200_000, dtype=numpy.int64), "x" * 100_000)
    with fileio.AtomicFile(tmp_path / "v.pickle") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    loaded = pickle.loads((tmp_path / "v.pickle").read_bytes())
    assert (loaded[0] == value[0]).all() and loaded[1] == value[1]


def test_temporaries_of_every_version_are_recognised_and_removed(tmp_path):
    names = [".briefing-tmp-abc.tmp", ".story.md.x1y2.tmp", ".write.q.tmp",
             ".render-k.pickle"]
    for name in names + ["story.md", ".hidden-note"]:
        (tmp_path / name).write_text("")
    removed = fileio.remove_temporaries(tmp_path)
    assert sorted(os.path.basename(p) for p in removed) == sorted(names)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".hidden-note", "story.md"]


def test_the_one_walker_orders_prunes_and_does_not_follow_links(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.md").write_text("z")
    (tmp_path / "a.md").write_text("a")
    (tmp_path / "c.md").write_text("c")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.md").write_text("x")
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "far.md").write_text("far")
    (tmp_path / "link").symlink_to(outside, target_is_directory=True)

    found = [rel for rel, _entry in fileio.walk(tmp_path)]
    # a folder's files by name, then its subfolders; a link to a folder is listed, not entered
    assert found == ["a.md", "c.md", "link", os.path.join(".hidden", "x.md"),
                     os.path.join("b", "z.md")]
    pruned = [rel for rel, _ in fileio.walk(tmp_path, prune=lambda r: r.startswith("."))]
    assert os.path.join(".hidden", "x.md") not in pruned
    followed = [rel for rel, _ in fileio.walk(tmp_path, follow_links=True)]
    assert os.path.join("link", "far.md") in followed and "link" not in followed
    entries = dict(fileio.walk(tmp_path))
    assert fileio.is_folder(entries["link"]) and not fileio.is_folder(entries["a.md"])
