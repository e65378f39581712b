#!/bin/sh
# Build the one-file program and run tests/test_exe.py against it, the program alone on a clean
# PATH (CI runs this after `make test`). Skips, saying why, where PyInstaller cannot be installed.
set -eu
cd "$(dirname "$0")/.."
BIN=.venv/bin
if ! "$BIN/python" -m pip install -q -e '.[exe]' >.venv/exe-install.log 2>&1; then
  echo "BỎ QUA kiểm tra bản một tệp: không cài được PyInstaller (pip install -e '.[exe]'); pip báo:"
  grep -v '^WARNING: Location' .venv/exe-install.log | tail -n 5
  exit 0
fi
"$BIN/python" tools/build_exe.py
BAOCAO_EXE="$PWD/dist/baocao" "$BIN/python" -m pytest -q tests/test_exe.py
