"""The cheap pattern of non-printable characters matches what PyYAML's does, and PyYAML's
import takes it when the command line shared it first."""

from __future__ import annotations

import re
import subprocess
import sys

from azpipe.source.printable import NON_PRINTABLE, PYYAML_PATTERN

EVERY_CHARACTER = "".join(map(chr, range(sys.maxunicode + 1)))


def test_same_characters_as_pyyaml_on_every_code_point() -> None:
    # re.UNICODE is the default for text patterns, so this is PyYAML's pattern as PyYAML
    # compiles it; the flag only keys it apart from a shared entry in the cache.
    theirs = re.compile(PYYAML_PATTERN, re.UNICODE)
    assert theirs is not NON_PRINTABLE
    found = [m.start() for m in NON_PRINTABLE.finditer(EVERY_CHARACTER)]
    assert found == [m.start() for m in theirs.finditer(EVERY_CHARACTER)]
    assert len(found) == sys.maxunicode + 1 - sum(len(r) for r in _ALLOWED)


_ALLOWED = (
    range(0x09, 0x0B), range(0x0D, 0x0E), range(0x20, 0x7F), range(0x85, 0x86),
    range(0xA0, 0xD800), range(0xE000, 0xFFFE), range(0x10000, 0x110000),
)  # fmt: skip


def test_pattern_is_pyyamls() -> None:
    import yaml.reader

    assert yaml.reader.Reader.NON_PRINTABLE.pattern in (PYYAML_PATTERN, NON_PRINTABLE.pattern)


def _python(code: str) -> str:
    """What a fresh interpreter running ``code`` prints (it must succeed)."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_pyyaml_takes_the_shared_pattern_in_a_fresh_process() -> None:
    out = _python(
        "from azpipe.source.printable import NON_PRINTABLE, share_with_pyyaml\n"
        "assert share_with_pyyaml()\n"
        "import yaml.reader\n"
        "assert yaml.reader.Reader.NON_PRINTABLE is NON_PRINTABLE\n"
        "print(yaml.safe_load('a: [1, b]'))\n"
    )
    assert out == "{'a': [1, 'b']}"


def test_share_replaces_nothing_already_compiled() -> None:
    out = _python(
        "import re\n"
        "from azpipe.source.printable import NON_PRINTABLE, PYYAML_PATTERN, share_with_pyyaml\n"
        "theirs = re.compile(PYYAML_PATTERN)\n"
        "print(share_with_pyyaml(), re.compile(PYYAML_PATTERN) is theirs)\n"
    )
    assert out == "False True"


def test_the_command_line_shares_it() -> None:
    _python(
        "import sys\n"
        "from azpipe.cli import main\n"
        "sys.argv = ['azpipe', '--version']\n"
        "try:\n    main.entry()\nexcept SystemExit:\n    pass\n"
        "import re\n"
        "from azpipe.source.printable import NON_PRINTABLE, PYYAML_PATTERN\n"
        "assert re.compile(PYYAML_PATTERN) is NON_PRINTABLE\n"
    )
