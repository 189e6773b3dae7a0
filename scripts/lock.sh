#!/usr/bin/env bash
# `make lock`: requirements/lock.txt (the project and its `dev` extra) and
# requirements/tools.txt (pip-tools, pip-audit) from their ranges, with sha256 hashes.
# A pin that still fits is kept; UPGRADE=1 moves every package to its newest release.
# pip-compile sees what pip sees (pip's configuration, local wheels included): see
# "Locked environment" in the README for torch's CPU build.
set -eo pipefail
cd "$(dirname "$0")/.."
TOOLS=${TOOLS:-.venv-tools}
test -x "$TOOLS/bin/pip-compile" || { echo "lock.sh: run 'make lock'" >&2; exit 1; }
args=(--quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url
      --no-emit-find-links --no-emit-trusted-host)
[[ ${UPGRADE:-0} == 1 ]] && args+=(--upgrade)
export CUSTOM_COMPILE_COMMAND="make lock"  # the command each lock's header names
"$TOOLS/bin/pip-compile" "${args[@]}" --extra dev -o requirements/lock.txt pyproject.toml
"$TOOLS/bin/pip-compile" "${args[@]}" -o requirements/tools.txt requirements/tools.in
# The check `make venv` makes; moves the pre-commit hooks' pins to the lock's too.
"$TOOLS/bin/python" scripts/check_lock.py --sync-hooks
echo "lock.sh: done; review and commit requirements/lock.txt and requirements/tools.txt"
