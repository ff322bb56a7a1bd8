//! `triage`: the reference rulebook on the 24 public scenarios.
//!
//! Each figure is the time for one pass over all 24 intakes; divide by 24 for one evaluation
//! (`docs/benchmarks.md` reports both). The hand-written function of the same semantics is the
//! floor the engine is measured against.

use std::hint::black_box;
use std::path::Path;

use clearance_domain::document::{Document, Node, Value};
use clearance_domain::intake::parse_intake;
use clearance_domain::{Intake, Records};
use clearance_rulebook::{Options, embedded, evaluate, hand_written};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn scenarios() -> Vec<(String, Intake)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/shared");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .collect();
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
        let Some(node): Option<&Node> = entries
            .iter()
            .find(|entry| entry.key == "intake")
            .map(|entry| &entry.value)
        else {
            continue;
        };
        if let Ok(intake) = parse_intake(node) {
            intakes.push((path.display().to_string(), intake));
        }
    }
    intakes
}

fn triage(c: &mut Criterion) {
    let intakes = scenarios();
    assert_eq!(intakes.len(), 24, "the 24 public scenarios");
    let Ok(reference) = embedded::reference() else {
        return;
    };
    let records = Records::none();
    let mut group = c.benchmark_group("triage");
    group.throughput(Throughput::Elements(intakes.len() as u64));

    group.bench_function("decision/hand_written", |b| {
        b.iter(|| {
            for (_, intake) in &intakes {
                black_box(hand_written::decide(black_box(intake)));
            }
        })
    });
    group.bench_function("decision/engine", |b| {
        b.iter(|| {
            for (_, intake) in &intakes {
                black_box(reference.decide(black_box(intake), records));
            }
        })
    });
    group.bench_function("full_result/without_lower_tier_if", |b| {
        b.iter(|| {
            for (_, intake) in &intakes {
                black_box(evaluate(
                    &[&reference],
                    black_box(intake),
                    records,
                    Options {
                        lower_tier_if: false,
                    },
                ));
            }
        })
    });
    group.bench_function("full_result/with_lower_tier_if", |b| {
        b.iter(|| {
            for (_, intake) in &intakes {
                black_box(evaluate(
                    &[&reference],
                    black_box(intake),
                    records,
                    Options {
                        lower_tier_if: true,
                    },
                ));
            }
        })
    });
    group.finish();

    let texts: Vec<String> = intakes
        .iter()
        .map(|(_, intake)| serde_json::to_string(&intake.to_json()).unwrap_or_default())
        .collect();
    c.bench_function("parse/intake_json", |b| {
        b.iter(|| {
            for text in &texts {
                let parsed = Document::parse(black_box(text))
                    .ok()
                    .map(|document| parse_intake(&document.root));
                black_box(parsed);
            }
        })
    });
    c.bench_function("load/reference_rulebook", |b| {
        b.iter(|| black_box(embedded::reference()))
    });
}

criterion_group!(benches, triage);
criterion_main!(benches);
