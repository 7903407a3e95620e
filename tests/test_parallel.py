"""The one home of parallel work (briefing.core.parallel): forked workers give the serial
answer in order, a failing or dying worker is reported, a fresh process round-trips."""

from __future__ import annotations

import os

import pytest

from briefing.core import parallel


def test_fork_map_gives_the_serial_answer_in_order_from_a_closure():
    offset = {"by": 7}  # a closure over local state: nothing of fn is pickled
    items = list(range(101))
    got = parallel.fork_map(lambda i: (i + offset["by"], os.getpid()), items, 3)
    assert [value for value, _pid in got] == [i + 7 for i in items]
    assert len({pid for _value, pid in got} - {os.getpid()}) == 3  # three workers, not here


def test_one_worker_runs_here():
    assert parallel.fork_map(lambda _i: os.getpid(), [1, 2], 1) == [os.getpid()] * 2


def test_a_failing_worker_is_reported_with_the_work_named():
    def fail_on_five(i):
        if i == 5:
            raise ValueError("five is bad")
        return i

    with pytest.raises(parallel.WorkerFailed, match="rendering failed: ValueError: five is bad"):
        parallel.fork_map(fail_on_five, list(range(10)), 2, what="rendering")


def test_a_killed_worker_is_reported_not_taken_for_an_empty_answer():
    def die_on_three(i):
        if i == 3:
            os._exit(9)
        return i

    with pytest.raises(parallel.WorkerFailed, match="stopped without a report"):
        parallel.fork_map(die_on_three, list(range(8)), 2)


def test_a_fresh_process_computes_and_reports_failures():
    assert parallel.FreshProcess("math:gcd").call(12, 18) == 6
    assert parallel.FreshProcess("os:getpid").call() != os.getpid()
    with pytest.raises(parallel.WorkerFailed, match="the probe failed: .*ZeroDivisionError"):
        parallel.FreshProcess("operator:truediv", what="the probe").call(1, 0)
