"""Long stages report progress on stderr; short ones stay quiet."""

from __future__ import annotations

import pytest

from pipeline.progress import MIN_ITEMS, progress


@pytest.mark.parametrize(("total", "lines"), [(10, 0), (MIN_ITEMS, 10), (1000, 10)])
def test_progress_prints_a_line_per_tenth(total: int, lines: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert list(progress(range(total), total, "normalize")) == list(range(total))
    err = capsys.readouterr().err.splitlines()
    assert len(err) == lines
    if lines:
        assert err[-1].startswith(f"  normalize: {total}/{total}")
