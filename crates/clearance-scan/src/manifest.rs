//! Reading a file's C2PA manifest store with the `c2pa` crate.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;

use c2pa::{Context, Ingredient, Manifest, Reader, ValidationState};

use crate::{ActionSummary, IngredientSummary, ManifestSummary, Validation};

/// How deep ingredients of ingredients are followed.
const MAX_INGREDIENT_DEPTH: usize = 8;

/// What reading the manifest store gave.
pub(crate) enum Outcome {
    /// A manifest store with an active manifest.
    Manifest(Box<ManifestSummary>),
    /// No manifest store, embedded or sidecar.
    NoManifest,
    /// The file could not be read; the reason.
    Unreadable(String),
}

pub(crate) fn read(context: &Arc<Context>, path: &Path, max_manifest_bytes: u64) -> Outcome {
    let sidecar = path.with_extension("c2pa");
    if let Ok(meta) = std::fs::metadata(&sidecar)
        && meta.len() > max_manifest_bytes
    {
        return Outcome::Unreadable(format!(
            "sidecar manifest {} is {} bytes, over the cap of {max_manifest_bytes}",
            sidecar.display(),
            meta.len()
        ));
    }
    if let Some(size) = crate::preflight::embedded_manifest_size(path)
        && size > max_manifest_bytes
    {
        return Outcome::Unreadable(format!(
            "embedded manifest store of {size} bytes is over the cap of {max_manifest_bytes}"
        ));
    }
    let result = catch_unwind(AssertUnwindSafe(|| {
        Reader::from_shared_context(context).with_file(path)
    }));
    match result {
        Err(_) => Outcome::Unreadable("the C2PA reader failed on this file".to_owned()),
        Ok(Err(c2pa::Error::JumbfNotFound)) => Outcome::NoManifest,
        Ok(Err(c2pa::Error::IoError(e))) => Outcome::Unreadable(format!("cannot read: {e}")),
        Ok(Err(c2pa::Error::UnsupportedType)) => {
            Outcome::Unreadable("not a media format the C2PA reader knows".to_owned())
        }
        Ok(Err(e)) => Outcome::Unreadable(format!("C2PA: {e}")),
        Ok(Ok(reader)) => match summarise(&reader) {
            Some(summary) => Outcome::Manifest(Box::new(summary)),
            None => Outcome::Unreadable("C2PA manifest store has no active manifest".to_owned()),
        },
    }
}

fn summarise(reader: &Reader) -> Option<ManifestSummary> {
    let manifest = reader.active_manifest()?;
    let mut seen = HashSet::new();
    if let Some(label) = manifest.label() {
        seen.insert(label.to_owned());
    }
    Some(ManifestSummary {
        label: manifest.label().map(str::to_owned),
        claim_generator: claim_generator(manifest),
        title: manifest.title().map(str::to_owned),
        embedded: reader.is_embedded(),
        signer: manifest.issuer().or_else(|| manifest.common_name()),
        actions: actions(manifest),
        ingredients: ingredients(reader, manifest, 0, &mut seen),
        validation: validation(reader),
    })
}

/// The claim generator: the v1 `claim_generator` string, or (v2 claims, which have none)
/// the first `claim_generator_info` entry as `name/version`.
fn claim_generator(manifest: &Manifest) -> Option<String> {
    if let Some(generator) = manifest.claim_generator() {
        return Some(generator.to_owned());
    }
    let info = manifest.claim_generator_info.as_ref()?.first()?;
    Some(match &info.version {
        Some(version) => format!("{}/{version}", info.name),
        None => info.name.clone(),
    })
}

/// Actions of both `c2pa.actions` and `c2pa.actions.v2`, read from the assertion's JSON so
/// that both versions (and fields the SDK's types would refuse) are handled alike.
fn actions(manifest: &Manifest) -> Vec<ActionSummary> {
    let mut out = Vec::new();
    for assertion in manifest.assertions() {
        let label = assertion.label();
        if label != "c2pa.actions" && label != "c2pa.actions.v2" {
            continue;
        }
        let Ok(value) = assertion.value() else {
            continue;
        };
        let Some(list) = value.get("actions").and_then(|a| a.as_array()) else {
            continue;
        };
        for action in list {
            let Some(name) = action.get("action").and_then(|a| a.as_str()) else {
                continue;
            };
            let digital_source_type = action
                .get("digitalSourceType")
                .or_else(|| action.pointer("/parameters/digitalSourceType"))
                .and_then(|v| v.as_str())
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty());
            let software_agent = match action.get("softwareAgent") {
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                Some(agent) => agent
                    .get("name")
                    .and_then(|n| n.as_str())
                    .map(str::to_owned),
                None => None,
            };
            out.push(ActionSummary {
                action: name.to_owned(),
                digital_source_type,
                software_agent,
            });
        }
    }
    out
}

fn ingredients(
    reader: &Reader,
    manifest: &Manifest,
    depth: usize,
    seen: &mut HashSet<String>,
) -> Vec<IngredientSummary> {
    manifest
        .ingredients()
        .iter()
        .map(|ingredient| ingredient_summary(reader, ingredient, depth, seen))
        .collect()
}

fn ingredient_summary(
    reader: &Reader,
    ingredient: &Ingredient,
    depth: usize,
    seen: &mut HashSet<String>,
) -> IngredientSummary {
    let relationship = serde_json::to_value(ingredient.relationship())
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{:?}", ingredient.relationship()));
    let own = ingredient
        .active_manifest()
        .filter(|label| depth < MAX_INGREDIENT_DEPTH && seen.insert((*label).to_owned()))
        .and_then(|label| reader.get_manifest(label));
    let (claim_generator, actions, nested) = match own {
        Some(m) => (
            claim_generator(m),
            actions(m),
            ingredients(reader, m, depth + 1, seen),
        ),
        None => (None, Vec::new(), Vec::new()),
    };
    IngredientSummary {
        title: ingredient.title().map(str::to_owned),
        format: ingredient.format().map(str::to_owned),
        relationship,
        claim_generator,
        actions,
        ingredients: nested,
    }
}

fn validation(reader: &Reader) -> Validation {
    match reader.validation_state() {
        ValidationState::Trusted => Validation::Trusted,
        ValidationState::Valid => Validation::ValidUntrusted,
        ValidationState::Invalid => Validation::Invalid {
            codes: failure_codes(reader),
        },
    }
}

fn failure_codes(reader: &Reader) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    let mut push = |code: &str| {
        if !codes.iter().any(|c| c == code) {
            codes.push(code.to_owned());
        }
    };
    if let Some(results) = reader.validation_results() {
        if let Some(active) = results.active_manifest() {
            active.failure().iter().for_each(|s| push(s.code()));
        }
        if let Some(deltas) = results.ingredient_deltas() {
            for delta in deltas {
                delta
                    .validation_deltas()
                    .failure()
                    .iter()
                    .for_each(|s| push(s.code()));
            }
        }
    }
    if let Some(statuses) = reader.validation_status() {
        statuses
            .iter()
            .filter(|s| !s.passed())
            .for_each(|s| push(s.code()));
    }
    codes
}
