from __future__ import annotations

import pytest

from tests.chapter_runner import (
    BOOK,
    ExecutedChapter,
    execute_chapter,
    executed_by_build,
)


@pytest.fixture(scope="module")
def chapter(request: pytest.FixtureRequest) -> ExecutedChapter:
    """The chapter named by the test module's ``CHAPTER``, as the build executed it
    (``make test`` builds first, so each chapter executes once); executed here, once
    per module, when the build's outputs of it are missing or stale."""
    path = BOOK / request.module.CHAPTER
    return executed_by_build(path) or execute_chapter(path)
