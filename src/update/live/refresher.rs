//! The background refresher: a thread that calls
//! [`LiveScreener::refresh`] every interval until its [`RefresherHandle`]
//! is stopped or dropped.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;

use super::LiveScreener;

impl LiveScreener {
    /// Starts a thread that calls [`LiveScreener::refresh`] every
    /// [`LiveScreenerBuilder::refresh_interval`](super::LiveScreenerBuilder::refresh_interval)
    /// (the first time one interval from now) until the handle is stopped
    /// or dropped. Errors are logged and kept in [`LiveScreener::status`].
    pub fn spawn_refresher(&self) -> std::io::Result<RefresherHandle> {
        let (tx, rx) = mpsc::channel::<()>();
        let live = self.clone();
        let every = self.inner.interval;
        let thread = std::thread::Builder::new()
            .name("walletscreen-refresher".to_owned())
            .spawn(move || {
                // Ends on a stop message or when the handle is gone.
                while let Err(RecvTimeoutError::Timeout) = rx.recv_timeout(every) {
                    let _ = live.refresh();
                }
            })?;
        Ok(RefresherHandle {
            stop: Some(tx),
            thread: Some(thread),
        })
    }
}

/// Stops the background refresher when stopped or dropped: the wait for the
/// next refresh is interrupted at once; a refresh in progress finishes
/// first (bounded by the fetch timeouts).
#[derive(Debug)]
pub struct RefresherHandle {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl RefresherHandle {
    /// Stops the refresher and waits for its thread to end.
    pub fn stop(mut self) {
        self.shutdown();
    }

    /// Whether the thread is still running.
    pub fn is_running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    fn shutdown(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for RefresherHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}
