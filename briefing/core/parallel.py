"""The one home of running work in parallel, in the three ways the project needs: threads for
numpy and subprocess work that leaves the GIL (:func:`thread_pool`), forked workers for pure
Python work over shared read-only state (:func:`fork_map`), and a fresh interpreter for work
whose memory must be given back when it ends (:class:`FreshProcess`).

How many workers: :func:`cores`, the cores this process may run on (not the machine's).
"""

from __future__ import annotations

import concurrent.futures
import importlib
import os
import pickle
import subprocess
import sys
from typing import Any, Callable, Sequence, TypeVar

from briefing.core.errors import Report

T = TypeVar("T")
R = TypeVar("R")


class WorkerFailed(Report, RuntimeError):
    """A worker failed or was killed; the message says which work and why."""


def cores() -> int:
    """The cores this process may run on (a container's or taskset's limit included)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def thread_pool(workers: int | None = None) -> concurrent.futures.ThreadPoolExecutor:
    """A pool of ``workers`` threads (default: :func:`cores`), as a context manager."""
    return concurrent.futures.ThreadPoolExecutor(max(1, workers or cores()))


def can_fork() -> bool:
    return hasattr(os, "fork")


def fork_map(fn: Callable[[T], R], items: Sequence[T], workers: int, *,
             what: str = "work") -> list[R]:
    """``[fn(item) for item in items]``, computed by ``workers`` forked processes (worker k
    takes every k-th item). ``fn`` may be a closure over anything in this process: nothing
    of it is pickled, only the results, each sent back through the worker's own pipe. A
    worker that raises or dies makes the call raise :class:`WorkerFailed` (``what`` names the
    work in the message). With one worker, or where there is no fork, it runs here."""
    workers = max(1, min(workers, len(items)))
    if workers == 1 or not can_fork():
        return [fn(item) for item in items]
    started = []
    try:
        for k in range(workers):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child, which never returns
                os.close(read_end)
                _work(fn, items, k, workers, write_end)
            os.close(write_end)
            started.append((pid, read_end))
    except BaseException:
        for pid, read_end in started:
            os.close(read_end)
            os.waitpid(pid, 0)
        raise
    results: list[Any] = [None] * len(items)
    errors = []
    for pid, read_end in started:
        # each worker writes only to its own pipe: reading them in turn cannot deadlock
        with os.fdopen(read_end, "rb") as handle:
            data = handle.read()
        os.waitpid(pid, 0)
        try:
            kind, payload = pickle.loads(data)
        except (EOFError, ValueError, pickle.UnpicklingError):
            kind, payload = "error", "a worker stopped without a report"
        if kind == "ok":
            for i, value in payload.items():
                results[i] = value
        else:
            errors.append(payload)
    if errors:
        raise WorkerFailed(f"{what} failed: " + "; ".join(errors))
    return results


def _work(fn, items, k: int, workers: int, write_end: int) -> None:  # pragma: no cover
    """A forked worker: compute its share, report it, and leave without running anything
    of the parent's (atexit handlers, buffered output) a second time."""
    status = 0
    try:
        payload = ("ok", {i: fn(items[i]) for i in range(k, len(items), workers)})
    except BaseException as exc:  # reported to the parent, which raises
        payload = ("error", f"{type(exc).__name__}: {exc}")
        status = 1
    try:
        with os.fdopen(write_end, "wb") as handle:
            pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        os._exit(status)


class FreshProcess:
    """``target(*args)`` computed in a fresh Python interpreter (``target`` is
    ``"package.module:function"``; the arguments and the result are pickled). ``start()``
    it early when there is other work to do meanwhile: it spends its first moments importing.
    Its working memory is given back to the system when it ends. A failure raises
    ``error`` (default :class:`WorkerFailed`) with the last lines of its error output."""

    def __init__(self, target: str, *, what: str = "the worker process",
                 error: type[Exception] = WorkerFailed) -> None:
        self.target, self.what, self.error = target, what, error
        self._proc: subprocess.Popen | None = None

    def start(self) -> "FreshProcess":
        if self._proc is None:
            cmd = [sys.executable, "-c", "from briefing.core.parallel import _serve; _serve()"]
            try:
                self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            except OSError as exc:
                raise self.error(f"{self.what}: could not start: {exc}") from None
        return self

    def call(self, *args: Any) -> Any:
        proc = self.start()._proc
        assert proc is not None
        try:
            payload = pickle.dumps((self.target, args), protocol=pickle.HIGHEST_PROTOCOL)
            out, err = proc.communicate(payload)
        except BaseException:  # interrupted here: the process must not outlive the caller
            proc.kill()
            proc.wait()
            raise
        if proc.returncode != 0:
            detail = err.decode("utf-8", "replace").strip().splitlines()[-5:]
            raise self.error(f"{self.what} failed: " + " / ".join(detail))
        return pickle.loads(out)


def _serve() -> None:
    """The other end of :class:`FreshProcess`: (target, args) on stdin, the result on
    stdout."""
    target, args = pickle.load(sys.stdin.buffer)
    module, _, name = target.partition(":")
    result = getattr(importlib.import_module(module), name)(*args)
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
