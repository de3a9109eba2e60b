"""One document's tables, built from columns of Python values.

`pd.DataFrame(dict_of_lists)` infers every column's dtype by walking its values. `frame` types
the columns it can tell at a glance (all `str`, all `int`) itself, with the dtypes pandas would
have inferred, and leaves any other column to pandas. Measured on the normalized, passages,
sentences, tokens and mentions tables of 300 synthetic reports: 0.92 s → 0.62 s of CPU, same
dtypes and values.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# What pandas infers for a column of Python strings (pandas 3: the Arrow-backed "str" dtype with
# NaN for missing values; object on pandas 2 without `future.infer_string`).
STRING_DTYPE = pd.Series(["a"]).dtype
_TYPED_STRINGS = isinstance(STRING_DTYPE, pd.StringDtype)
_INT64 = np.iinfo(np.int64)


def column_array(values: Sequence[Any]) -> Any:
    """The values as the array pandas would infer for them, or the list itself when they are not
    all `str` or all `int` (pandas then infers as usual)."""
    if not values:
        return values
    types = set(map(type, values))  # in C: a generator testing each value took as long as the rest
    if types == {str} and _TYPED_STRINGS:
        return pd.array(values, dtype=STRING_DTYPE)
    if types == {int} and _INT64.min <= min(values) and max(values) <= _INT64.max:
        return np.array(values, dtype=np.int64)
    return values


def frame(columns: Mapping[str, Sequence[Any]], order: Sequence[str]) -> pd.DataFrame:
    """`pd.DataFrame(columns, columns=order)` (object columns when there are no rows), faster."""
    if not columns[order[0]]:
        return pd.DataFrame([], columns=list(order))
    return pd.DataFrame({c: column_array(columns[c]) for c in order}, copy=False)


def isin(column: pd.Series, values: Collection[Any]) -> np.ndarray:
    """`column.isin(values)` as a boolean array. On pandas 3's Arrow-backed string columns pandas
    makes an Arrow scalar of every value asked for (the 40 look-ups of a one-report refresh at
    10,000 bench reports took 0.3 s); Arrow's `is_in` over the column's buffers takes a tenth."""
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        arrow = pa.array(column.array)
        if isinstance(values, pd.Series | pd.Index) and values.dtype == column.dtype:
            wanted = pa.array(values.array)
        else:
            wanted = pa.array([v for v in values if isinstance(v, str)], arrow.type)
        return np.asarray(pc.is_in(arrow, value_set=wanted.cast(arrow.type)).to_numpy(zero_copy_only=False), bool)
    return np.asarray(column.isin(values), bool)
