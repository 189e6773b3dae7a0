"""Audit the locked environment for known vulnerabilities: ``make audit`` runs this.

pip-audit alone reports "No known vulnerabilities found" and exits 0 even when the
service answered for none of the packages (each merely listed as skipped). Here:
local version labels are stripped (torch 2.13.0+cpu is audited as 2.13.0, the release
the advisories name); the PyPI service is asked, then OSV if PyPI could not audit
every package; exit 0: every package audited, no finding; 1: findings, with their
fixed versions; 2: some or all packages could not be audited (the reason printed).
Run it with the interpreter of .venv-tools, where pip-audit is installed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

LOCK = Path(__file__).resolve().parent.parent / "requirements" / "lock.txt"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\+]+)(\+\S+)?", re.MULTILINE)


def public_pins(lock_text: str) -> list[str]:
    """``name==version`` for every pin, without local labels (``+cpu``) or hashes."""
    return [f"{name}=={version}" for name, version, _ in PIN.findall(lock_text)]


def pip_audit(requirements: Path, service: str) -> tuple[dict | None, str]:
    """pip-audit's JSON report (None if it crashed) and the last line it printed."""
    cmd = [Path(sys.executable).parent / "pip-audit", "-r", requirements, "--no-deps"]
    cmd += ["--disable-pip", "--vulnerability-service", service, "-f", "json"]
    result = subprocess.run(cmd + ["--progress-spinner", "off"], capture_output=True)
    last = (result.stderr.decode().strip().splitlines() or ["(no message)"])[-1]
    try:
        return json.loads(result.stdout), last
    except json.JSONDecodeError:
        return None, last


def main() -> int:
    pins = public_pins(LOCK.read_text())
    print(f"audit: {len(pins)} pinned packages in requirements/lock.txt")
    reasons = []
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text("\n".join(pins) + "\n")
        reports = ((s, *pip_audit(requirements, s)) for s in ("pypi", "osv"))
        for service, report, last in reports:
            if report is None:
                reasons.append(f"{service}: pip-audit failed: {last}")
                print(f"audit: {service}: the service could not be reached")
                continue
            deps = report.get("dependencies", [])
            skipped = [d for d in deps if d.get("skip_reason")]
            audited = [d for d in deps if not d.get("skip_reason")]
            print(f"audit: {service}: {len(audited)} audited, {len(skipped)} not")
            if skipped and not audited:
                why = skipped[0]["skip_reason"]
                reasons.append(f"{service}: no package audited; the first: {why}")
                if "not found" in why:  # an index mirror without the per-release JSON
                    reasons[-1] += (
                        " (the vulnerability data is missing, not the package)"
                    )
                continue
            findings = [(d, v) for d in audited for v in d.get("vulns", [])]
            for dep, vuln in findings:
                aliases = ", ".join(vuln.get("aliases") or [])
                fixes = ", ".join(vuln.get("fix_versions") or []) or "none yet"
                print(f"  {dep['name']} {dep['version']}: {vuln['id']}", end="")
                print(f" ({aliases})" * bool(aliases) + f"; fixed in: {fixes}")
            for dep in skipped:
                print(f"  not audited: {dep['name']}: {dep['skip_reason']}")
            if findings:
                print(f"audit: {len(findings)} known vulnerabilities ({service})")
                return 1
            if skipped:
                print(f"audit: INCOMPLETE: {len(skipped)} packages not audited")
                return 2
            print(f"audit: no known vulnerabilities in {len(audited)} packages")
            return 0
    print("audit: NOT AUDITED: no vulnerability service could audit the lock here.")
    print(*(f"  {reason}" for reason in reasons), sep="\n")
    print("This is not a clean result: run `make audit` where a service is reachable.")
    return 2


if __name__ == "__main__":
    sys.exit(main())
