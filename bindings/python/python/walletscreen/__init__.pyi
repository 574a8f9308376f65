"""Type stubs of walletscreen (the native module walletscreen._walletscreen)."""

import datetime
import os
from collections.abc import Iterable
from typing import Any, Literal

COMPILED_FORMAT_VERSION: int

_Path = str | os.PathLike[str]
_Date = str | datetime.date
_Duration = float | datetime.timedelta
Kind = Literal["hit", "clear", "invalid"]
Category = Literal["sanctioned", "attributed", "custom"]

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
    """One listed entry that a query matched."""

    list: str
    category: Category
    address: str
    via: str
    chain: str | None
    tickers: list[str]
    entity: str | None
    entity_id: str | None
    programs: list[str]
    listed: str | None
    source: str | None
    line: int
    issue: str | None
    listed_on: str | None
    delisted_on: str | None

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
        path: _Path,
        *,
        id: str | None = None,
        category: Category | None = None,
        name: str | None = None,
        source: str | None = None,
        format: str | None = None,
        column: str | int | None = None,
        allow_non_addresses: bool = False,
        allow_empty: bool = False,
    ) -> List: ...
    @staticmethod
    def from_bytes(
        data: bytes | bytearray | memoryview | str,
        *,
        id: str = "custom",
        category: Category | None = None,
        name: str | None = None,
        source: str | None = None,
        format: str | None = None,
        column: str | int | None = None,
        allow_non_addresses: bool = False,
        allow_empty: bool = False,
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
    def check_arrow(self, array: Any, *, verify_checksum: bool = False) -> Any:
        """An Arrow string array (or chunked array) in; a pyarrow.StructArray
        (or ChunkedArray) of verdicts out, one row per input row."""
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
