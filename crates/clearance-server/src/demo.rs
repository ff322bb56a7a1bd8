//! `clearance serve --demo`: fill an empty store with a demo production, its people, registered
//! tools, a consent record and proposals in every state, by calling the service's own API
//! in-process (so the demo exercises exactly what clients use). Prints the demo people's tokens.

use std::fmt;

use anyhow::{Context as _, Result, bail};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use clearance_store::model::{NewPerson, Role};
use serde_json::{Value, json};
use tower::ServiceExt as _;

use crate::app::Service;
use crate::auth::{new_secret, secret_hash};

const MOODBOARD: &str = include_str!("../../../examples/moodboard.yaml");
const POSTER: &str = include_str!("../../../examples/background-poster.yaml");
const CHATBOT: &str = include_str!("../../../examples/script-into-chatbot.yaml");
const VOICE: &str = include_str!("../../../examples/voice-replica.yaml");
const VENDOR: &str = include_str!("../../../examples/vendor-pipeline.yaml");

/// Who the demo made, with their tokens.
#[derive(Debug, Default)]
pub struct Summary {
    /// (name, role, token).
    pub people: Vec<(String, String, String)>,
    /// (proposal id, title, status).
    pub proposals: Vec<(i64, String, String)>,
    /// Whether the store already held data (nothing was added).
    pub skipped: bool,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.skipped {
            return writeln!(
                f,
                "demo: the store already holds data; nothing was added (use an empty --data-dir for a fresh demo)"
            );
        }
        writeln!(
            f,
            "demo production \"Night Shift\" with {} proposals:",
            self.proposals.len()
        )?;
        for (id, title, status) in &self.proposals {
            writeln!(f, "  #{id:<3} {status:<18} {title}")?;
        }
        writeln!(
            f,
            "demo people and their tokens (shown once): sign in to the web pages at /signin with one, \
             or send `Authorization: Bearer <token>` to the API:"
        )?;
        for (name, role, token) in &self.people {
            writeln!(f, "  {role:<15} {name:<22} {token}")?;
        }
        Ok(())
    }
}

struct Client<'s> {
    service: &'s Service,
}

impl Client<'_> {
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> Result<Value> {
        let mut request = Request::builder()
            .method(method.clone())
            .uri(path)
            .header("authorization", format!("Bearer {token}"));
        let body = match body {
            Some(value) => {
                request = request.header("content-type", "application/json");
                Body::from(value.to_string())
            }
            None => Body::empty(),
        };
        let response = self
            .service
            .router
            .clone()
            .oneshot(request.body(body)?)
            .await
            .context("in-process request")?;
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
        let value: Value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        };
        if !(status.is_success() || status == StatusCode::CREATED) {
            bail!("{method} {path} answered {status}: {value}");
        }
        Ok(value)
    }
}

fn id_of(value: &Value, pointer: &str) -> Result<i64> {
    value
        .pointer(pointer)
        .and_then(Value::as_i64)
        .with_context(|| format!("no {pointer} in {value}"))
}

/// Seeds the demo unless the store already holds people other than none.
pub async fn seed(service: &Service) -> Result<Summary> {
    let store = &service.state.store;
    if !store.people().await?.is_empty() {
        return Ok(Summary {
            skipped: true,
            ..Summary::default()
        });
    }
    let now = service.state.now();
    let mut summary = Summary::default();
    let mut person =
        async |name: &str, email: &str, role: Role, organisation: &str| -> Result<(i64, String)> {
            let created = store
                .create_person(
                    &NewPerson {
                        name: name.to_owned(),
                        email: email.to_owned(),
                        role,
                        organisation: Some(organisation.to_owned()),
                    },
                    None,
                    now,
                )
                .await?;
            let secret = new_secret();
            store
                .create_token(created.id, "demo", secret_hash(&secret), None, now)
                .await?;
            summary
                .people
                .push((name.to_owned(), role.as_str().to_owned(), secret.clone()));
            Ok((created.id, secret))
        };
    let (_, admin) = person(
        "Ada Admin",
        "ada@studio.example",
        Role::Admin,
        "Example Studio",
    )
    .await?;
    let (rui_id, rui) = person(
        "Rui Reviewer",
        "rui@studio.example",
        Role::Reviewer,
        "Example Studio",
    )
    .await?;
    let (pat_id, pat) = person(
        "Pat Producer",
        "pat@nightshift.example",
        Role::Partner,
        "Night Shift Productions",
    )
    .await?;
    let (vic_id, _) = person(
        "Vic VFX",
        "vic@pixelvendor.example",
        Role::Partner,
        "Pixel Vendor",
    )
    .await?;
    let (rhea_id, rhea) = person(
        "Rhea Representative",
        "rhea@agency.example",
        Role::Representative,
        "Talent Agency",
    )
    .await?;
    let (omar_id, _) = person(
        "Omar Other",
        "omar@harbour.example",
        Role::Partner,
        "Harbour Lights Ltd",
    )
    .await?;

    let client = Client { service };
    let production = client
        .call(Method::POST, "/api/productions", &admin, Some(json!({"title": "Night Shift", "studio": "Example Studio", "rulebooks": ["netflix-genai-2025"]})))
        .await?;
    let night_shift = id_of(&production, "/id")?;
    let other = client
        .call(Method::POST, "/api/productions", &admin, Some(json!({"title": "Harbour Lights", "studio": "Example Studio", "rulebooks": ["netflix-genai-2025"]})))
        .await?;
    let harbour = id_of(&other, "/id")?;
    for (member, capacity, production) in [
        (rui_id, "reviewer", night_shift),
        (pat_id, "partner", night_shift),
        (vic_id, "partner", night_shift),
        (omar_id, "partner", harbour),
    ] {
        client
            .call(
                Method::PUT,
                &format!("/api/productions/{production}/members/{member}"),
                &admin,
                Some(json!({"capacity": capacity})),
            )
            .await?;
    }
    client
        .call(
            Method::POST,
            "/api/tools",
            &admin,
            Some(json!({"id": "studio-image", "name": "Studio enterprise image tool", "vendor": "Example Studio IT", "environment": "studio_enterprise", "trains_on_inputs": "no", "retention": "30 days, studio tenant", "terms_reviewed_on": "2026-09-01"})),
        )
        .await?;
    client
        .call(
            Method::POST,
            "/api/consents",
            &rhea,
            Some(json!({"id": "CR-0001", "performer": "Lead actor", "grantor": "performer", "granted_by": "Lead actor", "production_id": night_shift, "uses": ["voice_replica"], "media": "episodic streaming", "purpose": "pickup lines for episode 8", "state": "signed", "granted_on": "2026-10-01"})),
        )
        .await?;
    let _ = rhea_id;

    let submit = async |source: &str, submit: bool| -> Result<Value> {
        client
            .call(
                Method::POST,
                "/api/proposals",
                &pat,
                Some(json!({"production_id": night_shift, "intake": source, "submit": submit})),
            )
            .await
    };
    let decide = async |proposal: &Value,
                        decision: &str,
                        note: &str,
                        conditions: Vec<&str>|
           -> Result<Value> {
        let id = id_of(proposal, "/proposal/id")?;
        let current = client
            .call(Method::GET, &format!("/api/proposals/{id}"), &rui, None)
            .await?;
        let revision = id_of(&current, "/proposal/revision")?;
        client
            .call(Method::POST, &format!("/api/proposals/{id}/reviews"), &rui, Some(json!({"decision": decision, "note": note, "conditions": conditions, "revision": revision})))
            .await
    };

    // acknowledged: a mood board (notify)
    submit(MOODBOARD, true).await?;
    // in review: a poster in the final cut (approval)
    submit(POSTER, true).await?;
    // approved with a condition: the vendor pipeline
    let vendor = submit(VENDOR, true).await?;
    decide(
        &vendor,
        "approve",
        "Approved for the listed shots.",
        vec!["Vendor confirms deletion of inputs at wrap"],
    )
    .await?;
    // approved, with the registered consent record
    let voice_source = VOICE.replace(
        "    consent: written\n",
        "    consent: written\n    consent_id: CR-0001\n",
    );
    let voice = submit(&voice_source, true).await?;
    decide(
        &voice,
        "approve",
        "Consent CR-0001 covers the pickup lines.",
        vec!["Only the lines in the episode 8 script"],
    )
    .await?;
    // blocked, in review: a script pasted into a consumer chatbot
    submit(CHATBOT, true).await?;
    // changes requested
    let changes = submit(
        &POSTER.replace(
            "Band poster in the diner, episode 2",
            "Fake newspaper front page, episode 3",
        ),
        true,
    )
    .await?;
    decide(
        &changes,
        "request_changes",
        "Show the headline text and confirm it names no real person.",
        vec![],
    )
    .await?;
    // refused
    let refused = submit(
        &POSTER.replace(
            "Band poster in the diner, episode 2",
            "Poster in the style of a living painter",
        ),
        true,
    )
    .await?;
    decide(
        &refused,
        "refuse",
        "Imitates a living artist's style: not permitted.",
        vec![],
    )
    .await?;
    // withdrawn
    let withdrawn = submit(
        &MOODBOARD.replace(
            "Moodboard for the hospital set",
            "Moodboard for the rooftop chase",
        ),
        false,
    )
    .await?;
    let id = id_of(&withdrawn, "/proposal/id")?;
    let revision = id_of(&withdrawn, "/proposal/revision")?;
    client
        .call(
            Method::POST,
            &format!("/api/proposals/{id}/withdraw"),
            &pat,
            Some(json!({"revision": revision, "note": "Scene cut"})),
        )
        .await?;
    // expired: an approval for the previous block of shooting, with an expiry that has passed
    let lapsed = submit(&VENDOR.replace("title: ", "title: Earlier block - "), true).await?;
    let id = id_of(&lapsed, "/proposal/id")?;
    let current = client
        .call(Method::GET, &format!("/api/proposals/{id}"), &rui, None)
        .await?;
    let revision = id_of(&current, "/proposal/revision")?;
    let expiry = service.state.now() + 1_000;
    client
        .call(
            Method::POST,
            &format!("/api/proposals/{id}/reviews"),
            &rui,
            Some(json!({"decision": "approve", "note": "Approved for block 1 only.", "expires_at": expiry, "revision": revision})),
        )
        .await?;
    crate::reevaluate::expire_once(&service.state, expiry + 1)
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    // a draft
    submit(
        &POSTER.replace(
            "Band poster in the diner, episode 2",
            "Generated signage for the pharmacy, episode 4",
        ),
        false,
    )
    .await?;

    let listed = client
        .call(
            Method::GET,
            &format!("/api/proposals?production_id={night_shift}&order=oldest&limit=100"),
            &admin,
            None,
        )
        .await?;
    for proposal in listed["proposals"].as_array().into_iter().flatten() {
        summary.proposals.push((
            proposal["id"].as_i64().unwrap_or_default(),
            proposal["title"].as_str().unwrap_or_default().to_owned(),
            proposal["status"].as_str().unwrap_or_default().to_owned(),
        ));
    }
    crate::audit::checkpoint(&service.state)
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    Ok(summary)
}
