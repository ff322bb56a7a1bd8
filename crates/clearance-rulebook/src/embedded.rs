//! The rulebooks built into the binary, so `clearance check` needs no other file.

use crate::check::{LoadError, load};
use crate::rulebook::Rulebook;

/// The reference rulebook's id.
pub const REFERENCE_ID: &str = "netflix-genai-2025";

/// Every embedded rulebook: id and source text.
pub const SOURCES: &[(&str, &str)] = &[(
    REFERENCE_ID,
    include_str!("../../../rulebooks/netflix-genai-2025.yaml"),
)];

/// Loads an embedded rulebook by id.
pub fn rulebook(id: &str) -> Option<Result<Rulebook, LoadError>> {
    SOURCES
        .iter()
        .find(|(known, _)| *known == id)
        .map(|(known, source)| load(&format!("<embedded {known}>"), source))
}

/// Loads the reference rulebook.
pub fn reference() -> Result<Rulebook, LoadError> {
    load(&format!("<embedded {REFERENCE_ID}>"), SOURCES[0].1)
}
