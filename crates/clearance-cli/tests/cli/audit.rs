//! `clearance audit verify` against a real data directory whose SQLite database the tests tamper
//! with directly: a modified entry (with and without its stored hash rewritten), a deleted entry,
//! reordered entries, a forged checkpoint, a truncated log; and the offline export.

use std::path::Path;

use sqlx::Connection as _;

use crate::util::{TempDir, TestCommand, TestResult};

/// A data directory with a log of people and tokens (two entries each) and a signed checkpoint
/// in the middle and one at the end.
fn fresh_log(name: &str) -> Result<TempDir, Box<dyn std::error::Error>> {
    let dir = TempDir::new(name)?;
    let data = dir.path().to_string_lossy().into_owned();
    for n in 0..4 {
        TestCommand::new([
            "token",
            "create",
            "--data-dir",
            &data,
            "--email",
            &format!("p{n}@example.test"),
            "--role",
            "partner",
        ])
        .run()?
        .assert_code(0);
        if n == 1 {
            TestCommand::new(["audit", "checkpoint", "--data-dir", &data])
                .run()?
                .assert_code(0);
        }
    }
    TestCommand::new(["audit", "checkpoint", "--data-dir", &data])
        .run()?
        .assert_code(0);
    Ok(dir)
}

fn tamper(dir: &Path, statements: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let url = format!("sqlite:{}", dir.join("clearance.db").display());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let mut connection = sqlx::SqliteConnection::connect(&url).await?;
        for statement in statements {
            sqlx::query(sqlx::AssertSqlSafe(statement.clone()))
                .execute(&mut connection)
                .await?;
        }
        connection.close().await?;
        Ok::<(), sqlx::Error>(())
    })?;
    Ok(())
}

fn verify(dir: &Path) -> Result<crate::util::Run, Box<dyn std::error::Error>> {
    Ok(TestCommand::new(["audit", "verify", "--data-dir", &dir.to_string_lossy()]).run()?)
}

#[test]
fn an_untouched_log_verifies() -> TestResult {
    let dir = fresh_log("audit-ok")?;
    let run = verify(dir.path())?;
    run.assert_code(0);
    assert!(
        run.stdout
            .starts_with("ok: 8 entries and 2 checkpoints verified"),
        "{}",
        run.stdout
    );
    Ok(())
}

#[test]
fn a_modified_entry_is_found() -> TestResult {
    let dir = fresh_log("audit-modified")?;
    tamper(
        dir.path(),
        &["UPDATE audit_log SET body = replace(body, 'p2@', 'px@') WHERE idx = 4".to_owned()],
    )?;
    let run = verify(dir.path())?;
    run.assert_code(1);
    assert!(
        run.stdout.contains("entry 4 does not match its leaf hash"),
        "{}",
        run.stdout
    );
    Ok(())
}

#[test]
fn a_modified_entry_with_a_rewritten_hash_breaks_the_signed_root() -> TestResult {
    let dir = fresh_log("audit-rehashed")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let url = format!("sqlite:{}", dir.path().join("clearance.db").display());
    // Recompute the stored leaf hash of the modified entry, as a careful attacker would.
    let (at, actor, action, subject, body): (i64, Option<i64>, String, String, String) = runtime
        .block_on(async {
            let mut connection = sqlx::SqliteConnection::connect(&url).await?;
            let row = sqlx::query_as(
                "SELECT created_at, actor_id, action, subject, body FROM audit_log WHERE idx = 1",
            )
            .fetch_one(&mut connection)
            .await?;
            connection.close().await?;
            Ok::<_, sqlx::Error>(row)
        })?;
    let forged = format!("{body} ");
    let leaf = clearance_audit::leaf_hash(&clearance_store::model::leaf_bytes(
        1, at, actor, &action, &subject, &forged,
    ));
    tamper(
        dir.path(),
        &[format!(
            "UPDATE audit_log SET body = '{}', leaf_hash = '{}' WHERE idx = 1",
            forged.replace('\'', "''"),
            clearance_audit::to_hex(&leaf)
        )],
    )?;
    let run = verify(dir.path())?;
    run.assert_code(1);
    assert!(
        run.stdout
            .contains("checkpoint of size 4 is signed over root"),
        "{}",
        run.stdout
    );
    Ok(())
}

#[test]
fn a_deleted_entry_is_found() -> TestResult {
    let dir = fresh_log("audit-deleted")?;
    tamper(
        dir.path(),
        &["DELETE FROM audit_log WHERE idx = 5".to_owned()],
    )?;
    let run = verify(dir.path())?;
    run.assert_code(1);
    assert!(
        run.stdout.contains("entry 5 is missing (deleted)"),
        "{}",
        run.stdout
    );
    Ok(())
}

#[test]
fn deleting_the_newest_entries_is_found() -> TestResult {
    let dir = fresh_log("audit-truncated")?;
    tamper(
        dir.path(),
        &["DELETE FROM audit_log WHERE idx >= 6".to_owned()],
    )?;
    let run = verify(dir.path())?;
    run.assert_code(1);
    assert!(
        run.stdout
            .contains("covers more entries than the log holds"),
        "{}",
        run.stdout
    );
    Ok(())
}

#[test]
fn reordered_entries_are_found() -> TestResult {
    let dir = fresh_log("audit-reordered")?;
    // Swap entries 2 and 3 completely (content and stored hashes): each leaf commits to its index.
    tamper(
        dir.path(),
        &[
            "UPDATE audit_log SET idx = -1 WHERE idx = 2".to_owned(),
            "UPDATE audit_log SET idx = 2 WHERE idx = 3".to_owned(),
            "UPDATE audit_log SET idx = 3 WHERE idx = -1".to_owned(),
        ],
    )?;
    let run = verify(dir.path())?;
    run.assert_code(1);
    assert!(
        run.stdout
            .contains("entry 2 does not match its leaf hash: it was modified or moved"),
        "{}",
        run.stdout
    );
    Ok(())
}

#[test]
fn a_forged_checkpoint_is_found() -> TestResult {
    let dir = fresh_log("audit-forged")?;
    // Claim a different root for the first checkpoint, keeping its signature.
    tamper(
        dir.path(),
        &[format!(
            "UPDATE checkpoints SET root = '{}' WHERE size = 4",
            "ab".repeat(32)
        )],
    )?;
    let run = verify(dir.path())?;
    run.assert_code(1);
    assert!(
        run.stdout
            .contains("checkpoint of size 4 fails its signature check"),
        "{}",
        run.stdout
    );
    Ok(())
}

#[test]
fn an_export_verifies_offline_and_a_changed_export_does_not() -> TestResult {
    let dir = fresh_log("audit-export")?;
    let data = dir.path().to_string_lossy().into_owned();
    let file = dir.path().join("export.json");
    TestCommand::new([
        "audit",
        "export",
        "--data-dir",
        &data,
        "--output",
        &file.to_string_lossy(),
    ])
    .run()?
    .assert_code(0);
    let run = TestCommand::new(["audit", "verify", "--export", &file.to_string_lossy()]).run()?;
    run.assert_code(0);
    assert!(
        run.stdout
            .starts_with("ok: 8 entries and 2 checkpoints verified"),
        "{}",
        run.stdout
    );

    let mut export: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file)?)?;
    export["entries"][6]["action"] = serde_json::Value::String("token.revoked".to_owned());
    let changed = dir.write("changed.json", serde_json::to_string(&export)?)?;
    let run =
        TestCommand::new(["audit", "verify", "--export", &changed.to_string_lossy()]).run()?;
    run.assert_code(1);
    assert!(
        run.stdout.contains("entry 6 does not match"),
        "{}",
        run.stdout
    );

    // A verifier who pins the log's real key rejects an export signed by someone else.
    let other = clearance_audit::SigningKey::generate()
        .verifying_key()
        .to_hex();
    let run = TestCommand::new([
        "audit",
        "verify",
        "--export",
        &file.to_string_lossy(),
        "--public-key",
        &other,
    ])
    .run()?;
    run.assert_code(1);
    assert!(
        run.stdout.contains("fails its signature check"),
        "{}",
        run.stdout
    );
    Ok(())
}
