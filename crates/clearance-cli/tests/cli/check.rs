//! `clearance check`: golden text output, the JSON result object of `spec/evaluation.md`,
//! Markdown, exit codes for one and several files, standard input, and colour.

use serde_json::Value;

use crate::util::{
    TIERS, TestCommand, TestResult, assert_golden, data, has_ansi, read_scenario,
    read_workspace_file, scenario_files, strip_ansi, tier_rank,
};

/// The clause catalogue of the reference rulebook (`spec/evaluation.md`).
const CATALOGUE: [&str; 33] = clearance_rulebook::hand_written::CLAUSES;

const EXAMPLES: [(&str, &str); 5] = [
    ("examples/moodboard.yaml", "notify"),
    ("examples/vendor-pipeline.yaml", "escalate"),
    ("examples/background-poster.yaml", "approval"),
    ("examples/voice-replica.yaml", "approval"),
    ("examples/script-into-chatbot.yaml", "blocked"),
];

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn finding<'a>(result: &'a Value, rule: &str) -> Option<&'a Value> {
    result["findings"]
        .as_array()?
        .iter()
        .find(|finding| finding["rule"] == rule)
}

fn all_citations(result: &Value) -> Vec<String> {
    result["findings"]
        .as_array()
        .map(|findings| {
            findings
                .iter()
                .flat_map(|finding| strings(&finding["citations"]))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Asserts that `result` has every field of the result object in `spec/evaluation.md`, each of
/// the right type; `reference` says whether the reference rulebook was evaluated (then
/// `principles` must be there, with keys "1" to "5").
fn assert_result_shape(result: &Value, reference: bool, context: &str) {
    let object = result.as_object();
    assert!(
        object.is_some(),
        "{context}: the result is not a JSON object: {result}"
    );
    for key in [
        "tier",
        "rulebooks",
        "findings",
        "unanswered",
        "actions",
        "lower_tier_if",
        "lower_tier_if_truncated",
        "errors",
    ] {
        assert!(
            result.get(key).is_some(),
            "{context}: the result has no `{key}`: {result}"
        );
    }
    let tier = result["tier"].as_str().unwrap_or("");
    assert!(
        TIERS.contains(&tier),
        "{context}: `tier` is {}",
        result["tier"]
    );

    let rulebooks = result["rulebooks"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    assert!(
        !rulebooks.is_empty(),
        "{context}: `rulebooks` is empty or not a list: {}",
        result["rulebooks"]
    );
    for rulebook in rulebooks {
        assert!(
            rulebook["id"].as_str().is_some_and(|id| !id.is_empty()),
            "{context}: rulebook without `id`: {rulebook}"
        );
        assert!(
            rulebook["version"]
                .as_str()
                .is_some_and(|version| !version.is_empty()),
            "{context}: rulebook without `version`: {rulebook}"
        );
        let digest = rulebook["digest"].as_str().unwrap_or("");
        let hex = digest.strip_prefix("sha256:").unwrap_or("");
        assert!(
            hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit()),
            "{context}: digest {digest:?} is not `sha256:` and 64 hex digits"
        );
    }

    let findings = result["findings"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    for finding in findings {
        assert!(
            finding["rule"]
                .as_str()
                .is_some_and(|rule| !rule.is_empty()),
            "{context}: finding without `rule`: {finding}"
        );
        assert!(
            finding["tier"]
                .as_str()
                .is_some_and(|tier| TIERS.contains(&tier)),
            "{context}: finding with a bad `tier`: {finding}"
        );
        let citations = finding["citations"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        assert!(
            !citations.is_empty() && citations.iter().all(Value::is_string),
            "{context}: a finding cites no clause: {finding}"
        );
        assert!(
            finding["reason"]
                .as_str()
                .is_some_and(|reason| !reason.trim().is_empty()),
            "{context}: finding without a `reason`: {finding}"
        );
        assert!(
            finding["actions"]
                .as_array()
                .is_some_and(|actions| actions.iter().all(Value::is_string)),
            "{context}: finding `actions` is not a list of ids: {finding}"
        );
    }
    // The overall tier is the most restrictive tier of any finding (notify when there is none).
    let most = findings
        .iter()
        .filter_map(|finding| finding["tier"].as_str().and_then(tier_rank))
        .max()
        .unwrap_or(0);
    let errors = result["errors"].as_array().map(Vec::len).unwrap_or(0);
    if errors == 0 {
        assert_eq!(
            tier_rank(tier),
            Some(most),
            "{context}: the tier is not the most restrictive tier of the findings"
        );
    } else {
        assert!(
            tier_rank(tier) >= Some(most.max(1)),
            "{context}: with errors the evaluation must fail closed (at least escalate)"
        );
    }

    if reference {
        let principles = result["principles"].as_object();
        assert!(
            principles.is_some(),
            "{context}: no `principles` although the reference rulebook was evaluated"
        );
        let keys: Vec<&str> = principles
            .map(|map| map.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(keys, ["1", "2", "3", "4", "5"], "{context}: principle keys");
        for (key, answer) in principles.into_iter().flatten() {
            assert!(
                matches!(answer.as_str(), Some("yes" | "no" | "unsure")),
                "{context}: principle {key} is {answer}, not yes, no or unsure"
            );
        }
        if principles
            .into_iter()
            .flatten()
            .any(|(_, answer)| answer != "yes")
        {
            assert!(
                tier != "notify",
                "{context}: a principle is not `yes`, so the tier must be at least escalate"
            );
        }
    }

    assert!(
        result["unanswered"]
            .as_array()
            .is_some_and(|paths| paths.iter().all(Value::is_string)),
        "{context}: `unanswered`"
    );
    assert!(
        result["actions"]
            .as_array()
            .is_some_and(|actions| actions.iter().all(Value::is_string)),
        "{context}: `actions`"
    );
    assert!(
        result["lower_tier_if_truncated"].is_boolean(),
        "{context}: `lower_tier_if_truncated` is not a boolean"
    );
    assert!(
        result["errors"].is_array(),
        "{context}: `errors` is not a list"
    );

    let suggestions = result["lower_tier_if"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    assert!(
        result["lower_tier_if"].is_array(),
        "{context}: `lower_tier_if` is not a list"
    );
    assert!(suggestions.len() <= 5, "{context}: more than 5 suggestions");
    let mut previous = 0;
    for suggestion in suggestions {
        let reached = suggestion["tier"].as_str().and_then(tier_rank);
        assert!(
            reached.is_some_and(|reached| Some(reached) < tier_rank(tier)),
            "{context}: suggestion does not lower the tier: {suggestion}"
        );
        let reached = reached.unwrap_or(0);
        assert!(
            reached >= previous,
            "{context}: suggestions are not ordered by the tier they reach"
        );
        previous = reached;
        let changes = suggestion["changes"].as_object();
        assert!(
            changes.is_some_and(|changes| (1..=3).contains(&changes.len())),
            "{context}: `changes` must hold 1 to 3 changes: {suggestion}"
        );
        for path in changes.into_iter().flat_map(|changes| changes.keys()) {
            let fact = ["title", "production", "description"].contains(&path.as_str())
                || [".name", ".living", ".union", ".role"]
                    .iter()
                    .any(|suffix| path.ends_with(suffix));
            assert!(
                !fact,
                "{context}: a suggestion changes `{path}`, which is a fact rather than a choice"
            );
        }
    }
}

/// Asserts the facts of the reference rulebook that hold for every intake.
fn assert_reference_basics(result: &Value, context: &str) {
    for citation in all_citations(result) {
        assert!(
            CATALOGUE.contains(&citation.as_str()),
            "{context}: `{citation}` is not in the spec's clause catalogue"
        );
    }
    assert!(
        all_citations(result)
            .iter()
            .any(|citation| citation == "netflix:intro/share-intended-use"),
        "{context}: every evaluation shares the use with the contact (netflix:intro/share-intended-use)"
    );
    assert!(
        strings(&result["actions"]).contains(&"share_with_contact"),
        "{context}: `share_with_contact` missing from actions"
    );
    assert_eq!(
        result["rulebooks"][0]["id"], "netflix-genai-2025",
        "{context}: default rulebook"
    );
}

// ---------------------------------------------------------------- golden text

fn golden_text(file: &str, golden: &str, headline: &str, code: i32) -> TestResult {
    let run = TestCommand::new(["check", file, "--color", "never"]).run()?;
    run.assert_code(code);
    assert_eq!(
        run.stdout.lines().next(),
        Some(headline),
        "headline of {file}"
    );
    assert!(
        run.stdout
            .lines()
            .nth(1)
            .is_some_and(|line| line.contains(file)),
        "the second line names the file:\n{}",
        run.stdout
    );
    assert!(
        run.stderr.is_empty(),
        "no diagnostics expected:\n{}",
        run.stderr
    );
    assert_golden(golden, &run.stdout)
}

#[test]
fn text_notify_moodboard_matches_golden() -> TestResult {
    golden_text(
        "examples/moodboard.yaml",
        "check-moodboard",
        "NOTIFY: Share with your studio contact",
        0,
    )
}

#[test]
fn text_approval_background_poster_matches_golden() -> TestResult {
    golden_text(
        "examples/background-poster.yaml",
        "check-background-poster",
        "APPROVAL: Written approval required",
        1,
    )
}

#[test]
fn text_blocked_script_into_chatbot_matches_golden() -> TestResult {
    golden_text(
        "examples/script-into-chatbot.yaml",
        "check-script-into-chatbot",
        "BLOCKED: Not permitted as proposed",
        1,
    )
}

#[test]
fn text_escalate_vendor_pipeline_matches_golden() -> TestResult {
    golden_text(
        "examples/vendor-pipeline.yaml",
        "check-vendor-pipeline",
        "ESCALATE: Talk to your contact before proceeding",
        1,
    )
}

#[test]
fn text_nothing_answered_lists_the_unanswered_questions() -> TestResult {
    let file = data("nothing-answered.yaml");
    golden_text(
        &file,
        "check-nothing-answered",
        "ESCALATE: Talk to your contact before proceeding",
        1,
    )?;
    let run = TestCommand::new(["check", file.as_str(), "--color", "never"]).run()?;
    assert!(
        run.stdout.contains("output.final"),
        "the text names the unanswered `output.final`:\n{}",
        run.stdout
    );
    Ok(())
}

#[test]
fn text_with_several_rulebooks_names_them_all() -> TestResult {
    let small = data("small-rulebook.yaml");
    let run = TestCommand::new([
        "check",
        "examples/background-poster.yaml",
        "--rulebook",
        "netflix-genai-2025",
        "--rulebook",
        small.as_str(),
        "--color",
        "never",
    ])
    .run()?;
    run.assert_code(1);
    assert!(
        run.stdout
            .contains("generated material will be in the final cut"),
        "the small rulebook's reason:\n{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("test:final"),
        "the small rulebook's citation:\n{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("netflix-genai-2025 1.1.0")
            && run.stdout.contains("small-test-rulebook 0.2.0"),
        "both rulebooks named:\n{}",
        run.stdout
    );
    Ok(())
}

// ---------------------------------------------------------------- JSON

#[test]
fn json_one_file_is_one_object_with_the_spec_fields() -> TestResult {
    let run = TestCommand::new([
        "check",
        "examples/background-poster.yaml",
        "--format",
        "json",
    ])
    .run()?;
    run.assert_code(1);
    let result = run.json()?;
    assert_result_shape(&result, true, "background-poster");
    assert_reference_basics(&result, "background-poster");
    assert_eq!(result["tier"], "approval");

    // The finding of the spec's own example.
    let in_deliverables = finding(&result, "final-output.in-deliverables")
        .ok_or("no finding `final-output.in-deliverables`")?;
    assert_eq!(in_deliverables["tier"], "approval");
    let citations = strings(&in_deliverables["citations"]);
    assert!(
        citations.contains(&"netflix:intro/final-deliverables")
            && citations.contains(&"netflix:final-output/early-flag"),
        "{in_deliverables}"
    );
    let actions = strings(&in_deliverables["actions"]);
    assert!(
        actions.contains(&"obtain_written_approval") && actions.contains(&"flag_early"),
        "{in_deliverables}"
    );

    // A generated poster in the final cut: rights clearance and matrix row 2 are cited.
    let cited = all_citations(&result);
    for key in [
        "netflix:final-output/rights-clearance",
        "netflix:matrix/2",
        "netflix:principle/4",
    ] {
        assert!(
            cited.iter().any(|citation| citation == key),
            "`{key}` is cited when a poster is final: {cited:?}"
        );
    }
    assert_eq!(result["principles"]["4"], "no");
    for key in ["1", "2", "3", "5"] {
        assert_eq!(result["principles"][key], "yes", "principle {key}");
    }
    assert_eq!(result["unanswered"], serde_json::json!([]));
    assert_eq!(result["errors"], serde_json::json!([]));
    assert_eq!(result["lower_tier_if_truncated"], false);
    // Everything else is answered harmlessly, so making it temporary is enough to reach notify.
    assert_eq!(
        result["lower_tier_if"],
        serde_json::json!([{ "tier": "notify", "changes": { "output.final": "no" } }])
    );
    Ok(())
}

#[test]
fn json_every_example_has_the_spec_shape_and_tier() -> TestResult {
    for (file, tier) in EXAMPLES {
        let run = TestCommand::new(["check", file, "--format", "json"]).run()?;
        run.assert_code(if tier == "notify" { 0 } else { 1 });
        let result = run.json()?;
        assert_result_shape(&result, true, file);
        assert_reference_basics(&result, file);
        assert_eq!(result["tier"], tier, "{file}");
    }
    Ok(())
}

#[test]
fn json_blocked_script_cites_the_blocking_clauses() -> TestResult {
    let run = TestCommand::new([
        "check",
        "examples/script-into-chatbot.yaml",
        "--format",
        "json",
    ])
    .run()?;
    run.assert_code(1);
    let result = run.json()?;
    assert_eq!(result["tier"], "blocked");
    // B1: a sensitive input (script) into a tool that trains on its inputs.
    let blocked: Vec<&Value> = result["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|finding| finding["tier"] == "blocked")
        .collect();
    assert!(!blocked.is_empty(), "a blocked finding");
    assert!(
        blocked.iter().any(|finding| strings(&finding["citations"])
            .contains(&"netflix:confidentiality/tool-terms")),
        "B1 is cited with netflix:confidentiality/tool-terms: {blocked:?}"
    );
    let cited = all_citations(&result);
    for key in [
        "netflix:data-use/proprietary-or-personal",
        "netflix:principle/2",
        "netflix:principle/3",
        "netflix:matrix/6",
    ] {
        assert!(
            cited.iter().any(|citation| citation == key),
            "`{key}` cited: {cited:?}"
        );
    }
    assert_eq!(result["principles"]["2"], "no");
    assert_eq!(result["principles"]["3"], "no");
    Ok(())
}

#[test]
fn json_several_files_are_json_lines_in_order() -> TestResult {
    let files = [
        "examples/moodboard.yaml",
        "examples/background-poster.yaml",
        "examples/script-into-chatbot.yaml",
    ];
    let run =
        TestCommand::new(["check", files[0], files[1], files[2], "--format", "json"]).run()?;
    run.assert_code(1);
    let lines: Vec<&str> = run
        .stdout
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    assert_eq!(lines.len(), 3, "one line per file:\n{}", run.stdout);
    let mut tiers = Vec::new();
    for (line, file) in lines.iter().zip(files) {
        let result: Value = serde_json::from_str(line)
            .map_err(|error| format!("line is not one JSON object ({error}): {line}"))?;
        assert_result_shape(&result, true, file);
        tiers.push(result["tier"].as_str().unwrap_or("").to_owned());
    }
    assert_eq!(tiers, ["notify", "approval", "blocked"]);
    Ok(())
}

#[test]
fn json_several_files_with_an_invalid_one_exit_2_and_stay_json_lines() -> TestResult {
    let invalid = data("invalid-intake.yaml");
    let run = TestCommand::new([
        "check",
        "examples/moodboard.yaml",
        invalid.as_str(),
        "no/such/intake.yaml",
        "examples/background-poster.yaml",
        "--format",
        "json",
    ])
    .run()?;
    run.assert_code(2);
    let mut lines = Vec::new();
    for line in run.stdout.lines().filter(|line| !line.trim().is_empty()) {
        let result: Value = serde_json::from_str(line)
            .map_err(|error| format!("stdout line is not JSON ({error}): {line}"))?;
        lines.push(result);
    }
    // One line per file, in order: JSON Lines consumers see every file.
    let files: Vec<&str> = lines
        .iter()
        .map(|line| line["file"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        files,
        [
            "examples/moodboard.yaml",
            invalid.as_str(),
            "no/such/intake.yaml",
            "examples/background-poster.yaml"
        ]
    );
    let tiers: Vec<&str> = lines
        .iter()
        .map(|line| line["tier"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        tiers,
        ["notify", "", "", "approval"],
        "the valid files are still triaged"
    );

    // The invalid file's line lists its problems with line, column, path, message and help.
    let problems = lines[1]["error"]["problems"]
        .as_array()
        .ok_or("the invalid file's line has `error.problems`")?;
    assert_eq!(problems.len(), 6, "{problems:?}");
    let element = problems
        .iter()
        .find(|problem| problem["path"] == "element")
        .ok_or("a problem for `element`")?;
    assert_eq!(
        (element["line"].as_u64(), element["column"].as_u64()),
        (Some(5), Some(10))
    );
    assert!(
        element["message"]
            .as_str()
            .is_some_and(|message| message.contains("`crowds`")),
        "{element}"
    );
    assert!(
        element["help"]
            .as_str()
            .is_some_and(|help| help.contains("crowd")),
        "{element}"
    );
    assert!(
        problems.iter().all(|problem| problem.get("help").is_some()),
        "`help` is always present (null when there is none)"
    );
    assert!(
        lines[1].get("tier").is_none(),
        "an error line has no result fields: {}",
        lines[1]
    );

    // The unreadable file's line says why, with no problems.
    assert!(
        lines[2]["error"]["message"]
            .as_str()
            .is_some_and(|message| message.contains("no/such/intake.yaml")),
        "{}",
        lines[2]
    );
    assert_eq!(lines[2]["error"]["problems"], Value::Array(Vec::new()));

    // Diagnostics still go to standard error.
    assert!(
        run.stderr.contains("invalid-intake.yaml"),
        "the invalid file is named on stderr:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("no/such/intake.yaml"),
        "the unreadable file is named on stderr:\n{}",
        run.stderr
    );
    Ok(())
}

#[test]
fn json_nothing_answered_is_escalate_and_lists_output_final() -> TestResult {
    // Scenario 24: only `title` and `production`.
    let intake = "title: Something with AI\nproduction: Night Shift\n";
    let run = TestCommand::new(["check", "-", "--format", "json"])
        .stdin(intake)
        .run()?;
    run.assert_code(1);
    let result = run.json()?;
    assert_result_shape(&result, true, "nothing answered");
    assert_reference_basics(&result, "nothing answered");
    assert_eq!(result["tier"], "escalate");
    let unanswered = strings(&result["unanswered"]);
    for path in [
        "output.final",
        "output.prominence",
        "output.mistaken_for_real",
        "inputs",
        "tools",
        "union_work_impact",
    ] {
        assert!(
            unanswered.contains(&path),
            "`{path}` is left out and read by a rule, so it is unanswered: {unanswered:?}"
        );
    }
    for key in ["1", "2", "3", "4", "5"] {
        assert_eq!(
            result["principles"][key], "unsure",
            "principle {key} with nothing answered"
        );
    }
    assert!(
        all_citations(&result)
            .iter()
            .any(|citation| citation == "netflix:principle/4"),
        "principle 4 is cited"
    );
    Ok(())
}

#[test]
fn json_nothing_answered_lists_talent_uses_as_unanswered() -> TestResult {
    let run = TestCommand::new(["check", "-", "--format", "json"])
        .stdin("title: Something with AI\nproduction: Night Shift\n")
        .run()?;
    let result = run.json()?;
    let unanswered = strings(&result["unanswered"]);
    assert!(
        unanswered.contains(&"talent.uses"),
        "a producer who answers everything listed must not get escalate again: {unanswered:?}"
    );
    Ok(())
}

#[test]
fn json_left_out_tools_are_not_described_as_none() -> TestResult {
    let run = TestCommand::new(["check", "-", "--format", "json"])
        .stdin("title: Something with AI\nproduction: Night Shift\n")
        .run()?;
    let result = run.json()?;
    for rule in ["principle.2", "principle.3"] {
        let reason = finding(&result, rule)
            .and_then(|finding| finding["reason"].as_str())
            .unwrap_or("");
        assert!(
            !reason.ends_with(" none"),
            "{rule}: `{reason}` reads as if the intake answered `none`; it left `tools` out"
        );
    }
    Ok(())
}

#[test]
fn json_vendor_pipeline_reason_names_only_the_weak_step() -> TestResult {
    let run =
        TestCommand::new(["check", "examples/vendor-pipeline.yaml", "--format", "json"]).run()?;
    let result = run.json()?;
    let reason = finding(&result, "vendors.custom-pipeline")
        .and_then(|finding| finding["reason"].as_str())
        .ok_or("no vendors.custom-pipeline finding")?;
    assert!(reason.contains("Consumer video generator"), "{reason}");
    assert!(
        !reason.contains("Studio enterprise image tool"),
        "the enterprise step meets the principles: {reason}"
    );
    Ok(())
}

#[test]
fn json_intake_gives_the_same_result_as_yaml() -> TestResult {
    let from_yaml =
        TestCommand::new(["check", "examples/moodboard.yaml", "--format", "json"]).run()?;
    let json_file = data("moodboard.json");
    let from_json = TestCommand::new(["check", json_file.as_str(), "--format", "json"]).run()?;
    from_yaml.assert_code(0);
    from_json.assert_code(0);
    let (mut yaml, mut json) = (from_yaml.json()?, from_json.json()?);
    for result in [&mut yaml, &mut json] {
        if let Some(object) = result.as_object_mut() {
            object.remove("file");
        }
    }
    assert_eq!(yaml, json, "the same intake as YAML and as JSON");
    Ok(())
}

fn without_file(mut result: Value) -> Value {
    if let Some(object) = result.as_object_mut() {
        object.remove("file");
    }
    result
}

#[test]
fn null_is_the_same_as_left_out() -> TestResult {
    let left_out = "title: T\nproduction: P\noutput: {human_input: 'yes'}\n";
    let nulls = "title: T\nproduction: P\nvendor: null\ninputs: ~\noutput: {final: null, prominence: ~, human_input: 'yes'}\ntalent: null\n";
    let a = TestCommand::new(["check", "-", "--format", "json"])
        .stdin(left_out)
        .run()?;
    let b = TestCommand::new(["check", "-", "--format", "json"])
        .stdin(nulls)
        .run()?;
    a.assert_code(1);
    b.assert_code(1);
    let (a, b) = (without_file(a.json()?), without_file(b.json()?));
    assert_eq!(a, b, "a field set to null is the same as a field left out");
    assert!(strings(&b["unanswered"]).contains(&"output.final"), "{b}");
    Ok(())
}

#[test]
fn booleans_are_answers() -> TestResult {
    let quoted = read_workspace_file("examples/background-poster.yaml")?;
    let booleans = quoted.replace("'yes'", "true").replace("'no'", "false");
    assert!(
        booleans != quoted && !booleans.contains("'no'"),
        "the example uses quoted answers"
    );
    let a = TestCommand::new(["check", "-", "--format", "json"])
        .stdin(quoted)
        .run()?;
    let b = TestCommand::new(["check", "-", "--format", "json"])
        .stdin(booleans)
        .run()?;
    a.assert_code(1);
    b.assert_code(1);
    assert_eq!(
        without_file(a.json()?),
        without_file(b.json()?),
        "`true`/`false` are `yes`/`no`"
    );
    Ok(())
}

#[test]
fn json_with_two_rulebooks_lists_both_and_keeps_principles() -> TestResult {
    let small = data("small-rulebook.yaml");
    let run = TestCommand::new([
        "check",
        "examples/background-poster.yaml",
        "--rulebook",
        "netflix-genai-2025",
        "--rulebook",
        small.as_str(),
        "--format",
        "json",
    ])
    .run()?;
    run.assert_code(1);
    let result = run.json()?;
    assert_result_shape(&result, true, "two rulebooks");
    let ids: Vec<&str> = result["rulebooks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|rulebook| rulebook["id"].as_str())
        .collect();
    assert_eq!(ids, ["netflix-genai-2025", "small-test-rulebook"]);
    let own = finding(&result, "final-needs-approval")
        .ok_or("the small rulebook's finding is missing")?;
    assert_eq!(own["tier"], "approval");
    assert_eq!(strings(&own["citations"]), ["test:final"]);
    assert_eq!(strings(&own["actions"]), ["ask"]);
    Ok(())
}

#[test]
fn json_with_another_rulebook_only_replaces_the_reference() -> TestResult {
    let small = data("small-rulebook.yaml");
    let run = TestCommand::new([
        "check",
        "examples/background-poster.yaml",
        "--rulebook",
        small.as_str(),
        "--format",
        "json",
    ])
    .run()?;
    run.assert_code(1);
    let result = run.json()?;
    assert_result_shape(&result, false, "small rulebook only");
    let ids: Vec<&str> = result["rulebooks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|rulebook| rulebook["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        ["small-test-rulebook"],
        "`--rulebook` replaces the default"
    );
    assert!(
        all_citations(&result)
            .iter()
            .all(|citation| citation.starts_with("test:")),
        "no reference citations: {result}"
    );
    Ok(())
}

#[test]
fn every_scenario_through_the_cli_meets_its_expectation() -> TestResult {
    let files = scenario_files()?;
    assert!(
        files.len() >= 24,
        "the scenario files are found ({} found)",
        files.len()
    );
    let mut failures = Vec::new();
    for path in files {
        let scenario = read_scenario(&path)?;
        let run = TestCommand::new(["check", "-", "--format", "json"])
            .stdin(scenario.intake.clone())
            .run()?;
        run.assert_no_crash();
        let name = &scenario.name;
        let Ok(result) = serde_json::from_str::<Value>(&run.stdout) else {
            failures.push(format!(
                "{name}: exit {:?}, no JSON; stderr: {}",
                run.code, run.stderr
            ));
            continue;
        };
        assert_result_shape(&result, true, name);
        assert_reference_basics(&result, name);
        let tier = result["tier"].as_str().unwrap_or("");
        if run.code != Some(if tier == "notify" { 0 } else { 1 }) {
            failures.push(format!("{name}: exit {:?} for tier {tier}", run.code));
        }
        if let Some(expected) = &scenario.tier
            && expected != tier
        {
            failures.push(format!("{name}: tier {tier}, expected {expected}"));
        }
        let cited = all_citations(&result);
        for key in &scenario.cites {
            if !cited.contains(key) {
                failures.push(format!("{name}: `{key}` not cited"));
            }
        }
        for key in &scenario.not_cites {
            if cited.contains(key) {
                failures.push(format!("{name}: `{key}` cited but must not be"));
            }
        }
        for (key, expected) in &scenario.principles {
            let expected = match expected.as_str() {
                "true" => "yes",
                "false" => "no",
                other => other,
            };
            if result["principles"][key.as_str()] != expected {
                failures.push(format!(
                    "{name}: principle {key} is {}, expected {expected}",
                    result["principles"][key.as_str()]
                ));
            }
        }
        let unanswered = strings(&result["unanswered"]);
        for path in &scenario.unanswered {
            if !unanswered.contains(&path.as_str()) {
                failures.push(format!(
                    "{name}: `{path}` not listed as unanswered ({unanswered:?})"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} scenario mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    Ok(())
}

// ---------------------------------------------------------------- Markdown

#[test]
fn markdown_has_the_tier_headline_and_a_checklist() -> TestResult {
    let run = TestCommand::new([
        "check",
        "examples/background-poster.yaml",
        "--format",
        "markdown",
    ])
    .run()?;
    run.assert_code(1);
    let headline = run
        .stdout
        .lines()
        .find(|line| line.starts_with('#'))
        .ok_or("no Markdown heading")?;
    assert!(
        headline.to_lowercase().contains("approval")
            && headline.contains("Written approval required"),
        "headline: {headline}"
    );
    assert!(
        run.stdout.contains("examples/background-poster.yaml"),
        "the file is named:\n{}",
        run.stdout
    );
    let checklist: Vec<&str> = run
        .stdout
        .lines()
        .filter(|line| line.starts_with("- [ ] "))
        .collect();
    assert!(
        checklist.contains(&"- [ ] Get written approval from the studio before proceeding"),
        "checklist: {checklist:?}"
    );
    assert!(
        checklist.contains(&"- [ ] Share this intended use with your studio contact"),
        "checklist: {checklist:?}"
    );
    assert!(
        run.stdout.contains("netflix:final-output/rights-clearance"),
        "the citations are shown:\n{}",
        run.stdout
    );
    Ok(())
}

#[test]
fn markdown_blocked_headline_and_no_ansi_even_with_color_always() -> TestResult {
    let run = TestCommand::new([
        "check",
        "examples/script-into-chatbot.yaml",
        "--format",
        "markdown",
        "--color",
        "always",
    ])
    .run()?;
    run.assert_code(1);
    let headline = run
        .stdout
        .lines()
        .find(|line| line.starts_with('#'))
        .ok_or("no Markdown heading")?;
    assert!(
        headline.to_lowercase().contains("blocked")
            && headline.contains("Not permitted as proposed"),
        "headline: {headline}"
    );
    assert!(
        run.stdout.lines().any(|line| line.starts_with("- [ ] ")),
        "a checklist line"
    );
    assert!(
        !has_ansi(&run.stdout_bytes),
        "Markdown is pasted into emails and tickets: no escape codes"
    );
    Ok(())
}

// ---------------------------------------------------------------- exit codes

#[test]
fn exit_code_is_0_for_notify_and_1_for_every_other_tier() -> TestResult {
    for (file, tier) in EXAMPLES {
        for format in ["text", "json", "markdown"] {
            let run = TestCommand::new(["check", file, "--format", format]).run()?;
            run.assert_code(if tier == "notify" { 0 } else { 1 });
        }
    }
    Ok(())
}

#[test]
fn exit_code_is_2_for_an_invalid_intake_in_every_format() -> TestResult {
    let invalid = data("invalid-intake.yaml");
    for format in ["text", "json", "markdown"] {
        let run = TestCommand::new(["check", invalid.as_str(), "--format", format]).run()?;
        run.assert_code(2);
        assert!(
            run.stdout.trim().is_empty(),
            "{format}: no result printed for an invalid intake:\n{}",
            run.stdout
        );
    }
    Ok(())
}

#[test]
fn several_files_notify_and_approval_exit_1_with_a_summary_line() -> TestResult {
    for files in [
        ["examples/moodboard.yaml", "examples/background-poster.yaml"],
        ["examples/background-poster.yaml", "examples/moodboard.yaml"],
    ] {
        let run = TestCommand::new(["check", files[0], files[1], "--color", "never"]).run()?;
        run.assert_code(1);
        assert_eq!(
            run.stdout.matches("NOTIFY: ").count(),
            1,
            "both results are printed:\n{}",
            run.stdout
        );
        assert_eq!(
            run.stdout.matches("APPROVAL: ").count(),
            1,
            "both results are printed:\n{}",
            run.stdout
        );
        let summary = run.last_stdout_line();
        assert!(summary.starts_with("2 files"), "summary line: {summary}");
        assert!(
            summary.contains("1 notify") && summary.contains("1 approval"),
            "summary line: {summary}"
        );
    }
    for format in ["json", "markdown"] {
        TestCommand::new([
            "check",
            "examples/moodboard.yaml",
            "examples/background-poster.yaml",
            "--format",
            format,
        ])
        .run()?
        .assert_code(1);
    }
    Ok(())
}

#[test]
fn several_files_notify_and_invalid_exit_2_with_a_summary_line() -> TestResult {
    let invalid = data("invalid-intake.yaml");
    for files in [
        ["examples/moodboard.yaml", invalid.as_str()],
        [invalid.as_str(), "examples/moodboard.yaml"],
    ] {
        let run = TestCommand::new(["check", files[0], files[1], "--color", "never"]).run()?;
        run.assert_code(2);
        assert!(
            run.stdout
                .contains("NOTIFY: Share with your studio contact"),
            "the valid file is still triaged:\n{}",
            run.stdout
        );
        assert!(
            run.stderr.contains("invalid-intake.yaml"),
            "the invalid file is named:\n{}",
            run.stderr
        );
        let summary = run.last_stdout_line();
        assert!(summary.starts_with("2 files"), "summary line: {summary}");
        assert!(
            summary.contains("1 notify") && summary.contains("1 with error"),
            "summary line: {summary}"
        );
    }
    for format in ["json", "markdown"] {
        TestCommand::new([
            "check",
            "examples/moodboard.yaml",
            invalid.as_str(),
            "--format",
            format,
        ])
        .run()?
        .assert_code(2);
    }
    Ok(())
}

#[test]
fn several_notify_files_exit_0_with_a_summary_line() -> TestResult {
    let json = data("moodboard.json");
    let run = TestCommand::new([
        "check",
        "examples/moodboard.yaml",
        json.as_str(),
        "--color",
        "never",
    ])
    .run()?;
    run.assert_code(0);
    assert_eq!(run.last_stdout_line(), "2 files: 2 notify");
    Ok(())
}

#[test]
fn several_files_with_every_tier_count_each_tier() -> TestResult {
    let invalid = data("invalid-intake.yaml");
    let mut args = vec!["check", "--color", "never"];
    args.extend(EXAMPLES.iter().map(|(file, _)| *file));
    args.push(invalid.as_str());
    let run = TestCommand::new(args).run()?;
    run.assert_code(2);
    let summary = run.last_stdout_line();
    assert!(summary.starts_with("6 files"), "summary line: {summary}");
    for part in [
        "1 notify",
        "1 escalate",
        "2 approval",
        "1 blocked",
        "1 with error",
    ] {
        assert!(
            summary.contains(part),
            "`{part}` in the summary line: {summary}"
        );
    }
    Ok(())
}

// ---------------------------------------------------------------- standard input

#[test]
fn dash_reads_standard_input() -> TestResult {
    let intake = read_workspace_file("examples/moodboard.yaml")?;
    let from_stdin = TestCommand::new(["check", "-", "--format", "json"])
        .stdin(intake.clone())
        .run()?;
    from_stdin.assert_code(0);
    let from_file =
        TestCommand::new(["check", "examples/moodboard.yaml", "--format", "json"]).run()?;
    let (mut stdin_result, mut file_result) = (from_stdin.json()?, from_file.json()?);
    for result in [&mut stdin_result, &mut file_result] {
        if let Some(object) = result.as_object_mut() {
            object.remove("file");
        }
    }
    assert_eq!(
        stdin_result, file_result,
        "the same intake from standard input and from a file"
    );

    let text = TestCommand::new(["check", "-", "--color", "never"])
        .stdin(intake)
        .run()?;
    text.assert_code(0);
    assert_eq!(
        text.stdout.lines().next(),
        Some("NOTIFY: Share with your studio contact")
    );
    Ok(())
}

#[test]
fn dash_with_an_invalid_intake_reports_line_and_column() -> TestResult {
    let intake = read_workspace_file(&data("invalid-intake.yaml"))?;
    let run = TestCommand::new(["check", "-", "--color", "never"])
        .stdin(intake)
        .run()?;
    run.assert_code(2);
    assert!(
        run.stderr.contains(":6:1") && run.stderr.contains("`ouput`"),
        "the misspelt field with its place:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("stdin"),
        "the input is named as standard input:\n{}",
        run.stderr
    );
    Ok(())
}

#[test]
fn dash_mixes_with_files() -> TestResult {
    let approval = read_workspace_file("examples/background-poster.yaml")?;
    let run = TestCommand::new(["check", "examples/moodboard.yaml", "-", "--format", "json"])
        .stdin(approval)
        .run()?;
    run.assert_code(1);
    let tiers: Vec<String> = run
        .stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .map(|result| result["tier"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(tiers, ["notify", "approval"]);
    Ok(())
}

// ---------------------------------------------------------------- colour

#[test]
fn no_ansi_when_piped_with_color_auto() -> TestResult {
    let invalid = data("invalid-intake.yaml");
    for args in [
        vec!["check", "examples/script-into-chatbot.yaml"],
        vec![
            "check",
            "examples/moodboard.yaml",
            "examples/background-poster.yaml",
            "--color",
            "auto",
        ],
        vec![
            "check",
            "examples/background-poster.yaml",
            "--format",
            "markdown",
        ],
        vec!["check", invalid.as_str()],
        vec!["rules", "list"],
        vec!["rules", "show", "final-output.in-deliverables"],
    ] {
        let run = TestCommand::new(args).run()?;
        run.assert_no_crash();
        assert!(
            !has_ansi(&run.stdout_bytes),
            "escape codes on a pipe (stdout of `{}`):\n{}",
            run.shown,
            run.stdout
        );
        assert!(
            !has_ansi(&run.stderr_bytes),
            "escape codes on a pipe (stderr of `{}`):\n{}",
            run.shown,
            run.stderr
        );
    }
    Ok(())
}

#[test]
fn no_ansi_with_no_color_even_when_colour_is_forced_for_auto() -> TestResult {
    let file = "examples/script-into-chatbot.yaml";
    // CLICOLOR_FORCE makes `auto` behave as on a terminal; this shows the check below means something.
    let forced = TestCommand::new(["check", file, "--color", "auto"])
        .env("CLICOLOR_FORCE", "1")
        .run()?;
    assert!(
        has_ansi(&forced.stdout_bytes),
        "precondition: CLICOLOR_FORCE=1 gives colour with --color auto"
    );

    for run in [
        TestCommand::new(["check", file, "--color", "auto"])
            .no_color(true)
            .run()?,
        TestCommand::new(["check", file, "--color", "auto"])
            .no_color(true)
            .env("CLICOLOR_FORCE", "1")
            .run()?,
        TestCommand::new(["check", file])
            .no_color(true)
            .env("CLICOLOR_FORCE", "1")
            .run()?,
    ] {
        run.assert_code(1);
        assert!(
            !has_ansi(&run.stdout_bytes),
            "NO_COLOR is set, yet `{}` printed escape codes",
            run.shown
        );
    }
    Ok(())
}

#[test]
fn ansi_with_color_always_and_the_same_text_without_it() -> TestResult {
    let file = "examples/script-into-chatbot.yaml";
    let never = TestCommand::new(["check", file, "--color", "never"])
        .env("CLICOLOR_FORCE", "1")
        .run()?;
    assert!(
        !has_ansi(&never.stdout_bytes),
        "--color never beats the environment"
    );
    for always in [
        TestCommand::new(["check", file, "--color", "always"]).run()?,
        TestCommand::new(["check", file, "--color", "always"])
            .no_color(true)
            .run()?,
    ] {
        always.assert_code(1);
        assert!(
            has_ansi(&always.stdout_bytes),
            "`{}` printed no escape codes",
            always.shown
        );
        assert_eq!(
            strip_ansi(&always.stdout),
            never.stdout,
            "colour must not change the text"
        );
    }

    let invalid = data("invalid-intake.yaml");
    let coloured = TestCommand::new(["check", invalid.as_str(), "--color", "always"]).run()?;
    let plain = TestCommand::new(["check", invalid.as_str(), "--color", "never"]).run()?;
    coloured.assert_code(2);
    assert!(
        has_ansi(&coloured.stderr_bytes),
        "diagnostics are coloured with --color always"
    );
    assert_eq!(
        strip_ansi(&coloured.stderr),
        plain.stderr,
        "colour must not change the diagnostics"
    );
    Ok(())
}

#[test]
fn json_has_no_ansi_even_with_color_always() -> TestResult {
    let run = TestCommand::new([
        "check",
        "examples/script-into-chatbot.yaml",
        "--format",
        "json",
        "--color",
        "always",
    ])
    .env("CLICOLOR_FORCE", "1")
    .run()?;
    run.assert_code(1);
    assert!(
        !has_ansi(&run.stdout_bytes),
        "JSON is for programs: no escape codes"
    );
    run.json()?;
    Ok(())
}
