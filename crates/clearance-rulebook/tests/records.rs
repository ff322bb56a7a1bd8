//! Records and fail-closed evaluation: consent and tool records decide what the intake refers to,
//! and a record nobody can look up never lowers the tier.

#![expect(clippy::panic, reason = "test helpers fail the test by panicking")]

use clearance_domain::document::Document;
use clearance_domain::intake::parse_intake;
use clearance_domain::{Answer, ConsentStatus, Environment, Intake, Records, Tier, ToolTerms};
use clearance_rulebook::{Options, Rulebook, embedded, evaluate, load};

fn intake(text: &str) -> Intake {
    let document = Document::parse(text).unwrap_or_else(|problems| panic!("{problems:?}"));
    parse_intake(&document.root).unwrap_or_else(|problems| panic!("{problems:?}"))
}

fn reference() -> Rulebook {
    embedded::reference().unwrap_or_else(|error| panic!("{error}"))
}

const REPLICA: &str = "
title: Pickup lines
production: Night Shift
stage: post_production
element: voice
output: { final: yes, prominence: prominent, mistaken_for_real: no, human_input: yes }
inputs: [talent_voice]
tools: [{ name: Voice vendor, environment: enterprise_no_training, trains_on_inputs: no }]
training: { trains_model: no }
talent:
  uses: [voice_replica]
  exception: none
  performers: [{ name: Lead actor, consent: written, consent_id: consent-17 }]
union_work_impact: no
";

#[test]
fn an_unresolved_consent_record_fails_closed_and_is_listed() {
    let rulebook = reference();
    let evaluation = evaluate(
        &[&rulebook],
        &intake(REPLICA),
        Records::none(),
        Options::default(),
    );
    // The intake says `written`, but a referenced record decides; without records the rules
    // that need the consent cannot be evaluated.
    assert!(
        evaluation
            .errors
            .iter()
            .any(|error| error.rule == "talent.replica-without-consent"),
        "{:?}",
        evaluation.errors
    );
    assert!(evaluation.tier >= Tier::Escalate);
    assert_eq!(
        evaluation.tier,
        Tier::Approval,
        "the approval rules that need no record still fire"
    );
    assert!(
        evaluation
            .principles
            .as_ref()
            .is_some_and(|principles| principles.get("5") == Some(&Answer::Unsure))
    );
}

#[test]
fn a_consent_record_decides_consent_whatever_the_intake_says() {
    let rulebook = reference();
    let mut records = Records::default();
    records
        .consents
        .insert("consent-17".into(), ConsentStatus::Covers);
    let covered = evaluate(&[&rulebook], &intake(REPLICA), &records, Options::default());
    assert_eq!(covered.tier, Tier::Approval);
    assert!(covered.errors.is_empty());

    records
        .consents
        .insert("consent-17".into(), ConsentStatus::Void);
    let revoked = evaluate(&[&rulebook], &intake(REPLICA), &records, Options::default());
    assert_eq!(
        revoked.tier,
        Tier::Blocked,
        "a revoked or expired record counts as no consent"
    );
    assert!(
        revoked
            .findings
            .iter()
            .any(|finding| finding.rule == "talent.replica-without-consent")
    );
}

#[test]
fn a_registered_tool_takes_its_terms_from_the_registry() {
    let text = "
title: Draft
production: Night Shift
stage: development
element: script
output: { final: no, prominence: none, mistaken_for_real: no }
inputs: [script]
tools: [{ tool_id: chatbot-free }]
training: { trains_model: no }
talent: { uses: [] }
union_work_impact: no
";
    let rulebook = reference();
    let unresolved = evaluate(
        &[&rulebook],
        &intake(text),
        Records::none(),
        Options::default(),
    );
    assert!(
        !unresolved.errors.is_empty(),
        "an unknown tool's terms cannot be assumed"
    );
    assert!(unresolved.tier >= Tier::Escalate);

    let mut records = Records::default();
    records.tools.insert(
        "chatbot-free".into(),
        ToolTerms {
            environment: Environment::Consumer,
            trains_on_inputs: Answer::Yes,
        },
    );
    let resolved = evaluate(&[&rulebook], &intake(text), &records, Options::default());
    assert_eq!(
        resolved.tier,
        Tier::Blocked,
        "a script into a tool that trains on it (B1)"
    );
    assert!(resolved.errors.is_empty());
}

#[test]
fn several_rulebooks_give_the_most_restrictive_tier_and_keep_their_principles_apart() {
    let extra = load(
        "extra.yaml",
        "
id: studio-extra
version: 0.1.0
title: A stricter studio rule
source: test
clauses:
  extra:voices: { title: No synthetic voices at all }
actions:
  stop: Do not proceed
principles:
  - { id: '1', title: Voices are human, no: talent.uses contains voice_replica }
rules:
  - id: no-voice-replicas
    tier: blocked
    cite: [extra:voices]
    description: This studio permits no voice replicas.
    when: talent.uses contains voice_replica
    reason: a voice replica is proposed
    actions: [stop]
",
    )
    .unwrap_or_else(|error| panic!("{error}"));
    let rulebook = reference();
    let mut records = Records::default();
    records
        .consents
        .insert("consent-17".into(), ConsentStatus::Covers);
    let evaluation = evaluate(
        &[&rulebook, &extra],
        &intake(REPLICA),
        &records,
        Options::default(),
    );
    assert_eq!(evaluation.tier, Tier::Blocked);
    assert_eq!(
        evaluation
            .rulebooks
            .iter()
            .map(|rulebook| rulebook.id)
            .collect::<Vec<_>>(),
        vec!["netflix-genai-2025", "studio-extra"]
    );
    let principles = evaluation.principles.unwrap_or_default();
    assert_eq!(
        principles.get("1"),
        Some(&Answer::Yes),
        "the reference rulebook's principle 1 keeps its plain name"
    );
    assert_eq!(principles.get("studio-extra:1"), Some(&Answer::No));
    assert!(
        evaluation.findings.iter().any(
            |finding| finding.rulebook == "studio-extra" && finding.rule == "no-voice-replicas"
        )
    );
}
