# Sourced by run_local.sh and run_tests.sh: make .venv with Python 3.11+ and install the project into it
# (again only when setup.py changed), then activate it.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python_bin="$(command -v python3.11 || command -v python3)"
"$python_bin" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "error: Python 3.11 or newer is needed (found $("$python_bin" --version 2>&1))" >&2; exit 2; }
[ -x "$root/.venv/bin/python" ] || "$python_bin" -m venv "$root/.venv"
# shellcheck disable=SC1091
. "$root/.venv/bin/activate"
stamp="$root/.venv/.installed-$(sha256sum "$root/setup.py" | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setting up $root/.venv (first run: a few minutes)…" >&2
  log="$root/.venv/pip-install.log"
  if ! { python -m pip install --upgrade pip wheel setuptools && python -m pip install -e "$root[test]"; } \
      >"$log" 2>&1; then
    tail -n 30 "$log" >&2; echo "error: installing the project failed (full log: $log)" >&2; exit 1
  fi
  rm -f "$root"/.venv/.installed-* && touch "$stamp"
fi
