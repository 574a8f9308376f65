"""Screening a Spark DataFrame column: ``walletscreen.spark.screen``.

The screener is compiled once, on the driver, and shipped to the executors
as its compiled image and its listing history (a broadcast variable, a few
hundred kB for the bundled lists); each Python worker reads it once and
keeps it. The column
is screened batch by batch through ``mapInArrow`` and
``Screener.check_arrow``: Arrow in, Arrow out, no per-row Python.

>>> from walletscreen.spark import screen
>>> screened = screen(df, "address")            # doctest: +SKIP
>>> screened.where("screen.kind = 'hit'")       # doctest: +SKIP
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from . import List, Screener

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa
    from pyspark.sql import DataFrame

__all__ = ["screen", "verdict_type"]

# Executor side: the screeners read from broadcast images, by call
# (Python workers are reused between tasks, so each reads an image once).
_SCREENERS: dict[str, Screener] = {}


def verdict_type() -> Any:
    """The Spark type of the verdict column: the struct that
    ``Screener.check_arrow`` returns, field for field."""
    from pyspark.sql.types import ArrayType, IntegerType, StringType, StructField, StructType

    s = StringType()
    strings = ArrayType(StringType(), containsNull=True)
    return StructType(
        [
            StructField("kind", s),
            StructField("family", s),
            StructField("list", s),
            StructField("lists", strings),
            StructField("entity", s),
            StructField("entity_id", s),
            StructField("programs", strings),
            StructField("listed", s),
            StructField("via", s),
            StructField("address", s),
            StructField("matches", IntegerType()),
            StructField("reason", s),
        ]
    )


def _plain(verdicts: pa.StructArray) -> pa.StructArray:
    """The struct with its dictionary-encoded string fields decoded:
    Spark's ``StringType`` takes plain strings."""
    import pyarrow as pa
    import pyarrow.compute as pc

    fields = [verdicts.field(i) for i in range(verdicts.type.num_fields)]
    fields = [f.dictionary_decode() if pa.types.is_dictionary(f.type) else f for f in fields]
    names = [verdicts.type.field(i).name for i in range(verdicts.type.num_fields)]
    mask = pc.invert(verdicts.is_valid()) if verdicts.null_count else None
    return pa.StructArray.from_arrays(fields, names=names, mask=mask)


def _screener_for(key: str, broadcast: Any) -> Screener:
    s = _SCREENERS.get(key)
    if s is None:
        s = broadcast.value
        if len(_SCREENERS) >= 8:
            _SCREENERS.clear()
        _SCREENERS[key] = s
    return s


def screen(
    df: DataFrame,
    column: str,
    *,
    lists: Iterable[List] | None = None,
    bundled: bool = True,
    screener: Screener | None = None,
    output: str = "screen",
    verify_checksum: bool = False,
    as_of_column: str | None = None,
) -> DataFrame:
    """``df`` with one more column, ``output`` (default ``"screen"``): the
    verdict of ``column`` (a string column) as a struct (``kind``,
    ``family``, ``list``, ``lists``, ``entity``, ``entity_id``,
    ``programs``, ``listed``, ``via``, ``address``, ``matches``,
    ``reason``; see ``verdict_type()``), null where ``column`` is null.

    The screener is ``screener`` if given, else one compiled from
    ``lists`` (beside the bundled lists unless ``bundled=False``), else the
    bundled lists. It is compiled here, once, and broadcast as its compiled
    image.

    ``as_of_column`` names a date column (a date, a timestamp, taken at its
    date, or a ``YYYY-MM-DD`` string): each row is screened as of its date,
    from the lists' listing history (as ``Screener.check(as_of=)``), so that
    a transaction is judged against the lists of its day; a null date
    screens against the current lists."""
    from pyspark.sql.types import StructField, StructType

    if output in df.columns:
        raise ValueError(f"the DataFrame already has a column {output!r}")
    if column not in df.columns:
        raise ValueError(f"no column {column!r} in the DataFrame")
    if screener is None:
        screener = Screener(list(lists or []), bundled=bundled)
    # Pickled as its compiled image and its listing history (Screener.__reduce__).
    image = df.sparkSession.sparkContext.broadcast(screener)
    # One key per call (the same lists may come with or without a history).
    key = uuid.uuid4().hex
    schema = StructType(df.schema.fields + [StructField(output, verdict_type())])
    index = df.columns.index(column)
    if as_of_column is not None and as_of_column not in df.columns:
        raise ValueError(f"no column {as_of_column!r} in the DataFrame")
    date_index = None if as_of_column is None else df.columns.index(as_of_column)

    def screen_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa
        import pyarrow.compute as pc

        s = _screener_for(key, image)
        for batch in batches:
            dates = None
            if date_index is not None:
                dates = batch.column(date_index)
                if pa.types.is_timestamp(dates.type) or pa.types.is_date64(dates.type):
                    dates = pc.cast(dates, pa.date32())
            verdicts = _plain(
                s.check_arrow(batch.column(index), verify_checksum=verify_checksum, as_of=dates)
            )
            yield pa.RecordBatch.from_arrays(
                list(batch.columns) + [verdicts],
                names=list(batch.schema.names) + [output],
            )

    return df.mapInArrow(screen_batches, schema)
