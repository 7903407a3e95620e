"""The one base of the problems Briefing reports to its user instead of crashing.

A :class:`Report` is shown as its message, without a traceback (by the ``briefing`` command,
and in a build by the integrity plugin's log filter), and the process exits with its
``exitcode``. Subclass it together with the built-in exception the problem is (``OSError``,
``ValueError``...), so that code catching that still catches it.
"""


class Report(Exception):
    """A problem for the user: a message naming the file (and line), no traceback."""

    exitcode = 1
    report = True
