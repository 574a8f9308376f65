//! Standard error: the notes of the threads, the progress bar, and the
//! end-of-run summary.

use std::io::{self, IsTerminal};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::work::Tally;

/// Bad lines noted on stderr per run (all are counted).
pub const MAX_NOTES: usize = 20;
/// Entities listed in the summary.
const MAX_SUMMARY_ENTITIES: usize = 20;

/// Stderr, shared by the threads, drawn around the progress bar.
#[derive(Clone)]
pub struct Log {
    pb: Option<ProgressBar>,
}

impl Log {
    /// A progress bar over `inputs` when stderr is a terminal.
    pub fn new(inputs: &[String]) -> Log {
        Log {
            pb: progress_bar(inputs),
        }
    }

    /// A line on stderr.
    pub fn note(&self, msg: &str) {
        match &self.pb {
            Some(pb) => pb.suspend(|| eprintln!("{msg}")),
            None => eprintln!("{msg}"),
        }
    }

    /// `bytes` more of the input were screened.
    pub fn progress(&self, bytes: u64) {
        if let Some(pb) = &self.pb {
            pb.inc(bytes);
        }
    }

    /// Clears the progress bar.
    pub fn finish(&self) {
        if let Some(pb) = &self.pb {
            pb.finish_and_clear();
        }
    }
}

/// A progress bar on stderr when it is a terminal: bytes of the input
/// files (a spinner when one is standard input or not a regular file).
fn progress_bar(inputs: &[String]) -> Option<ProgressBar> {
    if !io::stderr().is_terminal() {
        return None;
    }
    let total: Option<u64> = inputs
        .iter()
        .map(|p| {
            (p != "-")
                .then(|| std::fs::metadata(p).ok())
                .flatten()
                .filter(|m| m.is_file())
                .map(|m| m.len())
        })
        .sum();
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let bar = if color {
        "{bar:30.cyan/blue}"
    } else {
        "{bar:30}"
    };
    let template = match total {
        Some(_) => {
            format!("screen {bar} {{bytes}}/{{total_bytes}} {{binary_bytes_per_sec}} eta {{eta}}")
        }
        None => "screen {spinner} {bytes} {binary_bytes_per_sec}".to_owned(),
    };
    let pb = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(&template) {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.enable_steady_tick(Duration::from_millis(200));
    Some(pb)
}

/// The end-of-run summary on stderr: counts, rate, and the hits per list
/// and entity. `shown` bad lines were noted.
pub fn summary(scan: bool, t: &Tally, shown: usize, bytes: u64, elapsed: Duration) {
    let secs = elapsed.as_secs_f64().max(1e-9);
    let mb = bytes as f64 / 1e6;
    let rate = format!(
        "in {:.3} s ({}, {:.1} MB/s)",
        elapsed.as_secs_f64(),
        per_second(t.lines as f64 / secs, "lines"),
        mb / secs
    );
    if scan {
        eprintln!(
            "screen: scanned {} lines ({mb:.1} MB), {} matches, {} bad lines {rate}",
            t.lines, t.matches, t.bad
        );
    } else {
        eprintln!(
            "screen: {} lines, {} hits, {} clear, {} invalid, {} bad lines {rate}",
            t.lines, t.hits, t.clear, t.invalid, t.bad
        );
    }
    if t.bad > shown as u64 {
        eprintln!("screen: {} more bad lines not shown", t.bad - shown as u64);
    }
    let mut by: Vec<(&(String, String), &u64)> = t.by_entity.iter().collect();
    by.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    for ((list, entity), n) in by.iter().take(MAX_SUMMARY_ENTITIES) {
        eprintln!("screen:   {list}  {entity}: {n}");
    }
    if by.len() > MAX_SUMMARY_ENTITIES {
        eprintln!(
            "screen:   ... and {} more list/entity pairs",
            by.len() - MAX_SUMMARY_ENTITIES
        );
    }
}

fn per_second(x: f64, unit: &str) -> String {
    if x >= 1e6 {
        format!("{:.2} M {unit}/s", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.1} k {unit}/s", x / 1e3)
    } else {
        format!("{x:.0} {unit}/s")
    }
}
