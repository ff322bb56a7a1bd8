//! Search, references from current versions, statuses and due expiries.

use clearance_domain::tier::Tier;
use clearance_store::model::{Capacity, Role, Status};
use clearance_store::proposal::Transition;
use clearance_store::{ProposalQuery, Store};

use super::support::{T0, next_item, person, production, save, submit, version, world};
use crate::assert_err;

fn query() -> ProposalQuery {
    ProposalQuery {
        limit: 100,
        ..Default::default()
    }
}

async fn titles(store: &Store, query: ProposalQuery) -> Vec<String> {
    let mut titles: Vec<String> = store
        .search(&query)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.title)
        .collect();
    titles.sort();
    titles
}

pub async fn search_filters(store: &Store) {
    let w = world(store).await;
    let other = production(store, "Other Show").await;
    let outsider = person(store, "Olga Outsider", Role::Partner).await;
    store
        .add_member(other.id, outsider.id, Capacity::Partner, None, T0)
        .await
        .unwrap();

    let mut crowd = version(
        "Crowd Extension",
        &["Runway Gen-4", "tool-7"],
        &["CR-1"],
        Some(Tier::Approval),
    );
    crowd.vendor = Some("Pixel Vendor".to_owned());
    let crowd = submit(store, w.production.id, w.partner.id, crowd, T0 + 1).await;
    let mut voice = version(
        "Éclair voice replica",
        &["VoiceBox"],
        &["CR-2"],
        Some(Tier::Blocked),
    );
    voice.source.push_str("notes: 100% synthetic_voice\n");
    let voice = submit(store, w.production.id, w.partner.id, voice, T0 + 2).await;
    let mut poster = version("Poster concept", &["Midjourney"], &[], Some(Tier::Notify));
    poster.vendor = Some("Studio Art".to_owned());
    submit(store, other.id, outsider.id, poster, T0 + 3).await;
    let draft = version("Draft idea", &[], &[], None);
    let mut item = super::support::new_item(other.id, outsider.id, draft);
    item.status = Status::Draft;
    save(store, item, T0 + 4).await.unwrap();

    let all = titles(store, query()).await;
    assert_eq!(
        all,
        vec![
            "Crowd Extension",
            "Draft idea",
            "Poster concept",
            "Éclair voice replica"
        ]
    );

    // Text: case-insensitive substring of title, vendor or source; wildcards are literal.
    assert_eq!(
        titles(
            store,
            ProposalQuery {
                text: Some("crowd ext".into()),
                ..query()
            }
        )
        .await,
        vec!["Crowd Extension"]
    );
    assert_eq!(
        titles(
            store,
            ProposalQuery {
                text: Some("PIXEL".into()),
                ..query()
            }
        )
        .await,
        vec!["Crowd Extension"]
    );
    assert_eq!(
        titles(
            store,
            ProposalQuery {
                text: Some("runway gen".into()),
                ..query()
            }
        )
        .await,
        vec!["Crowd Extension"]
    );
    assert_eq!(
        titles(
            store,
            ProposalQuery {
                text: Some("ÉCLAIR".into()),
                ..query()
            }
        )
        .await,
        vec!["Éclair voice replica"]
    );
    assert_eq!(
        titles(
            store,
            ProposalQuery {
                text: Some("100%".into()),
                ..query()
            }
        )
        .await,
        vec!["Éclair voice replica"]
    );
    assert!(
        titles(
            store,
            ProposalQuery {
                text: Some("1_0".into()),
                ..query()
            }
        )
        .await
        .is_empty()
    );
    assert_eq!(
        titles(
            store,
            ProposalQuery {
                text: Some("c_voice".into()),
                ..query()
            }
        )
        .await,
        vec!["Éclair voice replica"]
    );
    assert_eq!(
        titles(
            store,
            ProposalQuery {
                text: Some("%".into()),
                ..query()
            }
        )
        .await,
        vec!["Éclair voice replica"]
    );
    assert!(
        titles(
            store,
            ProposalQuery {
                text: Some("nothing like it".into()),
                ..query()
            }
        )
        .await
        .is_empty()
    );

    assert_eq!(
        titles(
            store,
            ProposalQuery {
                tier: Some(Tier::Blocked),
                ..query()
            }
        )
        .await,
        vec!["Éclair voice replica"]
    );
    assert_eq!(
        titles(
            store,
            ProposalQuery {
                status: Some(Status::Draft),
                ..query()
            }
        )
        .await,
        vec!["Draft idea"]
    );
    assert_eq!(
        titles(
            store,
            ProposalQuery {
                production_id: Some(other.id),
                ..query()
            }
        )
        .await,
        vec!["Draft idea", "Poster concept"]
    );
    assert_eq!(
        titles(
            store,
            ProposalQuery {
                vendor: Some("pixel VENDOR".into()),
                ..query()
            }
        )
        .await,
        vec!["Crowd Extension"]
    );
    assert!(
        titles(
            store,
            ProposalQuery {
                vendor: Some("pixel".into()),
                ..query()
            }
        )
        .await
        .is_empty()
    );
    assert_eq!(
        titles(
            store,
            ProposalQuery {
                tool: Some("TOOL-7".into()),
                ..query()
            }
        )
        .await,
        vec!["Crowd Extension"]
    );
    assert_eq!(
        titles(
            store,
            ProposalQuery {
                tool: Some("runway gen-4".into()),
                ..query()
            }
        )
        .await,
        vec!["Crowd Extension"]
    );
    assert!(
        titles(
            store,
            ProposalQuery {
                tool: Some("runway".into()),
                ..query()
            }
        )
        .await
        .is_empty()
    );
    assert_eq!(
        titles(
            store,
            ProposalQuery {
                visible_to: Some(w.partner.id),
                ..query()
            }
        )
        .await,
        vec!["Crowd Extension", "Éclair voice replica"]
    );
    assert_eq!(
        titles(
            store,
            ProposalQuery {
                visible_to: Some(outsider.id),
                ..query()
            }
        )
        .await,
        vec!["Draft idea", "Poster concept"]
    );
    assert!(
        titles(
            store,
            ProposalQuery {
                visible_to: Some(w.admin.id),
                ..query()
            }
        )
        .await
        .is_empty()
    );
    // Filters combine.
    assert_eq!(
        titles(
            store,
            ProposalQuery {
                text: Some("e".into()),
                visible_to: Some(w.partner.id),
                tier: Some(Tier::Approval),
                ..query()
            }
        )
        .await,
        vec!["Crowd Extension"]
    );

    // Only the current version's tools count.
    save(
        store,
        next_item(
            crowd.proposal.id,
            1,
            w.partner.id,
            version("Crowd Extension", &["Nuke"], &[], None),
        ),
        T0 + 9,
    )
    .await
    .unwrap();
    assert!(
        titles(
            store,
            ProposalQuery {
                tool: Some("tool-7".into()),
                ..query()
            }
        )
        .await
        .is_empty()
    );
    assert_eq!(
        titles(
            store,
            ProposalQuery {
                tool: Some("nuke".into()),
                ..query()
            }
        )
        .await,
        vec!["Crowd Extension"]
    );
    // The vendor and source follow the current version too.
    assert!(
        titles(
            store,
            ProposalQuery {
                text: Some("pixel".into()),
                ..query()
            }
        )
        .await
        .is_empty()
    );
    assert!(
        titles(
            store,
            ProposalQuery {
                text: Some("runway".into()),
                ..query()
            }
        )
        .await
        .is_empty()
    );
    let _ = voice;
}

pub async fn search_order_and_window(store: &Store) {
    let w = world(store).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            submit(
                store,
                w.production.id,
                w.partner.id,
                version(&format!("P{i}"), &[], &[], None),
                T0 + i,
            )
            .await
            .proposal
            .id,
        );
    }
    // Touch P1 last: it becomes the most recently changed.
    let p1 = store.proposal(ids[1]).await.unwrap().unwrap();
    let t = Transition {
        proposal_id: p1.id,
        expected_revision: p1.revision,
        status: Status::Withdrawn,
        approved_version: None,
        approval_expires_at: None,
        needs_reapproval: false,
        actor: None,
        action: "proposal.withdrawn".into(),
        note: None,
        notifications: Vec::new(),
    };
    store.transition(t, T0 + 100).await.unwrap();

    let newest: Vec<i64> = store
        .search(&query())
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(newest, vec![ids[1], ids[4], ids[3], ids[2], ids[0]]);
    let oldest: Vec<i64> = store
        .search(&ProposalQuery {
            oldest_first: true,
            ..query()
        })
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(oldest, vec![ids[0], ids[2], ids[3], ids[4], ids[1]]);
    let page: Vec<i64> = store
        .search(&ProposalQuery {
            limit: 2,
            offset: 1,
            ..query()
        })
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(page, vec![ids[4], ids[3]]);
    assert!(
        store
            .search(&ProposalQuery {
                limit: 0,
                ..query()
            })
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .search(&ProposalQuery {
                offset: 10,
                ..query()
            })
            .await
            .unwrap()
            .is_empty()
    );
    assert_err!(
        store
            .search(&ProposalQuery {
                limit: -1,
                ..query()
            })
            .await,
        Invalid
    );
    assert_err!(
        store
            .search(&ProposalQuery {
                offset: -1,
                ..query()
            })
            .await,
        Invalid
    );
}

pub async fn references_statuses_and_expiries(store: &Store) {
    let w = world(store).await;
    let a = submit(
        store,
        w.production.id,
        w.partner.id,
        version("A", &["Tool-X"], &["CR-1", "CR-2"], None),
        T0,
    )
    .await;
    let b = submit(
        store,
        w.production.id,
        w.partner.id,
        version("B", &["tool-x", "Tool-Y"], &["CR-2"], None),
        T0,
    )
    .await;
    let ids = |proposals: Vec<clearance_store::model::Proposal>| {
        proposals.into_iter().map(|p| p.id).collect::<Vec<_>>()
    };

    assert_eq!(
        ids(store.referencing_consent("CR-1").await.unwrap()),
        vec![a.proposal.id]
    );
    assert_eq!(
        ids(store.referencing_consent("CR-2").await.unwrap()),
        vec![a.proposal.id, b.proposal.id]
    );
    assert!(
        store.referencing_consent("cr-2").await.unwrap().is_empty(),
        "consent ids are exact"
    );
    assert!(store.referencing_consent("CR-3").await.unwrap().is_empty());
    assert_eq!(
        ids(store.referencing_tool("TOOL-X").await.unwrap()),
        vec![a.proposal.id, b.proposal.id]
    );
    assert_eq!(
        ids(store.referencing_tool("tool-y").await.unwrap()),
        vec![b.proposal.id]
    );

    // A new version without CR-1 drops the reference.
    save(
        store,
        next_item(
            a.proposal.id,
            1,
            w.partner.id,
            version("A2", &[], &["CR-2"], None),
        ),
        T0 + 1,
    )
    .await
    .unwrap();
    assert!(store.referencing_consent("CR-1").await.unwrap().is_empty());
    assert_eq!(
        ids(store.referencing_tool("tool-x").await.unwrap()),
        vec![b.proposal.id]
    );

    // Statuses and expiries.
    let approve = |id: i64, revision: i64, expires: Option<i64>| Transition {
        proposal_id: id,
        expected_revision: revision,
        status: Status::Approved,
        approved_version: Some(1),
        approval_expires_at: expires,
        needs_reapproval: false,
        actor: Some(w.reviewer.id),
        action: "proposal.approved".into(),
        note: None,
        notifications: Vec::new(),
    };
    store
        .transition(approve(a.proposal.id, 2, Some(T0 + 1_000)), T0 + 2)
        .await
        .unwrap();
    store
        .transition(approve(b.proposal.id, 1, None), T0 + 2)
        .await
        .unwrap();
    let c = submit(
        store,
        w.production.id,
        w.partner.id,
        version("C", &[], &[], None),
        T0 + 3,
    )
    .await;
    let d = submit(
        store,
        w.production.id,
        w.partner.id,
        version("D", &[], &[], None),
        T0 + 3,
    )
    .await;
    store
        .transition(approve(d.proposal.id, 1, Some(T0 + 500)), T0 + 4)
        .await
        .unwrap();

    assert_eq!(
        ids(store
            .proposals_with_status(&[Status::Approved])
            .await
            .unwrap()),
        vec![a.proposal.id, b.proposal.id, d.proposal.id]
    );
    assert_eq!(
        ids(store
            .proposals_with_status(&[Status::Submitted, Status::Approved])
            .await
            .unwrap()),
        vec![a.proposal.id, b.proposal.id, c.proposal.id, d.proposal.id]
    );
    assert!(
        store
            .proposals_with_status(&[Status::Refused])
            .await
            .unwrap()
            .is_empty()
    );

    assert!(store.due_expiries(T0 + 499).await.unwrap().is_empty());
    assert_eq!(
        ids(store.due_expiries(T0 + 500).await.unwrap()),
        vec![d.proposal.id]
    );
    assert_eq!(
        ids(store.due_expiries(T0 + 5_000).await.unwrap()),
        vec![d.proposal.id, a.proposal.id]
    );
    // Once expired (or otherwise moved on), it is no longer due.
    let expire = Transition {
        status: Status::Expired,
        actor: None,
        action: "proposal.expired".into(),
        ..approve(d.proposal.id, 2, Some(T0 + 500))
    };
    store.transition(expire, T0 + 600).await.unwrap();
    assert_eq!(
        ids(store.due_expiries(T0 + 5_000).await.unwrap()),
        vec![a.proposal.id]
    );
}
