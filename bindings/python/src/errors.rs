//! Python exceptions for the library's typed errors: one class per Rust
//! error type, under one base, `WalletscreenError`.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(
    walletscreen,
    WalletscreenError,
    PyException,
    "Base class of every walletscreen error."
);
create_exception!(
    walletscreen,
    LoadError,
    WalletscreenError,
    "A list file could not be read or loaded (walletscreen::LoadError)."
);
create_exception!(
    walletscreen,
    BuildError,
    WalletscreenError,
    "A screener could not be compiled (walletscreen::BuildError)."
);
create_exception!(
    walletscreen,
    CompiledError,
    WalletscreenError,
    "A compiled screener file could not be read or written (walletscreen::WireError)."
);
create_exception!(
    walletscreen,
    UpdateError,
    WalletscreenError,
    "A live screener's refresh failed (walletscreen::UpdateError); the old lists still serve."
);
create_exception!(
    walletscreen,
    StaleError,
    WalletscreenError,
    "A strict live screener refused a clear verdict from stale lists."
);

/// The error's message, then each `source()` whose text the message does
/// not already hold (thiserror messages often embed their source).
fn message(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        let t = s.to_string();
        if !msg.contains(&t) {
            msg.push_str(": ");
            msg.push_str(&t);
        }
        src = s.source();
    }
    msg
}

pub(crate) fn load_err(e: walletscreen::LoadError) -> PyErr {
    LoadError::new_err(message(&e))
}
pub(crate) fn build_err(e: walletscreen::BuildError) -> PyErr {
    BuildError::new_err(message(&e))
}
pub(crate) fn wire_err(e: walletscreen::WireError) -> PyErr {
    CompiledError::new_err(message(&e))
}
pub(crate) fn update_err(e: walletscreen::UpdateError) -> PyErr {
    UpdateError::new_err(message(&e))
}
pub(crate) fn stale_err(e: walletscreen::StaleError) -> PyErr {
    StaleError::new_err(message(&e))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("WalletscreenError", py.get_type::<WalletscreenError>())?;
    m.add("LoadError", py.get_type::<LoadError>())?;
    m.add("BuildError", py.get_type::<BuildError>())?;
    m.add("CompiledError", py.get_type::<CompiledError>())?;
    m.add("UpdateError", py.get_type::<UpdateError>())?;
    m.add("StaleError", py.get_type::<StaleError>())?;
    Ok(())
}
