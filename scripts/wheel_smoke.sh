#!/usr/bin/env bash
# The path a trainer on Windows or macOS takes: no clone, no make — a wheel installed into a clean
# virtual environment, run from an unrelated folder that holds its own model.py and agents.py
# (which must never shadow CIS Lab). Usage: scripts/wheel_smoke.sh PYTHON WORKDIR
set -euo pipefail
PY=${1:?python}
WORK=${2:?work folder}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

# Build from a copy of what the package ships, so no stale build/ folder of the checkout can slip
# removed files into the wheel, and the checkout is left untouched.
mkdir -p "$WORK/src"
for item in pyproject.toml README.md LICENSE cislab model agents game experiments importers \
    scenarios data; do
  [ -e "$ROOT/$item" ] && cp -r "$ROOT/$item" "$WORK/src/"
done
find "$WORK/src" -name __pycache__ -prune -exec rm -rf {} +
"$PY" -m pip wheel --quiet --disable-pip-version-check --no-deps -w "$WORK/dist" "$WORK/src"
WHEEL=$(ls "$WORK"/dist/cislab-*.whl)
"$PY" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$WHEEL"

# A user's own folder, with files named like CIS Lab's source folders.
mkdir -p "$WORK/elsewhere"
cd "$WORK/elsewhere"
printf 'raise SystemExit("the user model.py was imported instead of CIS Lab")\n' > model.py
printf 'raise SystemExit("the user agents.py was imported instead of CIS Lab")\n' > agents.py
mkdir -p game && printf 'raise SystemExit("the user game/ was imported")\n' > game/__init__.py

CISLAB="$WORK/venv/bin/cislab"
"$CISLAB" --version > version.txt
"$CISLAB" scenarios > scenarios.txt
"$CISLAB" run default --months 12 --out run-default
"$CISLAB" validate-cases --seeds 2 --out validation
"$CISLAB" import-indigo --list youth > indigo.txt
"$CISLAB" import-indigo 153 --out imported.toml
"$CISLAB" run imported.toml --months 6 --out run-imported
SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy "$CISLAB" play --autoplay --screenshots shots --lang fr
