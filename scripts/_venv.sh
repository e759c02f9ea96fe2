# Sourced by scripts/run and scripts/test: a project virtualenv, installed once and kept fresh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "Creating a virtual environment in .venv ..."
  "$PY" -m venv .venv
fi
stamp=.venv/.worklink-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
  echo "Installing Worklink and its dependencies ..."
  .venv/bin/python -m pip install --quiet --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
  # The pinned versions CI and the container use; the sandbox LMS is an extra (demo and tests).
  .venv/bin/python -m pip install --quiet -c constraints.txt -e '.[test,sandbox]' 2>&1 \
    | grep -v '^WARNING: Location' || true
  .venv/bin/python -c 'import lti_tool, competencies' && touch "$stamp"
fi
