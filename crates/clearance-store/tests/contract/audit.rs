//! The audit log and checkpoints.

use clearance_audit::{Checkpoint, SignedCheckpoint, empty_root, leaf_hash, to_hex};
use clearance_store::Store;
use clearance_store::model::{Role, leaf_bytes};

use super::support::{T0, person};
use crate::{assert_err, audited};

pub async fn audit_log(store: &Store) {
    assert_eq!(store.tree_head().await.unwrap(), (0, empty_root()));
    assert!(store.audit_leaves(0).await.unwrap().is_empty());
    assert_eq!(store.audit_entry(0).await.unwrap(), None);

    let event = audited!(
        store,
        1,
        store
            .record_event(
                Some(3),
                "auth.signed_in",
                "person/3",
                r#"{"ip": "10.0.0.1"}"#,
                T0
            )
            .await
            .unwrap()
    );
    assert_eq!((event.index, event.at, event.actor_id), (0, T0, Some(3)));
    assert_eq!(
        (
            event.action.as_str(),
            event.subject.as_str(),
            event.body.as_str()
        ),
        ("auth.signed_in", "person/3", r#"{"ip": "10.0.0.1"}"#)
    );
    let leaf = leaf_hash(&leaf_bytes(
        0,
        T0,
        Some(3),
        "auth.signed_in",
        "person/3",
        r#"{"ip": "10.0.0.1"}"#,
    ));
    assert_eq!(event.leaf_hash, to_hex(&leaf));
    assert_eq!(store.audit_entry(0).await.unwrap(), Some(event.clone()));
    assert_eq!(
        store.tree_head().await.unwrap(),
        (1, clearance_audit::root(&[leaf]))
    );
    audited!(
        store,
        0,
        assert_err!(
            store.record_event(None, "x", "y", "not json", T0).await,
            Invalid
        )
    );

    let system = store
        .record_event(None, "service.started", "service", "{}", T0 + 1)
        .await
        .unwrap();
    assert_eq!((system.index, system.actor_id), (1, None));
    for i in 0..5 {
        person(store, &format!("Person {i}"), Role::Partner).await;
    }
    let all = store.audit_entries(0, 100).await.unwrap();
    assert_eq!(all.len(), 7);
    assert_eq!(all[0], event);
    let window = store.audit_entries(2, 3).await.unwrap();
    assert_eq!(
        window.iter().map(|e| e.index).collect::<Vec<_>>(),
        vec![2, 3, 4]
    );
    assert!(store.audit_entries(7, 10).await.unwrap().is_empty());
    assert_err!(store.audit_entries(-1, 10).await, Invalid);
    assert_err!(store.audit_entries(0, -1).await, Invalid);

    let leaves = store.audit_leaves(7).await.unwrap();
    assert_eq!(leaves.len(), 7);
    assert_eq!(store.audit_leaves(3).await.unwrap(), leaves[..3].to_vec());
    let (size, root) = store.tree_head().await.unwrap();
    assert_eq!((size, root), (7, clearance_audit::root(&leaves)));
    assert_err!(store.audit_leaves(8).await, Invalid);
}

pub async fn checkpoints(store: &Store) {
    assert_eq!(store.latest_checkpoint().await.unwrap(), None);
    assert!(store.checkpoints().await.unwrap().is_empty());
    let signed = |size: u64, timestamp_ms: i64| SignedCheckpoint {
        checkpoint: Checkpoint {
            origin: "clearance.test/audit".to_owned(),
            size,
            root: [size as u8; 32],
            timestamp_ms,
        },
        key_id: "0123456789abcdef".to_owned(),
        signature: vec![size as u8; 64],
    };
    // Saving a checkpoint is not an audit entry (it describes the log).
    audited!(
        store,
        0,
        store.save_checkpoint(&signed(5, T0 + 2)).await.unwrap()
    );
    store.save_checkpoint(&signed(2, T0)).await.unwrap();
    store.save_checkpoint(&signed(9, T0 + 3)).await.unwrap();
    store.save_checkpoint(&signed(9, T0 + 4)).await.unwrap();
    assert_eq!(
        store.latest_checkpoint().await.unwrap(),
        Some(signed(9, T0 + 4))
    );
    assert_eq!(
        store.checkpoints().await.unwrap(),
        vec![
            signed(2, T0),
            signed(5, T0 + 2),
            signed(9, T0 + 3),
            signed(9, T0 + 4)
        ]
    );
    assert_err!(store.save_checkpoint(&signed(u64::MAX, T0)).await, Invalid);
}

pub async fn ping_and_backend(store: &Store) {
    store.ping().await.unwrap();
    assert!(["sqlite", "postgres"].contains(&store.backend()));
    let clone = store.clone();
    clone.ping().await.unwrap();
}

pub async fn entries_about_one_subject(store: &Store) {
    for (n, subject) in [
        "proposal/1",
        "proposal/12",
        "proposal/1",
        "person/1",
        "proposal/1",
    ]
    .into_iter()
    .enumerate()
    {
        store
            .record_event(None, "test.event", subject, &format!(r#"{{"n": {n}}}"#), T0)
            .await
            .unwrap();
    }
    let about: Vec<(i64, String)> = store
        .audit_entries_about("proposal/1", 100)
        .await
        .unwrap()
        .into_iter()
        .map(|entry| (entry.index, entry.subject))
        .collect();
    // Exactly that subject (not `proposal/12`, which starts the same), in log order.
    assert_eq!(
        about,
        vec![
            (0, "proposal/1".to_owned()),
            (2, "proposal/1".to_owned()),
            (4, "proposal/1".to_owned())
        ]
    );
    assert_eq!(
        store
            .audit_entries_about("proposal/1", 2)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        store
            .audit_entries_about("proposal/99", 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_err!(store.audit_entries_about("proposal/1", -1).await, Invalid);
}
