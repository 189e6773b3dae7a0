from __future__ import annotations

import pytest

from tests.chapter_runner import BOOK, ExecutedChapter, execute_chapter


@pytest.fixture(scope="module")
def chapter(request: pytest.FixtureRequest) -> ExecutedChapter:
    """The chapter named by the test module's ``CHAPTER``, executed once per module."""
    return execute_chapter(BOOK / request.module.CHAPTER)
