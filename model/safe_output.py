"""Output folders and files that never destroy what CIS Lab did not write.

Why one module for every writer (run, validate-cases, sweeps, compare, sensitivity,
import-indigo, the game's exports): a path typed by a user — `--out thesis`, `--out .`,
`--out ~` — must never cost them a file. The rules, in one place:

- A folder CIS Lab writes carries a marker file, `.cislab-output` (JSON: kind, version, created,
  and the files it wrote). Only a folder with that marker is ever replaced or removed, and then
  only the files the marker lists.
- An existing folder without the marker is refused, unless it is empty. Replacing an earlier
  CIS Lab output needs an explicit `replace=True` (the CLI's `--replace`).
- `.`, `..`, `/`, the home folder and every folder holding the current one are refused whatever
  they contain.
- A folder is written into a temporary sibling and renamed into place once complete; the old
  output is set aside first and deleted only after the new one is in place, so an interrupted
  write leaves the previous output intact. What a killed writer left (an unfinished temporary
  folder, an output set aside) is cleaned up or put back by the next writer of that target.
- One writer at a time: a lock file beside the target (`filelock`, which works on Windows too)
  refuses a second writer at once instead of letting the last one silently win.

Every refusal is an `OutputError` whose message is one line fit for a user; front ends print it
and exit 2.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

MARKER = ".cislab-output"
PARTIAL = ".cislab-partial"  # inside a temporary folder until it is complete
MARKER_FORMAT = 1
LOCK_SUFFIX = ".cislab-lock"
TOKEN = 12  # hex digits naming a temporary or set-aside sibling
SHOWN = 60  # characters of a user's path quoted in a message


class OutputError(ValueError):
    """An output the rules refuse; the message is one line naming the path and what to do."""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cislab")
    except PackageNotFoundError:
        return "0+unknown"


def quoted(path: str | Path) -> str:
    """A user's path for a message: shortened, and repr-quoted so control characters show."""
    text = str(path)
    if len(text) > SHOWN:
        text = text[: SHOWN - 1] + "…"
    return repr(text)


# ---------------------------------------------------------------------------------- the rules
def check_location(out: str | Path, option: str = "--out") -> Path:
    """The absolute target for `out`, or OutputError for a path no output may ever take.

    Refused whatever they hold: an empty name, `.` and `..` (and any path resolving to the
    current folder or one holding it), the filesystem root and the home folder — replacing
    any of them would take the user's other files with it.
    """
    text = str(out)
    if not text.strip():
        raise OutputError(f"{option} {quoted(text)}: empty; give a folder name")
    if Path(text).name in {"", ".", ".."}:
        raise OutputError(
            f"{option} {quoted(text)}: names the current or a parent folder; give a new folder"
        )
    target = Path(text).expanduser().resolve()
    cwd = Path.cwd().resolve()
    with suppress(RuntimeError, KeyError):  # no home folder known: nothing to compare
        if target == Path.home().resolve():
            raise OutputError(f"{option} {quoted(text)}: is the home folder; give a new folder")
    if target == Path(target.anchor) or cwd.is_relative_to(target):
        raise OutputError(
            f"{option} {quoted(text)}: is the current folder, one holding it or the root; "
            "give a new folder"
        )
    return target


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The folder's marker if it is a CIS Lab output folder, else None (never raises)."""
    path = Path(folder) / MARKER
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("kind"), str):
        return None
    return data


def write_marker(folder: Path, kind: str, files: Iterable[str] | None = None) -> None:
    """Mark `folder` as written by CIS Lab; `files` lists what it holds (None: not listed)."""
    data: dict[str, Any] = {
        "kind": kind,
        "version": _version(),
        "format": MARKER_FORMAT,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if files is not None:
        data["files"] = sorted(files)
    path = Path(folder) / MARKER
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _contents(folder: Path) -> list[str]:
    """Every file below `folder`, as POSIX paths relative to it (the marker excluded)."""
    found = []
    for root, _dirs, names in os.walk(folder):
        for name in names:
            rel = (Path(root) / name).relative_to(folder).as_posix()
            if rel != MARKER:
                found.append(rel)
    return sorted(found)


def _foreign(folder: Path, marker: dict[str, Any]) -> list[str]:
    """Files in a marked folder that its marker does not list (a user put them there)."""
    listed = marker.get("files")
    if not isinstance(listed, list):
        return []  # a folder CIS Lab fills as it goes (a sweep): never replaced, only resumed
    return [f for f in _contents(folder) if f not in set(listed)]


def check_folder(
    target: Path, replace: bool, option: str = "--out", shown: str | Path | None = None
) -> str:
    """What `target` is now — "new", "empty" or "ours" — or OutputError if it may not be written.

    "ours" is returned only with `replace`: an earlier CIS Lab output is otherwise refused.
    """
    name = quoted(shown if shown is not None else target)
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise OutputError(f"{option} {name}: exists and is not a folder; choose a new folder")
    if not target.exists():
        return "new"
    if not any(target.iterdir()):
        return "empty"
    marker = read_marker(target)
    if marker is None:
        raise OutputError(
            f"{option} {name}: exists and was not written by CIS Lab; choose a new folder"
        )
    if "files" not in marker:
        raise OutputError(
            f"{option} {name}: holds a CIS Lab {marker['kind']} that is never replaced; "
            "choose a new folder"
        )
    foreign = _foreign(target, marker)
    if foreign:
        raise OutputError(
            f"{option} {name}: holds files CIS Lab did not write ({quoted(foreign[0])}"
            f"{f' and {len(foreign) - 1} more' if len(foreign) > 1 else ''}); "
            "move them or choose a new folder"
        )
    if not replace:
        raise OutputError(
            f"{option} {name}: holds an earlier CIS Lab output; add --replace to replace it"
        )
    return "ours"


def remove_ours(folder: Path) -> None:
    """Delete a folder CIS Lab wrote: only the files its marker lists, then the empty folders.

    Anything else found there is left in place (with the folder holding it): deletion goes
    by what the marker says is ours, never by the folder's name.
    """
    marker = read_marker(folder)
    listed = marker.get("files") if marker else None
    if isinstance(listed, list):
        for rel in listed:
            path = folder / rel
            if path.resolve().is_relative_to(folder.resolve()) and path.is_file():
                path.unlink()
        (folder / MARKER).unlink(missing_ok=True)
    for root, _dirs, _names in sorted(os.walk(folder), key=lambda w: -len(w[0])):
        with suppress(OSError):  # not empty: something not ours is there, keep it
            Path(root).rmdir()


# ---------------------------------------------------------------------------------- the lock
def lock_path(target: Path) -> Path:
    """The lock of an output: a hidden file beside it (the output itself is renamed)."""
    return target.parent / f".{target.name}{LOCK_SUFFIX}"


@contextmanager
def locked(target: Path, option: str = "--out", shown: str | Path | None = None) -> Iterator[None]:
    """Hold the lock of `target`, or OutputError at once if another writer holds it."""
    name = quoted(shown if shown is not None else target)
    lock = FileLock(lock_path(target), timeout=0)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except Timeout:
        raise OutputError(
            f"{option} {name}: in use by another CIS Lab command; wait for it to finish or "
            "choose another folder"
        ) from None
    except OSError as exc:
        raise OutputError(f"{option} {name}: cannot write there ({_reason(exc)})") from None
    try:
        yield
    finally:
        # Removed while still held, so no lock files pile up beside a user's folders. A writer
        # that opened the old file in that instant fails its one try (timeout 0) and is refused.
        with suppress(OSError):  # Windows keeps an open file: it stays, harmless
            lock_path(target).unlink()
        lock.release()


# ---------------------------------------------------------------------------------- writers
@contextmanager
def output_folder(
    out: str | Path, kind: str, replace: bool = False, option: str = "--out"
) -> Iterator[Path]:
    """Yield an empty temporary folder; once the block completes it becomes `out`, atomically.

    Checked (and locked) before the block runs, so a refusal costs no work; checked again just
    before the swap. The previous output, if any, is deleted only after the new one is in
    place. On any failure, the temporary folder goes and `out` is as it was.
    """
    target = check_location(out, option)
    with locked(target, option, out):
        _recover(target)
        check_folder(target, replace, option, out)
        try:
            tmp = _new_temp(target.parent, target.name)
        except OSError as exc:
            raise OutputError(
                f"{option} {quoted(out)}: cannot write there ({_reason(exc)})"
            ) from None
        try:
            yield tmp
            _complete(tmp, kind)
            _swap_in(tmp, target, replace, option, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)  # ours: made just above
            raise


def _swap_in(tmp: Path, target: Path, replace: bool, option: str, shown: str | Path) -> None:
    """Rename the complete `tmp` to `target`; the old output is set aside, then removed."""
    state = check_folder(target, replace, option, shown)
    if state == "new":
        os.rename(tmp, target)
        return
    aside = target.parent / f".{target.name}.{uuid.uuid4().hex[:TOKEN]}.old"
    os.rename(target, aside)
    try:
        os.rename(tmp, target)
    except BaseException:
        os.rename(aside, target)
        raise
    remove_ours(aside)


def claim_folder(out: str | Path, kind: str, option: str = "--out") -> Path:
    """Make `out` a CIS Lab folder that is filled as it goes (a sweep), or reuse one.

    Accepted: a new or empty folder (it gets the marker), a folder already marked as ours, or a
    folder of a sweep from before markers existed (a manifest with a design hash). Anything
    else is refused. Such folders are resumed, never replaced.
    """
    target = check_location(out, option)
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise OutputError(
            f"{option} {quoted(out)}: exists and is not a folder; choose a new folder"
        )
    if target.exists() and any(target.iterdir()):
        marker = read_marker(target)
        if marker is None and not _legacy_sweep(target):
            raise OutputError(
                f"{option} {quoted(out)}: exists and was not written by CIS Lab; "
                "choose a new folder"
            )
        if marker is not None:
            if "files" in marker:
                raise OutputError(
                    f"{option} {quoted(out)}: holds a CIS Lab {marker['kind']} output, not a "
                    f"{kind}; choose a new folder"
                )
            return target
    try:
        target.mkdir(parents=True, exist_ok=True)
        write_marker(target, kind)
    except OSError as exc:
        raise OutputError(f"{option} {quoted(out)}: cannot write there ({_reason(exc)})") from None
    return target


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _new_temp(parent: Path, name: str) -> Path:
    """A new hidden folder beside the target, flagged unfinished until `_complete`.

    mkdir, unlike mkdtemp, keeps the user's umask. The flag lets a later writer of the same
    target recognise what a killed one left (see `_recover`).
    """
    while True:
        path = parent / f".{name}.{uuid.uuid4().hex[:TOKEN]}.tmp"
        try:
            path.mkdir()
        except FileExistsError:
            continue
        (path / PARTIAL).write_text("written by CIS Lab; unfinished\n", encoding="utf-8")
        return path


def _complete(tmp: Path, kind: str) -> None:
    """A finished temporary folder: the unfinished flag goes, the marker lists the files."""
    (tmp / PARTIAL).unlink(missing_ok=True)
    write_marker(tmp, kind, _contents(tmp))


def _recover(target: Path) -> None:
    """Clean up after a writer of `target` that was killed (kill -9, power loss).

    Called with the target's lock held, so no live writer owns these siblings. An unfinished
    temporary folder (flagged PARTIAL) is removed; a previous output set aside just before the
    kill is put back if the target is missing, else removed by its marker.
    """
    pattern = re.compile(rf"\.{re.escape(target.name)}\.[0-9a-f]{{{TOKEN}}}\.(tmp|old)")
    for path in target.parent.iterdir():
        match = pattern.fullmatch(path.name)
        if not match or path.is_symlink() or not path.is_dir():
            continue
        if match.group(1) == "tmp" and (path / PARTIAL).is_file():
            shutil.rmtree(path)
        elif match.group(1) == "old" and read_marker(path) is not None:
            if target.exists():
                remove_ours(path)
            else:
                os.rename(path, target)


def _legacy_sweep(folder: Path) -> bool:
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and "design_hash" in manifest


def write_file(
    target: str | Path, data: bytes, replace: bool = False, option: str = "--out"
) -> Path:
    """Write one file, all or nothing: refused if it exists (unless `replace`), temp + rename."""
    path = Path(target).expanduser()
    if not path.name or path.name in {".", ".."}:
        raise OutputError(f"{option} {quoted(target)}: give a file name")
    resolved = path.resolve()
    if resolved.is_dir() or path.is_symlink():
        raise OutputError(f"{option} {quoted(target)}: is a folder or a link; give a file name")
    with locked(resolved, option, target):
        if resolved.exists() and not replace:
            raise OutputError(
                f"{option} {quoted(target)}: exists; add --replace to overwrite it, "
                "or choose a new name"
            )
        resolved.parent.mkdir(parents=True, exist_ok=True)
        tmp = resolved.parent / f".{resolved.name}.{uuid.uuid4().hex[:12]}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        fd = os.open(tmp, flags, 0o666)  # 0o666: the user's umask applies, as for any new file
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, resolved)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return path


def new_folder(parent: str | Path, stem: str, kind: str, fill: Callable[[Path], Any]) -> Path:
    """Write a new folder `parent/stem` (or `stem-2`, `stem-3` … if taken); never overwrite.

    `fill(tmp)` writes the files into a temporary sibling, which is then renamed to the first
    free name. Used for the game's exports: every export is a new folder, nothing replaced.
    """
    base = Path(parent).expanduser()
    base.mkdir(parents=True, exist_ok=True)
    tmp = _new_temp(base, stem)
    try:
        fill(tmp)
        _complete(tmp, kind)
        for n in range(1, 10_000):
            final = base / (stem if n == 1 else f"{stem}-{n}")
            if final.exists() or final.is_symlink():
                continue
            try:
                os.rename(tmp, final)  # refused if the name was taken meanwhile (not empty)
            except OSError:
                continue
            return final
        raise OutputError(f"{quoted(base / stem)}: no free name left")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # ours: made just above
        raise
