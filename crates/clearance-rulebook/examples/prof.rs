//! temp
use clearance_domain::{Records};
fn main() {
    let rb = clearance_rulebook::embedded::reference().unwrap_or_else(|_| std::process::exit(1));
    let dir = std::path::Path::new("crates/clearance-rulebook/tests/scenarios/shared");
    let mut intakes = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let t = std::fs::read_to_string(e.path()).unwrap_or_default();
        let d = clearance_domain::Document::parse(&t).ok();
        if let Some(clearance_domain::Value::Map(es)) = d.map(|d| d.root.value) {
            if let Some(n) = es.iter().find(|x| x.key == "intake") { if let Ok(i) = clearance_domain::intake::parse_intake(&n.value) { intakes.push(i); } }
        }
    }
    let n: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let t = std::time::Instant::now();
    let mut acc = 0usize;
    for _ in 0..0 { for i in &intakes { acc += rb.decide(std::hint::black_box(i), Records::none()).tier as usize; } }
    println!("decide {:?}/eval {} {:?}", t.elapsed() / (n * intakes.len() as u32), acc, rb.kernel.as_ref().map(|k| k.sizes()));
    let t = std::time::Instant::now();
    for _ in 0..n / 10 { for i in &intakes { acc += clearance_rulebook::evaluate(&[&rb], std::hint::black_box(i), Records::none(), clearance_rulebook::Options { lower_tier_if: false }).findings.len(); } }
    println!("full {:?}/eval {}", t.elapsed() / (n / 10 * intakes.len() as u32), acc);
}
#[allow(dead_code)]
fn full() {}
