//! The files of a fuzz corpus folder, shared by the replays of the root
//! package (`tests/fuzz_corpora.rs`) and of the service
//! (`server/tests/fuzz_server.rs`).

use std::path::{Path, PathBuf};

/// The files directly in `dir`, sorted by path; none when `dir` does not
/// exist.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = rd
        .map(|e| e.expect("read_dir entry").path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}
