//! The deliverables scan reports uploaded for a production.

use clearance_store::Store;
use clearance_store::deliveries::FileFilter;
use clearance_store::model::{
    AssetVerdict, CoverageStatus, DeliveryFile, Millis, NewDeliveryScan, ScanSummary,
};

use super::support::{T0, production, world};
use crate::{assert_err, audited};

const HOUR: Millis = 3_600_000;

fn file(
    position: i64,
    path: &str,
    verdict: AssetVerdict,
    coverage: Option<(CoverageStatus, i64)>,
) -> DeliveryFile {
    DeliveryFile {
        position,
        path: path.to_owned(),
        verdict,
        reason: (verdict == AssetVerdict::Unreadable).then(|| "truncated".to_owned()),
        coverage: coverage.map(|(status, _)| status),
        proposal_id: coverage.map(|(_, id)| id),
        coverage_reason: coverage
            .filter(|(status, _)| *status == CoverageStatus::NotCovered)
            .map(|(_, id)| format!("proposal #{id} is in review, not approved")),
    }
}

fn scan(production_id: i64, uploaded_by: i64, files: Vec<DeliveryFile>) -> NewDeliveryScan {
    let count =
        |keep: &dyn Fn(&DeliveryFile) -> bool| files.iter().filter(|f| keep(f)).count() as i64;
    let summary = ScanSummary {
        files: files.len() as i64,
        bytes: 1234,
        ai_generated: count(&|f| f.verdict == AssetVerdict::AiGenerated),
        ai_composite: count(&|f| f.verdict == AssetVerdict::AiComposite),
        no_ai_signal: count(&|f| f.verdict == AssetVerdict::NoAiSignal),
        unreadable: count(&|f| f.verdict == AssetVerdict::Unreadable),
        covered: count(&|f| f.coverage == Some(CoverageStatus::Covered)),
        not_covered: count(&|f| f.coverage == Some(CoverageStatus::NotCovered)),
    };
    let report = format!(
        "{{\"format\": \"clearance-scan/1\",\n  \"files\": {} , \"note\": \"kept \\u00e9xactly\"}}",
        files.len()
    );
    NewDeliveryScan {
        production_id,
        uploaded_by,
        sha256: format!("{:0>64}", report.len()),
        report,
        exit_code: if summary.unreadable > 0 {
            2
        } else {
            i64::from(summary.not_covered > 0)
        },
        summary,
        files,
    }
}

pub async fn delivery_scans(store: &Store) {
    let w = world(store).await;
    let p = w.production.id;
    use AssetVerdict::*;
    use CoverageStatus::*;
    let first = scan(
        p,
        w.partner.id,
        vec![
            file(0, "plates/a.exr", NoAiSignal, None),
            file(1, "art/poster.png", AiGenerated, Some((Covered, 2))),
            file(2, "art/sky.png", AiComposite, Some((NotCovered, 3))),
            file(3, "audio/broken.wav", Unreadable, None),
            file(4, "art/crowd.mp4", AiGenerated, Some((NotCovered, 4))),
            file(5, "art/logo.png", AiGenerated, None),
        ],
    );
    let stored = audited!(
        store,
        1,
        store.add_delivery_scan(&first, T0).await.expect("stored")
    );
    assert_eq!(
        (stored.production_id, stored.uploaded_by, stored.created_at),
        (p, w.partner.id, T0)
    );
    assert_eq!(stored.uploaded_by_name, "Paul Partner");
    assert_eq!(stored.summary, first.summary);
    assert_eq!(
        (stored.exit_code, stored.size),
        (2, first.report.len() as i64)
    );
    assert_eq!(stored.sha256, first.sha256);
    // The audit entry is about the production, and commits to the report by its hash.
    let (size, _) = store.tree_head().await.expect("head");
    let entry = store
        .audit_entry(size as i64 - 1)
        .await
        .expect("entry")
        .expect("present");
    assert_eq!(
        (
            entry.action.as_str(),
            entry.subject.as_str(),
            entry.actor_id
        ),
        (
            "delivery.scan_uploaded",
            format!("production/{p}").as_str(),
            Some(w.partner.id)
        )
    );
    assert!(entry.body.contains(&first.sha256));
    assert!(
        !entry.body.contains("kept"),
        "the report is not copied into the log"
    );

    // The report comes back byte for byte.
    assert_eq!(
        store
            .delivery_report(stored.id)
            .await
            .expect("report")
            .as_deref(),
        Some(first.report.as_str())
    );
    assert_eq!(
        store.delivery_scan(stored.id).await.expect("scan"),
        Some(stored.clone())
    );

    // Files: uncovered AI assets first, then unreadable, covered AI, no AI signal.
    let (all, total) = store
        .delivery_files(stored.id, FileFilter::All, 100, 0)
        .await
        .expect("files");
    let order: Vec<&str> = all.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        order,
        vec![
            "art/sky.png",
            "art/crowd.mp4",
            "art/logo.png",
            "audio/broken.wav",
            "art/poster.png",
            "plates/a.exr"
        ]
    );
    assert_eq!(total, 6);
    assert_eq!(all[0], first.files[2], "read back as stored");
    let (uncovered, n) = store
        .delivery_files(stored.id, FileFilter::UncoveredAi, 2, 0)
        .await
        .expect("files");
    assert_eq!(n, 3, "not covered, or coverage not judged");
    assert_eq!(uncovered.len(), 2, "the window");
    let (rest, _) = store
        .delivery_files(stored.id, FileFilter::UncoveredAi, 2, 2)
        .await
        .expect("files");
    assert_eq!(
        rest.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
        vec!["art/logo.png"]
    );
    let (ai, n) = store
        .delivery_files(stored.id, FileFilter::AiAssets, 100, 0)
        .await
        .expect("files");
    assert_eq!(n, 4);
    assert!(ai.iter().all(|f| f.verdict.is_ai()));

    // A second scan is the latest; the list is newest first.
    let second = scan(
        p,
        w.reviewer.id,
        vec![file(0, "art/poster.png", AiGenerated, Some((Covered, 2)))],
    );
    let newer = store
        .add_delivery_scan(&second, T0 + HOUR)
        .await
        .expect("stored");
    assert_eq!(newer.exit_code, 0);
    let listed = store.delivery_scans(p, 10, 0).await.expect("list");
    assert_eq!(
        listed.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![newer.id, stored.id]
    );
    assert_eq!(
        store.latest_delivery_scan(p).await.expect("latest"),
        Some(newer.clone())
    );
    assert_eq!(
        store.delivery_scans(p, 1, 1).await.expect("window"),
        vec![stored.clone()]
    );

    // An empty scan is fine; other productions have none.
    let other = production(store, "Other Show").await;
    assert_eq!(
        store.latest_delivery_scan(other.id).await.expect("none"),
        None
    );
    let empty = store
        .add_delivery_scan(&scan(other.id, w.admin.id, Vec::new()), T0)
        .await
        .expect("empty scan");
    assert_eq!(
        store
            .delivery_files(empty.id, FileFilter::All, 10, 0)
            .await
            .expect("files"),
        (Vec::new(), 0)
    );

    // Refused, writing nothing: an unknown production, misnumbered files, a bad window.
    audited!(store, 0, {
        assert_err!(
            store
                .add_delivery_scan(&scan(999_999, w.admin.id, Vec::new()), T0)
                .await,
            NotFound
        );
        let mut misnumbered = scan(p, w.admin.id, vec![file(1, "a.png", NoAiSignal, None)]);
        assert_err!(store.add_delivery_scan(&misnumbered, T0).await, Invalid);
        misnumbered.files.clear();
        misnumbered.uploaded_by = 999_999;
        assert_err!(store.add_delivery_scan(&misnumbered, T0).await, NotFound);
    });
    assert_err!(
        store
            .delivery_files(stored.id, FileFilter::All, -1, 0)
            .await,
        Invalid
    );
    assert_eq!(store.delivery_scan(999_999).await.expect("none"), None);
    assert_eq!(store.delivery_report(999_999).await.expect("none"), None);
}

/// A report of 100,000 files is stored in one transaction, and its files read back in windows.
pub async fn a_large_scan_is_stored_whole(store: &Store) {
    let w = world(store).await;
    let files: Vec<DeliveryFile> = (0..100_000)
        .map(|i| {
            let verdict = if i % 1000 == 0 {
                AssetVerdict::AiGenerated
            } else {
                AssetVerdict::NoAiSignal
            };
            let coverage = verdict.is_ai().then_some((CoverageStatus::NotCovered, 1));
            file(
                i,
                &format!("reel{}/frame{i:06}.exr", i / 10_000),
                verdict,
                coverage,
            )
        })
        .collect();
    let new = scan(w.production.id, w.partner.id, files);
    let stored = store.add_delivery_scan(&new, T0).await.expect("stored");
    assert_eq!(stored.summary.files, 100_000);
    let (page, total) = store
        .delivery_files(stored.id, FileFilter::UncoveredAi, 50, 0)
        .await
        .expect("files");
    assert_eq!((page.len(), total), (50, 100));
    assert_eq!(page[0].path, "reel0/frame000000.exr");
    let (_, total) = store
        .delivery_files(stored.id, FileFilter::All, 1, 99_999)
        .await
        .expect("files");
    assert_eq!(total, 100_000);
}
