"""Save slots on disk: `~/.cislab/saves/slot-1.json` … `slot-8.json`.

Why slots rather than one file: a facilitator keeps several moments of a workshop (before the
recession, the other group's design) and must never lose one by saving another. A slot is
written only through a temporary file in the same folder and an atomic rename, so a crash leaves
the old save or the new one, never half of either; and a used slot is replaced only when the
caller says so (the menu asks first). The folder follows `Path.home()` at call time.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cislab.game.savefile import MAX_BYTES, SaveData, SaveError, parse
from cislab.model.schema import Scenario

SLOTS = 8
OLD_SAVE = "session.pkl"  # the former pickle save, never opened again


def home_dir() -> Path:
    return Path.home() / ".cislab"


def default_dir() -> Path:
    return home_dir() / "saves"


def slot_path(folder: Path, slot: int) -> Path:
    if not 1 <= slot <= SLOTS:
        raise ValueError(f"slot {slot}: allowed 1–{SLOTS}")
    return folder / f"slot-{slot}.json"


@dataclass(frozen=True)
class SlotInfo:
    """What the menu shows for one slot."""

    slot: int
    path: Path
    used: bool
    saved_at: datetime | None = None
    case: str = ""
    month: int = 0
    error: SaveError | None = None  # a file is there but is not a readable save

    @property
    def readable(self) -> bool:
        return self.used and self.error is None


def list_slots(folder: Path) -> list[SlotInfo]:
    """Every slot with its date, case and month (or why it cannot be read); reads JSON only."""
    out = []
    for slot in range(1, SLOTS + 1):
        path = slot_path(folder, slot)
        try:
            if not (path.exists() or path.is_symlink()):
                out.append(SlotInfo(slot, path, used=False))
                continue
            data, _ = parse(read_bytes(path), path.name)
        except OSError as exc:  # e.g. a folder we may not read
            error = SaveError("save.error.read", name=path.name, problem=exc.strerror or exc)
            out.append(SlotInfo(slot, path, used=True, error=error))
            continue
        except SaveError as exc:
            out.append(SlotInfo(slot, path, used=True, error=exc))
            continue
        out.append(
            SlotInfo(
                slot,
                path,
                used=True,
                saved_at=datetime.fromisoformat(data.saved_at),
                case=data.case,
                month=data.session.position.month,
            )
        )
    return out


def first_free(folder: Path) -> int | None:
    return next((s.slot for s in list_slots(folder) if not s.used), None)


def read_bytes(path: Path) -> bytes:
    """A save file's bytes, refusing what is not a small regular file (folders, devices, pickles)
    with a `SaveError` that names it."""
    name = path.name
    if path.suffix == ".pkl":
        raise SaveError("save.error.pickle", name=name)
    try:
        if not path.exists():
            raise SaveError("save.error.missing", name=name)
        if not path.is_file():
            raise SaveError("save.error.not_file", name=name)
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SaveError("save.error.read", name=name, problem=exc.strerror or exc) from None
    return raw


def load(path: Path) -> tuple[SaveData, Scenario]:
    """Read and validate a save file (no replay): its data and its scenario."""
    return parse(read_bytes(path), path.name)


def write(path: Path, raw: bytes, overwrite: bool = False) -> Path:
    """Write `raw` to `path` atomically; an existing file is replaced only with `overwrite`."""
    try:
        return _write(path, raw, overwrite)
    except OSError as exc:
        raise SaveError("save.error.write", name=path.name, problem=exc.strerror or exc) from None


def _write(path: Path, raw: bytes, overwrite: bool) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise SaveError("save.error.not_file", name=path.name)
    if path.exists() and not overwrite:
        raise SaveError("save.error.slot_used", name=path.name)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            _place_new(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return path


def _place_new(tmp: Path, path: Path) -> None:
    """Move `tmp` to `path` only if nothing is there, even if another process saves at once:
    a hard link fails when the name exists (where links are not supported, check then rename)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise SaveError("save.error.slot_used", name=path.name) from None
    except OSError:
        if path.exists():
            raise SaveError("save.error.slot_used", name=path.name) from None
        os.replace(tmp, path)


def old_saves(folder: Path) -> list[Path]:
    """Former pickle saves near the slots: reported as no longer supported, never opened."""
    try:
        found = [home_dir() / OLD_SAVE]
        if folder.is_dir():
            found += sorted(folder.glob("*.pkl"))
        return [p for p in dict.fromkeys(found) if p.is_file()]
    except OSError:
        return []
