from pathlib import Path

import examples

ROOT = Path(__file__).resolve().parent.parent


def test_examples_is_this_repos_package():
    # "examples" is a common name: a stray one in site-packages must not shadow ours.
    assert (
        Path(examples.__file__).resolve() == ROOT / "src" / "examples" / "__init__.py"
    )


def test_import_has_no_side_effects():
    import subprocess
    import sys

    code = (
        "import matplotlib as mpl, torch\n"
        "before = dict(mpl.rcParams); state = torch.random.get_rng_state()\n"
        "import examples.data, examples.models, examples.plotting, examples.scratch\n"
        "import examples.training\n"
        "assert dict(mpl.rcParams) == before, 'rcParams changed on import'\n"
        "assert torch.equal(state, torch.random.get_rng_state()), 'torch RNG touched'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_library_the_book_imports_is_declared():
    """A module imported by the package or a chapter's code comes from a distribution
    pyproject.toml names (not only from a dependency of one, which may drop it), but
    for the notebook's own runtime: IPython and MyST-NB's glue, which the kernel and
    the build (ipykernel and jupyter-book, in the dev extra) provide."""
    import ast
    import re
    import sys
    import tomllib
    from importlib.metadata import packages_distributions

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    code = [p.read_text() for p in (ROOT / "src" / "examples").rglob("*.py")]
    for chapter in ROOT.glob("book/*.md"):
        cells = re.findall(
            r"^```\{code-cell\}.*?\n(.*?)^```",
            chapter.read_text(),
            re.MULTILINE | re.DOTALL,
        )
        code += [re.sub(r"^[:%!].*$", "", cell, flags=re.MULTILINE) for cell in cells]
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for text in code
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Import | ast.ImportFrom)
        and not getattr(node, "level", 0)
        for alias in node.names
    }
    providers = packages_distributions()
    undeclared = sorted(
        f"{name} (from {', '.join(providers.get(name, ['?']))})"
        for name in imported
        - set(sys.stdlib_module_names)
        - {"examples", "IPython", "myst_nb"}
        if not declared & {canonicalize_name(d) for d in providers.get(name, [])}
    )
    assert len(code) > 20 and "torch" in imported
    assert undeclared == [], "imported but not in [project] dependencies"
