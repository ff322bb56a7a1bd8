//! `save_versions`: the group-commit hot path, timed in release mode.
//!
//! Commits batches of 64 new proposals (a ~1.5 KB intake, a ~3 KB evaluation result, two tools,
//! a consent id, an idempotency key and one notification to three people each, with one active
//! webhook) and prints items per second and the per-batch commit latency. Runs on SQLite in a
//! temporary directory (WAL, `synchronous=FULL`, as the store always opens it) and, when
//! `DATABASE_URL` names a PostgreSQL database, on PostgreSQL in a schema of its own (created and
//! dropped).
//!
//! ```text
//! cargo bench -p clearance-store --bench save_versions
//! DATABASE_URL=postgres://postgres@127.0.0.1:55432/clearance_test \
//!     cargo bench -p clearance-store --bench save_versions
//! ```
//!
//! `BATCHES` (default 150) and `BATCH` (default 64) change the run.

use std::error::Error;
use std::time::{Duration, Instant};

use clearance_domain::tier::Tier;
use clearance_store::Store;
use clearance_store::model::{
    Capacity, NewNotification, NewPerson, NewProduction, NewVersion, Role, RulebookRef, Status,
    StoredEvaluation,
};
use clearance_store::proposal::{SaveVersion, Target};

type Res<T> = Result<T, Box<dyn Error>>;

const T0: i64 = 1_750_000_000_000;
const WARMUP_BATCHES: usize = 5;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What a store needs before submissions: people, a production with members, a webhook.
struct World {
    partner: i64,
    reviewers: Vec<i64>,
    production: i64,
}

async fn world(store: &Store) -> Res<World> {
    let mut ids = Vec::new();
    for (name, role) in [
        ("admin", Role::Admin),
        ("partner", Role::Partner),
        ("reviewer-1", Role::Reviewer),
        ("reviewer-2", Role::Reviewer),
    ] {
        let person = NewPerson {
            name: name.to_owned(),
            email: format!("{name}@example.com"),
            role,
            organisation: Some("Example Studio".to_owned()),
        };
        ids.push(store.create_person(&person, None, T0).await?.id);
    }
    let production = store
        .create_production(
            &NewProduction {
                title: "The Long Night".to_owned(),
                studio: "Example Studio".to_owned(),
                rulebooks: vec!["netflix-genai-2025".to_owned()],
            },
            Some(ids[0]),
            T0,
        )
        .await?;
    for (person, capacity) in [
        (ids[1], Capacity::Partner),
        (ids[2], Capacity::Reviewer),
        (ids[3], Capacity::Reviewer),
    ] {
        store
            .add_member(production.id, person, capacity, Some(ids[0]), T0)
            .await?;
    }
    store
        .create_webhook(
            "https://hooks.example/clearance",
            "secret",
            Some(production.id),
            Some(ids[0]),
            T0,
        )
        .await?;
    Ok(World {
        partner: ids[1],
        reviewers: vec![ids[2], ids[3]],
        production: production.id,
    })
}

/// Text of about `len` bytes, different for every `seed`.
fn filler(seed: usize, len: usize) -> String {
    let mut text = String::with_capacity(len + 64);
    let mut i = 0;
    while text.len() < len {
        text.push_str(&format!(
            "line {seed}-{i}: background plates, crowd extension. "
        ));
        i += 1;
    }
    text
}

/// One submission as the service builds it.
fn item(w: &World, n: usize) -> SaveVersion {
    let title = format!("Crowd extension {n}");
    let source = format!(
        "title: {title}\nvendor: Pixel Vendor\ntools:\n  - name: Runway Gen-4\n  - tool_id: tool-7\n\
         talent:\n  consent_id: CR-{n}\ndescription: |\n  {}\n",
        filler(n, 1400)
    );
    let intake = format!(
        r#"{{"title":"{title}","vendor":"Pixel Vendor","description":"{}"}}"#,
        filler(n, 1400)
    );
    let result = format!(
        r#"{{"tier":"approval","findings":[{{"rule":"talent.replica","detail":"{}"}}]}}"#,
        filler(n, 3000)
    );
    let mut recipients = w.reviewers.clone();
    recipients.push(w.partner);
    SaveVersion {
        target: Target::New {
            production_id: w.production,
        },
        status: Status::InReview,
        version: NewVersion {
            title: title.clone(),
            vendor: Some("Pixel Vendor".to_owned()),
            content_hash: format!("{:064x}", n),
            source,
            format: "yaml".to_owned(),
            intake,
            tools: vec!["Runway Gen-4".to_owned(), "tool-7".to_owned()],
            consent_ids: vec![format!("CR-{n}")],
            evaluation: Some(StoredEvaluation {
                tier: Tier::Approval,
                result,
                rulebooks: vec![RulebookRef {
                    id: "netflix-genai-2025".to_owned(),
                    version: "2025.1".to_owned(),
                    digest: "ab".repeat(32),
                }],
                records: r#"{"consents":{},"tools":{}}"#.to_owned(),
                evaluated_at: T0,
            }),
        },
        actor: w.partner,
        action: "proposal.submitted".to_owned(),
        idempotency_key: Some(format!("key-{n}")),
        notifications: vec![NewNotification {
            event: "proposal.submitted".to_owned(),
            production_id: Some(w.production),
            proposal_id: None,
            recipients,
            payload: format!(
                r#"{{"production_id":{},"title":"{title}","status":"in_review","tier":"approval","version":1}}"#,
                w.production
            ),
        }],
    }
}

/// CPU time of this process (user + system) so far, where the platform tells it.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    // Linux reports clock ticks of 1/100 s (USER_HZ).
    Some(Duration::from_millis((utime + stime) * 10))
}

/// Bytes this process has passed to `write` and friends so far, where the platform tells it.
fn bytes_written() -> Option<u64> {
    let io = std::fs::read_to_string("/proc/self/io").ok()?;
    io.lines()
        .find_map(|line| line.strip_prefix("wchar: "))?
        .trim()
        .parse()
        .ok()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

async fn run(label: &str, store: &Store) -> Res<()> {
    let batches = env_usize("BATCHES", 150);
    let batch_size = env_usize("BATCH", 64);
    let w = world(store).await?;
    let mut n = 0;
    let mut next_batch = || {
        let batch: Vec<SaveVersion> = (0..batch_size)
            .map(|_| {
                n += 1;
                item(&w, n)
            })
            .collect();
        batch
    };
    for _ in 0..WARMUP_BATCHES {
        let batch = next_batch();
        for result in store.save_versions(batch, T0).await? {
            result?;
        }
    }
    let prepared: Vec<Vec<SaveVersion>> = (0..batches).map(|_| next_batch()).collect();
    let mut latencies = Vec::with_capacity(batches);
    let cpu_start = cpu_time();
    let written_start = bytes_written();
    let start = Instant::now();
    for batch in prepared {
        let t = Instant::now();
        let results = store.save_versions(batch, T0).await?;
        latencies.push(t.elapsed());
        for result in results {
            if result?.replayed {
                return Err("a fresh submission was replayed".into());
            }
        }
    }
    let wall = start.elapsed();
    let cpu = cpu_start.zip(cpu_time()).map(|(a, b)| b.saturating_sub(a));
    let written = written_start
        .zip(bytes_written())
        .map(|(a, b)| b.saturating_sub(a));
    latencies.sort_unstable();
    let items = (batches * batch_size) as f64;
    let mean = wall / u32::try_from(batches.max(1))?;
    println!(
        "{label}: {batches} batches of {batch_size}: {:.0} items/s; batch latency mean {:.2} ms, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms{}{}",
        items / wall.as_secs_f64(),
        mean.as_secs_f64() * 1e3,
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        cpu.map(|c| format!("; process CPU {:.0} µs/item", c.as_secs_f64() * 1e6 / items))
            .unwrap_or_default(),
        written
            .map(|w| format!("; written {:.1} KB/item", w as f64 / 1e3 / items))
            .unwrap_or_default()
    );
    // The log is intact.
    let (size, root) = store.tree_head().await?;
    let leaves = store.audit_leaves(size).await?;
    if clearance_audit::root(&leaves) != root {
        return Err("the audit root does not match the leaves".into());
    }
    Ok(())
}

async fn sqlite() -> Res<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open_data_dir(dir.path()).await?;
    run("sqlite", &store).await?;
    store.close().await;
    Ok(())
}

async fn postgres(url: &str) -> Res<()> {
    let admin = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await?;
    let schema = format!("bench_save_versions_{}", std::process::id());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await?;
    let separator = if url.contains('?') { '&' } else { '?' };
    let outcome = async {
        let store = Store::open(&format!(
            "{url}{separator}options=-c%20search_path%3D{schema}"
        ))
        .await?;
        let outcome = run("postgres", &store).await;
        store.close().await;
        outcome
    }
    .await;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&admin)
        .await?;
    admin.close().await;
    outcome
}

fn main() -> Res<()> {
    // `cargo bench` passes `--bench`; anything else (a filter) is ignored.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        sqlite().await?;
        if let Ok(url) = std::env::var("DATABASE_URL") {
            postgres(&url).await?;
        }
        Ok(())
    })
}
