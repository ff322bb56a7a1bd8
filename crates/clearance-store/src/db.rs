//! The one place that knows there are two backends.
//!
//! Every statement in this crate is written once, with `$1`-style placeholders (which SQLite also
//! accepts: sqlx maps `$N` to the N-th bound value), and run through [`Conn::sql`], which builds
//! the same statement for whichever backend the connection belongs to. Values are bound with
//! [`Stmt::bind`] (any type both drivers can encode) and rows decoded into structs that derive
//! `sqlx::FromRow` (which is generic over the row type). Outside this file, statements are run
//! without knowing which backend runs them. The few texts that must differ are built here: the
//! frontier lock ([`Pools::write`]), id reservation ([`WriteTx::reserve_ids`]) and the
//! placeholders of multi-row inserts ([`WriteTx::insert_rows`]).

use std::str::FromStr as _;
use std::time::Duration;

use clearance_audit::Frontier;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{
    Database, Encode, FromRow, PgConnection, PgPool, Postgres, SqlSafeStr, Sqlite,
    SqliteConnection, SqlitePool, Transaction, Type,
};

use crate::StoreError;

/// The migrations, embedded at build time, one folder per backend.
static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// How long a SQLite connection waits for a lock held by another process before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Prepared statements kept per writing connection (sqlx's default is 100; the batch path of
/// `save_versions` uses a few texts per table and list length).
const WRITER_STATEMENT_CACHE: usize = 512;

/// The pools of one open store.
#[derive(Clone, Debug)]
pub(crate) enum Pools {
    /// SQLite: every write goes through `write`, a pool of exactly one connection whose
    /// transactions start with `BEGIN IMMEDIATE`, so writers queue in the pool instead of failing
    /// with `SQLITE_BUSY` on a lock upgrade; reads use `read` and, thanks to WAL, never wait for
    /// the writer.
    Sqlite {
        /// Readers.
        read: SqlitePool,
        /// The single writer.
        write: SqlitePool,
    },
    /// PostgreSQL: one pool; writers serialise on the audit frontier row (`FOR UPDATE`).
    Postgres(PgPool),
}

impl Pools {
    /// Opens a SQLite database file (created if missing) and applies the migrations.
    pub(crate) async fn open_sqlite(path: &std::path::Path) -> Result<Pools, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // A submission that was acknowledged must survive a crash or power cut.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(SQLITE_BUSY_TIMEOUT);
        // The writer: room in the statement cache for the batch path's multi-row statements
        // (a few texts per table, see `WriteTx::insert_rows`), a larger page cache for the
        // indexes a batch touches, temporary b-trees in memory.
        let write_options = options
            .clone()
            .statement_cache_capacity(WRITER_STATEMENT_CACHE)
            .pragma("cache_size", "-32768")
            .pragma("temp_store", "memory");
        let write = SqlitePoolOptions::new()
            .min_connections(1)
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(120))
            .connect_with(write_options)
            .await?;
        SQLITE_MIGRATIONS
            .run(&write)
            .await
            .map_err(sqlx::Error::from)?;
        let readers = std::thread::available_parallelism().map_or(4, |n| n.get().clamp(2, 16));
        let read = SqlitePoolOptions::new()
            .max_connections(u32::try_from(readers).unwrap_or(4))
            .connect_with(options)
            .await?;
        Ok(Pools::Sqlite { read, write })
    }

    /// Connects to PostgreSQL and applies the migrations.
    pub(crate) async fn open_postgres(url: &str) -> Result<Pools, StoreError> {
        let options =
            PgConnectOptions::from_str(url)?.statement_cache_capacity(WRITER_STATEMENT_CACHE);
        let pool = PgPoolOptions::new()
            .max_connections(16)
            // A server that cannot be reached is reported within seconds, not minutes.
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(|conn, _| {
                Box::pin(async move {
                    // Large texts (intakes, evaluation results, audit bodies) are compressed
                    // when stored; lz4 does it several times faster than the default pglz. A
                    // server that cannot (before PostgreSQL 14, or built without lz4) refuses
                    // the setting and keeps its default, which is fine.
                    let lz4 = sqlx::query("SET default_toast_compression = 'lz4'")
                        .execute(&mut *conn)
                        .await;
                    drop(lz4);
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        POSTGRES_MIGRATIONS
            .run(&pool)
            .await
            .map_err(sqlx::Error::from)?;
        Ok(Pools::Postgres(pool))
    }

    /// A connection for reading.
    pub(crate) async fn read(&self) -> Result<ReadConn, StoreError> {
        Ok(match self {
            Pools::Sqlite { read, .. } => ReadConn::Sqlite(read.acquire().await?),
            Pools::Postgres(pool) => ReadConn::Postgres(pool.acquire().await?),
        })
    }

    /// Starts a write transaction that holds the audit frontier: on SQLite by taking the write
    /// lock at `BEGIN IMMEDIATE`, on PostgreSQL by locking the frontier row. Every writer that
    /// changes a record also appends to the audit log, so writers are serialised and the
    /// revision checks made inside the transaction cannot race.
    pub(crate) async fn write(&self) -> Result<WriteTx, StoreError> {
        // SQLite has no `FOR UPDATE` (and needs none: `BEGIN IMMEDIATE` already holds the
        // write lock).
        let (mut tx, sql) = match self {
            Pools::Sqlite { write, .. } => (
                Tx::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?),
                "SELECT size, frontier FROM audit_tree WHERE id = 1",
            ),
            Pools::Postgres(pool) => (
                Tx::Postgres(pool.begin().await?),
                "SELECT size, frontier FROM audit_tree WHERE id = 1 FOR UPDATE",
            ),
        };
        let row: FrontierRow = tx
            .conn()
            .sql(sql)
            .fetch_optional()
            .await?
            .ok_or_else(|| StoreError::Corrupt("the audit_tree row is missing".into()))?;
        let frontier = Frontier::from_bytes(&row.frontier).map_err(|e| {
            StoreError::Corrupt(format!("the stored audit frontier does not decode: {e}"))
        })?;
        if i64::try_from(frontier.size()).ok() != Some(row.size) {
            return Err(StoreError::Corrupt(format!(
                "the audit frontier holds {} leaves but audit_tree.size is {}",
                frontier.size(),
                row.size
            )));
        }
        Ok(WriteTx {
            tx,
            frontier,
            changed: false,
            active_webhooks: None,
        })
    }

    /// A plain transaction without the audit frontier, for bookkeeping that is not a change of
    /// any record (a token's last use, webhook delivery attempts).
    pub(crate) async fn bookkeeping(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Pools::Sqlite { write, .. } => Tx::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?),
            Pools::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Closes every pool.
    pub(crate) async fn close(&self) {
        match self {
            Pools::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Pools::Postgres(pool) => pool.close().await,
        }
    }
}

#[derive(sqlx::FromRow)]
struct FrontierRow {
    size: i64,
    frontier: Vec<u8>,
}

/// A pooled connection used for reads.
pub(crate) enum ReadConn {
    /// SQLite.
    Sqlite(PoolConnection<Sqlite>),
    /// PostgreSQL.
    Postgres(PoolConnection<Postgres>),
}

impl ReadConn {
    /// The connection.
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            ReadConn::Sqlite(c) => Conn::Sqlite(c),
            ReadConn::Postgres(c) => Conn::Postgres(c),
        }
    }
}

/// An open transaction on either backend.
pub(crate) enum Tx {
    /// SQLite.
    Sqlite(Transaction<'static, Sqlite>),
    /// PostgreSQL.
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    /// The transaction's connection.
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(tx) => Conn::Sqlite(tx),
            Tx::Postgres(tx) => Conn::Postgres(tx),
        }
    }

    /// Commits.
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// Rolls back.
    pub(crate) async fn rollback(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.rollback().await?,
            Tx::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}

/// A write transaction with the audit frontier it appends to (see [`Pools::write`]).
pub(crate) struct WriteTx {
    tx: Tx,
    /// The frontier as of the last append in this transaction.
    pub(crate) frontier: Frontier,
    changed: bool,
    /// Whether any webhook is active, once asked (see [`WriteTx::has_active_webhooks`]).
    active_webhooks: Option<bool>,
}

impl WriteTx {
    /// The transaction's connection.
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        self.tx.conn()
    }

    /// The index the next audit entry will get.
    pub(crate) fn next_index(&self) -> Result<i64, StoreError> {
        i64::try_from(self.frontier.size())
            .map_err(|_| StoreError::Corrupt("the audit log is too long".into()))
    }

    /// Whether any webhook is active (asked once per transaction: notifications written without
    /// one skip the deliveries statement).
    pub(crate) async fn has_active_webhooks(&mut self) -> Result<bool, StoreError> {
        if let Some(known) = self.active_webhooks {
            return Ok(known);
        }
        let count: Count = self
            .conn()
            .sql("SELECT COUNT(*) AS n FROM webhooks WHERE active = TRUE")
            .fetch_one()
            .await?;
        self.active_webhooks = Some(count.n > 0);
        Ok(count.n > 0)
    }

    /// Fails with [`StoreError::NotFound`] (naming `what`) unless `count_sql`, a
    /// `SELECT COUNT(*) AS n … WHERE key = $1`, counts a row.
    pub(crate) async fn exists<'t>(
        &mut self,
        count_sql: &'static str,
        key: impl Value<'t>,
        what: impl FnOnce() -> String,
    ) -> Result<(), StoreError> {
        let count: Count = self.conn().sql(count_sql).bind(key).fetch_one().await?;
        if count.n == 0 {
            return Err(StoreError::NotFound(what()));
        }
        Ok(())
    }

    /// Inserts `(key, value)` rows, many per statement:
    /// `INSERT INTO {into} VALUES ($1, $2), ($1, $3), …` where `into` names the table and its
    /// two columns.
    pub(crate) async fn insert_pairs<'t, V: Value<'t> + Copy>(
        &mut self,
        into: &str,
        key: i64,
        values: &[V],
    ) -> Result<(), StoreError> {
        for chunk in values.chunks(ROWS_PER_INSERT) {
            let rows: Vec<String> = (0..chunk.len())
                .map(|i| format!("($1, ${})", i + 2))
                .collect();
            let sql = format!("INSERT INTO {into} VALUES {}", rows.join(", "));
            let mut conn = self.conn();
            let mut stmt = conn.sql(sqlx::AssertSqlSafe(sql)).bind(key);
            for value in chunk {
                stmt = stmt.bind(*value);
            }
            stmt.execute().await?;
        }
        Ok(())
    }

    /// Adds a leaf to the frontier (the entry itself is inserted by the caller).
    pub(crate) fn push_leaf(&mut self, leaf: clearance_audit::Hash) {
        self.frontier.push(leaf);
        self.changed = true;
    }

    /// Starts a savepoint, so that one item of a batch can fail alone; returns the frontier to
    /// restore if it does.
    pub(crate) async fn savepoint(&mut self) -> Result<Frontier, StoreError> {
        self.conn().sql("SAVEPOINT batch_item").execute().await?;
        Ok(self.frontier.clone())
    }

    /// Keeps what was done since [`WriteTx::savepoint`].
    pub(crate) async fn release(&mut self) -> Result<(), StoreError> {
        self.conn()
            .sql("RELEASE SAVEPOINT batch_item")
            .execute()
            .await?;
        Ok(())
    }

    /// Undoes what was done since [`WriteTx::savepoint`], including the audit entries.
    pub(crate) async fn rollback_to(&mut self, frontier: Frontier) -> Result<(), StoreError> {
        self.conn()
            .sql("ROLLBACK TO SAVEPOINT batch_item")
            .execute()
            .await?;
        self.conn()
            .sql("RELEASE SAVEPOINT batch_item")
            .execute()
            .await?;
        self.frontier = frontier;
        Ok(())
    }

    /// Undoes everything done in the transaction (the audit entries included).
    pub(crate) async fn rollback(self) -> Result<(), StoreError> {
        self.tx.rollback().await
    }

    /// Reserves `count` new ids of `table`, in increasing order, for rows this transaction will
    /// insert with explicit ids. SQLite: the ids after the highest one (what SQLite itself would
    /// give; the write lock is held, so nobody else can take them). PostgreSQL: values of the
    /// column's identity sequence, so that later inserts without an id do not collide.
    pub(crate) async fn reserve_ids(
        &mut self,
        table: IdTable,
        count: usize,
    ) -> Result<Vec<i64>, StoreError> {
        if count == 0 {
            return Ok(Vec::new());
        }
        let wanted = i64::try_from(count)
            .map_err(|_| StoreError::Invalid(format!("cannot reserve {count} ids")))?;
        let mut ids = match &mut self.tx {
            Tx::Sqlite(tx) => {
                let sql = match table {
                    IdTable::Proposals => "SELECT COALESCE(MAX(id), 0) AS n FROM proposals",
                    IdTable::Notifications => "SELECT COALESCE(MAX(id), 0) AS n FROM notifications",
                };
                let highest: Count = Conn::Sqlite(tx).sql(sql).fetch_one().await?;
                (1..=wanted).map(|i| highest.n + i).collect()
            }
            Tx::Postgres(tx) => {
                let sql = match table {
                    IdTable::Proposals => {
                        "SELECT nextval(pg_get_serial_sequence('proposals', 'id')) AS n \
                         FROM generate_series(1, $1)"
                    }
                    IdTable::Notifications => {
                        "SELECT nextval(pg_get_serial_sequence('notifications', 'id')) AS n \
                         FROM generate_series(1, $1)"
                    }
                };
                let rows: Vec<Count> = Conn::Postgres(tx).sql(sql).bind(wanted).fetch_all().await?;
                rows.into_iter().map(|row| row.n).collect::<Vec<i64>>()
            }
        };
        ids.sort_unstable();
        if ids.len() != count {
            return Err(StoreError::Corrupt(format!(
                "asked for {count} ids of {table:?}, got {}",
                ids.len()
            )));
        }
        Ok(ids)
    }

    /// Inserts rows of `width` values each (`values` holds them row after row), many rows per
    /// statement: `INSERT INTO {into} VALUES ($1, …, $width), ($width+1, …), …`, where `into`
    /// names the table and its columns. Rows are sent in chunks of a power of two (at most
    /// [`ROWS_PER_INSERT`], and within the backends' limits on bound values), so that a few
    /// statement texts serve every batch size and stay in the prepared-statement cache.
    pub(crate) async fn insert_rows(
        &mut self,
        into: &str,
        width: usize,
        values: &[Arg<'_>],
    ) -> Result<(), StoreError> {
        if width == 0 || !values.len().is_multiple_of(width) {
            return Err(StoreError::Invalid(format!(
                "internal error: {} values do not make rows of {width}",
                values.len()
            )));
        }
        let mut rows = values.chunks_exact(width).peekable();
        let limit = power_of_two_at_most((MAX_BOUND_VALUES / width).min(ROWS_PER_INSERT));
        let mut remaining = values.len() / width;
        while rows.peek().is_some() {
            let chunk = power_of_two_at_most(remaining.min(limit));
            let mut sql = String::with_capacity(into.len() + 20 + chunk * width * 6);
            sql.push_str("INSERT INTO ");
            sql.push_str(into);
            sql.push_str(" VALUES ");
            // The one text that differs between the backends: on SQLite the values are bound to
            // anonymous `?`s, since sqlx-sqlite looks every `$N` up by name and SQLite finds a
            // name by a linear search (so binding `$N`s costs the square of their number).
            let sqlite = matches!(self.tx, Tx::Sqlite(_));
            if sqlite {
                push_anonymous_rows(&mut sql, width, chunk);
            } else {
                push_value_rows(&mut sql, 1, width, chunk);
            }
            let mut conn = self.conn();
            let mut stmt = conn.sql_with_placeholders(sqlx::AssertSqlSafe(sql), chunk * width);
            for row in rows.by_ref().take(chunk) {
                for value in row {
                    stmt = value.bind_to(stmt);
                }
            }
            stmt.execute().await?;
            remaining -= chunk;
        }
        Ok(())
    }

    /// Writes the frontier back and commits: one commit (one fsync) for everything done.
    pub(crate) async fn commit(mut self) -> Result<(), StoreError> {
        if self.changed {
            let size = self.next_index()?;
            let bytes = self.frontier.to_bytes();
            self.conn()
                .sql("UPDATE audit_tree SET size = $1, frontier = $2 WHERE id = 1")
                .bind(size)
                .bind(bytes)
                .execute()
                .await?;
        }
        self.tx.commit().await
    }
}

/// A connection of either backend, borrowed from a pool or a transaction.
pub(crate) enum Conn<'c> {
    /// SQLite.
    Sqlite(&'c mut SqliteConnection),
    /// PostgreSQL.
    Postgres(&'c mut PgConnection),
}

type Query<DB> = sqlx::query::Query<'static, DB, <DB as Database>::Arguments>;

/// A statement being built on a connection: bind the values, then run it.
pub(crate) struct Stmt<'c> {
    query: BackendQuery<'c>,
    /// The highest `$N` in the statement, and the values bound so far: SQLite reads a missing
    /// value as NULL, so a forgotten `bind` is caught here rather than stored.
    placeholders: usize,
    bound: usize,
}

enum BackendQuery<'c> {
    Sqlite(&'c mut SqliteConnection, Query<Sqlite>),
    Postgres(&'c mut PgConnection, Query<Postgres>),
}

/// The highest placeholder number (`$N`) in a statement.
fn placeholders(sql: &str) -> usize {
    let bytes = sql.as_bytes();
    let mut highest = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let mut n = 0usize;
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                n = n
                    .saturating_mul(10)
                    .saturating_add(usize::from(bytes[i] - b'0'));
                i += 1;
            }
            highest = highest.max(n);
        } else {
            i += 1;
        }
    }
    highest
}

/// A value both drivers can bind.
pub(crate) trait Value<'t>:
    Encode<'t, Sqlite> + Type<Sqlite> + Encode<'t, Postgres> + Type<Postgres>
{
}
impl<'t, T> Value<'t> for T where
    T: Encode<'t, Sqlite> + Type<Sqlite> + Encode<'t, Postgres> + Type<Postgres>
{
}

/// Rows per multi-row `INSERT` (well under both backends' limits on bound values).
const ROWS_PER_INSERT: usize = 500;

/// The most values one statement binds: SQLite's limit (`SQLITE_MAX_VARIABLE_NUMBER`, 32766
/// since 3.32) is the lower of the two (PostgreSQL's is 65535).
pub(crate) const MAX_BOUND_VALUES: usize = 32766;

/// The largest power of two that is at most `n` (1 for 0).
pub(crate) fn power_of_two_at_most(n: usize) -> usize {
    if n <= 1 { 1 } else { 1 << n.ilog2() }
}

/// Appends `rows` tuples of `width` placeholders, numbered from `$first`:
/// `($1, $2), ($3, $4)`.
pub(crate) fn push_value_rows(sql: &mut String, first: usize, width: usize, rows: usize) {
    use std::fmt::Write as _;
    let mut n = first;
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..width {
            if column > 0 {
                sql.push_str(", ");
            }
            let _ = write!(sql, "${n}");
            n += 1;
        }
        sql.push(')');
    }
}

/// Appends `rows` tuples of `width` anonymous placeholders: `(?, ?), (?, ?)` (SQLite only).
fn push_anonymous_rows(sql: &mut String, width: usize, rows: usize) {
    for row in 0..rows {
        sql.push_str(if row == 0 { "(?" } else { ", (?" });
        for _ in 1..width {
            sql.push_str(", ?");
        }
        sql.push(')');
    }
}

/// Appends a list of `count` placeholders numbered from `$first`: `$3, $4, $5`.
pub(crate) fn push_list(sql: &mut String, first: usize, count: usize) {
    use std::fmt::Write as _;
    for i in 0..count {
        if i > 0 {
            sql.push_str(", ");
        }
        let _ = write!(sql, "${}", first + i);
    }
}

/// A table whose ids [`WriteTx::reserve_ids`] hands out.
#[derive(Debug, Clone, Copy)]
pub(crate) enum IdTable {
    /// `proposals.id`.
    Proposals,
    /// `notifications.id`.
    Notifications,
}

/// One value of a row given to [`WriteTx::insert_rows`] (rows mix types, so the values are
/// bound through this).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Arg<'a> {
    /// An integer.
    Int(i64),
    /// An integer or NULL.
    OptInt(Option<i64>),
    /// Text.
    Text(&'a str),
    /// Text or NULL.
    OptText(Option<&'a str>),
    /// A boolean.
    Bool(bool),
}

impl Arg<'_> {
    /// Binds it as the statement's next value.
    pub(crate) fn bind_to<'c>(self, stmt: Stmt<'c>) -> Stmt<'c> {
        match self {
            Arg::Int(n) => stmt.bind(n),
            Arg::OptInt(n) => stmt.bind(n),
            Arg::Text(text) => stmt.bind(text),
            Arg::OptText(text) => stmt.bind(text),
            Arg::Bool(b) => stmt.bind(b),
        }
    }
}

/// `SELECT COUNT(*) AS n …`.
#[derive(sqlx::FromRow)]
pub(crate) struct Count {
    /// The count.
    pub(crate) n: i64,
}

/// A row type that can be read from either backend (what `#[derive(sqlx::FromRow)]` gives).
pub(crate) trait Row:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

impl Conn<'_> {
    /// Starts a statement (prepared and cached per connection by sqlx).
    pub(crate) fn sql(&mut self, sql: impl SqlSafeStr) -> Stmt<'_> {
        let sql = sql.into_sql_str();
        let placeholders = placeholders(sql.as_str());
        self.sql_with_placeholders(sql, placeholders)
    }

    /// Starts a statement that has `placeholders` values to bind (for statements whose
    /// placeholders are not all `$N`: see [`WriteTx::insert_rows`]).
    fn sql_with_placeholders(&mut self, sql: impl SqlSafeStr, placeholders: usize) -> Stmt<'_> {
        let sql = sql.into_sql_str();
        let query = match self {
            Conn::Sqlite(c) => BackendQuery::Sqlite(c, sqlx::query(sql)),
            Conn::Postgres(c) => BackendQuery::Postgres(c, sqlx::query(sql)),
        };
        Stmt {
            query,
            placeholders,
            bound: 0,
        }
    }
}

impl<'c> Stmt<'c> {
    /// Binds the next placeholder.
    pub(crate) fn bind<'t>(mut self, value: impl Value<'t>) -> Self {
        self.bound += 1;
        self.query = match self.query {
            BackendQuery::Sqlite(c, q) => BackendQuery::Sqlite(c, q.bind(value)),
            BackendQuery::Postgres(c, q) => BackendQuery::Postgres(c, q.bind(value)),
        };
        self
    }

    /// The query, if every placeholder has exactly one value.
    fn checked(self) -> Result<BackendQuery<'c>, StoreError> {
        if self.bound != self.placeholders {
            return Err(StoreError::Invalid(format!(
                "internal error: a statement with {} placeholders was given {} values",
                self.placeholders, self.bound
            )));
        }
        Ok(self.query)
    }

    /// Runs it; returns the number of rows affected.
    pub(crate) async fn execute(self) -> Result<u64, StoreError> {
        Ok(match self.checked()? {
            BackendQuery::Sqlite(c, q) => q.execute(c).await?.rows_affected(),
            BackendQuery::Postgres(c, q) => q.execute(c).await?.rows_affected(),
        })
    }

    /// Runs it and decodes every row.
    pub(crate) async fn fetch_all<R: Row>(self) -> Result<Vec<R>, StoreError> {
        match self.checked()? {
            BackendQuery::Sqlite(c, q) => q
                .fetch_all(c)
                .await?
                .iter()
                .map(|r| Ok(R::from_row(r)?))
                .collect(),
            BackendQuery::Postgres(c, q) => q
                .fetch_all(c)
                .await?
                .iter()
                .map(|r| Ok(R::from_row(r)?))
                .collect(),
        }
    }

    /// Runs it and decodes the first row, if any.
    pub(crate) async fn fetch_optional<R: Row>(self) -> Result<Option<R>, StoreError> {
        Ok(match self.checked()? {
            BackendQuery::Sqlite(c, q) => q
                .fetch_optional(c)
                .await?
                .map(|r| R::from_row(&r))
                .transpose()?,
            BackendQuery::Postgres(c, q) => q
                .fetch_optional(c)
                .await?
                .map(|r| R::from_row(&r))
                .transpose()?,
        })
    }

    /// Runs it and decodes the one row it must return.
    pub(crate) async fn fetch_one<R: Row>(self) -> Result<R, StoreError> {
        self.fetch_optional().await?.ok_or_else(|| {
            StoreError::Corrupt("a statement that always returns a row returned none".into())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn counts_the_highest_placeholder() {
        assert_eq!(placeholders("SELECT 1"), 0);
        assert_eq!(placeholders("SELECT $1, $2"), 2);
        assert_eq!(placeholders("VALUES ($1, $14, $14, $3)"), 14);
        assert_eq!(placeholders("WHERE $1 IS NULL OR a = $1"), 1);
        assert_eq!(placeholders("a $ b"), 0);
    }
}
