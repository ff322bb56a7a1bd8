//! The store's contract: one suite of cases, each an `async fn(&Store)`, run against a fresh
//! SQLite file and against PostgreSQL.
//!
//! The PostgreSQL runs are ignored unless asked for, and need `DATABASE_URL`:
//!
//! ```text
//! DATABASE_URL=postgres://postgres@127.0.0.1:55432/clearance_test \
//!     cargo test -p clearance-store -- --include-ignored
//! ```
//!
//! Each PostgreSQL case gets a schema of its own (created, used through `search_path`, dropped),
//! so the cases run in parallel and repeatedly on one server and database.

// `cfg(test)` (always true here) tells clippy these helpers are test code.
#[cfg(test)]
mod contract {
    pub mod audit;
    pub mod coverage;
    pub mod deliveries;
    pub mod discussion;
    pub mod outbox;
    pub mod people;
    pub mod proposals;
    pub mod records;
    pub mod reports;
    pub mod search;
    pub mod support;
}

#[cfg(test)]
mod harness {
    use std::sync::atomic::{AtomicU32, Ordering};

    use clearance_store::Store;

    /// A store on a new SQLite file; the directory lives as long as the returned guard.
    pub async fn sqlite_store() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("contract.db").display());
        (Store::open(&url).await.expect("open SQLite store"), dir)
    }

    /// A store in a schema of its own on the PostgreSQL server of `DATABASE_URL`.
    pub struct PgSchema {
        admin: sqlx::PgPool,
        name: String,
        pub store: Store,
    }

    static SCHEMAS: AtomicU32 = AtomicU32::new(0);

    impl PgSchema {
        pub async fn new() -> PgSchema {
            let url = std::env::var("DATABASE_URL")
                .expect("DATABASE_URL must name a PostgreSQL database for these tests");
            let admin = sqlx::postgres::PgPoolOptions::new()
                .max_connections(1)
                .connect(&url)
                .await
                .expect("connect");
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or_default();
            let name = format!(
                "contract_{}_{}_{nanos}",
                std::process::id(),
                SCHEMAS.fetch_add(1, Ordering::Relaxed)
            );
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {name}")))
                .execute(&admin)
                .await
                .expect("create schema");
            let separator = if url.contains('?') { '&' } else { '?' };
            let store_url = format!("{url}{separator}options=-c%20search_path%3D{name}");
            let store = Store::open(&store_url)
                .await
                .expect("open PostgreSQL store");
            PgSchema { admin, name, store }
        }

        pub async fn drop_schema(self) {
            self.store.close().await;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA {} CASCADE",
                self.name
            )))
            .execute(&self.admin)
            .await
            .expect("drop schema");
            self.admin.close().await;
        }
    }
}

/// Declares every case twice: `sqlite::case` and `postgres::case` (ignored by default).
macro_rules! contract_cases {
    ($($module:ident :: $case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let (store, _dir) = super::harness::sqlite_store().await;
                    super::contract::$module::$case(&store).await;
                    super::contract::support::verify_audit(&store).await;
                    store.close().await;
                }
            )*
        }

        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[ignore = "needs PostgreSQL: DATABASE_URL"]
                async fn $case() {
                    let schema = super::harness::PgSchema::new().await;
                    super::contract::$module::$case(&schema.store).await;
                    super::contract::support::verify_audit(&schema.store).await;
                    schema.drop_schema().await;
                }
            )*
        }
    };
}

contract_cases! {
    people::people_round_trip,
    people::tokens_and_authentication,
    people::productions_and_members,
    people::sessions_start_expire_and_end,
    proposals::new_and_next_versions,
    proposals::batch_items_fail_alone,
    proposals::idempotent_replay,
    proposals::transitions,
    proposals::reviews_record_the_decision,
    proposals::concurrent_reviews_one_wins,
    proposals::concurrent_batches_serialise,
    proposals::reevaluation,
    proposals::a_value_the_database_refuses_fails_its_item_alone,
    search::search_filters,
    search::search_order_and_window,
    search::references_statuses_and_expiries,
    discussion::comments_and_attachments,
    records::consents,
    records::tools,
    records::rulebooks,
    reports::production_reports,
    outbox::webhooks_and_deliveries,
    outbox::notifications_in_transactions,
    audit::audit_log,
    audit::checkpoints,
    audit::entries_about_one_subject,
    audit::ping_and_backend,
    coverage::coverage_candidates,
    deliveries::delivery_scans,
    deliveries::a_large_scan_is_stored_whole,
}
