"""The package's layering: the core modules never import a chapter's module.

The core (data, models, training, the ensemble trainer, the plot helpers and the
animation engine) is what every chapter builds on; a chapter's module (``scratch``
for chapter 1, ``gradients`` for chapter 2, ...) builds on the core, never the other
way round. The imports are read from the source with :mod:`ast`, so an import inside
a function or an ``if TYPE_CHECKING:`` block counts too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "examples"
CORE = {"data", "models", "training", "ensemble", "plotting", "animation"}
# Private helpers that are not a chapter's and that the core may use.
HELPERS = {"_validate"}


def imported_examples_modules(path: Path) -> set[str]:
    """The ``examples.<name>`` modules a file imports, by ``<name>``."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "examples":  # from examples import _validate
                names = [f"examples.{alias.name}" for alias in node.names]
            else:
                names = [node.module]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "examples" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_the_reader_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "m.py"
    source.write_text(
        "from examples import _validate, scratch\n"
        "import examples.gradients\n"
        "def f():\n    from examples.training import History\n"
    )
    assert imported_examples_modules(source) == {
        "_validate",
        "scratch",
        "gradients",
        "training",
    }


@pytest.mark.parametrize("module", sorted(CORE))
def test_core_module_imports_no_chapter_module(module):
    path = PACKAGE / f"{module}.py"
    assert path.exists(), f"core module {module} is missing"
    chapter_modules = imported_examples_modules(path) - CORE - HELPERS
    assert not chapter_modules, (
        f"examples.{module} is a core module but imports the chapter module(s) "
        f"{sorted(chapter_modules)}: move what it needs into the core or the "
        "chapter's module"
    )


BOOK = PACKAGE.parents[1] / "book"
IMPORT = re.compile(r"^from examples\.([\w.]+) import", re.MULTILINE)
INCLUDE = re.compile(r"literalinclude\}\s*\.\./src/examples/([\w/]+)\.py")


def chapters_showing() -> dict[str, set[str]]:
    """Module (``collapse``, ``solutions.ch04``) -> the chapters' file stems that
    import it in a code cell or show its source with ``literalinclude``."""
    shown: dict[str, set[str]] = {}
    for page in sorted(BOOK.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        modules = set(IMPORT.findall(text))
        modules |= {path.replace("/", ".") for path in INCLUDE.findall(text)}
        for module in modules:
            shown.setdefault(module, set()).add(page.stem)
    return shown


def module_docstring(module: str) -> str:
    path = PACKAGE.joinpath(*module.split(".")).with_suffix(".py")
    assert path.exists(), f"a chapter imports examples.{module}, which is missing"
    return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""


def test_chapters_showing_finds_imports_and_listings():
    shown = chapters_showing()
    assert "01-learning-by-nudging" in shown["scratch"]
    assert "04-parabola-network" in shown["solutions.ch04"]


@pytest.mark.parametrize("module", sorted(chapters_showing()))
def test_module_docstring_names_the_chapters_that_show_it(module):
    docstring = module_docstring(module)
    last_paragraph = docstring.strip().split("\n\n")[-1]
    missing = [
        stem
        for stem in sorted(chapters_showing()[module])
        if stem not in last_paragraph
    ]
    assert not missing, (
        f"examples.{module}'s docstring should end by naming the chapters that "
        f"show it; it does not name {missing}"
    )
