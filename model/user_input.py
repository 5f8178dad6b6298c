"""Reading what a user hands over — TOML files and `--set` values — without ever crashing.

Why a module of its own: scenario files, experiment files and override values all come from
users (or from a fuzzer), and any of them may hold arbitrary bytes. Each must either parse or
fail with one line that names the file (or field), what is wrong and what is allowed; a Python
traceback (`UnicodeDecodeError`, `RecursionError`) is never an answer. The checks are cheap and
run before `tomllib` sees the text:

- size: at most `MAX_FILE_BYTES` (shipped scenarios are ~17 kB; an imported INDIGO one ~6 kB);
- encoding: UTF-8, with an optional byte-order mark (Windows editors add one) removed;
- nesting: tables and arrays at most `MAX_DEPTH` deep (shipped files use 3), checked on the
  parsed data, and a `RecursionError` inside `tomllib` reported as the same error.

`shorten` is the one way a user's value is shown in a message: a bounded `repr`, so a 16 kB
value or a control character can never flood or hijack the terminal.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 16
MAX_SHOWN = 60
BOM = b"\xef\xbb\xbf"


class InputError(ValueError):
    """A file or value that cannot be read; the message is one line fit for a user."""


class NestingError(InputError):
    """Tables or arrays nested deeper than `MAX_DEPTH`."""


def shorten(value: Any, limit: int = MAX_SHOWN) -> str:
    """A value as a user typed it, in at most `limit` characters (… marks a cut).

    Strings are shown with `repr`, so quotes make their ends visible and control characters
    (newlines, terminal escapes) appear escaped rather than acted upon.
    """
    text = str(value) if isinstance(value, int | float) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def printable(text: str | Path, limit: int = 120, keep_end: bool = True) -> str:
    """A file name or field path for a message, unquoted: control characters escaped, long
    ones cut (the end of a file name, the start of a field path, is what identifies it)."""
    text = str(text)
    if not text.isprintable():
        text = repr(text)[1:-1]
    if len(text) <= limit:
        return text
    return "…" + text[-(limit - 1) :] if keep_end else text[: limit - 1] + "…"


def depth(data: Any) -> int:
    """Nesting depth of tables and arrays (a scalar is 0), without recursion."""
    deepest, stack = 0, [(data, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level + 1)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def parse_toml(text: str, where: str) -> dict[str, Any]:
    """Parse TOML text; every failure is an `InputError` starting with `where`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{where}: not valid TOML ({_one_line(str(exc))})") from None
    except RecursionError:
        raise NestingError(
            f"{where}: tables or arrays nested too deep (at most {MAX_DEPTH} levels)"
        ) from None
    if depth(data) > MAX_DEPTH:
        raise NestingError(
            f"{where}: tables or arrays nested too deep (at most {MAX_DEPTH} levels)"
        )
    return data


def decode(raw: bytes, where: str) -> str:
    """UTF-8 text of a file's bytes, a leading byte-order mark removed."""
    raw = raw.removeprefix(BOM)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{where}: not UTF-8 text (byte {raw[exc.start]:#04x} at offset {exc.start}); "
            f"save the file as UTF-8"
        ) from None


def read_toml_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> dict[str, Any]:
    """Read a user's TOML file, refusing oversized, non-UTF-8 or too deeply nested ones."""
    where = printable(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{where}: {size:,} bytes is too large (at most {max_bytes:,})")
        with path.open("rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"{where}: cannot read ({exc.strerror or type(exc).__name__})") from None
    if len(raw) > max_bytes:  # the file grew between stat and read
        raise InputError(f"{where}: file is too large (at most {max_bytes:,} bytes)")
    return parse_toml(decode(raw, where), where)


def _one_line(text: str) -> str:
    return " ".join(text.split())
