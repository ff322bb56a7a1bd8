//! Comments and attachments.

use clearance_store::Store;
use clearance_store::model::NewNotification;

use super::support::{T0, submit, version, world};
use crate::{assert_err, audited};

pub async fn comments_and_attachments(store: &Store) {
    let w = world(store).await;
    let saved = submit(
        store,
        w.production.id,
        w.partner.id,
        version("Discussed", &[], &[], None),
        T0,
    )
    .await;
    let id = saved.proposal.id;

    let note = NewNotification {
        event: "comment.added".into(),
        production_id: None,
        proposal_id: None,
        recipients: vec![w.reviewer.id],
        payload: "{}".into(),
    };
    let comment = audited!(
        store,
        1,
        store
            .add_comment(id, w.partner.id, "Is this OK?", vec![note], T0 + 1)
            .await
            .unwrap()
    );
    assert_eq!(
        (
            comment.proposal_id,
            comment.author_id,
            comment.body.as_str(),
            comment.created_at
        ),
        (id, w.partner.id, "Is this OK?", T0 + 1)
    );
    let reply = store
        .add_comment(id, w.reviewer.id, "Yes.", Vec::new(), T0 + 2)
        .await
        .unwrap();
    assert_eq!(
        store.comments(id).await.unwrap(),
        vec![comment.clone(), reply]
    );
    assert!(store.comments(id + 1).await.unwrap().is_empty());
    let inbox = store.notifications_for(w.reviewer.id, 10).await.unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(
        (inbox[0].proposal_id, inbox[0].production_id),
        (Some(id), Some(w.production.id))
    );
    audited!(
        store,
        0,
        assert_err!(
            store
                .add_comment(id + 77, w.partner.id, "?", Vec::new(), T0)
                .await,
            NotFound
        )
    );
    audited!(
        store,
        0,
        assert_err!(
            store.add_comment(id, 9999, "?", Vec::new(), T0).await,
            NotFound
        )
    );

    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let attachment = audited!(
        store,
        1,
        store
            .add_attachment(
                id,
                "storyboard.pdf",
                "application/pdf",
                &bytes,
                &"cd".repeat(32),
                w.partner.id,
                T0 + 3
            )
            .await
            .unwrap()
    );
    assert_eq!(
        (
            attachment.proposal_id,
            attachment.name.as_str(),
            attachment.media_type.as_str()
        ),
        (id, "storyboard.pdf", "application/pdf")
    );
    assert_eq!(
        (
            attachment.size,
            attachment.sha256.clone(),
            attachment.uploaded_by,
            attachment.created_at
        ),
        (70_000, "cd".repeat(32), w.partner.id, T0 + 3)
    );
    let (size, _) = store.tree_head().await.unwrap();
    let entry = store.audit_entry(size as i64 - 1).await.unwrap().unwrap();
    assert_eq!(entry.action, "attachment.added");
    assert!(
        entry.body.len() < 1_000,
        "the bytes are not in the audit log"
    );
    let empty = store
        .add_attachment(
            id,
            "empty.txt",
            "text/plain",
            &[],
            &"00".repeat(32),
            w.partner.id,
            T0 + 4,
        )
        .await
        .unwrap();
    assert_eq!(
        store.attachments(id).await.unwrap(),
        vec![attachment.clone(), empty.clone()]
    );
    assert_eq!(
        store.attachment(attachment.id).await.unwrap(),
        Some((attachment, bytes))
    );
    assert_eq!(
        store.attachment(empty.id).await.unwrap(),
        Some((empty.clone(), Vec::new()))
    );
    assert_eq!(store.attachment(empty.id + 10).await.unwrap(), None);
    audited!(
        store,
        0,
        assert_err!(
            store
                .add_attachment(id + 77, "x", "text/plain", b"x", "00", w.partner.id, T0)
                .await,
            NotFound
        )
    );
}
