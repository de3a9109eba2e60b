"""Progress lines for long runs: one line on stderr at every tenth of the way, only when stderr is
a terminal (a cron job's mail or a log file gets the summary line, not a progress trail)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
# Below this many items a run finishes in a blink and a progress line is noise.
MIN_ITEMS = 200


def progress(items: Iterable[T], total: int, label: str) -> Iterator[T]:
    if not sys.stderr.isatty():
        yield from items
        return
    step = max(1, total // 10)
    started = time.perf_counter()
    for done, item in enumerate(items, start=1):
        yield item
        if total >= MIN_ITEMS and (done % step == 0 or done == total):
            rate = done / max(time.perf_counter() - started, 1e-9)
            print(f"  {label}: {done}/{total} ({rate:.0f}/s)", file=sys.stderr, flush=True)
