//! The scenario intakes of `crates/clearance-rulebook/tests/scenarios` (public and the
//! project's own), for the peers' tests and the measurements.

use std::path::Path;

use clearance_domain::Intake;
use clearance_domain::document::{Document, Value};
use clearance_domain::intake::parse_intake;

/// Every scenario intake: file name and intake, sorted by path. `shared_only` keeps the 24
/// public scenarios.
pub fn load(shared_only: bool) -> Vec<(String, Intake)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../crates/clearance-rulebook/tests/scenarios");
    let folders: &[&str] = if shared_only {
        &["shared"]
    } else {
        &["shared", "extra"]
    };
    let mut files = Vec::new();
    for folder in folders {
        files.extend(
            std::fs::read_dir(root.join(folder))
                .into_iter()
                .flatten()
                .flatten()
                .map(|entry| entry.path()),
        );
    }
    files.sort();
    let mut intakes = Vec::new();
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(document) = Document::parse(&text) else {
            continue;
        };
        let Value::Map(entries) = document.root.value else {
            continue;
        };
        let Some(entry) = entries.iter().find(|entry| entry.key == "intake") else {
            continue;
        };
        if let Ok(intake) = parse_intake(&entry.value) {
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            intakes.push((name, intake));
        }
    }
    intakes
}
