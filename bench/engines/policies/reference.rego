# The reference semantics of spec/evaluation.md ("Tiers" and "Reference semantics") as Rego.
#
# Input: the intake JSON as is (spec/intake.md), left-out fields left out. The spec's defaults for
# left-out (or null) values are applied here: an answer counts as "unsure"; `inputs` and
# `training.data` are unknown when left out or when they contain "unknown"; `talent.uses` and
# `tools` are unknown when left out (`tools: []` means no tool); a tool's environment counts as
# "unknown", a performer's consent as "none", `talent.exception` as "none"; a left-out
# `output.prominence` gives at least "escalate".
#
# Output: `decision := {"tier": …, "fired": …}`, where `fired` is the set of rules that fired, one
# per line of the spec (the principles that are not "yes", the approval triggers, the escalate
# triggers, B1–B6 and the finding that always shares the use with the contact), and `tier` is the
# most restrictive tier among them.
package clearance

import rego.v1

# --- left-out values --------------------------------------------------------------------------

# An answer of the intake left out (or null) counts as "unsure".
default final_answer := "unsure"

final_answer := input.output.final if input.output.final != null

default mistaken_for_real := "unsure"

mistaken_for_real := input.output.mistaken_for_real if input.output.mistaken_for_real != null

default union_work_impact := "unsure"

union_work_impact := input.union_work_impact if input.union_work_impact != null

default trains_model := "unsure"

trains_model := input.training.trains_model if input.training.trains_model != null

default reuse_beyond_production := "unsure"

reuse_beyond_production := input.training.reuse_beyond_production if input.training.reuse_beyond_production != null

# `output.prominence` left out (or null) gives at least escalate.
prominence_left_out if object.get(input, ["output", "prominence"], null) == null

# `talent.exception` left out (or null) counts as "none".
default talent_exception := "none"

talent_exception := input.talent.exception if input.talent.exception != null

# --- lists --------------------------------------------------------------------------------------

inputs := {value | some value in input.inputs}

training_data := {value | some value in input.training.data}

talent_uses := {value | some value in input.talent.uses}

performers := [performer | some performer in input.talent.performers]

inputs_unknown if not is_array(input.inputs)

inputs_unknown if "unknown" in inputs

training_data_unknown if not is_array(input.training.data)

training_data_unknown if "unknown" in training_data

talent_uses_unknown if not is_array(input.talent.uses)

tools_known if is_array(input.tools)

# --- terms --------------------------------------------------------------------------------------

sensitive_inputs := {
	"script", "unreleased_footage", "production_images", "contracts",
	"talent_likeness", "talent_voice", "personal_data",
}

protected_inputs := {"third_party_copyrighted", "artist_style", "named_performer", "public_figure", "deceased_person"}

likeness_uses := {"digital_replica", "voice_replica", "de_aging", "face_swap"}

alteration_uses := {"alteration", "visual_adr", "lip_sync_dub"}

customary_exceptions := {"as_recorded", "customary_alteration", "dubbing_or_double"}

enterprise_environments := {"studio_enterprise", "enterprise_no_training"}

known_environments := {"studio_enterprise", "enterprise_no_training", "consumer"}

unowned_training_data := {"licensed", "performer_material", "third_party_unlicensed"}

sensitive_input if {
	some value in inputs
	value in sensitive_inputs
}

protected_reference if {
	some value in inputs
	value in protected_inputs
}

likeness_use if {
	some use in talent_uses
	use in likeness_uses
}

alteration_use if {
	some use in talent_uses
	use in alteration_uses
}

# A likeness use or an alteration use.
talent_use if likeness_use

talent_use if alteration_use

customary if talent_exception in customary_exceptions

# At least one performer, and every one has given written consent (a left-out consent counts as
# "none").
consented if {
	count(performers) > 0
	every performer in performers {
		performer.consent == "written"
	}
}

has_performers if count(performers) > 0

# A model is trained unless `training.trains_model` is "no".
model_trained if trains_model != "no"

# Tools, by their answers. A left-out (or null) `trains_on_inputs` counts as "unsure"; a left-out
# (or null) environment as "unknown".
tool_trains_on_inputs if {
	some tool in input.tools
	tool.trains_on_inputs == "yes"
}

tool_trains_unsure if {
	some tool in input.tools
	not tool.trains_on_inputs in {"yes", "no"}
}

consumer_tool if {
	some tool in input.tools
	tool.environment == "consumer"
}

environment_unknown if {
	some tool in input.tools
	not tool.environment in known_environments
}

outside_enterprise if {
	some tool in input.tools
	not tool.environment in enterprise_environments
}

# --- the five principles ------------------------------------------------------------------------

principle_1_no if protected_reference

principle_1_no if "third_party_unlicensed" in training_data

principle_1_unsure if inputs_unknown

principle_1_unsure if {
	model_trained
	training_data_unknown
}

principle_2_no if tool_trains_on_inputs

principle_2_unsure if not tools_known

principle_2_unsure if tool_trains_unsure

principle_3_no if consumer_tool

principle_3_unsure if not tools_known

principle_3_unsure if environment_unknown

principle_4_no if final_answer == "yes"

principle_4_unsure if final_answer == "unsure"

principle_5_no if union_work_impact == "yes"

principle_5_no if "synthetic_performer" in talent_uses

principle_5_no if {
	likeness_use
	not consented
}

principle_5_no if {
	alteration_use
	not customary
	not consented
}

principle_5_unsure if union_work_impact == "unsure"

principle_5_unsure if talent_uses_unknown

principle_1 := "no" if {
	principle_1_no
} else := "unsure" if {
	principle_1_unsure
} else := "yes"

principle_2 := "no" if {
	principle_2_no
} else := "unsure" if {
	principle_2_unsure
} else := "yes"

principle_3 := "no" if {
	principle_3_no
} else := "unsure" if {
	principle_3_unsure
} else := "yes"

principle_4 := "no" if {
	principle_4_no
} else := "unsure" if {
	principle_4_unsure
} else := "yes"

principle_5 := "no" if {
	principle_5_no
} else := "unsure" if {
	principle_5_unsure
} else := "yes"

principles := {"1": principle_1, "2": principle_2, "3": principle_3, "4": principle_4, "5": principle_5}

# --- the rules ----------------------------------------------------------------------------------

# Every intended use is shared with the studio contact.
fired contains {"id": "share-intended-use", "tier": "notify"}

# A principle that is "no" or "unsure" gives at least escalate.
fired contains {"id": "principle-1", "tier": "escalate"} if principle_1 != "yes"

fired contains {"id": "principle-2", "tier": "escalate"} if principle_2 != "yes"

fired contains {"id": "principle-3", "tier": "escalate"} if principle_3 != "yes"

fired contains {"id": "principle-4", "tier": "escalate"} if principle_4 != "yes"

fired contains {"id": "principle-5", "tier": "escalate"} if principle_5 != "yes"

# Approval triggers.
fired contains {"id": "final-deliverables", "tier": "approval"} if final_answer == "yes"

fired contains {"id": "sensitive-input", "tier": "approval"} if sensitive_input

fired contains {"id": "protected-reference", "tier": "approval"} if protected_reference

fired contains {"id": "likeness-use", "tier": "approval"} if likeness_use

fired contains {"id": "alteration-use", "tier": "approval"} if alteration_use

fired contains {"id": "key-element", "tier": "approval"} if input.output.prominence == "key"

fired contains {"id": "mistaken-for-real", "tier": "approval"} if mistaken_for_real == "yes"

fired contains {"id": "union-work", "tier": "approval"} if union_work_impact == "yes"

fired contains {"id": "unowned-training", "tier": "approval"} if {
	some item in training_data
	item in unowned_training_data
}

# Escalate triggers.
fired contains {"id": "mistaken-for-real-unsure", "tier": "escalate"} if mistaken_for_real == "unsure"

fired contains {"id": "prominence-left-out", "tier": "escalate"} if prominence_left_out

# Matrix row 6: owned material in a tool outside the enterprise environments.
fired contains {"id": "matrix-6", "tier": "escalate"} if {
	"owned_non_sensitive" in inputs
	outside_enterprise
}

# B1: sensitive input into a tool that trains on its inputs.
fired contains {"id": "B1", "tier": "blocked"} if {
	sensitive_input
	tool_trains_on_inputs
}

# B2: unlicensed third-party training data.
fired contains {"id": "B2", "tier": "blocked"} if "third_party_unlicensed" in training_data

# B3: a likeness use without consent (exceptions never cover creating a replica).
fired contains {"id": "B3", "tier": "blocked"} if {
	likeness_use
	not consented
}

# B4: a non-customary alteration without consent.
fired contains {"id": "B4", "tier": "blocked"} if {
	alteration_use
	not customary
	not consented
}

# B5: a model trained on performer material reused beyond the production.
fired contains {"id": "B5", "tier": "blocked"} if {
	reuse_beyond_production == "yes"
	"performer_material" in training_data
}

# B6: a real person's likeness or voice generated or altered in content that could be mistaken
# for real.
fired contains {"id": "B6", "tier": "blocked"} if {
	mistaken_for_real == "yes"
	talent_use
	has_performers
}

# --- the decision -------------------------------------------------------------------------------

fired_tiers := {rule.tier | some rule in fired}

tier := "blocked" if {
	"blocked" in fired_tiers
} else := "approval" if {
	"approval" in fired_tiers
} else := "escalate" if {
	"escalate" in fired_tiers
} else := "notify"

decision := {"tier": tier, "fired": fired}
