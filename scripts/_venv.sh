# Sourced by scripts/run and scripts/test: a project virtualenv, installed once and kept fresh.
# The caller sets WORKLINK_EXTRAS: the demo needs only the sandbox LMS, the tests also the test
# tools. WORKLINK_VENV_DRY_RUN=1 prints what would be installed and stops (tests/test_scripts.py).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
EXTRAS="${WORKLINK_EXTRAS:?the script sourcing _venv.sh names the extras it needs}"
SPEC=".[$EXTRAS]"
if [ -n "${WORKLINK_VENV_DRY_RUN:-}" ]; then
  echo "pip install -c constraints.txt -e '$SPEC'"
  exit 0
fi
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "Creating a virtual environment in .venv ..."
  "$PY" -m venv .venv
fi
# One stamp per set of extras: the demo's install does not stand in for the tests' one.
stamp=".venv/.worklink-installed-${EXTRAS//,/-}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
  echo "Installing Worklink and its dependencies ($SPEC) ..."
  .venv/bin/python -m pip install --quiet --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
  # The pinned versions CI and the container use; the sandbox LMS is an extra (demo and tests).
  .venv/bin/python -m pip install --quiet -c constraints.txt -e "$SPEC" 2>&1 \
    | grep -v '^WARNING: Location' || true
  .venv/bin/python -c 'import lti_tool, competencies' && touch "$stamp"
fi
