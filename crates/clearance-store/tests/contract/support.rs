//! Fixtures and checks shared by the cases.

use clearance_audit::{leaf_hash, to_hex};
use clearance_domain::tier::Tier;
use clearance_store::model::{
    Capacity, Millis, NewPerson, NewProduction, NewVersion, Person, Production, Role, Status,
    StoredEvaluation,
};
use clearance_store::proposal::{SaveVersion, Saved, Target};
use clearance_store::{Store, StoreError};

/// A fixed "now"; cases add to it.
pub const T0: Millis = 1_750_000_000_000;

/// Runs `$op` and checks that it appended exactly `$n` audit entries.
#[macro_export]
macro_rules! audited {
    ($store:expr, $n:expr, $op:expr) => {{
        let before = $crate::contract::support::audit_size($store).await;
        let result = $op;
        let after = $crate::contract::support::audit_size($store).await;
        assert_eq!(
            after,
            before + $n,
            "audit entries appended by `{}`",
            stringify!($op)
        );
        result
    }};
}

/// The audit tree's size.
pub async fn audit_size(store: &Store) -> u64 {
    store.tree_head().await.expect("tree head").0
}

/// Checks the whole log: indexes in order, every stored leaf hash is the hash of the entry's
/// leaf bytes, the stored leaves are those, and the tree head's root is their Merkle root.
pub async fn verify_audit(store: &Store) {
    let (size, root) = store.tree_head().await.expect("tree head");
    let entries = store.audit_entries(0, i64::MAX).await.expect("entries");
    assert_eq!(
        entries.len() as u64,
        size,
        "entries in the log vs the tree size"
    );
    let mut leaves = Vec::new();
    for (position, entry) in entries.iter().enumerate() {
        assert_eq!(entry.index, position as i64);
        let leaf = leaf_hash(&entry.leaf_bytes());
        assert_eq!(
            entry.leaf_hash,
            to_hex(&leaf),
            "leaf hash of entry {position}"
        );
        serde_json::from_str::<serde_json::Value>(&entry.body).expect("audit bodies are JSON");
        leaves.push(leaf);
    }
    assert_eq!(store.audit_leaves(size).await.expect("leaves"), leaves);
    assert_eq!(
        root,
        clearance_audit::root(&leaves),
        "tree head root vs the recomputed root"
    );
}

/// Asserts that a result is the error variant named.
#[macro_export]
macro_rules! assert_err {
    ($result:expr, $variant:ident) => {
        match $result {
            Err(clearance_store::StoreError::$variant(message)) => message,
            other => panic!("expected {}, got {other:?}", stringify!($variant)),
        }
    };
}

/// People and a production most cases need.
pub struct World {
    /// An admin.
    pub admin: Person,
    /// A reviewer, member of `production`.
    pub reviewer: Person,
    /// A partner, member of `production`.
    pub partner: Person,
    /// A production.
    pub production: Production,
}

/// Creates a person.
pub async fn person(store: &Store, name: &str, role: Role) -> Person {
    let new = NewPerson {
        name: name.to_owned(),
        email: format!("{}@example.com", name.to_lowercase().replace(' ', ".")),
        role,
        organisation: Some("Example Studio".to_owned()),
    };
    store
        .create_person(&new, None, T0)
        .await
        .expect("create person")
}

/// Creates a production.
pub async fn production(store: &Store, title: &str) -> Production {
    let new = NewProduction {
        title: title.to_owned(),
        studio: "Example Studio".to_owned(),
        rulebooks: vec!["netflix-genai-2025".to_owned()],
    };
    store
        .create_production(&new, None, T0)
        .await
        .expect("create production")
}

/// An admin, a reviewer and a partner, the last two members of one production.
pub async fn world(store: &Store) -> World {
    let admin = person(store, "Ada Admin", Role::Admin).await;
    let reviewer = person(store, "Rita Reviewer", Role::Reviewer).await;
    let partner = person(store, "Paul Partner", Role::Partner).await;
    let production = production(store, "The Long Night").await;
    store
        .add_member(
            production.id,
            reviewer.id,
            Capacity::Reviewer,
            Some(admin.id),
            T0,
        )
        .await
        .expect("member");
    store
        .add_member(
            production.id,
            partner.id,
            Capacity::Partner,
            Some(admin.id),
            T0,
        )
        .await
        .expect("member");
    World {
        admin,
        reviewer,
        partner,
        production,
    }
}

/// An evaluation with this tier.
pub fn evaluation(tier: Tier, at: Millis) -> StoredEvaluation {
    StoredEvaluation {
        tier,
        result: format!(r#"{{"tier":"{}"}}"#, tier.as_str()),
        rulebooks: vec![clearance_store::model::RulebookRef {
            id: "netflix-genai-2025".to_owned(),
            version: "2025.1".to_owned(),
            digest: "ab".repeat(32),
        }],
        records: r#"{"consents":{},"tools":{}}"#.to_owned(),
        evaluated_at: at,
    }
}

/// A version with a title, tools and consent ids, evaluated at `tier` (a draft if `None`).
pub fn version(title: &str, tools: &[&str], consents: &[&str], tier: Option<Tier>) -> NewVersion {
    let source = format!("title: {title}\ntools: [{}]\n", tools.join(", "));
    NewVersion {
        title: title.to_owned(),
        vendor: None,
        content_hash: format!("{:0>64}", source.len()),
        source,
        format: "yaml".to_owned(),
        intake: format!(r#"{{"title":"{title}"}}"#),
        tools: tools.iter().map(|t| (*t).to_owned()).collect(),
        consent_ids: consents.iter().map(|c| (*c).to_owned()).collect(),
        evaluation: tier.map(|tier| evaluation(tier, T0)),
    }
}

/// A batch item creating a proposal.
pub fn new_item(production_id: i64, actor: i64, version: NewVersion) -> SaveVersion {
    SaveVersion {
        target: Target::New { production_id },
        status: Status::Submitted,
        version,
        actor,
        action: "proposal.submitted".to_owned(),
        idempotency_key: None,
        notifications: Vec::new(),
    }
}

/// A batch item adding a version.
pub fn next_item(
    proposal_id: i64,
    expected_revision: i64,
    actor: i64,
    version: NewVersion,
) -> SaveVersion {
    SaveVersion {
        target: Target::Existing {
            proposal_id,
            expected_revision,
        },
        status: Status::InReview,
        version,
        actor,
        action: "proposal.resubmitted".to_owned(),
        idempotency_key: None,
        notifications: Vec::new(),
    }
}

/// Saves one item and returns its outcome.
pub async fn save(store: &Store, item: SaveVersion, now: Millis) -> Result<Saved, StoreError> {
    let mut results = store
        .save_versions(vec![item], now)
        .await
        .expect("the batch commits");
    assert_eq!(results.len(), 1);
    results.remove(0)
}

/// Submits a new proposal.
pub async fn submit(
    store: &Store,
    production_id: i64,
    actor: i64,
    version: NewVersion,
    now: Millis,
) -> Saved {
    save(store, new_item(production_id, actor, version), now)
        .await
        .expect("submission saved")
}
