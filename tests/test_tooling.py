"""The contributor tooling: the lock check, the pre-commit pins, the site's addresses,
the audit's input and the GitHub workflows."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.version import Version
from sphinx.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def load_script(name: str, folder: str = "scripts"):
    """A module of scripts/ (or ``folder``), imported from its file (not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_lock = load_script("check_lock")
audit = load_script("audit")
site_urls = load_script("site_urls", "book/_ext")

LOCK_TEXT = """\
#    make lock
#
jupyter-book==1.0.4.post1 \\
    --hash=sha256:0123
    # via basics-of-ml-examples (pyproject.toml)
torch==2.13.0+cpu \\
    --hash=sha256:4567
numpy==2.4.6 ; python_version >= "3.11" \\
    --hash=sha256:89ab
"""


# --- the lock check ---------------------------------------------------------------


def test_locked_versions_reads_every_pin_with_its_local_label():
    pins = check_lock.locked_versions(LOCK_TEXT)
    assert pins == {
        "jupyter-book": Version("1.0.4.post1"),
        "torch": Version("2.13.0+cpu"),
        "numpy": Version("2.4.6"),
    }


def test_a_cpu_build_satisfies_an_exact_pin_of_its_release():
    # pyproject pins torch==2.13.0; the lock holds the CPU build, 2.13.0+cpu.
    pins = check_lock.locked_versions(LOCK_TEXT)
    assert check_lock.stale_requirements([Requirement("torch==2.13.0")], pins) == []


def test_missing_and_out_of_range_requirements_are_named():
    pins = check_lock.locked_versions(LOCK_TEXT)
    requirements = [
        Requirement("playwright>=1.50"),
        Requirement("Jupyter_Book>=2"),
        Requirement("numpy>=1.26"),
    ]
    problems = check_lock.stale_requirements(requirements, pins)
    assert problems == [
        "playwright>=1.50: not in the lock",
        "Jupyter_Book>=2: the lock pins 1.0.4.post1",
    ]


def test_project_requirements_take_the_dev_extra_and_markers():
    pyproject = {
        "project": {
            "dependencies": ["numpy>=1.26", "colorama; sys_platform == 'win32'"],
            "optional-dependencies": {
                "dev": ["pytest>=8"],
                "docs": ["furo"],
            },
        }
    }
    names = [r.name for r in check_lock.project_requirements(pyproject)]
    expected = ["numpy", "pytest"]
    if sys.platform == "win32":
        expected.insert(1, "colorama")
    assert names == expected


def test_project_requirements_need_a_project_table():
    with pytest.raises(ValueError, match="pyproject"):
        check_lock.project_requirements({"tool": {}})


def test_hook_pins_are_moved_to_the_locked_versions():
    config = 'additional_dependencies: ["ruff==0.1.0", "other==3"]\n'
    pins = {"ruff": Version("0.17.6")}
    synced = check_lock.sync_hook_pins(config, pins)
    assert synced == 'additional_dependencies: ["ruff==0.17.6", "other==3"]\n'


def test_the_hooks_run_the_locked_ruff_and_codespell():
    lock = check_lock.locked_versions((ROOT / "requirements" / "lock.txt").read_text())
    hooks = check_lock.hook_pins((ROOT / ".pre-commit-config.yaml").read_text())
    assert {"ruff", "codespell"} <= hooks.keys()
    for name, version in hooks.items():
        assert Version(version) == lock[name], f"{name}: run `make lock`"


def test_the_chapters_code_cells_pass_ruff():
    """Chapter code is linted like the package: ruff over the notebooks generated
    from the chapters (their code cells, setup cell and inlined listings)."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"]
    check = [h for r in hooks for h in r["hooks"] if h["id"] == "ruff-check"]
    assert "jupyter" in check[0]["types_or"]
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run(
        [str(ruff), "check", "--no-cache", "--output-format", "concise", *notebooks],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- make audit -------------------------------------------------------------------


def test_audit_asks_about_public_releases_without_local_labels():
    assert audit.public_pins(LOCK_TEXT) == [
        "jupyter-book==1.0.4.post1",
        "torch==2.13.0",
        "numpy==2.4.6",
    ]


# --- the site's addresses ---------------------------------------------------------


def test_site_path_is_the_path_of_the_base_url():
    assert site_urls.site_path("https://owner.github.io/basics-of-ml/") == (
        "/basics-of-ml/"
    )
    assert site_urls.site_path("https://book.example.org/") == "/"


@pytest.mark.parametrize(
    "baseurl", ["/basics-of-ml/", "owner.github.io/x/", "https://owner.github.io/x"]
)
def test_a_base_url_that_is_not_absolute_or_lacks_its_slash_fails(baseurl):
    with pytest.raises(ConfigError, match="html.baseurl"):
        site_urls.site_path(baseurl)


def test_the_configured_base_url_is_valid():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert site_urls.site_path(config["html"]["baseurl"]).startswith("/")


# --- the GitHub workflows ---------------------------------------------------------


def workflows() -> dict[str, dict]:
    return {p.name: yaml.safe_load(p.read_text()) for p in WORKFLOWS.glob("*.yml")}


def run_steps(workflow: dict):
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            if "run" in step:
                yield step


def test_every_shell_step_fails_on_the_first_error():
    for name, workflow in workflows().items():
        assert workflow["defaults"]["run"]["shell"] == "bash", name
        for step in run_steps(workflow):
            assert step["run"].lstrip().startswith("set -eo pipefail"), (name, step)


def test_no_workflow_runs_untrusted_code_with_secrets():
    for name, workflow in workflows().items():
        triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
        assert "pull_request_target" not in triggers, name
        assert workflow["permissions"] == {"contents": "read"}, name


def test_ci_runs_the_tests_on_pushes_and_pull_requests():
    ci = workflows()["ci.yml"]
    assert {"push", "pull_request"} <= set(ci[True])
    commands = " ".join(step["run"] for step in run_steps(ci))
    assert ".ci/run" in commands or "make test" in commands


def test_the_execution_cache_is_keyed_on_every_input_with_a_fallback():
    """A prose edit must not execute every chapter on GitHub: the exact key hashes
    every input, and the fallback restores an earlier cache whose stale chapters the
    build re-executes (tests/test_build_cache.py)."""
    inputs = ["book/**", "src/**", "requirements/lock.txt", "_config.yml"]
    for name in ("ci.yml", "pages.yml"):
        steps = [
            step
            for job in workflows()[name]["jobs"].values()
            for step in job["steps"]
            if step.get("uses", "").startswith("actions/cache@")
            and step["with"]["path"] == "_build/.jupyter_cache"
        ]
        assert len(steps) == 1, name
        key = steps[0]["with"]["key"]
        hashed = re.search(r"hashFiles\((.*)\)", key).group(1)
        for pattern in inputs:
            assert f"'{pattern}'" in hashed, (name, pattern)
        prefix = key.split("${{ hashFiles")[0]
        assert steps[0]["with"]["restore-keys"].splitlines() == [prefix], name


def test_pages_deploys_the_built_site_from_main_only():
    pages = workflows()["pages.yml"]
    assert pages[True]["push"]["branches"] == ["main"]
    assert pages["concurrency"]["cancel-in-progress"] is False
    build, deploy = pages["jobs"]["build"], pages["jobs"]["deploy"]
    upload = [s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", "")]
    assert upload[0]["with"]["path"] == "_build/html"
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"


# --- make clean and make clean-all ------------------------------------------------


def _fake_build(tmp_path: Path) -> Path:
    (tmp_path / "Makefile").write_text((ROOT / "Makefile").read_text())
    build = tmp_path / "_build"
    for folder in (".jupyter_cache/executed", ".book-exec", "html", ".doctrees", "pdf"):
        (build / folder).mkdir(parents=True)
    for name in (".book-exec/stamp", ".book-exec/last-build.json", "html/index.html"):
        (build / name).write_text("x")
    (tmp_path / "venv").mkdir()
    return build


def _make(tmp_path: Path, target: str) -> None:
    subprocess.run(
        ["make", "-s", target, f"VENV={tmp_path}/venv", f"TOOLS={tmp_path}/tools"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )


def test_make_clean_keeps_the_execution_cache_and_drops_the_site(tmp_path):
    build = _fake_build(tmp_path)
    _make(tmp_path, "clean")
    left = sorted(str(p.relative_to(build)) for p in build.rglob("*"))
    # The stamp goes: the next `make html` must build, from the cache.
    assert left == [
        ".book-exec",
        ".book-exec/last-build.json",
        ".jupyter_cache",
        ".jupyter_cache/executed",
    ]
    assert (tmp_path / "venv").is_dir()


def test_make_clean_all_removes_the_cache_and_the_environments(tmp_path):
    _fake_build(tmp_path)
    _make(tmp_path, "clean-all")
    assert not (tmp_path / "_build").exists()
    assert not (tmp_path / "venv").exists()


# --- make check CHAPTER=NN ----------------------------------------------------------

check_chapter = load_script("check_chapter")


def test_check_finds_a_chapter_by_its_number_with_or_without_its_zero():
    assert check_chapter.find_chapter("7") == check_chapter.find_chapter("07")
    assert check_chapter.find_chapter("3").name.startswith("03-")


@pytest.mark.parametrize("number", ["99", "seven", ""])
def test_check_rejects_a_chapter_that_does_not_exist(number):
    with pytest.raises(SystemExit, match="make check: .*(no chapter|CHAPTER must)"):
        check_chapter.find_chapter(number)


def test_check_runs_the_tests_of_what_the_chapter_imports_and_shows(tmp_path):
    (tmp_path / "book").mkdir()
    chapter = tmp_path / "book" / "04-mini-batches.md"
    chapter.write_text(
        "from examples.batching import mini_batch_losses\n"
        "import examples._validate\n"
        "```{literalinclude} ../src/examples/plotting.py\n"
        "from examples.solutions.ch04 import smaller_batches\n"
    )
    names = [
        "test_batching.py",
        "test_validate.py",
        "test_plotting.py",
        "test_solutions_ch04.py",
        "chapters/test_ch04_mini_batches.py",
        "test_unrelated.py",
        "chapters/test_ch07_other.py",
    ]
    for name in names:
        (tmp_path / "tests" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "tests" / name).write_text("")
    found = check_chapter.test_files(chapter, tmp_path)
    found = [str(p.relative_to(tmp_path / "tests")) for p in found]
    assert sorted(found[:3]) == sorted(names[:3])  # the modules, then these two
    assert found[3:] == names[3:5]


# --- make serve -----------------------------------------------------------------------


def test_serve_checks_the_rules_before_building(tmp_path):
    """A broken rule (here: no tests/chapters/ in the copy) stops a `make serve`
    build in seconds, saying why, before anything executes."""
    from tests.book_builds import NOTEBOOK_HEADER, make_book

    book = make_book(tmp_path / "book", [], pages={"99-extra": NOTEBOOK_HEADER})
    result = subprocess.run(
        [sys.executable, "-c", "import serve; serve.build()"],
        cwd=book / "scripts",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "[chapter test] no tests/chapters/test_ch99_*.py" in result.stderr
    assert "serve: not built: a house rule is broken" in result.stdout
    assert not (book / "_build" / "html").exists()


SERVE_PAGE = """# An extra page

```{code-cell} ipython3
print("first" + " version")
```
"""


def _serve(book: Path, call: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", f"import serve; serve.{call}"],
        cwd=book / "scripts",
        capture_output=True,
        text=True,
        timeout=500,
    )


def test_a_failed_serve_build_leaves_the_last_good_pages_on_show(tmp_path):
    from tests.book_builds import NOTEBOOK_HEADER, make_book

    book = make_book(
        tmp_path / "book", [], pages={"extra": NOTEBOOK_HEADER + SERVE_PAGE}
    )
    first = _serve(book, "build()")
    served = book / "_build" / "serve" / "book" / "extra.html"
    assert "serve: built" in first.stdout, first.stdout + first.stderr[-3000:]
    assert "first version" in served.read_text(encoding="utf-8")
    page = book / "book" / "extra.md"
    page.write_text(page.read_text().replace('print("first"', "1 / 0; print("))
    second = _serve(book, "build()")
    assert "serve: BUILD FAILED" in second.stdout
    assert "the last good pages stay on show" in second.stdout
    assert "first version" in served.read_text(encoding="utf-8")


def test_stopping_serve_stops_its_build(tmp_path):
    """Even killed outright, `make serve` takes its running build with it."""
    import os
    import signal
    import time

    from tests.book_builds import NOTEBOOK_HEADER, make_book

    slow = SERVE_PAGE.replace(
        'print("first" + " version")', "import time; time.sleep(300)"
    )
    book = make_book(tmp_path / "book", [], pages={"extra": NOTEBOOK_HEADER + slow})
    serve = subprocess.Popen(
        [sys.executable, "-c", "import serve; serve.run_build()"],
        cwd=book / "scripts",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def builds() -> list[int]:
        found = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                text = cmdline.read_bytes()
            except OSError:
                continue
            if str(book / "scripts" / "build.py").encode() in text:
                found.append(int(cmdline.parent.name))
        return found

    deadline = time.monotonic() + 60
    while not builds() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert builds(), "the build never started"
    time.sleep(3)  # executing the page
    os.kill(serve.pid, signal.SIGKILL)
    serve.wait()
    deadline = time.monotonic() + 60
    while builds() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert builds() == []
