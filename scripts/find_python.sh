#!/usr/bin/env bash
# Print the path of a Python >= 3.12 interpreter: mesa 3.5 needs it, and the machine's
# default python3 may be older. Looks on PATH first, then in pyenv's versions folder.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
for cand in "${PYTHON:-}" python3.12 python3.13 python3; do
    [ -n "$cand" ] || continue
    path=$(command -v "$cand" 2>/dev/null) || continue
    if ok "$path"; then echo "$path"; exit 0; fi
done
root=${PYENV_ROOT:-$HOME/.pyenv}
for path in $(ls -d "$root"/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -V); do
    if ok "$path"; then echo "$path"; exit 0; fi
done
echo "error: CIS Lab needs Python >= 3.12 (mesa 3.5 requires it); none found on PATH or in $root/versions." >&2
echo "       install one (e.g. 'pyenv install 3.12' or your system's python3.12) or set PYTHON=/path/to/python3.12" >&2
exit 1
