//! Errors of `clearance check`: every problem of an invalid intake or rulebook at once, with
//! `file:line:col` and the field's path; unreadable, binary and odd files; unknown rulebooks and
//! bad arguments. Every one exits 2 without a panic.

use std::io::Read;
use std::process::{Command, Stdio};

use crate::util::{TempDir, TestCommand, TestResult, assert_golden, data};

fn assert_mentions(text: &str, needles: &[&str]) {
    for needle in needles {
        assert!(text.contains(needle), "`{needle}` is missing from:\n{text}");
    }
}

#[test]
fn invalid_intake_reports_every_problem_at_once() -> TestResult {
    let file = data("invalid-intake.yaml");
    let run = TestCommand::new(["check", file.as_str(), "--color", "never"]).run()?;
    run.assert_code(2);
    assert!(
        run.stdout.is_empty(),
        "no result for an invalid intake:\n{}",
        run.stdout
    );
    let path = file.as_str();
    // One message per problem, each with file:line:col and the field's path.
    assert_mentions(
        &run.stderr,
        &[
            // a missing required field
            "missing required field `production`",
            // an unknown field, with the closest known one
            "unknown field `ouput`, did you mean `output`?",
            &format!("{path}:6:1 (field `ouput`)"),
            // a wrong enum value, with the closest value
            "unknown value `crowds` for `element`, did you mean `crowd`?",
            &format!("{path}:5:10 (field `element`)"),
            // a wrong type
            "`media` must be a list",
            &format!("{path}:8:8 (field `media`)"),
            // a wrong answer inside a list entry
            "`perhaps`",
            &format!("{path}:12:23 (field `tools[0].trains_on_inputs`)"),
            // a missing required field inside a list entry
            "missing required field `talent.performers[0].name`",
            &format!("{path}:16:7 (field `talent.performers[0].name`)"),
            &format!("`{path}` has 6 problems"),
        ],
    );
    assert_golden("error-invalid-intake", &run.stderr)
}

#[test]
fn invalid_rulebook_reports_every_problem_at_once() -> TestResult {
    let rulebook = data("invalid-rulebook.yaml");
    let run = TestCommand::new([
        "check",
        "examples/moodboard.yaml",
        "--rulebook",
        rulebook.as_str(),
        "--color",
        "never",
    ])
    .run()?;
    run.assert_code(2);
    assert!(
        run.stdout.is_empty(),
        "no triage against a rulebook that did not load:\n{}",
        run.stdout
    );
    let path = rulebook.as_str();
    assert_mentions(
        &run.stderr,
        &[
            // an unknown field path in a condition
            "unknown field `ouput.final`, did you mean `output.final`?",
            &format!("{path}:17:11 (field `rules[0].when`)"),
            // a value the field can never take
            "`huge` is not a possible value of `output.prominence`",
            &format!("{path}:24:32 (field `rules[1].when`)"),
            // a citation that is not in the catalogue
            "citation `test:finale` is not in the rulebook's clause catalogue, did you mean `test:final`?",
            &format!("{path}:29:12 (field `rules[2].cite[0]`)"),
            &format!("`{path}` has 3 problems"),
        ],
    );
    assert_golden("error-invalid-rulebook", &run.stderr)
}

#[test]
fn json_intake_problems_have_line_and_column() -> TestResult {
    let dir = TempDir::new("json-intake-problem")?;
    dir.write(
        "intake.json",
        "{\n  \"title\": \"x\",\n  \"production\": \"y\",\n  \"output\": { \"final\": \"maybe\", \"finale\": \"no\" }\n}\n",
    )?;
    let run = TestCommand::new(["check", "intake.json", "--color", "never"])
        .current_dir(dir.path())
        .run()?;
    run.assert_code(2);
    assert_mentions(
        &run.stderr,
        &[
            "intake.json:4:24 (field `output.final`)",
            "`maybe`",
            "unknown field `finale`, did you mean `final`?",
            "(field `output.finale`)",
        ],
    );
    Ok(())
}

#[test]
fn nested_unknown_field_is_named_by_its_path() -> TestResult {
    let dir = TempDir::new("nested-unknown-field")?;
    dir.write(
        "intake.yaml",
        "title: T\nproduction: P\ntools:\n  - {name: A}\n  - {name: B, enviroment: consumer}\n",
    )?;
    let run = TestCommand::new(["check", "intake.yaml", "--color", "never"])
        .current_dir(dir.path())
        .run()?;
    run.assert_code(2);
    assert_mentions(
        &run.stderr,
        &[
            "unknown field `enviroment`, did you mean `environment`?",
            "intake.yaml:5:15 (field `tools[1].enviroment`)",
        ],
    );
    Ok(())
}

#[test]
fn duplicate_key_is_an_error() -> TestResult {
    let dir = TempDir::new("duplicate-key")?;
    dir.write("intake.yaml", "title: a\ntitle: b\nproduction: P\n")?;
    let run = TestCommand::new(["check", "intake.yaml", "--color", "never"])
        .current_dir(dir.path())
        .run()?;
    run.assert_code(2);
    assert_mentions(&run.stderr, &["`title`", "intake.yaml:2:1"]);
    Ok(())
}

#[test]
fn missing_file_exits_2_naming_it() -> TestResult {
    for format in ["text", "json"] {
        let run = TestCommand::new(["check", "no/such/intake.yaml", "--format", format]).run()?;
        run.assert_code(2);
        assert!(run.stdout.is_empty(), "nothing on stdout:\n{}", run.stdout);
        assert_mentions(&run.stderr, &["no/such/intake.yaml"]);
    }
    // The other files are still triaged.
    let run = TestCommand::new([
        "check",
        "no/such/intake.yaml",
        "examples/moodboard.yaml",
        "--color",
        "never",
    ])
    .run()?;
    run.assert_code(2);
    assert!(
        run.stdout
            .contains("NOTIFY: Share with your studio contact"),
        "{}",
        run.stdout
    );
    Ok(())
}

#[test]
fn binary_file_exits_2_without_panicking() -> TestResult {
    let dir = TempDir::new("binary-file")?;
    dir.write(
        "frame.png",
        [
            0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xfe, 0x80,
        ],
    )?;
    dir.write("latin1.yaml", b"title: Caf\xe9\nproduction: P\n")?;
    for file in ["frame.png", "latin1.yaml"] {
        let run = TestCommand::new(["check", file, "--color", "never"])
            .current_dir(dir.path())
            .run()?;
        run.assert_code(2);
        assert_mentions(&run.stderr, &[file, "UTF-8"]);
        // The same for a rulebook.
        let run = TestCommand::new(["rules", "check", file])
            .current_dir(dir.path())
            .run()?;
        run.assert_code(2);
        assert_mentions(&run.stderr, &[file]);
    }
    Ok(())
}

#[test]
fn directory_empty_file_and_non_mapping_exit_2() -> TestResult {
    let dir = TempDir::new("odd-files")?;
    dir.write("empty.yaml", "")?;
    dir.write("list.yaml", "- title: T\n  production: P\n")?;
    dir.write("syntax.yaml", "title: T\nproduction: [unclosed\n")?;
    std::fs::create_dir_all(dir.path().join("folder.yaml"))?;
    for (file, needles) in [
        ("folder.yaml", vec!["folder.yaml"]),
        ("empty.yaml", vec!["empty.yaml", "`title`", "`production`"]),
        ("list.yaml", vec!["list.yaml:1:1", "mapping"]),
        ("syntax.yaml", vec!["syntax.yaml:"]),
    ] {
        let run = TestCommand::new(["check", file, "--color", "never"])
            .current_dir(dir.path())
            .run()?;
        run.assert_code(2);
        assert_mentions(&run.stderr, &needles);
    }
    Ok(())
}

#[test]
fn hostile_yaml_is_rejected_without_crashing() -> TestResult {
    let dir = TempDir::new("hostile-yaml")?;
    // Deep nesting must not overflow the stack.
    dir.write(
        "deep.yaml",
        format!("title: {}\nproduction: P\n", "[".repeat(100_000)),
    )?;
    // An alias bomb must not expand.
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (index, name) in ('b'..='j').enumerate() {
        let previous = char::from(b'a' + u8::try_from(index)?);
        bomb.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{previous}"); 10].join(", ")
        ));
    }
    dir.write("bomb.yaml", bomb)?;
    // Larger than any intake (the CLI refuses to read a mistaken path to a video).
    dir.write(
        "huge.yaml",
        format!(
            "title: T\nproduction: P\ndescription: {}\n",
            "x".repeat(9 * 1024 * 1024)
        ),
    )?;
    for file in ["deep.yaml", "bomb.yaml", "huge.yaml"] {
        let started = std::time::Instant::now();
        let run = TestCommand::new(["check", file, "--color", "never"])
            .current_dir(dir.path())
            .run()?;
        run.assert_code(2);
        assert_mentions(&run.stderr, &[file]);
        assert!(
            started.elapsed().as_secs() < 30,
            "{file} took {:?}",
            started.elapsed()
        );
    }
    Ok(())
}

#[test]
fn many_problems_are_capped_at_twenty_per_file() -> TestResult {
    let dir = TempDir::new("many-problems")?;
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (index, name) in ('b'..='j').enumerate() {
        let previous = char::from(b'a' + u8::try_from(index)?);
        bomb.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{previous}"); 10].join(", ")
        ));
    }
    dir.write("bomb.yaml", bomb)?;
    let run = TestCommand::new(["check", "bomb.yaml", "--color", "never"])
        .current_dir(dir.path())
        .run()?;
    run.assert_code(2);
    let shown = run.stderr.matches("error: YAML aliases").count();
    assert_eq!(shown, 20, "at most 20 problems are shown:\n{}", run.stderr);
    assert_mentions(
        &run.stderr,
        &["… and 70 more problems", "`bomb.yaml` has 90 problems"],
    );
    Ok(())
}

#[test]
fn long_lines_are_cut_and_long_values_shortened_in_snippets() -> TestResult {
    let dir = TempDir::new("long-line")?;
    let value = "x".repeat(100_000);
    dir.write(
        "long.yaml",
        format!("title: T\nproduction: P\nelement: {value}\n"),
    )?;
    let run = TestCommand::new(["check", "long.yaml", "--color", "never"])
        .current_dir(dir.path())
        .run()?;
    run.assert_code(2);
    assert_mentions(
        &run.stderr,
        &["long.yaml:3:10 (field `element`)", "element: xxx", "…"],
    );
    assert!(
        run.stderr.len() < 2_000,
        "a 100,000-character line does not flood stderr ({} bytes)",
        run.stderr.len()
    );
    assert!(
        run.stderr.lines().all(|line| line.chars().count() < 400),
        "{}",
        run.stderr
    );
    Ok(())
}

#[test]
fn tabs_are_shown_and_explained() -> TestResult {
    let dir = TempDir::new("tabs")?;
    dir.write("after-colon.yaml", "title:\tT\nproduction: P\n")?;
    dir.write(
        "indent.yaml",
        "title: T\nproduction: P\noutput:\n\tfinal: yes\n",
    )?;
    for (file, spot) in [
        ("after-colon.yaml", "title:→T"),
        ("indent.yaml", "→final: yes"),
    ] {
        let run = TestCommand::new(["check", file, "--color", "never"])
            .current_dir(dir.path())
            .run()?;
        run.assert_code(2);
        assert_mentions(
            &run.stderr,
            &[spot, "help: YAML does not allow tabs here; use spaces"],
        );
    }
    // A YAML error that has nothing to do with tabs gets no such help.
    dir.write("unclosed.yaml", "title: T\nproduction: [unclosed\n")?;
    let run = TestCommand::new(["check", "unclosed.yaml", "--color", "never"])
        .current_dir(dir.path())
        .run()?;
    run.assert_code(2);
    assert!(!run.stderr.contains("tabs"), "{}", run.stderr);
    Ok(())
}

#[test]
fn unknown_embedded_rulebook_exits_2_with_a_helpful_message() -> TestResult {
    let run = TestCommand::new([
        "check",
        "examples/moodboard.yaml",
        "--rulebook",
        "netflix-genai-2024",
    ])
    .run()?;
    run.assert_code(2);
    assert!(run.stdout.is_empty(), "no result:\n{}", run.stdout);
    // Names what was asked for and what there is.
    assert_mentions(&run.stderr, &["`netflix-genai-2024`", "netflix-genai-2025"]);

    let run = TestCommand::new([
        "check",
        "examples/moodboard.yaml",
        "--rulebook",
        "no/such/rulebook.yaml",
    ])
    .run()?;
    run.assert_code(2);
    assert_mentions(&run.stderr, &["no/such/rulebook.yaml"]);
    Ok(())
}

#[test]
fn the_reference_rulebook_by_name_works_like_the_default() -> TestResult {
    for format in ["text", "json", "markdown"] {
        for file in [
            "examples/moodboard.yaml",
            "examples/script-into-chatbot.yaml",
        ] {
            let default =
                TestCommand::new(["check", file, "--format", format, "--color", "never"]).run()?;
            let named = TestCommand::new([
                "check",
                file,
                "--format",
                format,
                "--color",
                "never",
                "--rulebook",
                "netflix-genai-2025",
            ])
            .run()?;
            named.assert_code(default.code.unwrap_or(-1));
            assert_eq!(named.stdout, default.stdout, "{file} as {format}");
        }
    }
    Ok(())
}

#[test]
fn usage_errors_exit_2() -> TestResult {
    for (args, needle) in [
        (vec!["check"], "<FILE>"),
        (
            vec!["check", "examples/moodboard.yaml", "--format", "yaml"],
            "yaml",
        ),
        (
            vec!["check", "examples/moodboard.yaml", "--color", "sometimes"],
            "sometimes",
        ),
        (vec!["rules", "show"], "<ID>"),
        (vec!["frobnicate"], "frobnicate"),
    ] {
        let run = TestCommand::new(args).run()?;
        run.assert_code(2);
        assert_mentions(&run.stderr, &[needle]);
    }
    Ok(())
}

#[test]
fn closed_stdout_is_not_reported_as_an_error() -> TestResult {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clearance"))
        .args([
            "check",
            "examples/script-into-chatbot.yaml",
            "examples/vendor-pipeline.yaml",
            "--color",
            "never",
        ])
        .current_dir(crate::util::workspace_root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    // Close the read end at once, like `head` that has read what it wanted.
    drop(child.stdout.take());
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        pipe.read_to_string(&mut stderr)?;
    }
    let status = child.wait()?;
    assert!(
        !stderr.contains("Broken pipe"),
        "a closed pipe is not the user's error: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(status.code().is_some(), "killed by a signal");
    Ok(())
}
