//! Scenario files: an intake and what the reference rulebook must make of it.
//!
//! `scenarios/shared/` holds the public scenarios from the guidance's own examples, unchanged;
//! `scenarios/extra/` holds the project's own, which cover every clause, every blocked condition
//! and the edge cases of left-out answers and lists. Each file's `expect` may give:
//! `tier`, `cites` (keys that must be cited), `not_cites`, `principles` and `unanswered`.

use std::collections::BTreeSet;
use std::path::Path;

use clearance_domain::document::{Document, Node, Value};
use clearance_domain::intake::parse_intake;
use clearance_domain::{Records, Tier};
use clearance_rulebook::{Evaluation, Options, embedded, evaluate};

fn field<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.value {
        Value::Map(entries) => entries
            .iter()
            .find(|entry| entry.key == key)
            .map(|entry| &entry.value),
        _ => None,
    }
}

fn strings(node: Option<&Node>) -> Vec<String> {
    match node.map(|node| &node.value) {
        Some(Value::Seq(items)) => items
            .iter()
            .filter_map(|item| match &item.value {
                Value::String(text) => Some(text.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn scalar(node: &Node) -> String {
    match &node.value {
        Value::String(text) | Value::Number(text) => text.clone(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        other => format!("{other:?}"),
    }
}

/// Checks one scenario file; returns the failures.
fn check(path: &Path) -> Vec<String> {
    let name = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => return vec![format!("{name}: {error}")],
    };
    let document = match Document::parse(&text) {
        Ok(document) => document,
        Err(problems) => return vec![format!("{name}: {problems:?}")],
    };
    let root = &document.root;
    let Some(intake_node) = field(root, "intake") else {
        return vec![format!("{name}: no intake")];
    };
    let intake = match parse_intake(intake_node) {
        Ok(intake) => intake,
        Err(problems) => return vec![format!("{name}: invalid intake {problems:?}")],
    };
    let reference = match embedded::reference() {
        Ok(rulebook) => rulebook,
        Err(error) => return vec![format!("reference rulebook: {error}")],
    };
    let evaluation: Evaluation =
        evaluate(&[&reference], &intake, Records::none(), Options::default());
    let Some(expect) = field(root, "expect") else {
        return vec![format!("{name}: no expect")];
    };
    let mut failures = Vec::new();
    let cited: BTreeSet<&str> = evaluation
        .findings
        .iter()
        .flat_map(|finding| finding.citations.iter().map(|key| &**key))
        .collect();
    if let Some(tier) = field(expect, "tier") {
        let expected = Tier::from_name(&scalar(tier));
        if expected != Some(evaluation.tier) {
            failures.push(format!(
                "{name}: tier {} expected {}",
                evaluation.tier,
                scalar(tier)
            ));
        }
    }
    for key in strings(field(expect, "cites")) {
        if !cited.contains(key.as_str()) {
            failures.push(format!("{name}: `{key}` is not cited (cited: {cited:?})"));
        }
    }
    for key in strings(field(expect, "not_cites")) {
        if cited.contains(key.as_str()) {
            failures.push(format!("{name}: `{key}` is cited but must not be"));
        }
    }
    if let Some(Node {
        value: Value::Map(entries),
        ..
    }) = field(expect, "principles")
    {
        let principles = evaluation.principles.clone().unwrap_or_default();
        for entry in entries {
            let actual = principles
                .get(entry.key.as_str())
                .map(|answer| answer.to_string());
            if actual.as_deref() != Some(scalar(&entry.value).as_str()) {
                failures.push(format!(
                    "{name}: principle {} is {actual:?}, expected {}",
                    entry.key,
                    scalar(&entry.value)
                ));
            }
        }
    }
    let unanswered = strings(field(expect, "unanswered"));
    for path in &unanswered {
        if !evaluation.unanswered.iter().any(|seen| seen == path) {
            failures.push(format!(
                "{name}: `{path}` not in unanswered {:?}",
                evaluation.unanswered
            ));
        }
    }
    // Every finding cites at least one clause of the rulebook.
    for finding in &evaluation.findings {
        if finding.citations.is_empty() {
            failures.push(format!("{name}: finding {} cites nothing", finding.rule));
        }
    }
    failures
}

fn run(folder: &str, at_least: usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/scenarios")
        .join(folder);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= at_least,
        "expected at least {at_least} scenarios in {}, found {}",
        dir.display(),
        files.len()
    );
    let failures: Vec<String> = files.iter().flat_map(|path| check(path)).collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_public_scenarios_get_their_tier_and_citations() {
    run("shared", 24);
}

#[test]
fn the_projects_own_scenarios_get_their_tier_citations_and_principles() {
    run("extra", 48);
}
