"""Check that requirements/lock.txt still matches the ranges in pyproject.toml.

``make html`` installs the lock, not pyproject.toml. A dependency added to
pyproject.toml but not locked would be missing from the environment, and the build
would fail far from the cause with an ImportError. This check fails at once instead,
naming each requirement of the project (and of its ``dev`` extra) that the lock does
not pin, or pins outside its range, and the command that fixes it: ``make lock``.

``--sync-hooks`` (run by ``make lock``) also rewrites the ``name==version`` pins of
``.pre-commit-config.yaml`` to the versions the lock pins, so that the hooks run the
same ruff and codespell as ``.venv``.

Usage: ``python scripts/check_lock.py [--sync-hooks]``
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "requirements" / "lock.txt"
HOOKS = ROOT / ".pre-commit-config.yaml"
EXTRAS = ("dev",)
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)
HOOK_PIN = re.compile(r"""(["'])([A-Za-z0-9][A-Za-z0-9._-]*)==([^"']+)\1""")


def locked_versions(lock_text: str) -> dict[str, Version]:
    """The ``name==version`` pins of a pip-compile lock, by canonical name."""
    pins = {}
    for name, version in PIN.findall(lock_text):
        try:
            pins[canonicalize_name(name)] = Version(version)
        except InvalidVersion as error:
            raise ValueError(f"lock_text: bad version in {name}=={version}") from error
    return pins


def project_requirements(pyproject: dict, extras=EXTRAS) -> list[Requirement]:
    """The requirements of the project and of ``extras`` that apply on this machine."""
    project = pyproject.get("project")
    if not isinstance(project, dict):
        raise ValueError("pyproject: expected a [project] table")
    wanted = [(text, "") for text in project.get("dependencies", [])]
    optional = project.get("optional-dependencies", {})
    for extra in extras:
        wanted += [(text, extra) for text in optional.get(extra, [])]
    requirements = []
    for text, extra in wanted:
        requirement = Requirement(text)
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue
        requirements.append(requirement)
    return requirements


def stale_requirements(
    requirements: list[Requirement], pins: dict[str, Version]
) -> list[str]:
    """One line for each requirement the pins leave unmet; empty when the lock fits."""
    problems = []
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        if name not in pins:
            problems.append(f"{requirement}: not in the lock")
        elif not requirement.specifier.contains(pins[name], prereleases=True):
            problems.append(f"{requirement}: the lock pins {pins[name]}")
    return problems


def hook_pins(config_text: str) -> dict[str, str]:
    """The ``name==version`` pins of a pre-commit config, by canonical name."""
    return {
        canonicalize_name(name): version
        for _, name, version in HOOK_PIN.findall(config_text)
    }


def sync_hook_pins(config_text: str, pins: dict[str, Version]) -> str:
    """``config_text`` with each pin of a locked package set to the locked version."""

    def repin(match: re.Match) -> str:
        quote, name, version = match.groups()
        locked = pins.get(canonicalize_name(name))
        return f"{quote}{name}=={locked or version}{quote}"

    return HOOK_PIN.sub(repin, config_text)


def main(argv: list[str]) -> int:
    if argv not in ([], ["--sync-hooks"]):
        print(f"usage: {sys.argv[0]} [--sync-hooks]", file=sys.stderr)
        return 2
    if not LOCK.exists():
        print(f"check_lock: {LOCK} is missing: run `make lock`", file=sys.stderr)
        return 1
    pins = locked_versions(LOCK.read_text())
    if argv:
        HOOKS.write_text(sync_hook_pins(HOOKS.read_text(), pins))
    requirements = project_requirements(tomllib.loads(PYPROJECT.read_text()))
    problems = stale_requirements(requirements, pins)
    if problems:
        print(
            f"check_lock: {LOCK.name} does not match {PYPROJECT.name}:",
            *(f"  {line}" for line in problems),
            "Run `make lock` to refresh it, then commit the lock.",
            sep="\n",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
