"""Screening a Spark DataFrame column: ``walletscreen.spark.screen``.

The screener is compiled once, on the driver, and shipped to the executors
as its compiled image (a broadcast variable, a few hundred kB for the
bundled lists); each Python worker reads it once and keeps it. The column
is screened batch by batch through ``mapInArrow`` and
``Screener.check_arrow``: Arrow in, Arrow out, no per-row Python.

>>> from walletscreen.spark import screen
>>> screened = screen(df, "address")            # doctest: +SKIP
>>> screened.where("screen.kind = 'hit'")       # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from . import List, Screener

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa
    from pyspark.sql import DataFrame

__all__ = ["screen", "verdict_type"]

# Executor side: the screeners read from broadcast images, by list-set
# version (Python workers are reused between tasks, so each reads an image
# once).
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


def _screener_for(key: str, broadcast: Any) -> Screener:
    s = _SCREENERS.get(key)
    if s is None:
        s = Screener.from_compiled(broadcast.value)
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
) -> DataFrame:
    """``df`` with one more column, ``output`` (default ``"screen"``): the
    verdict of ``column`` (a string column) as a struct (``kind``,
    ``family``, ``list``, ``lists``, ``entity``, ``entity_id``,
    ``programs``, ``listed``, ``via``, ``address``, ``matches``,
    ``reason``; see ``verdict_type()``), null where ``column`` is null.

    The screener is ``screener`` if given, else one compiled from
    ``lists`` (beside the bundled lists unless ``bundled=False``), else the
    bundled lists. It is compiled here, once, and broadcast as its compiled
    image."""
    from pyspark.sql.types import StructField, StructType

    if output in df.columns:
        raise ValueError(f"the DataFrame already has a column {output!r}")
    if column not in df.columns:
        raise ValueError(f"no column {column!r} in the DataFrame")
    if screener is None:
        screener = Screener(list(lists or []), bundled=bundled)
    image = df.sparkSession.sparkContext.broadcast(screener.compiled_bytes())
    key = screener.version.sha256
    schema = StructType(df.schema.fields + [StructField(output, verdict_type())])
    index = df.columns.index(column)

    def screen_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        s = _screener_for(key, image)
        for batch in batches:
            verdicts = s.check_arrow(batch.column(index), verify_checksum=verify_checksum)
            yield pa.RecordBatch.from_arrays(
                list(batch.columns) + [verdicts],
                names=list(batch.schema.names) + [output],
            )

    return df.mapInArrow(screen_batches, schema)
