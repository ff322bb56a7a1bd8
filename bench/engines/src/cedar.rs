//! The reference semantics as Cedar policies (`policies/reference.cedar`), evaluated by the
//! `cedar-policy` crate.
//!
//! Every rule of the spec is one `permit` policy annotated with `@id` and `@tier`. The intake is
//! the request context, in the shape of its JSON ([`Intake::to_json`]): left-out values are
//! absent attributes, lists are sets of strings, `tools` and `talent.performers` are sets of
//! records. Principal, action and resource are fixed dummies. The tier is the most restrictive
//! `@tier` among the satisfied policies (the response's reason set).
//!
//! Cedar cannot quantify over the records of a set, so [`Cedar::input`] adds six derived
//! attributes, each a plain projection of the records that applies none of the spec's defaults
//! (see [`derived`]): the environments and `trains_on_inputs` answers given by the tools, the
//! consents given by the performers, and how many tools or performers left each of them out.

use std::collections::HashMap;
use std::str::FromStr;

use anyhow::{Context as _, anyhow, bail};
use cedar_policy::{Authorizer, Context, Entities, EntityUid, PolicyId, PolicySet, Request};
use clearance_domain::{Intake, Tier, Vocabulary};
use serde_json::{Map, Value, json};

use crate::{Peer, PeerDecision};

/// The policy text.
const POLICIES: &str = include_str!("../policies/reference.cedar");

/// The reference semantics loaded into Cedar.
pub struct Cedar {
    /// The policies, each under the id of its `@id` annotation.
    policies: PolicySet,
    /// The `@tier` of every policy.
    tiers: HashMap<PolicyId, Tier>,
    /// The authorizer (stateless).
    authorizer: Authorizer,
    /// The dummy principal, action and resource of every request.
    principal: EntityUid,
    action: EntityUid,
    resource: EntityUid,
}

/// What [`Authorizer::is_authorized`] needs for one intake.
pub struct CedarInput {
    /// The request: dummy principal, action and resource; the intake as context.
    pub request: Request,
    /// The entity store (empty: the policies read only the context).
    pub entities: Entities,
}

impl Cedar {
    /// Parses the policies and reads their `@id` and `@tier` annotations.
    pub fn new() -> anyhow::Result<Cedar> {
        let parsed =
            PolicySet::from_str(POLICIES).map_err(|error| anyhow!("reference.cedar: {error}"))?;
        let mut policies = PolicySet::new();
        let mut tiers = HashMap::new();
        for policy in parsed.policies() {
            let id = policy
                .annotation("id")
                .ok_or_else(|| anyhow!("reference.cedar: policy {} has no @id", policy.id()))?;
            let tier = policy
                .annotation("tier")
                .and_then(Tier::from_name)
                .ok_or_else(|| anyhow!("reference.cedar: policy {id} has no valid @tier"))?;
            let id = PolicyId::new(id);
            if tiers.insert(id.clone(), tier).is_some() {
                bail!("reference.cedar: duplicate @id {id}");
            }
            policies
                .add(policy.new_id(id))
                .map_err(|error| anyhow!("reference.cedar: {error}"))?;
        }
        let uid =
            |text: &str| EntityUid::from_str(text).map_err(|error| anyhow!("{text}: {error}"));
        Ok(Cedar {
            policies,
            tiers,
            authorizer: Authorizer::new(),
            principal: uid(r#"Production::"p""#)?,
            action: uid(r#"Action::"use""#)?,
            resource: uid(r#"Proposal::"x""#)?,
        })
    }

    /// How many policies are loaded.
    pub fn policy_count(&self) -> usize {
        self.tiers.len()
    }
}

/// The request context for an intake: its JSON with the derived attributes added at the top
/// level.
pub fn context_json(intake: &Intake) -> Value {
    let mut context = match intake.to_json() {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    context.extend(derived(intake));
    Value::Object(context)
}

/// The derived attributes, which Cedar needs because it has no quantifier over a set of records.
/// Each one projects an attribute out of the records (or counts the records that leave it out);
/// none applies a default of the spec, which the policies do. All are present even when the
/// list is left out (empty, or 0); the policies test `has tools` / `has talent.performers` for
/// that.
///
/// - `tool_environments`: the set of the `environment` values that the tools give;
/// - `tools_without_environment`: how many tools leave `environment` out;
/// - `tool_trains_on_inputs`: the set of the `trains_on_inputs` answers that the tools give;
/// - `tools_without_trains_on_inputs`: how many tools leave `trains_on_inputs` out;
/// - `performer_consents`: the set of the `consent` values that the performers give;
/// - `performers_without_consent`: how many performers leave `consent` out.
pub fn derived(intake: &Intake) -> Map<String, Value> {
    let tools = intake.tools.as_deref().unwrap_or(&[]);
    let performers = intake.talent.performers.as_deref().unwrap_or(&[]);
    let environments = tools.iter().map(|tool| tool.environment);
    let trains = tools.iter().map(|tool| tool.trains_on_inputs);
    let consents = performers.iter().map(|performer| performer.consent);
    let mut map = Map::new();
    map.insert("tool_environments".into(), given(environments.clone()));
    map.insert("tools_without_environment".into(), left_out(environments));
    map.insert("tool_trains_on_inputs".into(), given(trains.clone()));
    map.insert("tools_without_trains_on_inputs".into(), left_out(trains));
    map.insert("performer_consents".into(), given(consents.clone()));
    map.insert("performers_without_consent".into(), left_out(consents));
    map
}

/// The names of the values given, as a JSON array (a Cedar set; sorted, without repeats).
fn given<T: Vocabulary>(values: impl Iterator<Item = Option<T>>) -> Value {
    let mut names: Vec<&'static str> = values.flatten().map(Vocabulary::as_str).collect();
    names.sort_unstable();
    names.dedup();
    Value::from(names)
}

/// How many values are left out, as a JSON number (a Cedar `Long`).
fn left_out<T>(values: impl Iterator<Item = Option<T>>) -> Value {
    json!(values.filter(Option::is_none).count())
}

impl Peer for Cedar {
    type Input = CedarInput;

    fn name(&self) -> &'static str {
        "cedar"
    }

    fn input(&self, intake: &Intake) -> anyhow::Result<CedarInput> {
        let context =
            Context::from_json_value(context_json(intake), None).context("Cedar context")?;
        let request = Request::new(
            self.principal.clone(),
            self.action.clone(),
            self.resource.clone(),
            context,
            None,
        )
        .context("Cedar request")?;
        Ok(CedarInput {
            request,
            entities: Entities::empty(),
        })
    }

    fn decide(&self, input: &CedarInput) -> anyhow::Result<PeerDecision> {
        let response =
            self.authorizer
                .is_authorized(&input.request, &self.policies, &input.entities);
        // A policy that errs is skipped by Cedar (it is neither satisfied nor not): fail instead
        // of returning a tier that could be too low.
        if let Some(error) = response.diagnostics().errors().next() {
            bail!("Cedar policy error: {error}");
        }
        let mut tier = Tier::Notify;
        let mut fired = 0;
        for id in response.diagnostics().reason() {
            let policy_tier = self
                .tiers
                .get(id)
                .ok_or_else(|| anyhow!("unknown Cedar policy {id}"))?;
            tier = tier.max(*policy_tier);
            fired += 1;
        }
        Ok(PeerDecision { tier, fired })
    }
}
