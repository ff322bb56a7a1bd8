//! Webhooks, notifications and deliveries.

use clearance_domain::tier::Tier;
use clearance_store::Store;
use clearance_store::model::{NewNotification, Status};
use clearance_store::proposal::Transition;

use super::support::{T0, new_item, production, save, version, world};
use crate::{assert_err, audited};

fn notification(event: &str, production_id: Option<i64>, recipients: Vec<i64>) -> NewNotification {
    NewNotification {
        event: event.to_owned(),
        production_id,
        proposal_id: None,
        recipients,
        payload: format!(r#"{{"event":"{event}"}}"#),
    }
}

pub async fn webhooks_and_deliveries(store: &Store) {
    let w = world(store).await;
    let other = production(store, "Other").await;
    let global = audited!(
        store,
        1,
        store
            .create_webhook(
                "https://hooks.example/all",
                "s-all",
                None,
                Some(w.admin.id),
                T0
            )
            .await
            .unwrap()
    );
    assert_eq!(
        (
            global.url.as_str(),
            global.production_id,
            global.active,
            global.created_at
        ),
        ("https://hooks.example/all", None, true, T0)
    );
    let (size, _) = store.tree_head().await.unwrap();
    let entry = store.audit_entry(size as i64 - 1).await.unwrap().unwrap();
    assert_eq!(entry.action, "webhook.created");
    assert!(
        !entry.body.contains("s-all"),
        "the secret is not in the audit log"
    );
    let mine = store
        .create_webhook(
            "https://hooks.example/mine",
            "s-mine",
            Some(w.production.id),
            None,
            T0,
        )
        .await
        .unwrap();
    let theirs = store
        .create_webhook(
            "https://hooks.example/theirs",
            "s-theirs",
            Some(other.id),
            None,
            T0,
        )
        .await
        .unwrap();
    let stopped = store
        .create_webhook("https://hooks.example/stopped", "s-stopped", None, None, T0)
        .await
        .unwrap();
    let stopped = audited!(
        store,
        1,
        store
            .deactivate_webhook(stopped.id, Some(w.admin.id), T0 + 1)
            .await
            .unwrap()
    );
    assert!(!stopped.active);
    audited!(
        store,
        0,
        assert_err!(
            store.deactivate_webhook(stopped.id, None, T0 + 2).await,
            Conflict
        )
    );
    audited!(
        store,
        0,
        assert_err!(store.deactivate_webhook(9999, None, T0).await, NotFound)
    );
    audited!(
        store,
        0,
        assert_err!(
            store
                .create_webhook("https://x", "s", Some(9999), None, T0)
                .await,
            NotFound
        )
    );
    assert_eq!(
        store.webhooks().await.unwrap(),
        vec![global.clone(), mine.clone(), theirs.clone(), stopped]
    );

    // A notification of this production: deliveries to the global and this production's
    // active webhooks only.
    let sent = audited!(
        store,
        1,
        store
            .notify(
                notification(
                    "proposal.submitted",
                    Some(w.production.id),
                    vec![w.reviewer.id]
                ),
                Some(w.partner.id),
                T0 + 10
            )
            .await
            .unwrap()
    );
    assert_eq!(
        (sent.event.as_str(), sent.production_id, sent.proposal_id),
        ("proposal.submitted", Some(w.production.id), None)
    );
    assert_eq!(
        (sent.recipients.clone(), sent.created_at),
        (vec![w.reviewer.id], T0 + 10)
    );
    assert_eq!(sent.payload, r#"{"event":"proposal.submitted"}"#);
    let entry = store
        .audit_entry(store.tree_head().await.unwrap().0 as i64 - 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (entry.action.as_str(), entry.subject.clone()),
        ("notification.created", format!("notification/{}", sent.id))
    );

    assert!(
        store.due_deliveries(T0 + 9, 10).await.unwrap().is_empty(),
        "not due before it was written"
    );
    let due = store.due_deliveries(T0 + 10, 10).await.unwrap();
    assert_eq!(
        due.iter()
            .map(|d| d.delivery.webhook_id)
            .collect::<Vec<_>>(),
        vec![global.id, mine.id]
    );
    assert_eq!(
        due.iter()
            .map(|d| (d.url.as_str(), d.secret.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("https://hooks.example/all", "s-all"),
            ("https://hooks.example/mine", "s-mine")
        ]
    );
    for d in &due {
        assert_eq!(d.notification, sent);
        assert_eq!(
            (
                d.delivery.notification_id,
                d.delivery.attempts,
                d.delivery.next_attempt_at
            ),
            (sent.id, 0, Some(T0 + 10))
        );
        assert_eq!(
            (d.delivery.delivered_at, d.delivery.last_error.as_deref()),
            (None, None)
        );
    }
    assert_eq!(store.due_deliveries(T0 + 10, 1).await.unwrap().len(), 1);

    // A notification of no production reaches the global webhook only.
    let general = store
        .notify(
            notification("rulebook.activated", None, vec![]),
            None,
            T0 + 11,
        )
        .await
        .unwrap();
    let due = store.due_deliveries(T0 + 11, 10).await.unwrap();
    assert_eq!(
        due.iter()
            .map(|d| (d.delivery.notification_id, d.delivery.webhook_id))
            .collect::<Vec<_>>(),
        vec![
            (sent.id, global.id),
            (sent.id, mine.id),
            (general.id, global.id)
        ]
    );

    // Failure: attempts counted, error kept, due again later. Success: never due again.
    let (first, second, third) = (due[0].delivery.id, due[1].delivery.id, due[2].delivery.id);
    audited!(
        store,
        0,
        store
            .mark_failed(first, "HTTP 503", T0 + 1_000)
            .await
            .unwrap()
    );
    let due = store.due_deliveries(T0 + 20, 10).await.unwrap();
    assert_eq!(
        due.iter().map(|d| d.delivery.id).collect::<Vec<_>>(),
        vec![second, third]
    );
    store
        .mark_failed(first, "timeout", T0 + 2_000)
        .await
        .unwrap();
    let later = store.due_deliveries(T0 + 2_000, 10).await.unwrap();
    let retried = later
        .iter()
        .find(|d| d.delivery.id == first)
        .expect("due again");
    assert_eq!(
        (
            retried.delivery.attempts,
            retried.delivery.last_error.as_deref()
        ),
        (2, Some("timeout"))
    );
    assert_eq!(
        later.last().map(|d| d.delivery.id),
        Some(first),
        "earliest next attempt first"
    );
    audited!(
        store,
        0,
        store.mark_delivered(second, T0 + 30).await.unwrap()
    );
    assert!(
        store
            .due_deliveries(T0 + 1_000_000, 10)
            .await
            .unwrap()
            .iter()
            .all(|d| d.delivery.id != second)
    );
    assert_err!(store.mark_delivered(9999, T0).await, NotFound);
    assert_err!(store.mark_failed(9999, "x", T0).await, NotFound);

    // Deactivating a webhook stops its pending deliveries.
    store
        .deactivate_webhook(global.id, None, T0 + 40)
        .await
        .unwrap();
    assert!(
        store
            .due_deliveries(T0 + 1_000_000, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_err!(store.due_deliveries(T0, -1).await, Invalid);

    // Notifications for a person: newest first, limited.
    store
        .notify(
            notification(
                "x.one",
                None,
                vec![w.reviewer.id, w.partner.id, w.reviewer.id],
            ),
            None,
            T0 + 50,
        )
        .await
        .unwrap();
    let inbox = store.notifications_for(w.reviewer.id, 10).await.unwrap();
    assert_eq!(
        inbox.iter().map(|n| n.event.as_str()).collect::<Vec<_>>(),
        vec!["x.one", "proposal.submitted"]
    );
    assert_eq!(
        inbox[0].recipients,
        vec![w.reviewer.id, w.partner.id],
        "recipients deduplicated, in order"
    );
    assert_eq!(
        store
            .notifications_for(w.reviewer.id, 1)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store
            .notifications_for(w.partner.id, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .notifications_for(w.admin.id, 10)
            .await
            .unwrap()
            .is_empty()
    );
    audited!(
        store,
        0,
        assert_err!(
            store
                .notify(notification("x", Some(9999), vec![]), None, T0)
                .await,
            NotFound
        )
    );
    audited!(
        store,
        0,
        assert_err!(
            store
                .notify(notification("x", None, vec![9999]), None, T0)
                .await,
            NotFound
        )
    );
}

pub async fn notifications_in_transactions(store: &Store) {
    let w = world(store).await;
    let other = production(store, "Other").await;
    let hook = store
        .create_webhook(
            "https://hooks.example/mine",
            "s",
            Some(w.production.id),
            None,
            T0,
        )
        .await
        .unwrap();
    store
        .create_webhook(
            "https://hooks.example/theirs",
            "s",
            Some(other.id),
            None,
            T0,
        )
        .await
        .unwrap();

    // Notifications of a batch item get the proposal's ids filled in, and deliveries.
    let mut item = new_item(
        w.production.id,
        w.partner.id,
        version("N", &[], &[], Some(Tier::Approval)),
    );
    item.notifications = vec![notification(
        "proposal.submitted",
        None,
        vec![w.reviewer.id],
    )];
    let saved = audited!(store, 1, save(store, item, T0 + 1).await.unwrap());
    let inbox = store.notifications_for(w.reviewer.id, 10).await.unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(
        (inbox[0].proposal_id, inbox[0].production_id),
        (Some(saved.proposal.id), Some(w.production.id))
    );
    let due = store.due_deliveries(T0 + 1, 10).await.unwrap();
    assert_eq!(
        due.iter()
            .map(|d| d.delivery.webhook_id)
            .collect::<Vec<_>>(),
        vec![hook.id]
    );

    // A failed item writes none of its notifications.
    let mut stale = super::support::next_item(
        saved.proposal.id,
        99,
        w.partner.id,
        version("N2", &[], &[], None),
    );
    stale.notifications = vec![notification(
        "proposal.resubmitted",
        None,
        vec![w.reviewer.id],
    )];
    assert_err!(save(store, stale, T0 + 2).await, Conflict);
    assert_eq!(
        store
            .notifications_for(w.reviewer.id, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    // So does an item whose notification is invalid (an unknown recipient): the item fails alone.
    let mut bad = new_item(
        w.production.id,
        w.partner.id,
        version("Bad", &[], &[], None),
    );
    bad.notifications = vec![notification("proposal.submitted", None, vec![9999])];
    let good = new_item(
        w.production.id,
        w.partner.id,
        version("Good", &[], &[], None),
    );
    let results = audited!(
        store,
        1,
        store.save_versions(vec![bad, good], T0 + 3).await.unwrap()
    );
    assert!(
        matches!(results[0], Err(clearance_store::StoreError::NotFound(_))),
        "{:?}",
        results[0]
    );
    assert_eq!(results[1].as_ref().unwrap().proposal.title, "Good");

    // Transitions, reviews, re-evaluations and comments write theirs too.
    let mut t = Transition {
        proposal_id: saved.proposal.id,
        expected_revision: 1,
        status: Status::InReview,
        approved_version: None,
        approval_expires_at: None,
        needs_reapproval: false,
        actor: Some(w.partner.id),
        action: "proposal.routed".into(),
        note: None,
        notifications: vec![notification("proposal.routed", None, vec![w.reviewer.id])],
    };
    store.transition(t.clone(), T0 + 4).await.unwrap();
    t.expected_revision = 9;
    assert_err!(store.transition(t, T0 + 5).await, Conflict);
    store
        .update_evaluation(
            saved.proposal.id,
            1,
            super::support::evaluation(Tier::Blocked, T0 + 6),
            true,
            None,
            vec![notification(
                "proposal.needs_reapproval",
                None,
                vec![w.reviewer.id],
            )],
            T0 + 6,
        )
        .await
        .unwrap();
    let inbox = store.notifications_for(w.reviewer.id, 10).await.unwrap();
    assert_eq!(
        inbox.iter().map(|n| n.event.as_str()).collect::<Vec<_>>(),
        vec![
            "proposal.needs_reapproval",
            "proposal.routed",
            "proposal.submitted"
        ]
    );
    assert!(
        inbox
            .iter()
            .all(|n| n.proposal_id == Some(saved.proposal.id))
    );
    assert_eq!(store.due_deliveries(T0 + 10, 10).await.unwrap().len(), 3);
}
