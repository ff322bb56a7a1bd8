//! People, tokens, productions and members.

use clearance_store::Store;
use clearance_store::model::{Capacity, NewPerson, NewProduction, Role};

use super::support::{T0, person, production, world};
use crate::{assert_err, audited};

pub async fn people_round_trip(store: &Store) {
    let new = NewPerson {
        name: "Zoë Example".to_owned(),
        email: "Zoe@Example.com".to_owned(),
        role: Role::Representative,
        organisation: None,
    };
    let zoe = audited!(
        store,
        1,
        store
            .create_person(&new, Some(7), T0)
            .await
            .expect("create")
    );
    assert_eq!(zoe.name, "Zoë Example");
    assert_eq!(zoe.email, "Zoe@Example.com");
    assert_eq!(zoe.role, Role::Representative);
    assert_eq!(zoe.organisation, None);
    assert_eq!(zoe.created_at, T0);
    assert_eq!(store.person(zoe.id).await.unwrap(), Some(zoe.clone()));
    assert_eq!(
        store.person_by_email("zoe@example.COM").await.unwrap(),
        Some(zoe.clone())
    );
    assert_eq!(
        store.person_by_email("nobody@example.com").await.unwrap(),
        None
    );
    assert_eq!(store.person(zoe.id + 1000).await.unwrap(), None);

    let entry = store.audit_entry(0).await.unwrap().expect("entry 0");
    assert_eq!(entry.action, "person.created");
    assert_eq!(entry.subject, format!("person/{}", zoe.id));
    assert_eq!(entry.actor_id, Some(7));
    assert_eq!(entry.at, T0);
    let body: serde_json::Value = serde_json::from_str(&entry.body).unwrap();
    assert_eq!(body["person"]["email"], "Zoe@Example.com");

    let same_email = NewPerson {
        email: "ZOE@example.com".to_owned(),
        ..new.clone()
    };
    let message = audited!(
        store,
        0,
        assert_err!(store.create_person(&same_email, None, T0).await, Duplicate)
    );
    assert!(message.contains("ZOE@example.com"), "{message}");

    let other = person(store, "Other Person", Role::Admin).await;
    let everyone = store.people().await.unwrap();
    assert_eq!(
        everyone.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![zoe.id, other.id]
    );
}

pub async fn tokens_and_authentication(store: &Store) {
    let alice = person(store, "Alice", Role::Partner).await;
    let bob = person(store, "Bob", Role::Reviewer).await;
    let secret = [1u8; 32];
    let token = audited!(
        store,
        1,
        store
            .create_token(alice.id, "laptop", secret, Some(alice.id), T0)
            .await
            .unwrap()
    );
    assert_eq!(
        (token.person_id, token.label.as_str(), token.created_at),
        (alice.id, "laptop", T0)
    );
    assert_eq!((token.last_used_at, token.revoked_at), (None, None));
    let entry = store
        .audit_entry(store.tree_head().await.unwrap().0 as i64 - 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(entry.action, "token.created");
    assert!(
        !entry.body.contains(&clearance_audit::to_hex(&secret)),
        "the audit body holds no secret hash"
    );

    audited!(
        store,
        0,
        assert_err!(
            store.create_token(bob.id, "copy", secret, None, T0).await,
            Duplicate
        )
    );
    audited!(
        store,
        0,
        assert_err!(
            store.create_token(9999, "ghost", [2; 32], None, T0).await,
            NotFound
        )
    );
    let bobs = store
        .create_token(bob.id, "ci", [3; 32], None, T0)
        .await
        .unwrap();

    // Authentication records the use, at most once a minute, without an audit entry.
    let (who, used) = audited!(
        store,
        0,
        store
            .authenticate(secret, T0 + 1_000)
            .await
            .unwrap()
            .expect("known")
    );
    assert_eq!(who, alice);
    assert_eq!(used.id, token.id);
    assert_eq!(used.last_used_at, Some(T0 + 1_000));
    let (_, again) = store
        .authenticate(secret, T0 + 30_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.last_used_at, Some(T0 + 1_000));
    let (_, later) = store
        .authenticate(secret, T0 + 62_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(later.last_used_at, Some(T0 + 62_000));
    assert_eq!(
        store.tokens(Some(alice.id)).await.unwrap()[0].last_used_at,
        Some(T0 + 62_000)
    );
    assert_eq!(store.authenticate([9; 32], T0).await.unwrap(), None);

    assert_eq!(store.tokens(Some(alice.id)).await.unwrap().len(), 1);
    assert_eq!(
        store.tokens(Some(bob.id)).await.unwrap(),
        vec![bobs.clone()]
    );
    assert_eq!(
        store
            .tokens(None)
            .await
            .unwrap()
            .iter()
            .map(|t| t.id)
            .collect::<Vec<_>>(),
        vec![token.id, bobs.id]
    );

    let revoked = audited!(
        store,
        1,
        store
            .revoke_token(token.id, Some(alice.id), T0 + 100_000)
            .await
            .unwrap()
    );
    assert_eq!(revoked.revoked_at, Some(T0 + 100_000));
    audited!(
        store,
        0,
        assert_err!(
            store.revoke_token(token.id, None, T0 + 200_000).await,
            Conflict
        )
    );
    audited!(
        store,
        0,
        assert_err!(store.revoke_token(4242, None, T0).await, NotFound)
    );
    assert_eq!(
        store.authenticate(secret, T0 + 300_000).await.unwrap(),
        None
    );
    assert_eq!(
        store.tokens(Some(alice.id)).await.unwrap()[0].revoked_at,
        Some(T0 + 100_000)
    );
}

pub async fn productions_and_members(store: &Store) {
    let world = world(store).await;
    let new = NewProduction {
        title: "Second Unit".to_owned(),
        studio: "Other Studio".to_owned(),
        rulebooks: vec!["a".to_owned(), "b".to_owned()],
    };
    let second = audited!(
        store,
        1,
        store
            .create_production(&new, Some(world.admin.id), T0 + 5)
            .await
            .unwrap()
    );
    assert_eq!(
        (second.title.as_str(), second.studio.as_str()),
        ("Second Unit", "Other Studio")
    );
    assert_eq!(second.rulebooks, vec!["a", "b"]);
    assert_eq!(second.created_at, T0 + 5);
    assert_eq!(
        store.production(second.id).await.unwrap(),
        Some(second.clone())
    );
    assert_eq!(store.production(second.id + 100).await.unwrap(), None);

    let all = store.productions(None).await.unwrap();
    assert_eq!(
        all.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![world.production.id, second.id]
    );
    let visible = store.productions(Some(world.partner.id)).await.unwrap();
    assert_eq!(
        visible.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![world.production.id]
    );
    assert!(
        store
            .productions(Some(world.admin.id))
            .await
            .unwrap()
            .is_empty()
    );

    // Membership is an upsert: adding again changes the capacity.
    let member = audited!(
        store,
        1,
        store
            .add_member(
                second.id,
                world.partner.id,
                Capacity::Reviewer,
                Some(world.admin.id),
                T0
            )
            .await
            .unwrap()
    );
    assert_eq!(
        (member.production_id, member.capacity),
        (second.id, Capacity::Reviewer)
    );
    assert_eq!(member.person, world.partner);
    let changed = store
        .add_member(second.id, world.partner.id, Capacity::Partner, None, T0)
        .await
        .unwrap();
    assert_eq!(changed.capacity, Capacity::Partner);
    assert_eq!(
        store.capacity(second.id, world.partner.id).await.unwrap(),
        Some(Capacity::Partner)
    );
    assert_eq!(
        store.capacity(second.id, world.reviewer.id).await.unwrap(),
        None
    );
    assert_eq!(
        store
            .capacity(world.production.id, world.reviewer.id)
            .await
            .unwrap(),
        Some(Capacity::Reviewer)
    );
    let visible = store.productions(Some(world.partner.id)).await.unwrap();
    assert_eq!(
        visible.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![world.production.id, second.id]
    );

    let members = store.members(world.production.id).await.unwrap();
    assert_eq!(
        members
            .iter()
            .map(|m| (m.person.id, m.capacity))
            .collect::<Vec<_>>(),
        vec![
            (world.reviewer.id, Capacity::Reviewer),
            (world.partner.id, Capacity::Partner)
        ]
    );

    audited!(
        store,
        0,
        assert_err!(
            store
                .add_member(second.id, 9999, Capacity::Partner, None, T0)
                .await,
            NotFound
        )
    );
    audited!(
        store,
        0,
        assert_err!(
            store
                .add_member(9999, world.partner.id, Capacity::Partner, None, T0)
                .await,
            NotFound
        )
    );

    audited!(
        store,
        1,
        store
            .remove_member(second.id, world.partner.id, Some(world.admin.id), T0)
            .await
            .unwrap()
    );
    assert_eq!(
        store.capacity(second.id, world.partner.id).await.unwrap(),
        None
    );
    assert!(store.members(second.id).await.unwrap().is_empty());
    audited!(
        store,
        0,
        assert_err!(
            store
                .remove_member(second.id, world.partner.id, None, T0)
                .await,
            NotFound
        )
    );

    let third = production(store, "Third").await;
    assert!(store.members(third.id).await.unwrap().is_empty());
}

pub async fn sessions_start_expire_and_end(store: &Store) {
    let pat = person(store, "Pat Partner", Role::Partner).await;
    let secret = [7_u8; 32];
    let id = audited!(
        store,
        1,
        store
            .start_session(pat.id, secret, "csrf-token", T0 + 1_000, T0)
            .await
            .expect("start")
    );
    let session = store.session(secret, T0 + 10).await.unwrap().expect("live");
    assert_eq!(session.id, id);
    assert_eq!(session.person, pat);
    assert_eq!(session.csrf, "csrf-token");
    assert_eq!(session.expires_at, T0 + 1_000);
    // Another secret, and the same one at or after the expiry, name nothing.
    assert_eq!(store.session([8; 32], T0 + 10).await.unwrap(), None);
    assert_eq!(store.session(secret, T0 + 1_000).await.unwrap(), None);
    // Signing out ends it at once; ending it again writes nothing.
    audited!(store, 1, store.end_session(id, T0 + 20).await.expect("end"));
    assert_eq!(store.session(secret, T0 + 30).await.unwrap(), None);
    audited!(
        store,
        0,
        store.end_session(id, T0 + 40).await.expect("again")
    );
    // No session for a person who does not exist, nor one that has already expired.
    assert_err!(
        store
            .start_session(pat.id + 1000, [9; 32], "x", T0 + 1_000, T0)
            .await,
        NotFound
    );
    assert_err!(
        store.start_session(pat.id, [9; 32], "x", T0, T0).await,
        Invalid
    );
    // The audit entries never carry the secret or the CSRF token.
    for entry in store.audit_entries(0, 100).await.unwrap() {
        assert!(!entry.body.contains("csrf-token"), "{}", entry.body);
    }
}
