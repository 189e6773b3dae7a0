"""Check that requirements/lock.txt still pins what pyproject.toml asks for.

``make venv`` installs the lock, not pyproject.toml: a dependency added to
pyproject.toml but not locked would fail the build far away, with an ImportError.
This fails at once, naming each requirement (of the project and its ``dev`` extra)
the lock does not pin, or pins outside its range, and says to run ``make lock``.
``--sync-hooks`` (run by ``make lock``) also sets the ``name==version`` pins of
``.pre-commit-config.yaml`` to the locked versions (the hooks run .venv's ruff).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"
HOOKS = ROOT / ".pre-commit-config.yaml"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)
HOOK_PIN = re.compile(r"""(["'])([A-Za-z0-9][A-Za-z0-9._-]*)==([^"']+)\1""")


def locked_versions(lock_text: str) -> dict[str, Version]:
    """The ``name==version`` pins of a pip-compile lock, by canonical name."""
    return {canonicalize_name(n): Version(v) for n, v in PIN.findall(lock_text)}


def project_requirements(pyproject: dict, extras=("dev",)) -> list[Requirement]:
    """The requirements of the project and of ``extras`` that apply on this machine."""
    project = pyproject.get("project")
    if not isinstance(project, dict):
        raise ValueError("pyproject: expected a [project] table")
    wanted = [(Requirement(r), "") for r in project.get("dependencies", [])]
    for extra in extras:
        optional = project.get("optional-dependencies", {}).get(extra, [])
        wanted += [(Requirement(r), extra) for r in optional]
    return [r for r, x in wanted if not r.marker or r.marker.evaluate({"extra": x})]


def stale_requirements(requirements: list[Requirement], pins: dict) -> list[str]:
    """One line for each requirement the pins leave unmet; empty when the lock fits."""
    problems = []
    for requirement in requirements:
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None:
            problems.append(f"{requirement}: not in the lock")
        elif not requirement.specifier.contains(pin, prereleases=True):
            problems.append(f"{requirement}: the lock pins {pin}")
    return problems


def hook_pins(config_text: str) -> dict[str, str]:
    """The ``name==version`` pins of a pre-commit config, by canonical name."""
    return {canonicalize_name(n): v for _, n, v in HOOK_PIN.findall(config_text)}


def sync_hook_pins(config_text: str, pins: dict[str, Version]) -> str:
    """``config_text`` with each pin of a locked package set to the locked version."""

    def repin(match: re.Match) -> str:
        quote, name, version = match.groups()
        return f"{quote}{name}=={pins.get(canonicalize_name(name), version)}{quote}"

    return HOOK_PIN.sub(repin, config_text)


def main(argv: list[str]) -> int:
    if argv not in ([], ["--sync-hooks"]):
        sys.exit(f"usage: {sys.argv[0]} [--sync-hooks]")
    if not LOCK.exists():
        sys.exit(f"check_lock: {LOCK} is missing: run `make lock`")
    pins = locked_versions(LOCK.read_text())
    if argv:
        HOOKS.write_text(sync_hook_pins(HOOKS.read_text(), pins))
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    problems = stale_requirements(project_requirements(pyproject), pins)
    if problems:
        sys.exit(
            "\n  ".join(
                ["check_lock: lock.txt does not match pyproject.toml:", *problems]
            )
            + "\nRun `make lock` to refresh it, then commit the lock."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
