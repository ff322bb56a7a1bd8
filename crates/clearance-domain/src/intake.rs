//! The intake: a production's description of one proposed GenAI use, as typed values.
//!
//! `Option` means "left out": the intake keeps the difference between a left-out answer and an
//! explicit `unsure`, and between a left-out list (not known) and an empty one (nothing of that
//! kind), because the triage reports left-out questions under `unanswered`.

mod parse;

pub use parse::parse_intake;
use serde::Serialize;

use crate::vocabulary::{
    Answer, AudienceDisclosure, Consent, Element, Environment, Input, Media, Prominence, Region,
    Role, Set, Stage, TalentException, TalentUse, TrainingData, Union,
};

/// A proposed GenAI use (intake v1, see `spec/intake.md`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Intake {
    /// Short name of the proposed use.
    pub title: String,
    /// Production title or code.
    pub production: String,
    /// What will be done, in the production's words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Person or team proposing it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted_by: Option<String>,
    /// Company doing the GenAI work, if not the production itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// Production stage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    /// Kinds of media.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media: Option<Set<Media>>,
    /// What is made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<Element>,
    /// What comes out and where it is seen.
    #[serde(skip_serializing_if = "Output::is_empty")]
    pub output: Output,
    /// What is fed to the tools; `None` when left out (not known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inputs: Option<Set<Input>>,
    /// The tools or pipeline steps; `None` when left out (not known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<Tool>>,
    /// Training or fine-tuning.
    #[serde(skip_serializing_if = "Training::is_empty")]
    pub training: Training,
    /// Uses of real people's likeness or performance.
    #[serde(skip_serializing_if = "Talent::is_empty")]
    pub talent: Talent,
    /// Does it replace or materially affect union-represented work?
    #[serde(skip_serializing_if = "Option::is_none")]
    pub union_work_impact: Option<Answer>,
    /// Where it will be shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distribution: Option<Set<Region>>,
    /// Whether the audience is told.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience_disclosure: Option<AudienceDisclosure>,
}

/// The `output` group.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Output {
    /// Will generated material be part of the final deliverables?
    #[serde(rename = "final", skip_serializing_if = "Option::is_none")]
    pub final_deliverable: Option<Answer>,
    /// How prominent it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prominence: Option<Prominence>,
    /// Could it be mistaken for real events, people or statements?
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mistaken_for_real: Option<Answer>,
    /// Will the final version carry meaningful human creative input?
    #[serde(skip_serializing_if = "Option::is_none")]
    pub human_input: Option<Answer>,
}

impl Output {
    fn is_empty(&self) -> bool {
        *self == Output::default()
    }
}

/// One GenAI tool, or one step of a vendor's pipeline.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Tool {
    /// Tool or step name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A tool in the service's registry, whose recorded terms supply the answers below.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_id: Option<String>,
    /// Where it runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    /// Does it store, reuse or train on inputs or outputs?
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trains_on_inputs: Option<Answer>,
}

/// The `training` group.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Training {
    /// Is a model trained or fine-tuned for this use?
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trains_model: Option<Answer>,
    /// What it is trained on; `None` when left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Set<TrainingData>>,
    /// Will the trained model be used beyond this production?
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reuse_beyond_production: Option<Answer>,
}

impl Training {
    fn is_empty(&self) -> bool {
        *self == Training::default()
    }
}

/// The `talent` group.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Talent {
    /// The uses; `None` when `talent` or `talent.uses` is left out (not known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uses: Option<Set<TalentUse>>,
    /// Why no further consent may be needed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exception: Option<TalentException>,
    /// The real people involved; `None` when left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performers: Option<Vec<Performer>>,
}

impl Talent {
    fn is_empty(&self) -> bool {
        *self == Talent::default()
    }
}

/// A real person whose likeness or voice is involved.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Performer {
    /// The person's name.
    pub name: String,
    /// Their role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Is the person alive?
    #[serde(skip_serializing_if = "Option::is_none")]
    pub living: Option<Answer>,
    /// Their union.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub union: Option<Union>,
    /// Their consent as stated in the intake (a `consent_id` record overrides it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent: Option<Consent>,
    /// A consent record in the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent_id: Option<String>,
}

impl Intake {
    /// The intake as a JSON value in the schema's shape (left-out fields stay left out).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}
