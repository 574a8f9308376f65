"""Type stubs of walletscreen (the native module walletscreen._walletscreen)."""

import datetime
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, TypedDict, Unpack, overload

if TYPE_CHECKING:
    import pyarrow as pa

COMPILED_FORMAT_VERSION: int
HTTP: bool
"""Whether the package was built with HTTP(S) sources for LiveScreener
(the default; off when built with --no-default-features)."""

_Path = str | os.PathLike[str]
_Date = str | datetime.date
_Duration = float | datetime.timedelta
Kind = Literal["hit", "clear", "invalid"]
Category = Literal["sanctioned", "attributed", "custom"]

class _ListOptions(TypedDict, total=False):
    """The options of List.from_path and List.from_bytes."""

    category: Category | None
    name: str | None
    source: str | None
    format: str | None
    column: str | int | None
    allow_non_addresses: bool
    allow_empty: bool

class WalletscreenError(Exception):
    """Base class of every walletscreen error."""

class LoadError(WalletscreenError):
    """A list file could not be read or loaded."""

class BuildError(WalletscreenError):
    """A screener could not be compiled."""

class CompiledError(WalletscreenError):
    """A compiled screener file could not be read or written."""

class UpdateError(WalletscreenError):
    """A live screener's refresh failed; the old lists still serve."""

class StaleError(WalletscreenError):
    """A strict live screener refused a clear verdict from stale lists."""

class Version:
    """The version of a list set."""

    date: str | None
    sha256: str

class Match:
    """One listed entry that a query matched (read-only)."""

    @property
    def list(self) -> str: ...
    @property
    def category(self) -> Category: ...
    @property
    def address(self) -> str: ...
    @property
    def via(self) -> str: ...
    @property
    def chain(self) -> str | None: ...
    @property
    def tickers(self) -> list[str]: ...
    @property
    def entity(self) -> str | None: ...
    @property
    def entity_id(self) -> str | None: ...
    @property
    def programs(self) -> list[str]: ...
    @property
    def listed(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def line(self) -> int: ...
    @property
    def issue(self) -> str | None: ...
    @property
    def listed_on(self) -> str | None: ...
    @property
    def delisted_on(self) -> str | None: ...

class Verdict:
    """The answer to one query."""

    @property
    def kind(self) -> Kind: ...
    @property
    def is_hit(self) -> bool: ...
    @property
    def matches(self) -> list[Match]: ...
    @property
    def family(self) -> str | None: ...
    @property
    def checksum(self) -> Literal["valid", "invalid", "not_checked"] | None: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def network(self) -> str | None: ...
    @property
    def destination_tag(self) -> int | None: ...
    @property
    def as_of(self) -> str | None: ...
    @property
    def version(self) -> Version: ...
    @property
    def stale(self) -> bool | None: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self) -> str: ...

class ScanMatch:
    """A listed address found in free text."""

    start: int
    end: int
    text: str
    verdict: Verdict
    @property
    def span(self) -> tuple[int, int]: ...

class List:
    """A loaded, validated list."""

    @staticmethod
    def from_path(
        path: _Path, *, id: str | None = None, **options: Unpack[_ListOptions]
    ) -> List: ...
    @staticmethod
    def from_bytes(
        data: bytes | bytearray | memoryview | str,
        *,
        id: str = "custom",
        **options: Unpack[_ListOptions],
    ) -> List: ...
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str | None: ...
    @property
    def category(self) -> Category: ...
    @property
    def as_of(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def sha256(self) -> str: ...
    @property
    def flagged(self) -> int: ...
    def __len__(self) -> int: ...
    def entries(self) -> list[dict[str, Any]]: ...

class Screener:
    """An immutable, thread-safe compiled screener."""

    def __init__(self, lists: Iterable[List] | None = None, *, bundled: bool = True) -> None: ...
    @staticmethod
    def bundled() -> Screener: ...
    @staticmethod
    def from_compiled(source: _Path | bytes | bytearray | memoryview) -> Screener: ...
    def write_compiled(self, path: _Path) -> None: ...
    def compiled_bytes(self) -> bytes: ...
    def check(
        self, address: str, *, verify_checksum: bool = False, as_of: _Date | None = None
    ) -> Verdict: ...
    def is_listed(self, address: str) -> bool: ...
    def check_many(
        self, addresses: Iterable[str | None], *, verify_checksum: bool = False
    ) -> list[Verdict | None]: ...
    def scan(self, text: str) -> list[ScanMatch]: ...
    @overload
    def check_arrow(
        self,
        array: pa.ChunkedArray,
        *,
        verify_checksum: bool = False,
        as_of: _Date | pa.Array | pa.ChunkedArray | None = None,
    ) -> pa.ChunkedArray:
        """A chunked array of strings in; a ChunkedArray of verdict structs
        out, chunk for chunk."""
    @overload
    def check_arrow(
        self,
        array: pa.Array,
        *,
        verify_checksum: bool = False,
        as_of: _Date | pa.Array | pa.ChunkedArray | None = None,
    ) -> pa.StructArray:
        """An Arrow string array in (string, large_string or string_view);
        a StructArray of verdicts out, one row per input row. `as_of`: one
        date for every row, or an array of dates (date32 or 'YYYY-MM-DD'
        strings), one per row."""
    @property
    def version(self) -> Version: ...
    @property
    def lists(self) -> list[dict[str, Any]]: ...
    @property
    def entry_count(self) -> int: ...
    @property
    def memory_usage(self) -> int: ...

class LiveScreener:
    """A screener whose lists are refreshed from their sources."""

    def __init__(
        self,
        *,
        sources: list[str] | None = None,
        lists: Iterable[List] | None = None,
        bundled: bool = True,
        max_shrink: float | None = None,
        force: bool = False,
        max_age: _Duration | None = None,
        strict: bool = False,
        connect_timeout: _Duration | None = None,
        read_timeout: _Duration | None = None,
        timeout: _Duration | None = None,
        max_body: int | None = None,
        max_redirects: int | None = None,
        allow_insecure_http: bool = False,
        system_proxy: bool = True,
        cache_dir: _Path | None = None,
        refresh_interval: _Duration | None = None,
    ) -> None: ...
    def check(self, address: str, *, verify_checksum: bool = False) -> Verdict: ...
    def refresh(self) -> dict[str, Any]: ...
    def spawn_refresher(self) -> None: ...
    def stop_refresher(self) -> None: ...
    def screener(self) -> Screener: ...
    @property
    def version(self) -> Version: ...
    @property
    def is_stale(self) -> bool: ...
    def status(self) -> dict[str, Any]: ...
