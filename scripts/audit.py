"""Audit the locked environment for known vulnerabilities: ``make audit`` runs this.

pip-audit looks up every pin of requirements/lock.txt in a vulnerability service.
Alone, it reports "No known vulnerabilities found" and exits 0 even when the service
answered for none of the packages (each is merely listed as skipped). This script
never lets that pass for a clean audit:

* local version labels are stripped first (torch 2.13.0+cpu is audited as torch
  2.13.0, the release the advisories name);
* it asks the PyPI service, then OSV if PyPI could not audit every package;
* exit 0: every package audited, no finding; exit 1: findings (listed with their
  fixed versions); exit 2: some or all packages could not be audited (the reason is
  printed, e.g. the service is unreachable from this network).

Run it with the interpreter of .venv-tools, where pip-audit is installed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"
SERVICES = ("pypi", "osv")
# What a network says that mirrors PyPI's package index but not its per-release JSON
# API, where the advisories are.
NOT_FOUND_HINT = (
    " (every release of every package 'not found': the vulnerability data, not the"
    " packages, is missing from what this network serves)"
)
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\+]+)(\+\S+)?", re.MULTILINE)


def public_pins(lock_text: str) -> list[str]:
    """``name==version`` for every pin, without local labels (``+cpu``) or hashes."""
    return [f"{name}=={version}" for name, version, _ in PIN.findall(lock_text)]


def run_pip_audit(pins: list[str], service: str) -> tuple[dict | None, str]:
    """pip-audit's JSON report for ``pins`` (None if it crashed) and its stderr."""
    pip_audit = Path(sys.executable).parent / "pip-audit"
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text("\n".join(pins) + "\n")
        cmd = [str(pip_audit), "--requirement", str(requirements), "--no-deps"]
        cmd += ["--disable-pip", "--vulnerability-service", service]
        cmd += ["--format", "json", "--progress-spinner", "off"]
        result = subprocess.run(cmd, capture_output=True, text=True)
    try:
        return json.loads(result.stdout), result.stderr
    except json.JSONDecodeError:
        return None, result.stderr


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no message)"


def main() -> int:
    pins = public_pins(LOCK.read_text())
    print(f"audit: {len(pins)} pinned packages in {LOCK.relative_to(ROOT)}")
    reasons = []
    for service in SERVICES:
        report, stderr = run_pip_audit(pins, service)
        if report is None:
            reasons.append(f"{service}: pip-audit failed: {last_line(stderr)}")
            print(f"audit: {service}: the service could not be reached")
            continue
        dependencies = report.get("dependencies", [])
        skipped = [d for d in dependencies if d.get("skip_reason")]
        audited = [d for d in dependencies if not d.get("skip_reason")]
        print(f"audit: {service}: {len(audited)} audited, {len(skipped)} not audited")
        if skipped and len(skipped) == len(dependencies):
            reasons.append(
                f"{service}: no package audited; the first: {skipped[0]['skip_reason']}"
                + (NOT_FOUND_HINT if "not found" in skipped[0]["skip_reason"] else "")
            )
            continue
        findings = [(d, v) for d in audited for v in d.get("vulns", [])]
        for dependency, vuln in findings:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "none yet"
            aliases = ", ".join(vuln.get("aliases") or [])
            print(
                f"  {dependency['name']} {dependency['version']}: {vuln['id']}"
                + (f" ({aliases})" if aliases else "")
                + f"; fixed in: {fixes}"
            )
        for dependency in skipped:
            print(f"  not audited: {dependency['name']}: {dependency['skip_reason']}")
        if findings:
            print(f"audit: {len(findings)} known vulnerabilities (service: {service})")
            return 1
        if skipped:
            print(f"audit: INCOMPLETE: {len(skipped)} packages could not be audited")
            return 2
        print(f"audit: no known vulnerabilities in {len(audited)} packages")
        return 0
    print(
        "audit: NOT AUDITED: no vulnerability service could audit the lock from here.",
        *(f"  {reason}" for reason in reasons),
        "This is not a clean result: run `make audit` where a service is reachable.",
        sep="\n",
    )
    return 2


if __name__ == "__main__":
    sys.exit(main())
