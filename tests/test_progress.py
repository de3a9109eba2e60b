"""Long runs report progress on a terminal; short ones, and runs without a terminal, stay quiet."""

from __future__ import annotations

import sys

import pytest

from pipeline.progress import MIN_ITEMS, progress


@pytest.mark.parametrize(
    ("total", "tty", "lines"), [(10, True, 0), (MIN_ITEMS, True, 10), (1000, True, 10), (1000, False, 0)]
)
def test_progress_prints_a_line_per_tenth_on_a_terminal(
    total: int, tty: bool, lines: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)
    assert list(progress(range(total), total, "refresh")) == list(range(total))
    err = capsys.readouterr().err.splitlines()
    assert len(err) == lines
    if lines:
        assert err[-1].startswith(f"  refresh: {total}/{total}")
