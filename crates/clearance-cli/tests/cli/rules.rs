//! `clearance rules list|show|check`, and the rulebook digest seen through the CLI.

use crate::util::{TempDir, TestCommand, TestResult, assert_golden, data, read_workspace_file};

/// The rule ids of the reference rulebook as `rules list` prints them (the second column).
fn listed_rule_ids(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|line| {
            line.starts_with("  ") && !line.trim_start().starts_with(|c: char| c.is_ascii_digit())
        })
        .filter_map(|line| line.split_whitespace().nth(1))
        .map(str::to_owned)
        .collect()
}

fn digest_in(text: &str) -> Option<String> {
    let start = text.find("sha256:")?;
    Some(
        text[start..]
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != ')' && *c != '`' && *c != '"')
            .collect(),
    )
}

#[test]
fn list_shows_the_reference_rulebook_and_its_rules() -> TestResult {
    let run = TestCommand::new(["rules", "list", "--color", "never"]).run()?;
    run.assert_code(0);
    assert!(
        run.stdout
            .lines()
            .next()
            .is_some_and(|line| line.starts_with("netflix-genai-2025 ")),
        "{}",
        run.stdout
    );
    let ids = listed_rule_ids(&run.stdout);
    for id in [
        "intro.share-intended-use",
        "final-output.in-deliverables",
        "principle.1",
        "principle.5",
        "vendors.custom-pipeline",
    ] {
        assert!(
            ids.iter().any(|listed| listed == id),
            "`{id}` is listed: {ids:?}"
        );
    }
    assert!(
        digest_in(&run.stdout).is_some_and(|digest| digest.len() == "sha256:".len() + 64),
        "the digest is shown:\n{}",
        run.stdout
    );
    Ok(())
}

#[test]
fn every_listed_rule_can_be_shown() -> TestResult {
    let list = TestCommand::new(["rules", "list", "--color", "never"]).run()?;
    let ids = listed_rule_ids(&list.stdout);
    assert!(
        ids.len() >= 20,
        "the reference rulebook has many rules: {ids:?}"
    );
    for id in ids {
        let run = TestCommand::new(["rules", "show", id.as_str(), "--color", "never"]).run()?;
        run.assert_code(0);
        assert!(
            run.stdout.starts_with(&id),
            "`rules show {id}` starts with the id:\n{}",
            run.stdout
        );
        assert!(
            run.stdout.contains("netflix:"),
            "`rules show {id}` shows what it cites:\n{}",
            run.stdout
        );
    }
    Ok(())
}

#[test]
fn show_prints_the_condition_and_the_clause_texts() -> TestResult {
    let run = TestCommand::new([
        "rules",
        "show",
        "final-output.in-deliverables",
        "--color",
        "never",
    ])
    .run()?;
    run.assert_code(0);
    for needle in [
        "output.final == yes",
        "approval",
        "netflix:intro/final-deliverables",
        // the clause texts, as the rulebook's catalogue has them
        "Written approval is needed before proceeding when the output will be part of the final deliverables.",
        "netflix:final-output/early-flag",
        "Generated elements that will be seen or heard on screen are flagged to the studio contact early.",
    ] {
        assert!(
            run.stdout.contains(needle),
            "`{needle}` is missing:\n{}",
            run.stdout
        );
    }
    // The clause texts shown are the rulebook's own.
    let rulebook = read_workspace_file("rulebooks/netflix-genai-2025.yaml")?;
    assert!(
        rulebook.contains("flagged to the studio contact early."),
        "the rulebook file changed; update this test"
    );
    assert_golden("rules-show-final-output-in-deliverables", &run.stdout)
}

#[test]
fn show_unknown_rule_exits_2_with_did_you_mean() -> TestResult {
    let run = TestCommand::new([
        "rules",
        "show",
        "final-output.in-deliverable",
        "--color",
        "never",
    ])
    .run()?;
    run.assert_code(2);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("`final-output.in-deliverable`")
            && run
                .stderr
                .contains("did you mean `final-output.in-deliverables`?"),
        "{}",
        run.stderr
    );

    let run = TestCommand::new(["rules", "show", "no-such-rule", "--color", "never"]).run()?;
    run.assert_code(2);
    assert!(
        run.stderr.contains("`no-such-rule`") && run.stderr.contains("rules list"),
        "names the id and where to look:\n{}",
        run.stderr
    );
    Ok(())
}

#[test]
fn list_and_show_another_rulebook() -> TestResult {
    let small = data("small-rulebook.yaml");
    let run = TestCommand::new([
        "rules",
        "list",
        "--rulebook",
        small.as_str(),
        "--color",
        "never",
    ])
    .run()?;
    run.assert_code(0);
    assert!(
        run.stdout.starts_with("small-test-rulebook 0.2.0"),
        "{}",
        run.stdout
    );
    assert_eq!(listed_rule_ids(&run.stdout), ["final-needs-approval"]);
    assert!(
        !run.stdout.contains("netflix-genai-2025"),
        "`--rulebook` replaces the embedded ones:\n{}",
        run.stdout
    );

    let run = TestCommand::new([
        "rules",
        "show",
        "final-needs-approval",
        "--rulebook",
        small.as_str(),
        "--color",
        "never",
    ])
    .run()?;
    run.assert_code(0);
    assert!(
        run.stdout
            .contains("Generated material in the final cut needs written approval."),
        "{}",
        run.stdout
    );

    let run = TestCommand::new([
        "rules",
        "show",
        "intro.share-intended-use",
        "--rulebook",
        small.as_str(),
    ])
    .run()?;
    run.assert_code(2);
    Ok(())
}

#[test]
fn check_the_reference_rulebook_passes() -> TestResult {
    let run = TestCommand::new([
        "rules",
        "check",
        "rulebooks/netflix-genai-2025.yaml",
        "--color",
        "never",
    ])
    .run()?;
    run.assert_code(0);
    assert!(run.stdout.contains("0 failed"), "{}", run.stdout);
    assert!(
        run.stdout.contains("rulebooks/netflix-genai-2025.yaml")
            && run.stdout.contains("netflix-genai-2025 1.1.0"),
        "{}",
        run.stdout
    );
    Ok(())
}

#[test]
fn check_a_rulebook_with_a_wrong_test_exits_1_naming_the_test() -> TestResult {
    let file = data("rulebook-wrong-test.yaml");
    let run = TestCommand::new(["rules", "check", file.as_str(), "--color", "never"]).run()?;
    run.assert_code(1);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(
        all.contains("temporary output is wrongly expected to need approval"),
        "the failing test is named:\n{all}"
    );
    assert!(
        !all.contains("`final output needs approval`"),
        "the passing test is not reported as failing:\n{all}"
    );
    assert!(
        all.contains("notify") && all.contains("approval"),
        "says what was expected and what came:\n{all}"
    );
    assert!(run.stdout.contains("1 failed"), "{}", run.stdout);

    // A passing rulebook beside it does not hide the failure; an invalid one makes it 2.
    let small = data("small-rulebook.yaml");
    TestCommand::new(["rules", "check", small.as_str()])
        .run()?
        .assert_code(0);
    TestCommand::new(["rules", "check", small.as_str(), file.as_str()])
        .run()?
        .assert_code(1);
    TestCommand::new(["rules", "check", file.as_str(), small.as_str()])
        .run()?
        .assert_code(1);
    let invalid = data("invalid-rulebook.yaml");
    TestCommand::new(["rules", "check", file.as_str(), invalid.as_str()])
        .run()?
        .assert_code(2);
    Ok(())
}

#[test]
fn check_an_invalid_rulebook_exits_2_with_every_problem() -> TestResult {
    let file = data("invalid-rulebook.yaml");
    let run = TestCommand::new(["rules", "check", file.as_str(), "--color", "never"]).run()?;
    run.assert_code(2);
    for needle in ["`ouput.final`", "`huge`", "`test:finale`", "has 3 problems"] {
        assert!(
            run.stderr.contains(needle),
            "`{needle}` is missing:\n{}",
            run.stderr
        );
    }
    Ok(())
}

#[test]
fn check_goes_on_after_an_unreadable_file() -> TestResult {
    let run = TestCommand::new([
        "rules",
        "check",
        "no/such/rulebook.yaml",
        "rulebooks/netflix-genai-2025.yaml",
        "--color",
        "never",
    ])
    .run()?;
    run.assert_code(2);
    assert!(
        run.stderr.contains("no/such/rulebook.yaml"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("0 failed"),
        "the second rulebook is still checked:\n{}",
        run.stdout
    );
    Ok(())
}

#[test]
fn counts_of_one_are_singular() -> TestResult {
    let small = data("small-rulebook.yaml");
    let check = TestCommand::new(["rules", "check", small.as_str(), "--color", "never"]).run()?;
    let list = TestCommand::new([
        "rules",
        "list",
        "--rulebook",
        small.as_str(),
        "--color",
        "never",
    ])
    .run()?;
    for text in [&check.stdout, &list.stdout] {
        assert!(
            text.contains("1 rule,") && !text.contains("1 rules"),
            "{text}"
        );
    }
    assert!(!list.stdout.contains("1 clauses"), "{}", list.stdout);
    Ok(())
}

#[test]
fn list_descriptions_line_up() -> TestResult {
    let run = TestCommand::new(["rules", "list", "--color", "never"]).run()?;
    let ids = listed_rule_ids(&run.stdout);
    let columns: Vec<usize> = run
        .stdout
        .lines()
        .filter_map(|line| {
            let id = ids
                .iter()
                .find(|id| line.split_whitespace().nth(1) == Some(id.as_str()))?;
            let after_id = line.find(id.as_str())? + id.len();
            Some(after_id + line[after_id..].len() - line[after_id..].trim_start().len())
        })
        .collect();
    assert!(
        columns.windows(2).all(|pair| pair[0] == pair[1]),
        "description columns: {columns:?}\n{}",
        run.stdout
    );
    Ok(())
}

#[test]
fn digest_ignores_comments_and_whitespace_but_not_meaning() -> TestResult {
    let embedded = TestCommand::new(["rules", "list", "--color", "never"]).run()?;
    let embedded_digest = digest_in(&embedded.stdout).ok_or("no digest in `rules list`")?;

    let file = TestCommand::new(["rules", "check", "rulebooks/netflix-genai-2025.yaml"]).run()?;
    assert_eq!(
        digest_in(&file.stdout).as_deref(),
        Some(embedded_digest.as_str()),
        "the file and the embedded rulebook are the same"
    );

    let source = read_workspace_file("rulebooks/netflix-genai-2025.yaml")?;
    let dir = TempDir::new("digest")?;
    let reformatted = format!(
        "# an extra comment\n\n{}\n# and another\n",
        source.replace(
            "\nversion: 1.1.0\n",
            "\nversion:    1.1.0   # same version\n"
        )
    );
    dir.write("reformatted.yaml", reformatted)?;
    dir.write(
        "changed.yaml",
        source.replace("\nversion: 1.1.0\n", "\nversion: 1.1.1\n"),
    )?;

    let same = TestCommand::new(["rules", "check", "reformatted.yaml"])
        .current_dir(dir.path())
        .run()?;
    same.assert_code(0);
    assert_eq!(
        digest_in(&same.stdout).as_deref(),
        Some(embedded_digest.as_str()),
        "comments and whitespace do not change the digest"
    );

    let changed = TestCommand::new(["rules", "check", "changed.yaml"])
        .current_dir(dir.path())
        .run()?;
    changed.assert_code(0);
    assert!(
        digest_in(&changed.stdout).is_some_and(|digest| digest != embedded_digest),
        "a change of meaning changes the digest"
    );

    // `check` reports the same digest in its JSON.
    let run = TestCommand::new([
        "check",
        "examples/moodboard.yaml",
        "--format",
        "json",
        "--rulebook",
        "rulebooks/netflix-genai-2025.yaml",
    ])
    .run()?;
    run.assert_code(0);
    assert_eq!(
        run.json()?["rulebooks"][0]["digest"],
        embedded_digest.as_str()
    );
    Ok(())
}
