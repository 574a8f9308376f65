"""walletscreen: screen cryptocurrency wallet addresses against sanctions
and attribution lists (OFAC SDN, FBI DPRK attributions), with provenance.

>>> import walletscreen
>>> s = walletscreen.Screener.bundled()
>>> s.check("0x098B716B8Aaf21512996dC57EB0615e2383E2f96").kind
'hit'

The native module is ``walletscreen._walletscreen`` (Rust, PyO3); this
package re-exports it.
"""

from ._walletscreen import (
    COMPILED_FORMAT_VERSION,
    HTTP,
    BuildError,
    CompiledError,
    List,
    LiveScreener,
    LoadError,
    Match,
    ScanMatch,
    Screener,
    StaleError,
    UpdateError,
    Verdict,
    Version,
    WalletscreenError,
)

__all__ = [
    "COMPILED_FORMAT_VERSION",
    "HTTP",
    "BuildError",
    "CompiledError",
    "List",
    "LiveScreener",
    "LoadError",
    "Match",
    "ScanMatch",
    "Screener",
    "StaleError",
    "UpdateError",
    "Verdict",
    "Version",
    "WalletscreenError",
]
