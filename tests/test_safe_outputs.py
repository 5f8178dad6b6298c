"""Outputs never destroy what CIS Lab did not write (issue 9).

Each finding is reproduced: `--out victim` used to delete `victim/thesis.tex`, `--out .` emptied
the current folder and `--out ..` its parent; two writers raced and the last silently won;
`import-indigo --out` and the game's export overwrote silently; an experiment named `..` wrote
into the current folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cislab.model import safe_output
from cislab.model.outputs import atomic_folder
from cislab.model.safe_output import MARKER, OutputError
from typer.testing import CliRunner

from cislab.cli import app

runner = CliRunner()
RUN = ["run", "--months", "2", "--set", "population.size=300"]


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` with its content (to show nothing changed)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def one_error_line(output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


@pytest.fixture
def user_files(tmp_path, monkeypatch) -> Path:
    """A user's folders: tmp/home/work (the current folder) with files at every level."""
    home = tmp_path / "home"
    work = home / "work"
    (work / "victim").mkdir(parents=True)
    (home / "notes.txt").write_text("parent's file")
    (work / "data.csv").write_text("a,b\n1,2\n")
    (work / "victim" / "thesis.tex").write_text("\\chapter{One}")
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(home))
    return tmp_path


def test_out_victim_keeps_the_users_thesis(user_files):
    before = tree(user_files)
    result = runner.invoke(app, [*RUN, "--out", "victim"])
    assert result.exit_code == 2
    line = one_error_line(result.output)
    assert "--out 'victim': exists and was not written by CIS Lab; choose a new folder" in line
    assert tree(user_files) == before  # thesis.tex intact, no marker, no lock file left


# Every path here stays inside the test's own tmp folder (HOME points there too), so even a
# regression deletes nothing outside it. The root is checked without running (see below).
@pytest.mark.parametrize("out", [".", "..", "./", "victim/..", "~", "../.."])
def test_dangerous_out_is_refused_whatever_it_holds_and_nothing_is_deleted(user_files, out):
    before = tree(user_files)
    for args in ([*RUN, "--out", out], [*RUN, "--out", out, "--replace"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert "give a new folder" in one_error_line(result.output)
    assert tree(user_files) == before


def test_the_root_is_refused():
    """Checked on the rule alone: a CLI test with `--out /` would, after a regression, run the
    old `shutil.rmtree('/')`."""
    root = Path(Path.cwd().anchor)
    with pytest.raises(OutputError, match="give a new folder"):
        safe_output.check_location(root)
    with pytest.raises(OutputError, match="give a new folder"):
        safe_output.check_location(str(root / "tmp" / ".."))


def test_home_is_refused_even_when_marked_as_ours(user_files):
    """A stray marker in the home folder must not make it replaceable."""
    home = user_files / "home"
    (home / MARKER).write_text(json.dumps({"kind": "run", "files": []}))
    with pytest.raises(OutputError, match="home folder"):
        safe_output.check_location(home)


def test_an_empty_existing_folder_is_accepted(user_files):
    (user_files / "home" / "work" / "empty").mkdir()
    result = runner.invoke(app, [*RUN, "--out", "empty"])
    assert result.exit_code == 0, result.output
    assert (user_files / "home" / "work" / "empty" / "summary.json").is_file()


def test_a_cis_lab_output_is_replaced_only_with_replace(user_files):
    out = user_files / "home" / "work" / "runs" / "a"
    assert runner.invoke(app, [*RUN, "--seed", "1", "--out", str(out)]).exit_code == 0
    marker = json.loads((out / MARKER).read_text())
    assert marker["kind"] == "run" and "summary.json" in marker["files"] and marker["created"]
    first = tree(out)

    refused = runner.invoke(app, [*RUN, "--seed", "2", "--out", str(out)])
    assert refused.exit_code == 2
    assert "add --replace to replace it" in one_error_line(refused.output)
    assert tree(out) == first

    replaced = runner.invoke(app, [*RUN, "--seed", "2", "--out", str(out), "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert json.loads((out / "summary.json").read_text())["seed"] == 2
    assert sorted(p.name for p in out.parent.iterdir()) == ["a"]  # no temp, no old, no lock


def test_replace_refuses_a_cis_lab_output_holding_a_users_file(user_files):
    out = user_files / "home" / "work" / "runs" / "a"
    assert runner.invoke(app, [*RUN, "--out", str(out)]).exit_code == 0
    (out / "my_notes.md").write_text("mine")
    before = tree(out)
    result = runner.invoke(app, [*RUN, "--out", str(out), "--replace"])
    assert result.exit_code == 2
    assert "holds files CIS Lab did not write ('my_notes.md')" in one_error_line(result.output)
    assert tree(out) == before


def test_a_file_where_the_folder_should_be_is_refused(user_files):
    result = runner.invoke(app, [*RUN, "--out", "data.csv", "--replace"])
    assert result.exit_code == 2
    assert "exists and is not a folder" in one_error_line(result.output)
    assert (user_files / "home" / "work" / "data.csv").read_text() == "a,b\n1,2\n"


def test_an_out_that_cannot_be_created_is_one_line(user_files):
    before = tree(user_files)
    for command in ([*RUN], ["validate-cases", "--seeds", "1"], ["sweep", "EXP"]):
        args = [str(user_files / "exp.toml") if a == "EXP" else a for a in command]
        (user_files / "exp.toml").write_text('name = "x"\nscenario = "default"\nseeds = 1\n')
        result = runner.invoke(app, [*args, "--out", "data.csv/sub"])  # data.csv is a file
        assert result.exit_code == 2, result.output
        assert "cannot write there" in one_error_line(result.output)
        (user_files / "exp.toml").unlink()
    assert tree(user_files) == before


def test_an_interrupted_write_leaves_the_previous_output_and_no_temp_folder(tmp_path):
    out = tmp_path / "runs" / "a"
    with atomic_folder(out) as tmp:
        (tmp / "summary.json").write_text('{"v": 1}')
    before = tree(out)
    with pytest.raises(KeyboardInterrupt), atomic_folder(out, replace=True) as tmp:
        (tmp / "summary.json").write_text('{"v": 2}')
        raise KeyboardInterrupt  # Ctrl-C half-way through the new output
    assert tree(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["a"]


def test_a_failed_swap_puts_the_previous_output_back(tmp_path, monkeypatch):
    """If the new folder cannot be renamed in, the old one (already set aside) returns."""
    out = tmp_path / "a"
    with atomic_folder(out) as tmp:
        (tmp / "summary.json").write_text('{"v": 1}')
    before = tree(out)
    real_rename = os.rename

    def rename(src, dst):
        if str(src).endswith(".tmp"):
            raise OSError("disk full")
        return real_rename(src, dst)

    monkeypatch.setattr(safe_output.os, "rename", rename)
    with pytest.raises(OSError, match="disk full"), atomic_folder(out, replace=True) as tmp:
        (tmp / "summary.json").write_text('{"v": 2}')
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]


def test_what_a_killed_writer_left_is_cleaned_up_or_put_back(tmp_path):
    """kill -9 between setting the old output aside and renaming the new one in: the next
    writer finds the target missing, puts the old output back and removes the unfinished
    temporary folder; a user's look-alike hidden folder is left alone."""
    out = tmp_path / "a"
    with atomic_folder(out) as tmp:
        (tmp / "summary.json").write_text('{"v": 1}')
    before = tree(out)
    aside = tmp_path / ".a.0123456789ab.old"
    os.rename(out, aside)  # the killed writer had set it aside ...
    unfinished = safe_output._new_temp(tmp_path, "a")  # ... and half-written its new output
    (unfinished / "summary.json").write_text('{"v": 2')
    users = tmp_path / ".a.fedcba987654.tmp"  # same shape of name, but no flag: not ours
    users.mkdir()
    (users / "keep.txt").write_text("mine")
    result = runner.invoke(app, [*RUN, "--out", str(out)])
    assert result.exit_code == 2  # the previous output is back, so it needs --replace
    assert "add --replace" in one_error_line(result.output)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [users.name, "a"]


def test_removing_an_old_output_deletes_only_the_files_its_marker_lists(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "summary.json").write_text("{}")
    (folder / "sneaked_in.txt").write_text("not ours")
    safe_output.write_marker(folder, "run", ["summary.json"])
    safe_output.remove_ours(folder)
    assert tree(folder) == {"sneaked_in.txt": b"not ours"}


def test_a_second_writer_is_refused_while_the_first_holds_the_folder(tmp_path):
    out = tmp_path / "shared"
    with atomic_folder(out) as tmp:  # the first writer, mid-run
        (tmp / "summary.json").write_text('{"first": true}')
        second = runner.invoke(app, [*RUN, "--out", str(out)])
        assert second.exit_code == 2
        assert "in use by another CIS Lab command" in one_error_line(second.output)
    assert json.loads((out / "summary.json").read_text()) == {"first": True}  # the first won


def test_a_second_writer_in_another_process_is_refused(tmp_path):
    out = tmp_path / "shared"
    with safe_output.locked(out.resolve()):
        proc = subprocess.run(
            [sys.executable, "-c", "from cislab.cli import main; main()", *RUN, "--out", str(out)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=300,
        )
    assert proc.returncode == 2, proc.stderr
    assert "in use by another CIS Lab command" in one_error_line(proc.stderr)
    assert not out.exists()


def test_validate_cases_refuses_a_users_folder_before_running(user_files):
    before = tree(user_files)
    result = runner.invoke(app, ["validate-cases", "--seeds", "1", "--out", "victim"])
    assert result.exit_code == 2
    assert "was not written by CIS Lab" in one_error_line(result.output)
    assert tree(user_files) == before


@pytest.mark.parametrize(
    "command",
    [
        ["compare", "contract.audit_rate=0", "--seeds", "2", "--months", "2"],
        ["sweep", "EXP"],
        ["sensitivity", "EXP", "--samples", "2", "--seeds", "1"],
    ],
)
def test_experiments_refuse_a_users_folder_and_the_current_folder(user_files, command):
    exp = user_files / "exp.toml"
    exp.write_text(
        'name = "small"\nscenario = "default"\nseeds = 1\nmonths = 2\n'
        'outputs = ["creaming_index"]\n[fixed]\n"population.size" = 300\n'
        '[factors]\n"contract.audit_rate" = { low = 0.0, high = 1.0, steps = 2 }\n'
    )
    args = [str(exp) if a == "EXP" else a for a in command]
    before = tree(user_files)
    for out in ("victim", ".", ".."):
        result = runner.invoke(app, [*args, "--workers", "1", "--out", out])
        assert result.exit_code == 2, result.output
        line = one_error_line(result.output)
        assert "was not written by CIS Lab" in line or "give a new folder" in line
    assert tree(user_files) == before


def test_an_experiment_named_dotdot_cannot_write_into_the_current_folder(user_files):
    exp = user_files / "home" / "work" / "exp.toml"
    exp.write_text('name = ".."\nscenario = "default"\nseeds = 1\n[factors]\n')
    before = tree(user_files)
    result = runner.invoke(app, ["sweep", str(exp), "--workers", "1"])
    assert result.exit_code == 2
    assert "name" in one_error_line(result.output)
    assert tree(user_files) == before


def test_a_sweep_folder_is_marked_and_resumes_but_a_run_folder_is_not_a_sweep(tmp_path):
    from cislab.experiments.spec import ExperimentError

    run_out = tmp_path / "run"
    with atomic_folder(run_out) as tmp:
        (tmp / "summary.json").write_text("{}")
    with pytest.raises(OutputError, match="holds a CIS Lab run output, not a sweep"):
        safe_output.claim_folder(run_out, "sweep")
    sweep_out = safe_output.claim_folder(tmp_path / "sweep", "sweep")
    assert safe_output.read_marker(sweep_out)["kind"] == "sweep"
    (sweep_out / "manifest.json").write_text("{}")
    assert safe_output.claim_folder(sweep_out, "sweep") == sweep_out  # a resume is welcome
    with pytest.raises(OutputError, match="never replaced"):
        safe_output.check_folder(sweep_out, replace=True)  # nor replaced by a run
    assert issubclass(OutputError, ValueError) and not issubclass(ExperimentError, OutputError)


def test_a_sweep_folder_from_before_markers_still_resumes(tmp_path):
    legacy = tmp_path / "old_sweep"
    legacy.mkdir()
    (legacy / "manifest.json").write_text(json.dumps({"design_hash": "abc", "name": "x"}))
    assert safe_output.claim_folder(legacy, "sweep") == legacy.resolve()
    assert safe_output.read_marker(legacy)["kind"] == "sweep"


def test_write_file_refuses_an_existing_file_unless_replace(tmp_path):
    target = tmp_path / "scenario.toml"
    target.write_text("user's own")
    with pytest.raises(OutputError, match="exists; add --replace"):
        safe_output.write_file(target, b"new")
    assert target.read_text() == "user's own"
    safe_output.write_file(target, b"new", replace=True)
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenario.toml"]


def test_import_indigo_refuses_to_overwrite(user_files):
    mine = user_files / "home" / "work" / "mine.toml"
    mine.write_text("# my own scenario\n")
    result = runner.invoke(app, ["import-indigo", "35", "--out", str(mine)])
    assert result.exit_code == 2
    assert "exists; add --replace" in one_error_line(result.output)
    assert mine.read_text() == "# my own scenario\n"
    default = runner.invoke(app, ["import-indigo", "35"])  # indigo_poj_0035.toml here
    assert default.exit_code == 0, default.output
    again = runner.invoke(app, ["import-indigo", "35"])
    assert again.exit_code == 2 and "exists; add --replace" in one_error_line(again.output)
    replaced = runner.invoke(app, ["import-indigo", "35", "--out", str(mine), "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert "Educate Girls" in mine.read_text()
    folder = runner.invoke(app, ["import-indigo", "35", "--out", "victim", "--replace"])
    assert folder.exit_code == 2 and "is a folder" in one_error_line(folder.output)
    assert (user_files / "home" / "work" / "victim" / "thesis.tex").is_file()


def test_new_folder_never_overwrites_and_adds_a_suffix(tmp_path):
    def fill(folder: Path) -> None:
        (folder / "summary.csv").write_text("x\n")

    first = safe_output.new_folder(tmp_path, "2026-12-03_0412-peterborough", "debrief", fill)
    (first / "summary.csv").write_text("kept\n")
    second = safe_output.new_folder(tmp_path, "2026-12-03_0412-peterborough", "debrief", fill)
    assert first.name == "2026-12-03_0412-peterborough"
    assert second.name == "2026-12-03_0412-peterborough-2"
    assert (first / "summary.csv").read_text() == "kept\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.name, second.name]


def test_new_folder_that_fails_leaves_nothing(tmp_path):
    def fill(folder: Path) -> None:
        (folder / "half.csv").write_text("x")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        safe_output.new_folder(tmp_path, "export", "debrief", fill)
    assert list(tmp_path.iterdir()) == []
