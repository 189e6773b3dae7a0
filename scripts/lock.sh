#!/usr/bin/env bash
# Refresh the locks from the ranges in pyproject.toml: `make lock` runs this script.
#
#   requirements/lock.txt   every package `make html` and `make test` install (the
#                           project's dependencies and its `dev` extra), exact
#                           versions with sha256 hashes;
#   requirements/tools.txt  pip-tools and pip-audit themselves, for .venv-tools.
#
# By default a pin is kept while it still satisfies pyproject.toml, so a new dependency
# adds its own pins and nothing else moves. UPGRADE=1 re-resolves every package to the
# newest release the ranges allow.
#
# pip-compile runs through pip with pip's own configuration, so it sees what pip sees,
# local wheel folders and extra indexes included, and records the hashes of the very
# files pip would install. On the project's machines that makes torch the CPU build
# that lies on disk (2.13.0+cpu) with that file's hash; see "Locked environment" in
# the README for what this means elsewhere.
set -eo pipefail
cd "$(dirname "$0")/.."

TOOLS=${TOOLS:-.venv-tools}
PIP_COMPILE="$TOOLS/bin/pip-compile"
if [[ ! -x $PIP_COMPILE ]]; then
    echo "lock.sh: $PIP_COMPILE is missing: run 'make lock', which installs it" >&2
    exit 1
fi

args=(--quiet --generate-hashes --allow-unsafe --strip-extras
      --no-emit-index-url --no-emit-find-links --no-emit-trusted-host)
if [[ ${UPGRADE:-0} == 1 ]]; then
    args+=(--upgrade)
fi
# The header of each lock names the command that refreshes it.
export CUSTOM_COMPILE_COMMAND="make lock"

echo "lock.sh: resolving pyproject.toml (with the dev extra) -> requirements/lock.txt"
"$PIP_COMPILE" "${args[@]}" --extra dev \
    --output-file requirements/lock.txt pyproject.toml

echo "lock.sh: resolving requirements/tools.in -> requirements/tools.txt"
"$PIP_COMPILE" "${args[@]}" \
    --output-file requirements/tools.txt requirements/tools.in

# The check `make html` makes before it trusts the lock; also moves the pre-commit
# hooks' pins (ruff, codespell) to the locked versions.
"$TOOLS/bin/python" scripts/check_lock.py --sync-hooks
echo "lock.sh: done; review and commit requirements/lock.txt and requirements/tools.txt"
