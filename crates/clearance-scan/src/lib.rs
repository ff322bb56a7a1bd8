//! Provenance of one media file, for the deliverables scan.
//!
//! [`Scanner::read`] looks at one file and reports:
//!
//! - its C2PA content credentials (embedded, or in a `.c2pa` sidecar next to the file): the
//!   active manifest's claim generator, its actions (`c2pa.actions` and `c2pa.actions.v2`)
//!   with their `digitalSourceType`, its ingredients, and the validation outcome as one of
//!   three cases ([`Validation`]);
//! - for files without a manifest, the XMP `Iptc4xmpExt:DigitalSourceType` (and vendor
//!   fields such as `com.adobe.digitalSourceType`) of JPEG and PNG files;
//! - a [`Verdict`], decided by the rule in [`verdict`].
//!
//! A malformed, truncated or hostile file gives [`Verdict::Unreadable`] with a reason; the
//! read never panics (a panic inside the C2PA reader is caught and reported as unreadable).
//!
//! Manifest stores are capped ([`ScanOptions::max_manifest_mb`]): a `.c2pa` sidecar and an
//! embedded BMFF/RIFF/PNG store are checked from their sizes before the SDK reads them, and
//! Brotli-compressed stores through the SDK's own decompression limit.
//!
//! Memory: validating a file's hash streams it through the SDK in buffers of `MAX_HASH_BUF`,
//! two at a time (the next one is read while the current one is hashed). Published c2pa
//! 0.90.22 has 256 MiB there (peaks of 410–580 MB on a signed 1 GiB file); the workspace
//! patches in a vendored copy with 8 MiB (`vendor/c2pa`, see `vendor/README.md`), so a read
//! peaks near 35 MB whatever the file's size (measured on signed 1 GiB MP4 and WAV files with
//! the `provenance` example under `/usr/bin/time -v`), at the same throughput; `tests/memory.rs`
//! fails if that comes back. Unsigned files of any size stay near 16 MB.

pub mod coverage;
pub mod cuesheet;
mod manifest;
mod preflight;
pub mod report;
pub mod verdict;
pub mod walk;
mod xmp;

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

pub use verdict::{SourceType, Verdict};

/// Default cap on the size of a C2PA manifest store, in megabytes.
pub const DEFAULT_MAX_MANIFEST_MB: usize = 16;

/// Errors raised while setting up a [`Scanner`] (reading one file never fails: it gives a
/// verdict).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The C2PA settings (trust anchors, limits) were refused by the SDK.
    #[error("C2PA settings refused: {0}")]
    Settings(String),
}

/// How files are read.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// PEM bundle of the trust anchors the studio configured. A manifest whose signer chains
    /// to one of them is [`Validation::Trusted`].
    pub trust_anchors_pem: Option<String>,
    /// Cap on the size of a manifest store (decompressed, or a sidecar file), in megabytes.
    pub max_manifest_mb: usize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            trust_anchors_pem: None,
            max_manifest_mb: DEFAULT_MAX_MANIFEST_MB,
        }
    }
}

/// Reads the provenance of files; cheap to share between threads.
#[derive(Clone)]
pub struct Scanner {
    context: Arc<c2pa::Context>,
    max_manifest_bytes: u64,
}

impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner")
            .field("max_manifest_bytes", &self.max_manifest_bytes)
            .finish_non_exhaustive()
    }
}

/// The provenance of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// The file read.
    pub path: PathBuf,
    /// The verdict for the file (in JSON: `verdict`, plus `reason` when unreadable).
    #[serde(flatten)]
    pub verdict: Verdict,
    /// Where the verdict came from.
    pub basis: Basis,
    /// The C2PA manifest, when the file has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest: Option<ManifestSummary>,
    /// Digital source types found in the file's XMP (read only for files without a manifest).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub xmp_source_types: Vec<String>,
}

/// Which signal decided the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The C2PA manifest.
    C2pa,
    /// The XMP packet.
    Xmp,
    /// A row of the AI cue sheet (the file itself carries no signal).
    CueSheet,
    /// No metadata was found (or the file could not be read).
    None,
}

impl Basis {
    /// The name as written in reports: `c2pa`, `xmp`, `cue_sheet` or `none`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::C2pa => "c2pa",
            Self::Xmp => "xmp",
            Self::CueSheet => "cue_sheet",
            Self::None => "none",
        }
    }
}

/// The active manifest of a file's C2PA manifest store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestSummary {
    /// Label of the active manifest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The claim generator (the tool that signed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim_generator: Option<String>,
    /// Title recorded in the manifest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Whether the manifest was embedded in the file (false: read from a `.c2pa` sidecar).
    pub embedded: bool,
    /// Organisation or common name of the signer, as read from the certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// Actions of the active manifest.
    pub actions: Vec<ActionSummary>,
    /// Ingredients of the active manifest.
    pub ingredients: Vec<IngredientSummary>,
    /// Validation outcome of the manifest store.
    pub validation: Validation,
}

/// One action of a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionSummary {
    /// The action, such as `c2pa.created`.
    pub action: String,
    /// The `digitalSourceType`, trimmed, as written (usually an IPTC URI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digital_source_type: Option<String>,
    /// Name of the software agent, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_agent: Option<String>,
}

/// One ingredient of a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IngredientSummary {
    /// Title of the ingredient.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Media type of the ingredient.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// `parentOf`, `componentOf` or `inputTo`.
    pub relationship: String,
    /// Claim generator of the ingredient's own manifest, when it carries one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim_generator: Option<String>,
    /// Actions of the ingredient's own manifest, when it carries one.
    pub actions: Vec<ActionSummary>,
    /// Ingredients of the ingredient's own manifest (bounded depth).
    pub ingredients: Vec<IngredientSummary>,
}

/// Validation outcome of a manifest store, kept as three separate cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Validation {
    /// Valid, and the signer chains to a configured trust anchor.
    Trusted,
    /// Valid (well-formed, hashes and signature check out) but the signer is not trusted.
    ValidUntrusted,
    /// Invalid, with the failure codes reported by the SDK.
    Invalid {
        /// Failure codes such as `assertion.dataHash.mismatch`.
        codes: Vec<String>,
    },
}

impl Scanner {
    /// A scanner with the given trust anchors and limits.
    ///
    /// # Errors
    /// [`ScanError::Settings`] when the SDK refuses the settings (for example a PEM bundle it
    /// cannot parse).
    pub fn new(options: &ScanOptions) -> Result<Self, ScanError> {
        let mut settings = serde_json::json!({
            "core": { "max_decompressed_manifest_size_in_mb": options.max_manifest_mb },
            "verify": { "remote_manifest_fetch": false, "ocsp_fetch": false },
        });
        if let Some(pem) = &options.trust_anchors_pem {
            settings["trust"] = serde_json::json!({ "trust_anchors": pem });
        }
        let context = c2pa::Context::new()
            .with_settings(settings)
            .map_err(|e| ScanError::Settings(e.to_string()))?
            // The SDK asks this between the steps of a read (each hashed chunk, each
            // validation phase); past the deadline of the read on this thread it stops the
            // read with `OperationCancelled`.
            .with_progress_callback(|_, _, _| {
                DEADLINE.with(|deadline| deadline.get().is_none_or(|at| Instant::now() < at))
            });
        let max_manifest_bytes = u64::try_from(options.max_manifest_mb)
            .unwrap_or(u64::MAX)
            .saturating_mul(1024 * 1024);
        Ok(Self {
            context: Arc::new(context),
            max_manifest_bytes,
        })
    }

    /// Reads the provenance of one file, giving up at `deadline`: a read still running then
    /// is stopped at the SDK's next step and the file is [`Verdict::Unreadable`] ("took
    /// longer than …"). The deadline applies to reads on the calling thread only.
    pub fn read_until(&self, path: &Path, deadline: Instant) -> Provenance {
        DEADLINE.with(|cell| cell.set(Some(deadline)));
        let mut provenance = self.read(path);
        DEADLINE.with(|cell| cell.set(None));
        if Instant::now() >= deadline && matches!(provenance.verdict, Verdict::Unreadable { .. }) {
            provenance.verdict = Verdict::Unreadable {
                reason: "reading it took longer than the per-file time limit".to_owned(),
            };
        }
        provenance
    }

    /// Reads the provenance of one file. Never fails and never panics: a file that cannot be
    /// read gives [`Verdict::Unreadable`] with the reason.
    pub fn read(&self, path: &Path) -> Provenance {
        match manifest::read(&self.context, path, self.max_manifest_bytes) {
            manifest::Outcome::Manifest(summary) => Provenance {
                path: path.to_path_buf(),
                verdict: verdict::from_manifest(&summary),
                basis: Basis::C2pa,
                manifest: Some(*summary),
                xmp_source_types: Vec::new(),
            },
            manifest::Outcome::Unreadable(reason) => unreadable(path, reason),
            manifest::Outcome::NoManifest => match xmp::source_types(path) {
                Ok(types) => {
                    let verdict = verdict::from_source_types(types.iter().map(String::as_str));
                    let basis = if types.is_empty() {
                        Basis::None
                    } else {
                        Basis::Xmp
                    };
                    Provenance {
                        path: path.to_path_buf(),
                        verdict,
                        basis,
                        manifest: None,
                        xmp_source_types: types,
                    }
                }
                Err(reason) => unreadable(path, reason),
            },
        }
    }
}

thread_local! {
    /// When the read running on this thread must stop (see [`Scanner::read_until`]).
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// A provenance for a file that could not be read, with the reason.
#[must_use]
pub fn unreadable(path: &Path, reason: String) -> Provenance {
    Provenance {
        path: path.to_path_buf(),
        verdict: Verdict::Unreadable { reason },
        basis: Basis::None,
        manifest: None,
        xmp_source_types: Vec::new(),
    }
}
