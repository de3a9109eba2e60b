"""Cue patterns read by more than one stage, kept here once. No heavy imports: the resolve rules
that use them are imported by pipeline.contracts at every start of the CLI."""

from __future__ import annotations

import re

# 包括…在内的 (including … within the count that follows): the figures inside it are parts of the
# count after it, not a breakdown of a figure before it. Extract (which verb a breakdown clause
# takes) and resolve (which total a part belongs to) both ask.
INCLUDED_IN_NEXT = re.compile(r"包括[^，,。；;]{1,16}在内的")
