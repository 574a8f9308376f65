//! # walletscreen-server
//!
//! An HTTP screening service over the `walletscreen` library: drop-in
//! endpoints for Chainalysis' and TRM's sanctions APIs, native endpoints that
//! answer the library's full verdict, live lists (`LiveScreener`),
//! Prometheus metrics and an OpenAPI document. The binary
//! (`src/main.rs`) parses the configuration and calls [`run`]; tests and
//! fuzz targets drive [`app`] in process.
//!
//! One concern per module: [`config`] (the command line), [`auth`] (API
//! keys), [`lists`] (the served lists), [`state`] (what handlers share),
//! [`answers`] (library verdict → each contract's JSON: the only module that
//! reads `Hit` and `Match`), [`routes`] (one file per contract),
//! [`metrics`], [`error`], [`openapi`].
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::net::SocketAddr;

use anyhow::{Context, Result};

pub mod answers;
pub mod auth;
pub mod config;
pub mod error;
pub mod lists;
pub mod metrics;
pub mod openapi;
pub mod routes;
pub mod state;

pub use config::{Config, LogFormat};
pub use routes::app;
pub use state::{AppState, Limits};

/// Builds the state the configuration asks for (lists loaded, sources
/// fetched once, the refresher started; blocking), with the refresher's
/// handle (dropping it stops the refresher).
pub fn build_state(
    config: &Config,
) -> Result<(AppState, Option<walletscreen::update::RefresherHandle>)> {
    let keys = match &config.api_keys {
        Some(path) => Some(auth::ApiKeys::from_file(path)?),
        None => None,
    };
    let (lists, refresher) = lists::Lists::build(config)?;
    let state = AppState::new(lists, keys, Limits::of(config), config.compiled.is_some());
    Ok((state, refresher))
}

/// Runs the service until SIGTERM or SIGINT: loads the lists, binds, prints
/// `listening on http://ADDR` on stderr once ready, serves; on a signal
/// stops accepting, lets in-flight requests finish and returns `Ok`.
pub async fn run(config: Config) -> Result<()> {
    let c = config.clone();
    let (state, refresher) = tokio::task::spawn_blocking(move || build_state(&c))
        .await
        .context("loading the lists")??;
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("binding {}", config.bind))?;
    let addr: SocketAddr = listener.local_addr().context("the bound address")?;
    tracing::info!(
        %addr,
        lists = state.lists.current().screener.lists().len(),
        auth = state.keys.is_some(),
        "ready"
    );
    eprintln!("listening on http://{addr}");
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving")?;
    tracing::info!("stopped");
    drop(refresher);
    Ok(())
}

/// Resolves on SIGTERM or SIGINT (Ctrl-C).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
