"""The characters a YAML file may not hold, as a regular expression that is cheap to compile.

YAML allows tab, line feed, carriage return, U+0020–U+007E, U+0085, U+00A0–U+D7FF,
U+E000–U+FFFD and U+10000–U+10FFFF. PyYAML's reader compiles, when ``yaml`` is
imported, the negated class of those ranges. Python's regular-expression compiler
builds a table entry by entry for every character of a range below U+10000, so
that one pattern costs about 57 million instructions, more than the rest of
checking an example pipeline. :data:`NON_PRINTABLE` lists the complement instead
(a few short ranges) and matches exactly the same characters
(``tests/test_printable.py`` compares the two on every code point).

:func:`share_with_pyyaml` puts it in the ``re`` module's cache under PyYAML's
pattern, so that importing ``yaml`` afterwards finds it compiled. The command
line calls it at start-up, as it pauses the garbage collector: a setting of the
process, not of the library.
"""

from __future__ import annotations

import re

# PyYAML's yaml.reader.Reader.NON_PRINTABLE, as written there.
PYYAML_PATTERN = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
NON_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def share_with_pyyaml() -> bool:
    """Let ``re.compile(PYYAML_PATTERN)`` return :data:`NON_PRINTABLE`; whether it now does.

    Only where ``re`` keeps its compiled patterns in a dict keyed by (type, pattern,
    flags), as CPython 3.11 to 3.13 do, and only before anything compiled the pattern.
    Elsewhere nothing changes and PyYAML compiles its own, as it always did.
    """
    cache = getattr(re, "_cache", None)
    if isinstance(cache, dict):
        cache.setdefault((str, PYYAML_PATTERN, 0), NON_PRINTABLE)
    return re.compile(PYYAML_PATTERN) is NON_PRINTABLE
