//! Consents, tools and rulebooks.

use clearance_store::Store;
use clearance_store::model::{Grantor, NewConsent, NewTool, Role};

use super::support::{T0, person, production};
use crate::{assert_err, audited};

fn consent(id: &str, representative: Option<i64>) -> NewConsent {
    NewConsent {
        id: id.to_owned(),
        performer: "Pat Performer".to_owned(),
        grantor: Grantor::Performer,
        granted_by: "Pat Performer".to_owned(),
        representative_id: representative,
        production_id: None,
        uses: vec!["voice_replica".to_owned()],
        media: Some("episodic streaming".to_owned()),
        purpose: "ADR fixes".to_owned(),
        state: "signed".to_owned(),
        granted_on: Some("2025-01-02".to_owned()),
        expires_on: None,
        evidence_sha256: Some("ef".repeat(32)),
    }
}

fn tool(id: &str) -> NewTool {
    NewTool {
        id: id.to_owned(),
        name: format!("Tool {id}"),
        vendor: Some("Vendor Inc".to_owned()),
        environment: "enterprise".to_owned(),
        trains_on_inputs: "no".to_owned(),
        retention: Some("30 days".to_owned()),
        terms_reviewed_on: Some("2025-03-01".to_owned()),
    }
}

pub async fn consents(store: &Store) {
    let rep = person(store, "Rae Rep", Role::Representative).await;
    let other_rep = person(store, "Otto Rep", Role::Representative).await;
    let show = production(store, "Show").await;

    let new = consent("CR-2025-0042", Some(rep.id));
    let created = audited!(
        store,
        1,
        store.create_consent(&new, Some(rep.id), T0).await.unwrap()
    );
    assert_eq!(
        (
            created.id.as_str(),
            created.performer.as_str(),
            created.grantor
        ),
        ("CR-2025-0042", "Pat Performer", Grantor::Performer)
    );
    assert_eq!(
        (
            created.representative_id,
            created.production_id,
            created.uses.clone()
        ),
        (Some(rep.id), None, vec!["voice_replica".to_owned()])
    );
    assert_eq!(
        (
            created.media.as_deref(),
            created.purpose.as_str(),
            created.state.as_str()
        ),
        (Some("episodic streaming"), "ADR fixes", "signed")
    );
    assert_eq!(
        (created.granted_on.as_deref(), created.expires_on.as_deref()),
        (Some("2025-01-02"), None)
    );
    assert_eq!(created.evidence_sha256, new.evidence_sha256);
    assert_eq!(
        (
            created.revoked_at,
            created.revoked_reason.as_deref(),
            created.created_at,
            created.updated_at
        ),
        (None, None, T0, T0)
    );
    assert_eq!(
        store.consent("CR-2025-0042").await.unwrap(),
        Some(created.clone())
    );
    assert_eq!(store.consent("CR-missing").await.unwrap(), None);
    audited!(
        store,
        0,
        assert_err!(store.create_consent(&new, None, T0).await, Duplicate)
    );
    let mut bad_rep = consent("CR-bad", Some(9999));
    audited!(
        store,
        0,
        assert_err!(store.create_consent(&bad_rep, None, T0).await, NotFound)
    );
    bad_rep.representative_id = None;
    bad_rep.production_id = Some(9999);
    audited!(
        store,
        0,
        assert_err!(store.create_consent(&bad_rep, None, T0).await, NotFound)
    );

    let mut estate = consent("CR-2025-0001", Some(other_rep.id));
    estate.grantor = Grantor::Estate;
    estate.production_id = Some(show.id);
    estate.uses = Vec::new();
    let estate = store.create_consent(&estate, None, T0 + 1).await.unwrap();
    assert_eq!(
        (estate.grantor, estate.production_id, estate.uses.len()),
        (Grantor::Estate, Some(show.id), 0)
    );
    let unmanaged = store
        .create_consent(&consent("CR-2025-0100", None), None, T0 + 2)
        .await
        .unwrap();

    let ids = |records: Vec<clearance_store::model::ConsentRecord>| {
        records.into_iter().map(|c| c.id).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(store.consents(None).await.unwrap()),
        vec!["CR-2025-0001", "CR-2025-0042", "CR-2025-0100"]
    );
    assert_eq!(
        ids(store.consents(Some(rep.id)).await.unwrap()),
        vec!["CR-2025-0042"]
    );
    assert_eq!(
        ids(store.consents(Some(other_rep.id)).await.unwrap()),
        vec!["CR-2025-0001"]
    );
    assert!(
        store
            .consents(Some(show.id + 1000))
            .await
            .unwrap()
            .is_empty()
    );
    let wanted = vec![
        "CR-2025-0100".to_owned(),
        "CR-nope".to_owned(),
        "CR-2025-0042".to_owned(),
    ];
    assert_eq!(
        store.consents_by_ids(&wanted).await.unwrap(),
        vec![created.clone(), unmanaged]
    );
    assert!(store.consents_by_ids(&[]).await.unwrap().is_empty());
    let many: Vec<String> = (0..1_200).map(|i| format!("CR-2025-{i:04}")).collect();
    assert_eq!(
        store.consents_by_ids(&many).await.unwrap().len(),
        3,
        "more ids than one statement takes"
    );

    let mut replacement = consent("CR-2025-0042", Some(other_rep.id));
    replacement.state = "requested".to_owned();
    replacement.expires_on = Some("2026-12-31".to_owned());
    let replaced = audited!(
        store,
        1,
        store
            .replace_consent(&replacement, Some(other_rep.id), T0 + 10)
            .await
            .unwrap()
    );
    assert_eq!(
        (replaced.state.as_str(), replaced.expires_on.as_deref()),
        ("requested", Some("2026-12-31"))
    );
    assert_eq!(
        (
            replaced.representative_id,
            replaced.created_at,
            replaced.updated_at
        ),
        (Some(other_rep.id), T0, T0 + 10)
    );
    assert!(store.consents(Some(rep.id)).await.unwrap().is_empty());
    audited!(
        store,
        0,
        assert_err!(
            store
                .replace_consent(&consent("CR-missing", None), None, T0)
                .await,
            NotFound
        )
    );

    let revoked = audited!(
        store,
        1,
        store
            .revoke_consent(
                "CR-2025-0042",
                "performer withdrew",
                Some(other_rep.id),
                T0 + 20
            )
            .await
            .unwrap()
    );
    assert_eq!(
        (
            revoked.revoked_at,
            revoked.revoked_reason.as_deref(),
            revoked.updated_at
        ),
        (Some(T0 + 20), Some("performer withdrew"), T0 + 20)
    );
    assert_eq!(store.consent("CR-2025-0042").await.unwrap(), Some(revoked));
    audited!(
        store,
        0,
        assert_err!(
            store
                .revoke_consent("CR-2025-0042", "again", None, T0 + 30)
                .await,
            Conflict
        )
    );
    audited!(
        store,
        0,
        assert_err!(
            store.revoke_consent("CR-missing", "?", None, T0).await,
            NotFound
        )
    );
}

pub async fn tools(store: &Store) {
    let created = audited!(
        store,
        1,
        store
            .create_tool(&tool("runway-gen4"), Some(1), T0)
            .await
            .unwrap()
    );
    assert_eq!(
        (
            created.id.as_str(),
            created.name.as_str(),
            created.vendor.as_deref()
        ),
        ("runway-gen4", "Tool runway-gen4", Some("Vendor Inc"))
    );
    assert_eq!(
        (
            created.environment.as_str(),
            created.trains_on_inputs.as_str()
        ),
        ("enterprise", "no")
    );
    assert_eq!(
        (
            created.retention.as_deref(),
            created.terms_reviewed_on.as_deref()
        ),
        (Some("30 days"), Some("2025-03-01"))
    );
    assert_eq!(
        (created.created_at, created.updated_at, created.revision),
        (T0, T0, 1)
    );
    audited!(
        store,
        0,
        assert_err!(
            store.create_tool(&tool("runway-gen4"), None, T0).await,
            Duplicate
        )
    );
    let other = store
        .create_tool(&tool("adobe-firefly"), None, T0)
        .await
        .unwrap();
    assert_eq!(
        store.tool("runway-gen4").await.unwrap(),
        Some(created.clone())
    );
    assert_eq!(store.tool("unknown").await.unwrap(), None);
    assert_eq!(
        store.tools().await.unwrap(),
        vec![other.clone(), created.clone()]
    );
    let wanted = vec!["runway-gen4".to_owned(), "nope".to_owned()];
    assert_eq!(
        store.tools_by_ids(&wanted).await.unwrap(),
        vec![created.clone()]
    );

    let mut terms = tool("runway-gen4");
    terms.trains_on_inputs = "yes".to_owned();
    terms.vendor = None;
    let updated = audited!(
        store,
        1,
        store.update_tool(&terms, 1, Some(1), T0 + 5).await.unwrap()
    );
    assert_eq!(
        (updated.trains_on_inputs.as_str(), updated.vendor.as_deref()),
        ("yes", None)
    );
    assert_eq!(
        (updated.revision, updated.created_at, updated.updated_at),
        (2, T0, T0 + 5)
    );
    audited!(
        store,
        0,
        assert_err!(store.update_tool(&terms, 1, None, T0 + 6).await, Conflict)
    );
    audited!(
        store,
        0,
        assert_err!(
            store.update_tool(&tool("missing"), 1, None, T0).await,
            NotFound
        )
    );
    assert_eq!(store.tool("runway-gen4").await.unwrap(), Some(updated));
}

pub async fn rulebooks(store: &Store) {
    let digest1 = "11".repeat(32);
    let digest2 = "22".repeat(32);
    let v1 = audited!(
        store,
        1,
        store
            .save_rulebook("netflix", "1", &digest1, "rules: []", true, None, T0)
            .await
            .unwrap()
    );
    assert_eq!(
        (v1.id.as_str(), v1.version.as_str(), v1.digest.as_str()),
        ("netflix", "1", digest1.as_str())
    );
    assert_eq!(
        (v1.source.as_str(), v1.active, v1.created_at),
        ("rules: []", true, T0)
    );
    // The same digest again: a no-op returning the stored one, whatever the other arguments.
    let again = audited!(
        store,
        0,
        store
            .save_rulebook("netflix", "1", &digest1, "rules: []", false, None, T0 + 9)
            .await
            .unwrap()
    );
    assert_eq!(again, v1);
    audited!(
        store,
        0,
        assert_err!(
            store
                .save_rulebook("netflix", "1", &digest2, "changed", true, None, T0)
                .await,
            Duplicate
        )
    );

    let v2 = audited!(
        store,
        1,
        store
            .save_rulebook(
                "netflix",
                "2",
                &digest2,
                "rules: [x]",
                true,
                Some(1),
                T0 + 1
            )
            .await
            .unwrap()
    );
    assert!(v2.active);
    let other = store
        .save_rulebook("amazon", "7", &digest1, "other", true, None, T0 + 2)
        .await
        .unwrap();
    let v3 = store
        .save_rulebook(
            "netflix",
            "3",
            &"33".repeat(32),
            "draft",
            false,
            None,
            T0 + 3,
        )
        .await
        .unwrap();
    assert!(!v3.active);

    let all = store.rulebooks().await.unwrap();
    assert_eq!(
        all.iter()
            .map(|r| (r.id.as_str(), r.version.as_str(), r.active))
            .collect::<Vec<_>>(),
        vec![
            ("amazon", "7", true),
            ("netflix", "1", false),
            ("netflix", "2", true),
            ("netflix", "3", false)
        ]
    );
    assert_eq!(store.active_rulebooks().await.unwrap(), vec![other, v2]);
}
