"""The build is strict: a chapter whose cell fails makes `make html`'s build fail."""

from __future__ import annotations

from pathlib import Path

from tests.book_builds import NOTEBOOK_HEADER, build, make_book

ROOT = Path(__file__).resolve().parent.parent

FAILING_CHAPTER = (
    NOTEBOOK_HEADER
    + """# A broken chapter

```{code-cell} ipython3
1 / 0
```
"""
)


def make_small_book(tmp_path: Path, chapter_text: str) -> Path:
    """A copy of the repository whose book is the intro and one extra chapter (with
    the glossary and the execution report)."""
    return make_book(tmp_path / "book", [], pages={"99-extra": chapter_text})


def test_failing_cell_fails_the_build_every_time(tmp_path):
    book = make_small_book(tmp_path, FAILING_CHAPTER)
    first = build(book)
    assert first.returncode != 0, first.output[-2000:]
    assert "ZeroDivisionError" in first.output
    # an incremental build must not pass the page it did not re-read
    second = build(book)
    assert second.returncode != 0, second.output[-2000:]


def test_missing_module_fails_the_build(tmp_path):
    book = make_small_book(
        tmp_path, FAILING_CHAPTER.replace("1 / 0", "import no_such_module_xyz")
    )
    result = build(book)
    assert result.returncode != 0
    assert "ModuleNotFoundError" in result.output


def test_broken_cross_reference_fails_the_build(tmp_path):
    text = (
        FAILING_CHAPTER.replace("1 / 0", "1 + 1")
        + "\nSee {numref}`fig-does-not-exist`.\n"
    )
    result = build(make_small_book(tmp_path, text))
    assert result.returncode != 0
    assert "fig-does-not-exist" in result.output


def test_cell_tagged_raises_exception_may_raise(tmp_path):
    text = FAILING_CHAPTER.replace(
        "```{code-cell} ipython3\n1 / 0",
        "```{code-cell} ipython3\n:tags: [raises-exception]\n1 / 0",
    )
    book = make_small_book(tmp_path, text)
    result = build(book)
    assert result.returncode == 0, result.output[-3000:]
    page = (book / "_build" / "html" / "book" / "99-extra.html").read_text()
    assert "ZeroDivisionError" in page  # the error is shown, as the tag asks


def test_broken_cross_reference_fails_the_next_build_too(tmp_path):
    text = (
        FAILING_CHAPTER.replace("1 / 0", "1 + 1")
        + "\nSee {numref}`fig-does-not-exist`.\n"
    )
    book = make_small_book(tmp_path, text)
    assert build(book).returncode != 0
    # nothing changed: the page that failed is not re-read, yet the build must fail
    second = build(book)
    assert second.returncode != 0
    assert "fig-does-not-exist" in second.output


def test_output_is_quiet_and_ends_with_the_warnings_at_their_line(tmp_path):
    """No kernel TCP warning, no parser configuration dump; the build's last lines
    repeat each warning with its file and line (README: "The build is strict")."""
    text = (
        FAILING_CHAPTER.replace("1 / 0", "1 + 1")
        + "\nSee {numref}`fig-does-not-exist`.\n"
    )
    result = build(make_small_book(tmp_path, text))
    assert result.returncode != 0
    assert "without encryption" not in result.output
    assert "ParserConfig(" not in result.output
    tail = result.output[result.output.rindex("warning(s) and error(s)") :]
    line = text.splitlines().index("See {numref}`fig-does-not-exist`.") + 1
    assert f"\n[book]   book/99-extra.md:{line}: WARNING: undefined label" in tail, tail
    assert tail.rstrip().splitlines()[-1].startswith("[book] BUILD FAILED")


def test_social_cards_are_refused_and_og_tags_kept(tmp_path):
    """sphinxext-opengraph is loaded without its social cards (bml_opengraph, so that
    Sphinx never imports matplotlib): asking for them fails at once, naming the
    setting; without them every page keeps its og: tags, and the build says nothing
    of matplotlib."""
    book = make_small_book(tmp_path, FAILING_CHAPTER.replace("1 / 0", "1 + 1"))
    config = book / "_config.yml"
    original = config.read_text(encoding="utf-8")
    assert "ogp_social_cards: {enable: false}" in original
    config.write_text(
        original.replace(
            "ogp_social_cards: {enable: false}", "ogp_social_cards: {enable: true}"
        ),
        encoding="utf-8",
    )
    result = build(book)
    assert result.returncode != 0
    assert "ogp_social_cards must be {enable: false}" in result.output
    config.write_text(original, encoding="utf-8")
    result = build(book)
    assert result.returncode == 0, result.output
    assert "matplotlib" not in result.output
    page = (book / "_build" / "html" / "book" / "99-extra.html").read_text()
    assert '<meta property="og:title"' in page
    assert '<meta property="og:url"' in page
