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
    let header_timeout = config.request_timeout;
    serve(listener, app(state), header_timeout, shutdown_signal()).await;
    tracing::info!("stopped");
    drop(refresher);
    Ok(())
}

/// Serves HTTP/1.1 on `listener` until `signal` resolves, then stops
/// accepting (the listener is closed) and waits for every open connection
/// to finish its in-flight request (idle keep-alive connections close at
/// once). A client that has not sent a request's headers within
/// `header_timeout` is disconnected (slow clients cannot hold connections
/// open; the body is bounded by the request timeout middleware).
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    header_timeout: std::time::Duration,
    signal: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;

    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .keep_alive(true);
    let mut signal = std::pin::pin!(signal);
    loop {
        tokio::select! {
            conn = listener.accept() => {
                let stream = match conn {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Out of file descriptors, say: wait, keep serving.
                        tracing::warn!(error = %e, "accepting a connection");
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let service = TowerToHyperService::new(router.clone());
                let conn = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            () = &mut signal => break,
        }
    }
    drop(listener);
    graceful.shutdown().await;
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
