//! Walking the deliverables: which files are read, in parallel, each within a time limit.
//!
//! A producer thread walks the roots and hands paths to `jobs` workers over a bounded channel,
//! so memory stays flat however many files the tree holds. Each file is read on a thread of
//! its own that the worker waits for up to the time limit (plus a grace period): the SDK stops
//! a read at its next step once the deadline passes ([`Scanner::read_until`]); a read stuck
//! where the SDK takes no steps is abandoned, reported `unreadable`, and the scan goes on.
//!
//! Results come back sorted by path, so reports are stable whatever the scheduling.

use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{RecvTimeoutError, bounded};

use crate::{Provenance, Scanner, unreadable};

/// Extensions of the media files a scan reads when it walks a folder (compared without regard
/// to case). A file named on the command line is read whatever its extension.
pub const MEDIA_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "tif", "tiff", "heic", "heif", "avif", "dng", "svg",
    "mp4", "m4v", "m4a", "mov", "avi", "mp3", "wav", "wave", "aif", "aiff", "flac", "pdf",
];

/// How long a read may overrun its deadline before it is abandoned.
const GRACE: Duration = Duration::from_secs(5);

/// How a scan runs.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Files read at once (at least one).
    pub jobs: usize,
    /// Time allowed for reading one file.
    pub file_time_limit: Duration,
}

/// One file's result.
#[derive(Debug, Clone)]
pub struct FileResult {
    /// Its provenance (the path is as reached from the root given).
    pub provenance: Provenance,
    /// Its size in bytes (0 when it could not be read).
    pub bytes: u64,
}

/// Whether a walked file is read: a media extension, and not a macOS AppleDouble file (`._name`,
/// resource-fork metadata that copies leave beside each file). Hidden files and folders are
/// read like any other: an audit must not miss an asset because of its name. `.c2pa` sidecars
/// are read with the file they describe.
#[must_use]
pub fn is_media(path: &Path) -> bool {
    let apple_double = path
        .file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with("._"));
    let extension = path
        .extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase);
    !apple_double
        && extension.is_some_and(|extension| MEDIA_EXTENSIONS.contains(&extension.as_str()))
}

/// Reads every media file under `roots` and returns the results sorted by path. Never fails:
/// a root or folder that cannot be read is a result of its own with the reason.
#[must_use]
pub fn scan(roots: &[PathBuf], scanner: &Scanner, options: &WalkOptions) -> Vec<FileResult> {
    let jobs = options.jobs.max(1);
    let (paths_tx, paths_rx) = bounded::<PathBuf>(jobs * 4);
    let (results_tx, results_rx) = crossbeam_channel::unbounded::<FileResult>();
    thread::scope(|scope| {
        let walk_results = results_tx.clone();
        scope.spawn(move || {
            for root in roots {
                walk_root(root, &paths_tx, &walk_results);
            }
        });
        for _ in 0..jobs {
            let paths = paths_rx.clone();
            let results = results_tx.clone();
            scope.spawn(move || {
                for path in paths {
                    let _ = results.send(read_one(scanner, path, options.file_time_limit));
                }
            });
        }
    });
    drop(results_tx);
    let mut results: Vec<FileResult> = results_rx.into_iter().collect();
    results.sort_by(|a, b| a.provenance.path.cmp(&b.provenance.path));
    results
}

/// Sends the files of one root to the workers; problems become results of their own.
fn walk_root(
    root: &Path,
    paths: &crossbeam_channel::Sender<PathBuf>,
    results: &crossbeam_channel::Sender<FileResult>,
) {
    let problem = |path: &Path, reason: String| {
        let _ = results.send(FileResult {
            provenance: unreadable(path, reason),
            bytes: 0,
        });
    };
    match std::fs::metadata(root) {
        Err(error) => return problem(root, describe(&error)),
        Ok(metadata) if !metadata.is_dir() => {
            let _ = paths.send(root.to_path_buf());
            return;
        }
        Ok(_) => {}
    }
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        match entry {
            Ok(entry) => {
                if entry.file_type().is_file()
                    && is_media(entry.path())
                    && paths.send(entry.into_path()).is_err()
                {
                    return;
                }
            }
            Err(error) => {
                let path = error.path().unwrap_or(root).to_path_buf();
                let reason = error.io_error().map_or_else(|| error.to_string(), describe);
                problem(&path, reason);
            }
        }
    }
}

/// Reads one file on a thread of its own, waiting at most the time limit plus the grace
/// period for it.
fn read_one(scanner: &Scanner, path: PathBuf, limit: Duration) -> FileResult {
    let bytes = std::fs::metadata(&path).map_or(0, |metadata| metadata.len());
    let deadline = Instant::now() + limit;
    let (done_tx, done_rx) = bounded(1);
    let reader = scanner.clone();
    let target = path.clone();
    let spawned = thread::Builder::new()
        .name("clearance-scan-read".to_owned())
        .spawn(move || {
            let _ = done_tx.send(reader.read_until(&target, deadline));
        });
    if let Err(error) = spawned {
        return FileResult {
            provenance: unreadable(&path, format!("could not start a reader: {error}")),
            bytes,
        };
    }
    let provenance = match done_rx.recv_timeout(limit + GRACE) {
        Ok(provenance) => provenance,
        Err(RecvTimeoutError::Timeout) => unreadable(
            &path,
            format!(
                "reading it took longer than the per-file time limit ({} s); abandoned",
                limit.as_secs()
            ),
        ),
        Err(RecvTimeoutError::Disconnected) => {
            unreadable(&path, "the reader stopped without a result".to_owned())
        }
    };
    FileResult { provenance, bytes }
}

/// An I/O error in words, without the OS's error number.
fn describe(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::is_media;
    use std::path::Path;

    #[test]
    fn media_files_are_chosen_by_extension_and_apple_double_files_and_sidecars_are_not() {
        assert!(is_media(Path::new("a/b/SH010.MP4")));
        assert!(is_media(Path::new("poster.png")));
        assert!(!is_media(Path::new("poster.c2pa")));
        assert!(!is_media(Path::new("._poster.png")));
        assert!(is_media(Path::new(".hidden/.poster.png")));
        assert!(!is_media(Path::new("cue-sheet.csv")));
        assert!(!is_media(Path::new("README")));
    }
}
