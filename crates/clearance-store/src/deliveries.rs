//! Deliverables scans: the scan reports uploaded for a production (`clearance scan --server`),
//! kept exactly as sent, with one row per file they list so that pages can list a scan's
//! uncovered AI assets without reading its report.

use serde_json::json;

use crate::audit_log::append;
use crate::db::Arg;
use crate::model::{
    AssetVerdict, CoverageStatus, DeliveryFile, DeliveryScan, Millis, NewDeliveryScan, ScanSummary,
};
use crate::rows::{parse, to_json};
use crate::{Result, Store, StoreError};

/// The columns of a scan (with its uploader's name), as [`ScanRow`] reads them.
macro_rules! scan_select {
    () => {
        "SELECT d.id, d.production_id, d.uploaded_by, u.name AS uploaded_by_name, d.created_at, \
         d.sha256, d.size, d.exit_code, d.files, d.bytes, d.ai_generated, d.ai_composite, \
         d.no_ai_signal, d.unreadable, d.covered, d.not_covered \
         FROM delivery_scans d JOIN people u ON u.id = d.uploaded_by "
    };
}

/// Which files of a scan [`Store::delivery_files`] lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFilter {
    /// Every file.
    All,
    /// AI assets (generated or composite), covered or not.
    AiAssets,
    /// AI assets not found covered (not covered, or coverage not judged).
    UncoveredAi,
}

#[derive(sqlx::FromRow)]
struct ScanRow {
    id: i64,
    production_id: i64,
    uploaded_by: i64,
    uploaded_by_name: String,
    created_at: i64,
    sha256: String,
    size: i64,
    exit_code: i64,
    files: i64,
    bytes: i64,
    ai_generated: i64,
    ai_composite: i64,
    no_ai_signal: i64,
    unreadable: i64,
    covered: i64,
    not_covered: i64,
}

impl From<ScanRow> for DeliveryScan {
    fn from(r: ScanRow) -> DeliveryScan {
        DeliveryScan {
            id: r.id,
            production_id: r.production_id,
            uploaded_by: r.uploaded_by,
            uploaded_by_name: r.uploaded_by_name,
            created_at: r.created_at,
            sha256: r.sha256,
            size: r.size,
            exit_code: r.exit_code,
            summary: ScanSummary {
                files: r.files,
                bytes: r.bytes,
                ai_generated: r.ai_generated,
                ai_composite: r.ai_composite,
                no_ai_signal: r.no_ai_signal,
                unreadable: r.unreadable,
                covered: r.covered,
                not_covered: r.not_covered,
            },
        }
    }
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    report: String,
}

#[derive(sqlx::FromRow)]
struct FileRow {
    position: i64,
    path: String,
    verdict: String,
    reason: Option<String>,
    coverage: Option<String>,
    proposal_id: Option<i64>,
    coverage_reason: Option<String>,
}

impl TryFrom<FileRow> for DeliveryFile {
    type Error = StoreError;
    fn try_from(r: FileRow) -> Result<DeliveryFile> {
        Ok(DeliveryFile {
            position: r.position,
            path: r.path,
            verdict: parse(&r.verdict, "verdict", AssetVerdict::from_name)?,
            reason: r.reason,
            coverage: r
                .coverage
                .as_deref()
                .map(|c| parse(c, "coverage", CoverageStatus::from_name))
                .transpose()?,
            proposal_id: r.proposal_id,
            coverage_reason: r.coverage_reason,
        })
    }
}

/// Where a file is listed for people (see the `delivery_files` table): AI assets not covered
/// first, then unreadable files, covered AI assets, and files without an AI signal.
fn rank(file: &DeliveryFile) -> i64 {
    if file.uncovered_ai() {
        0
    } else if file.verdict == AssetVerdict::Unreadable {
        1
    } else if file.verdict.is_ai() {
        2
    } else {
        3
    }
}

impl Store {
    /// Stores a scan report uploaded for a production: the report exactly as sent, its counts,
    /// and one row per file. Audit: `delivery.scan_uploaded` on `production/{id}`, with the
    /// scan's description (its SHA-256 commits to the report; the report itself is not copied
    /// into the log).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] if the production or the uploader does not exist;
    /// [`StoreError::Invalid`] if the files are not numbered 0, 1, … in order.
    pub async fn add_delivery_scan(
        &self,
        new: &NewDeliveryScan,
        now: Millis,
    ) -> Result<DeliveryScan> {
        let size = i64::try_from(new.report.len())
            .map_err(|_| StoreError::Invalid("the report is too large".into()))?;
        if let Some((at, file)) = new
            .files
            .iter()
            .enumerate()
            .find(|(at, file)| i64::try_from(*at).ok() != Some(file.position))
        {
            return Err(StoreError::Invalid(format!(
                "file {at} of the report is numbered {}",
                file.position
            )));
        }
        let mut tx = self.pools.write().await?;
        tx.exists(
            "SELECT COUNT(*) AS n FROM productions WHERE id = $1",
            new.production_id,
            || format!("production {}", new.production_id),
        )
        .await?;
        let id: crate::db::Count = tx
            .conn()
            .sql(
                "INSERT INTO delivery_scans (production_id, uploaded_by, created_at, sha256, size, exit_code, \
                 files, bytes, ai_generated, ai_composite, no_ai_signal, unreadable, covered, not_covered, report) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id AS n",
            )
            .bind(new.production_id)
            .bind(new.uploaded_by)
            .bind(now)
            .bind(new.sha256.as_str())
            .bind(size)
            .bind(new.exit_code)
            .bind(new.summary.files)
            .bind(new.summary.bytes)
            .bind(new.summary.ai_generated)
            .bind(new.summary.ai_composite)
            .bind(new.summary.no_ai_signal)
            .bind(new.summary.unreadable)
            .bind(new.summary.covered)
            .bind(new.summary.not_covered)
            .bind(new.report.as_str())
            .fetch_one()
            .await?;
        let id = id.n;
        let mut values: Vec<Arg<'_>> = Vec::with_capacity(new.files.len() * 9);
        for file in &new.files {
            values.extend([
                Arg::Int(id),
                Arg::Int(file.position),
                Arg::Int(rank(file)),
                Arg::Text(&file.path),
                Arg::Text(file.verdict.as_str()),
                Arg::OptText(file.reason.as_deref()),
                Arg::OptText(file.coverage.map(CoverageStatus::as_str)),
                Arg::OptInt(file.proposal_id),
                Arg::OptText(file.coverage_reason.as_deref()),
            ]);
        }
        tx.insert_rows(
            "delivery_files (delivery_id, position, rank, path, verdict, reason, coverage, proposal_id, \
             coverage_reason)",
            9,
            &values,
        )
        .await?;
        drop(values);
        let row: ScanRow = tx
            .conn()
            .sql(concat!(scan_select!(), "WHERE d.id = $1"))
            .bind(id)
            .fetch_one()
            .await?;
        let scan = DeliveryScan::from(row);
        let body = to_json(&json!({ "delivery": scan }))?;
        append(
            &mut tx,
            Some(new.uploaded_by),
            "delivery.scan_uploaded",
            &format!("production/{}", new.production_id),
            body,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(scan)
    }

    /// A production's scans, newest first, without their reports.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails.
    pub async fn delivery_scans(
        &self,
        production_id: i64,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<DeliveryScan>> {
        crate::audit_log::check_window(limit, offset)?;
        let mut conn = self.pools.read().await?;
        let rows: Vec<ScanRow> = conn
            .conn()
            .sql(concat!(
                scan_select!(),
                "WHERE d.production_id = $1 ORDER BY d.id DESC LIMIT $2 OFFSET $3"
            ))
            .bind(production_id)
            .bind(limit)
            .bind(offset)
            .fetch_all()
            .await?;
        Ok(rows.into_iter().map(DeliveryScan::from).collect())
    }

    /// A production's latest scan, if any.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails.
    pub async fn latest_delivery_scan(&self, production_id: i64) -> Result<Option<DeliveryScan>> {
        Ok(self
            .delivery_scans(production_id, 1, 0)
            .await?
            .into_iter()
            .next())
    }

    /// A scan by id, without its report.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails.
    pub async fn delivery_scan(&self, id: i64) -> Result<Option<DeliveryScan>> {
        let mut conn = self.pools.read().await?;
        let row: Option<ScanRow> = conn
            .conn()
            .sql(concat!(scan_select!(), "WHERE d.id = $1"))
            .bind(id)
            .fetch_optional()
            .await?;
        Ok(row.map(DeliveryScan::from))
    }

    /// A scan's report exactly as it was uploaded.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails.
    pub async fn delivery_report(&self, id: i64) -> Result<Option<String>> {
        let mut conn = self.pools.read().await?;
        let row: Option<ReportRow> = conn
            .conn()
            .sql("SELECT report FROM delivery_scans WHERE id = $1")
            .bind(id)
            .fetch_optional()
            .await?;
        Ok(row.map(|r| r.report))
    }

    /// Files of a scan, AI assets not covered first (then unreadable files, covered AI assets,
    /// files without an AI signal; in report order within each), and how many match the filter
    /// in all.
    ///
    /// # Errors
    ///
    /// [`StoreError::Invalid`] for a negative window; [`StoreError::Database`] if the database
    /// fails; [`StoreError::Corrupt`] for bad data.
    pub async fn delivery_files(
        &self,
        delivery_id: i64,
        filter: FileFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<DeliveryFile>, i64)> {
        crate::audit_log::check_window(limit, offset)?;
        // The ranks a filter keeps (see `rank`), always four (repeated) values.
        let ranks: [i64; 4] = match filter {
            FileFilter::All => [0, 1, 2, 3],
            FileFilter::AiAssets => [0, 2, 0, 2],
            FileFilter::UncoveredAi => [0, 0, 0, 0],
        };
        let mut conn = self.pools.read().await?;
        let mut c = conn.conn();
        let mut select = c.sql(
            "SELECT position, path, verdict, reason, coverage, proposal_id, coverage_reason \
             FROM delivery_files WHERE delivery_id = $1 AND rank IN ($2, $3, $4, $5) \
             ORDER BY rank, position LIMIT $6 OFFSET $7",
        );
        select = select.bind(delivery_id);
        for rank in ranks {
            select = select.bind(rank);
        }
        let rows: Vec<FileRow> = select.bind(limit).bind(offset).fetch_all().await?;
        let mut count = c.sql(
            "SELECT COUNT(*) AS n FROM delivery_files WHERE delivery_id = $1 \
             AND rank IN ($2, $3, $4, $5)",
        );
        count = count.bind(delivery_id);
        for rank in ranks {
            count = count.bind(rank);
        }
        let total: crate::db::Count = count.fetch_one().await?;
        let files = rows
            .into_iter()
            .map(DeliveryFile::try_from)
            .collect::<Result<_>>()?;
        Ok((files, total.n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(verdict: AssetVerdict, coverage: Option<CoverageStatus>) -> DeliveryFile {
        DeliveryFile {
            position: 0,
            path: "a.png".to_owned(),
            verdict,
            reason: None,
            coverage,
            proposal_id: None,
            coverage_reason: None,
        }
    }

    #[test]
    fn uncovered_ai_assets_come_first() {
        use AssetVerdict::*;
        use CoverageStatus::*;
        assert_eq!(rank(&file(AiGenerated, Some(NotCovered))), 0);
        assert_eq!(rank(&file(AiComposite, None)), 0, "coverage not judged");
        assert_eq!(rank(&file(Unreadable, None)), 1);
        assert_eq!(rank(&file(AiComposite, Some(Covered))), 2);
        assert_eq!(rank(&file(NoAiSignal, None)), 3);
    }
}
