//! What only the SQLite backend has: files, reopening, URL forms.

use clearance_store::model::{NewPerson, NewProduction, NewVersion, Role, Status};
use clearance_store::proposal::{SaveVersion, Target};
use clearance_store::{Store, StoreError};

const T0: i64 = 1_750_000_000_000;

fn person(name: &str) -> NewPerson {
    NewPerson {
        name: name.to_owned(),
        email: format!("{name}@example.com"),
        role: Role::Partner,
        organisation: None,
    }
}

#[tokio::test]
async fn a_reopened_store_sees_what_was_committed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data").join("nested");
    let (head, proposal_id) = {
        let store = Store::open_data_dir(&data).await.unwrap();
        assert_eq!(store.backend(), "sqlite");
        let alice = store
            .create_person(&person("alice"), None, T0)
            .await
            .unwrap();
        let production = store
            .create_production(
                &NewProduction {
                    title: "P".into(),
                    studio: "S".into(),
                    rulebooks: vec![],
                },
                None,
                T0,
            )
            .await
            .unwrap();
        let version = NewVersion {
            title: "Kept".into(),
            vendor: None,
            source: "title: Kept\n".into(),
            format: "yaml".into(),
            content_hash: "00".repeat(32),
            intake: "{}".into(),
            tools: vec![],
            consent_ids: vec![],
            evaluation: None,
        };
        let item = SaveVersion {
            target: Target::New {
                production_id: production.id,
            },
            status: Status::Draft,
            version,
            actor: alice.id,
            action: "proposal.draft_saved".into(),
            idempotency_key: None,
            notifications: vec![],
        };
        let saved = store
            .save_versions(vec![item], T0)
            .await
            .unwrap()
            .remove(0)
            .unwrap();
        let head = store.tree_head().await.unwrap();
        store.close().await;
        (head, saved.proposal.id)
    };
    assert!(data.join(clearance_store::SQLITE_FILE_NAME).exists());

    // Reopen by URL, both spellings: same data, same tree, and appending continues the tree.
    for url in [
        format!("sqlite:{}", data.join("clearance.db").display()),
        format!("sqlite://{}", data.join("clearance.db").display()),
    ] {
        let store = Store::open(&url).await.unwrap();
        assert_eq!(store.tree_head().await.unwrap(), head);
        assert_eq!(
            store
                .person_by_email("alice@example.com")
                .await
                .unwrap()
                .map(|p| p.name),
            Some("alice".to_owned())
        );
        assert_eq!(
            store.proposal(proposal_id).await.unwrap().map(|p| p.title),
            Some("Kept".to_owned())
        );
        store.close().await;
    }
    let store = Store::open_data_dir(&data).await.unwrap();
    store.create_person(&person("bob"), None, T0).await.unwrap();
    let (size, root) = store.tree_head().await.unwrap();
    assert_eq!(size, head.0 + 1);
    let leaves = store.audit_leaves(size).await.unwrap();
    assert_eq!(root, clearance_audit::root(&leaves));
}

#[tokio::test]
async fn unsupported_urls_are_refused() {
    for url in [
        "sqlite::memory:",
        "sqlite:",
        "sqlite://",
        "mysql://localhost/db",
        "clearance.db",
        "sqlite:file?mode=memory",
    ] {
        match Store::open(url).await {
            Err(StoreError::Invalid(message)) => assert!(!message.is_empty()),
            other => panic!("{url}: expected Invalid, got {other:?}"),
        }
    }
    let err = Store::open("postgres://user:hunter2@127.0.0.1:notaport/none")
        .await
        .expect_err("a malformed URL");
    assert!(matches!(err, StoreError::Database(_)), "{err:?}");
    assert!(!err.to_string().contains("hunter2"), "{err}");
}

#[tokio::test]
async fn data_the_model_cannot_represent_is_corrupt_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let store = Store::open(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    let alice = store
        .create_person(&person("alice"), None, T0)
        .await
        .unwrap();
    let production = store
        .create_production(
            &NewProduction {
                title: "P".into(),
                studio: "S".into(),
                rulebooks: vec![],
            },
            None,
            T0,
        )
        .await
        .unwrap();
    let mut raw = sqlx::SqlitePool::connect(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    sqlx::query("UPDATE people SET role = 'overlord' WHERE id = $1")
        .bind(alice.id)
        .execute(&raw)
        .await
        .unwrap();
    sqlx::query("UPDATE productions SET rulebooks = 'not json' WHERE id = $1")
        .bind(production.id)
        .execute(&raw)
        .await
        .unwrap();
    assert!(matches!(
        store.person(alice.id).await,
        Err(StoreError::Corrupt(_))
    ));
    assert!(matches!(store.people().await, Err(StoreError::Corrupt(_))));
    assert!(matches!(
        store.production(production.id).await,
        Err(StoreError::Corrupt(_))
    ));
    sqlx::query("UPDATE audit_tree SET frontier = X'00'")
        .execute(&raw)
        .await
        .unwrap();
    assert!(matches!(
        store.tree_head().await,
        Err(StoreError::Corrupt(_))
    ));
    assert!(matches!(
        store.record_event(None, "a", "b", "{}", T0).await,
        Err(StoreError::Corrupt(_))
    ));
    raw.close().await;
    raw = sqlx::SqlitePool::connect(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET leaf_hash = 'zz'")
        .execute(&raw)
        .await
        .unwrap();
    assert!(matches!(
        store.audit_leaves(2).await,
        Err(StoreError::Corrupt(_))
    ));
}
