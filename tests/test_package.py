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
