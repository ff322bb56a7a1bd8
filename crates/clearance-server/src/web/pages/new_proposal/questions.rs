//! The questions of the intake in plain words: labels, help text (drawn from the paraphrase of
//! the guidance in `shared/domain/netflix-guidance.md`) and the choices of each closed list.

/// A choice: the value sent (an intake vocabulary name; empty for "not sure" where the
/// vocabulary has no such value, which leaves the question out) and its words.
pub type Choice = (&'static str, &'static str);

/// The yes / no / not sure answers.
pub const ANSWERS: &[Choice] = &[("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")];

/// Help for the title.
pub const HELP_TITLE: &str = "A few words your studio contact will recognise, for example \"Moodboard for the hospital set\".";
/// Help for the production.
pub const HELP_PRODUCTION: &str = "Only the productions where you are a partner are listed. The production's rulebooks and consent records decide the triage.";
/// Help for the description.
pub const HELP_DESCRIPTION: &str = "What will be done, in your own words. People read it; the triage does not, it only reads the answers below.";
/// Help for the vendor.
pub const HELP_VENDOR: &str = "The company doing the GenAI work, if it is not your production. A vendor's custom pipeline must meet the same standards for data, consent and content at every step.";
/// Help for the stage.
pub const HELP_STAGE: &str =
    "Ideas and mock-ups early in the work are lower risk than material made for the final cut.";
/// Help for the element.
pub const HELP_ELEMENT: &str = "What the tools make. Posters, documents, signage and news clippings seen on screen may need rights clearance.";
/// Help for the media.
pub const HELP_MEDIA: &str = "Tick every kind of media the tools produce.";
/// Help for `output.final`.
pub const HELP_FINAL: &str = "Will generated material be part of what the audience finally sees or hears, even in the background? The guidance asks for written approval before that, and asks you to flag such elements early. Moodboards and mock-ups that are thrown away are temporary.";
/// Help for `output.prominence`.
pub const HELP_PROMINENCE: &str = "Incidental: seen briefly in the background and never referenced. Prominent: read aloud, referenced, or part of the story. Key: a main character, a key visual element or a fictional setting central to the story, which always needs written approval.";
/// Help for `output.mistaken_for_real`.
pub const HELP_MISTAKEN: &str = "Audiences should be able to trust what they see and hear. For example fabricated footage, or a real journalist delivering a statement they never made, even as background.";
/// Help for `output.human_input`.
pub const HELP_HUMAN_INPUT: &str = "GenAI may be used to explore ideas for a prominent element, but its final version should carry meaningful human creative work and go through legal review.";
/// Help for `inputs`.
pub const HELP_INPUTS: &str = "Everything fed to the tools: prompts, reference images, audio, fine-tuning data. Scripts, unreleased footage, production images, contracts, a performer's likeness or voice and personal data are sensitive: they need approval even inside enterprise tools. Prompts that reference copyrighted works, an artist's style, a named performer, a public figure or a deceased person need the right permissions. Leave all unticked if you do not know yet.";
/// Help for the tools.
pub const HELP_TOOLS: &str = "List every tool, or every step of a vendor's pipeline. Pick a registered tool to use its recorded data terms, and then leave its two questions unanswered (your answers must agree with the registry). A row with neither a name nor a registered tool is ignored.";
/// Help for `tools[].environment`.
pub const HELP_ENVIRONMENT: &str = "Tools under the studio's enterprise agreement keep inputs from being captured, trained on or resold. Where possible, use them.";
/// Help for `tools[].trains_on_inputs`.
pub const HELP_TRAINS: &str = "Outside enterprise tools it is your job to check the terms: the wrong licence tier, or missing data terms, can mean the tool keeps or learns from your material.";
/// Help for `talent.uses`.
pub const HELP_TALENT_USES: &str = "Leave every box unticked when no real person's likeness, voice or performance is generated or altered. Tick \"Not sure yet\" if you do not know. Digital performers, voices or likenesses of real people need their explicit, documented consent.";
/// Help for `talent.exception`.
pub const HELP_TALENT_EXCEPTION: &str = "Using a consented replica needs no further consent when the performance stays substantially as scripted or recorded, shows something a human could not safely do, or leaves the performer unrecognisable. Customary alterations (cosmetics, wardrobe, noise reduction, timing, continuity, pitch, clarity) and dubbing or doubles allowed by existing agreements need no new consent. Creating a replica always does.";
/// Help for the performers.
pub const HELP_PERFORMERS: &str = "The real people whose likeness or voice is involved. Pick their consent record when there is one: the record decides (an expired, revoked or out-of-scope record counts as no consent). A row without a name or a record is ignored.";
/// Help for `training.trains_model`.
pub const HELP_TRAINS_MODEL: &str = "Is a model trained or fine-tuned for this use? Training on artists', performers' or other rights holders' material needs legal clearance.";
/// Help for `training.data`.
pub const HELP_TRAINING_DATA: &str = "What the model learns from. Unlicensed third-party material (celebrity faces, copyrighted art) cannot be used.";
/// Help for `training.reuse_beyond_production`.
pub const HELP_REUSE: &str = "A model trained on a performer may be used only for this production and the scope agreed with them; another production, a pitch or a concept needs every party's consent.";
/// Help for `union_work_impact`.
pub const HELP_UNION: &str = "Does it replace, or materially affect, work usually done by union-represented people such as actors, writers or crew? That needs the proper approvals or agreements.";
/// Help for `distribution`.
pub const HELP_DISTRIBUTION: &str = "Where the work will be shown. Some places (for example the EU from August 2026) require realistic generated content to be disclosed.";
/// Help for `audience_disclosure`.
pub const HELP_DISCLOSURE: &str = "Will the audience be told that the content was generated or altered (for example in the credits)?";

/// Stages.
pub const STAGES: &[Choice] = &[
    ("ideation", "Ideation"),
    ("development", "Development"),
    ("pre_production", "Pre-production"),
    ("production", "Production (shooting)"),
    ("post_production", "Post-production"),
    ("marketing", "Marketing"),
    ("localization", "Localization"),
];

/// Elements.
pub const ELEMENTS: &[Choice] = &[
    ("moodboard", "Moodboard"),
    ("concept_art", "Concept art"),
    ("storyboard", "Storyboard"),
    ("previs", "Previs"),
    ("background", "Background element"),
    ("prop", "Prop"),
    ("poster", "Poster"),
    ("signage", "Signage"),
    ("document", "Document"),
    ("news_clipping", "News clipping"),
    ("graphics", "Graphics"),
    ("title_sequence", "Title sequence"),
    ("set_extension", "Set extension"),
    ("environment", "Environment"),
    ("crowd", "Crowd"),
    ("vfx_shot", "VFX shot"),
    ("character", "Character"),
    ("creature", "Creature"),
    ("performance", "Performance"),
    ("voice", "Voice"),
    ("dialogue", "Dialogue"),
    ("music", "Music"),
    ("sound_effects", "Sound effects"),
    ("script", "Script"),
    ("subtitles", "Subtitles"),
    ("dub", "Dub"),
    ("marketing_art", "Marketing art"),
    ("trailer", "Trailer"),
    ("other", "Something else"),
];

/// Media.
pub const MEDIA: &[Choice] = &[
    ("image", "Image"),
    ("video", "Video"),
    ("audio", "Audio"),
    ("text", "Text"),
    ("3d", "3D"),
];

/// Prominence (the empty value: not sure, left out).
pub const PROMINENCE: &[Choice] = &[
    ("none", "Not on screen"),
    ("incidental", "Incidental"),
    ("prominent", "Prominent"),
    ("key", "Key (central to the story)"),
    ("", "Not sure"),
];

/// Inputs.
pub const INPUTS: &[Choice] = &[
    ("none", "Nothing but our own words (no material)"),
    (
        "owned_non_sensitive",
        "Our own material that is not sensitive",
    ),
    ("script", "Script pages"),
    ("unreleased_footage", "Unreleased footage"),
    ("production_images", "Production images"),
    ("contracts", "Contracts"),
    ("talent_likeness", "A performer's likeness"),
    ("talent_voice", "A performer's voice"),
    ("personal_data", "Personal data (cast or crew details)"),
    (
        "third_party_copyrighted",
        "Copyrighted material we do not own",
    ),
    ("artist_style", "An artist's style"),
    ("named_performer", "A named performer"),
    ("public_figure", "A public figure"),
    ("deceased_person", "A deceased person"),
    ("unknown", "Not sure"),
];

/// Tool environments (the empty value: not answered).
pub const ENVIRONMENTS: &[Choice] = &[
    ("", "Not answered"),
    (
        "studio_enterprise",
        "Under the studio's enterprise agreement",
    ),
    (
        "enterprise_no_training",
        "Another enterprise tier that bars capture, training and resale",
    ),
    ("consumer", "Consumer or standard terms"),
    ("unknown", "Not sure"),
];

/// Training data.
pub const TRAINING_DATA: &[Choice] = &[
    ("owned", "Material we own"),
    ("licensed", "Licensed material"),
    ("production_material", "This production's material"),
    ("performer_material", "A performer's material"),
    ("third_party_unlicensed", "Unlicensed third-party material"),
    ("public_domain", "Public domain material"),
    ("unknown", "Not sure"),
];

/// Talent uses; `unsure` is the form's own value: the uses are not known (left out).
pub const TALENT_USES: &[Choice] = &[
    ("digital_replica", "Digital replica of a performer"),
    ("voice_replica", "Voice replica"),
    ("de_aging", "De-ageing"),
    ("face_swap", "Face swap"),
    ("alteration", "Altering a recorded performance"),
    (
        "visual_adr",
        "Visual ADR (new lip-sync or facial performance)",
    ),
    ("lip_sync_dub", "Lip-sync for a dub"),
    ("synthetic_performer", "A synthetic performer"),
    ("unsure", "Not sure yet"),
];

/// Talent exceptions (the empty value: not sure, left out, which counts as none).
pub const TALENT_EXCEPTIONS: &[Choice] = &[
    ("none", "None of these"),
    (
        "as_recorded",
        "Stays substantially as scripted, performed or recorded",
    ),
    (
        "unsafe_for_human",
        "Shows something a human could not safely do",
    ),
    ("unrecognizable", "The performer is unrecognisable"),
    ("customary_alteration", "A customary alteration"),
    (
        "dubbing_or_double",
        "Dubbing or a double allowed by existing agreements",
    ),
    ("", "Not sure"),
];

/// Performer roles (the empty value: not answered).
pub const ROLES: &[Choice] = &[
    ("", "Not answered"),
    ("principal", "Principal"),
    ("background", "Background"),
    ("voice", "Voice"),
    ("stunt", "Stunt"),
    ("presenter", "Presenter"),
    ("subject", "Documentary subject"),
    ("other", "Other"),
];

/// Unions (the empty value: not answered).
pub const UNIONS: &[Choice] = &[
    ("", "Not answered"),
    ("sag_aftra", "SAG-AFTRA"),
    ("equity", "Equity"),
    ("other", "Another union"),
    ("none", "No union"),
    ("unknown", "Not sure"),
];

/// Consent as stated (the empty value: not answered).
pub const CONSENTS: &[Choice] = &[
    ("", "Not answered"),
    ("none", "No consent"),
    ("requested", "Requested, not signed"),
    ("written", "Written consent covering this use"),
];

/// Regions.
pub const REGIONS: &[Choice] = &[
    ("us", "United States"),
    ("eu", "European Union"),
    ("uk", "United Kingdom"),
    ("jp", "Japan"),
    ("worldwide", "Worldwide"),
    ("other", "Elsewhere"),
];

/// Audience disclosure (the empty value: not sure, left out).
pub const DISCLOSURES: &[Choice] = &[
    ("none", "No"),
    ("planned", "Yes, it is planned"),
    ("not_applicable", "Not applicable"),
    ("", "Not sure"),
];

/// The question a path names, in words (`tools[1].environment` → the tools question).
pub fn label_of(path: &str) -> &'static str {
    let mut general = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                general.push('[');
            }
            ']' => {
                in_index = false;
                general.push(']');
            }
            _ if in_index => {}
            _ => general.push(c),
        }
    }
    match general.as_str() {
        "title" => "Short name of this use",
        "production" | "production_id" => "Production",
        "description" => "What will be done",
        "vendor" => "Vendor",
        "stage" => "Stage of the work",
        "element" => "What is made",
        "media" => "Kinds of media",
        "output.final" => "Will it be in the final deliverables?",
        "output.prominence" => "How prominent is it on screen?",
        "output.mistaken_for_real" => "Could it be mistaken for something real?",
        "output.human_input" => "Meaningful human creative input in the final version?",
        "inputs" => "What goes into the tools",
        "tools" => "Which tools",
        "tools[].name" => "Tool name",
        "tools[].tool_id" => "Registered tool",
        "tools[].environment" => "Where the tool runs",
        "tools[].trains_on_inputs" => "Does the tool keep or train on your material?",
        "training.trains_model" => "Is a model trained or fine-tuned?",
        "training.data" => "What the model is trained on",
        "training.reuse_beyond_production" => "Will the model be used beyond this production?",
        "talent" | "talent.uses" => "Uses of a real person's likeness or performance",
        "talent.exception" => "Why no further consent may be needed",
        "talent.performers" => "The real people involved",
        "talent.performers[].name" => "Performer's name",
        "talent.performers[].role" => "Performer's role",
        "talent.performers[].living" => "Is the performer alive?",
        "talent.performers[].union" => "Performer's union",
        "talent.performers[].consent" => "Performer's consent",
        "talent.performers[].consent_id" => "Performer's consent record",
        "union_work_impact" => "Does it affect union-represented work?",
        "distribution" => "Where it will be shown",
        "audience_disclosure" => "Will the audience be told?",
        _ => "",
    }
}

/// The words of a value of the question at `path` (the value itself when it has none).
pub fn value_words(path: &str, value: &str) -> String {
    let field = path.rsplit('.').next().unwrap_or(path);
    let list: &[Choice] = match field {
        "final"
        | "mistaken_for_real"
        | "human_input"
        | "trains_on_inputs"
        | "trains_model"
        | "reuse_beyond_production"
        | "union_work_impact"
        | "living" => ANSWERS,
        "prominence" => PROMINENCE,
        "environment" => ENVIRONMENTS,
        "inputs" => INPUTS,
        "data" => TRAINING_DATA,
        "uses" => TALENT_USES,
        "exception" => TALENT_EXCEPTIONS,
        "consent" => CONSENTS,
        "audience_disclosure" => DISCLOSURES,
        "stage" => STAGES,
        "element" => ELEMENTS,
        _ => &[],
    };
    list.iter()
        .find(|(name, _)| *name == value && !name.is_empty())
        .map_or_else(|| value.to_owned(), |(_, words)| (*words).to_owned())
}
