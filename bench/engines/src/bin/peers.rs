//! Times clearance against Cedar, Rego (regorus, interpreted and on its RVM) and CEL on the same
//! semantics and the same intakes, in one run on one machine, and prints one table.
//!
//! Every engine decides the 24 public scenario intakes in turn; evaluations are timed in batches
//! of 1,000 (one call is too short to time), so the figures are the mean per evaluation, the p99
//! of the per-evaluation mean over batches, and evaluations per second. "prepared" engines decide
//! from an input built beforehand (the intake in the engine's own form); "from intake" includes
//! building that input from the parsed intake, as a user holding only the intake would.

use std::hint::black_box;
use std::time::{Duration, Instant};

use anyhow::Result;
use clearance_domain::{Intake, Records};
use clearance_peers::cedar::Cedar;
use clearance_peers::cel_peer::Cel;
use clearance_peers::rego::{Rego, RegoVm};
use clearance_peers::{Peer, scenarios};
use clearance_rulebook::{Options, embedded, evaluate, hand_written};

const BATCH: usize = 1_000;

/// How long each engine is measured for, at least.
fn budget() -> Duration {
    let millis = std::env::var("PEERS_MILLIS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(1_500);
    Duration::from_millis(millis)
}

struct Figures {
    name: String,
    mean_ns: f64,
    p99_ns: f64,
}

/// Runs `work(i)` for i = 0, 1, 2, … in batches until the budget is spent.
fn measure(name: &str, mut work: impl FnMut(usize)) -> Figures {
    for index in 0..BATCH {
        work(index);
    }
    let mut batches = Vec::new();
    let started = Instant::now();
    let mut index = 0;
    while started.elapsed() < budget() || batches.len() < 20 {
        let batch = Instant::now();
        for _ in 0..BATCH {
            work(index);
            index += 1;
        }
        batches.push(batch.elapsed().as_nanos() as f64 / BATCH as f64);
    }
    let mean_ns = batches.iter().sum::<f64>() / batches.len() as f64;
    batches.sort_by(f64::total_cmp);
    let p99_ns = batches[((batches.len() as f64 * 0.99).ceil() as usize)
        .saturating_sub(1)
        .min(batches.len() - 1)];
    Figures {
        name: name.to_owned(),
        mean_ns,
        p99_ns,
    }
}

fn peer<P: Peer>(engine: &P, intakes: &[(String, Intake)], rows: &mut Vec<Figures>) -> Result<()> {
    let inputs: Vec<P::Input> = intakes
        .iter()
        .map(|(_, intake)| engine.input(intake))
        .collect::<Result<_>>()?;
    rows.push(measure(
        &format!("{} (prepared input)", engine.name()),
        |index| {
            black_box(engine.decide(black_box(&inputs[index % inputs.len()])).ok());
        },
    ));
    rows.push(measure(
        &format!("{} (from intake)", engine.name()),
        |index| {
            black_box(
                engine
                    .decide_intake(black_box(&intakes[index % intakes.len()].1))
                    .ok(),
            );
        },
    ));
    Ok(())
}

fn timed<T>(
    label: &str,
    loads: &mut Vec<(String, Duration)>,
    load: impl FnOnce() -> Result<T>,
) -> Result<T> {
    let started = Instant::now();
    let value = load()?;
    loads.push((label.to_owned(), started.elapsed()));
    Ok(value)
}

fn main() -> Result<()> {
    let intakes = scenarios::load(true);
    anyhow::ensure!(
        intakes.len() == 24,
        "expected the 24 public scenarios, found {}",
        intakes.len()
    );
    let mut loads = Vec::new();
    let reference = timed(
        "clearance: load, check and compile the reference rulebook",
        &mut loads,
        || Ok(embedded::reference()?),
    )?;
    let cedar = timed("Cedar: parse the policy set", &mut loads, Cedar::new)?;
    let rego = timed(
        "regorus: parse the policy (interpreter)",
        &mut loads,
        Rego::new,
    )?;
    let rego_vm = timed(
        "regorus: compile the policy to RVM",
        &mut loads,
        RegoVm::new,
    )?;
    let cel = timed("CEL: compile every expression", &mut loads, Cel::new)?;

    let mut rows = Vec::new();
    let records = Records::none();
    rows.push(measure("clearance: decision", |index| {
        black_box(reference.decide(black_box(&intakes[index % intakes.len()].1), records));
    }));
    rows.push(measure("hand-written Rust (floor)", |index| {
        black_box(hand_written::decide(black_box(
            &intakes[index % intakes.len()].1,
        )));
    }));
    rows.push(measure(
        "clearance: full result, no lower_tier_if",
        |index| {
            black_box(evaluate(
                &[&reference],
                black_box(&intakes[index % intakes.len()].1),
                records,
                Options {
                    lower_tier_if: false,
                },
            ));
        },
    ));
    rows.push(measure(
        "clearance: full result with lower_tier_if",
        |index| {
            black_box(evaluate(
                &[&reference],
                black_box(&intakes[index % intakes.len()].1),
                records,
                Options::default(),
            ));
        },
    ));
    peer(&cedar, &intakes, &mut rows)?;
    peer(&rego_vm, &intakes, &mut rows)?;
    peer(&rego, &intakes, &mut rows)?;
    peer(&cel, &intakes, &mut rows)?;

    let base = rows[0].mean_ns;
    println!(
        "{} intakes, batches of {BATCH}, at least {} ms per engine",
        intakes.len(),
        budget().as_millis()
    );
    println!(
        "{:<44} {:>12} {:>12} {:>14} {:>12}",
        "engine", "mean ns", "p99 ns", "evals/s", "÷ clearance"
    );
    for row in &rows {
        println!(
            "{:<44} {:>12.1} {:>12.1} {:>14.0} {:>11.1}×",
            row.name,
            row.mean_ns,
            row.p99_ns,
            1e9 / row.mean_ns,
            row.mean_ns / base
        );
    }
    println!();
    println!("{:<60} {:>12}", "load", "ms");
    for (label, duration) in &loads {
        println!("{:<60} {:>12.3}", label, duration.as_secs_f64() * 1e3);
    }
    Ok(())
}
