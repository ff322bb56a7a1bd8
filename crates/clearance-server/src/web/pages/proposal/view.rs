//! The proposal page's markup: the tier banner, the findings and what to do, the answers, the
//! versions, the decisions and the decision form, the discussion, the attachments and the audit
//! trail. Forms are shown only to those who may use them; the print stylesheet hides them.

use std::collections::BTreeMap;

use clearance_domain::Tier;
use clearance_store::model::{Capacity, Decision, Review, Status};
use maud::{Markup, html};

use super::evaluation::{Catalogue, EvalView, RecordUseView};
use super::intake;
use super::load::Loaded;
use crate::auth::Access;
use crate::routes::proposals::read::ApprovalStatus;
use crate::web::layout::{csrf_field, status_badge, tier_badge, tier_words, when};
use crate::web::session::Viewer;

/// What the viewer typed into a form that came back with problems, and the problems (each
/// shown next to its field).
#[derive(Debug, Default)]
pub(crate) struct Typed {
    /// A problem that belongs to no one field (a conflict, an illegal transition).
    pub message: Option<String>,
    /// Field → problem (`decision`, `note`, `conditions`, `expires_on`, `scope`, `comment`,
    /// `file`).
    pub problems: BTreeMap<&'static str, String>,
    /// The decision form as typed.
    pub decision: DecisionValues,
    /// The comment as typed.
    pub comment: String,
}

/// The decision form's fields as typed.
#[derive(Debug, Default, Clone)]
pub(crate) struct DecisionValues {
    /// `approve`, `request_changes`, `refuse` or empty.
    pub decision: String,
    /// The note.
    pub note: String,
    /// Conditions, one per line.
    pub conditions: String,
    /// `YYYY-MM-DD` or empty.
    pub expires_on: String,
    /// The scope.
    pub scope: String,
}

/// What the viewer may do with the proposal (exactly what the API would let them do).
struct Allowed {
    edit: bool,
    submit: bool,
    withdraw: bool,
    clone: bool,
    decide: bool,
}

impl Allowed {
    fn of(loaded: &Loaded) -> Allowed {
        let writer = matches!(
            loaded.access,
            Access::Admin | Access::Member(Capacity::Partner)
        );
        let reviewer = matches!(loaded.access, Access::Member(Capacity::Reviewer));
        let status = loaded.proposal.status;
        Allowed {
            edit: writer
                && matches!(
                    status,
                    Status::Draft
                        | Status::ChangesRequested
                        | Status::InReview
                        | Status::Acknowledged
                        | Status::Approved
                        | Status::Expired
                ),
            submit: writer && status == Status::Draft,
            withdraw: writer
                && matches!(
                    status,
                    Status::Draft | Status::Submitted | Status::InReview | Status::ChangesRequested
                ),
            clone: writer,
            decide: reviewer
                && (status == Status::InReview
                    || (status == Status::Approved && loaded.proposal.needs_reapproval)),
        }
    }
}

/// The decision in words.
pub(crate) fn decision_words(decision: Decision) -> &'static str {
    match decision {
        Decision::Approve => "Approved",
        Decision::RequestChanges => "Changes requested",
        Decision::Refuse => "Refused",
    }
}

/// `1,234 bytes` as `1.2 KB`.
fn size_words(bytes: i64) -> String {
    #[expect(
        clippy::cast_precision_loss,
        reason = "a size shown to one decimal place"
    )]
    let value = bytes as f64;
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KB", value / 1024.0)
    } else {
        format!("{:.1} MB", value / (1024.0 * 1024.0))
    }
}

/// A field's problem, if any, as a paragraph with the id the field points at.
fn problem(typed: &Typed, field: &'static str) -> Markup {
    html! {
        @if let Some(message) = typed.problems.get(field) {
            p.error id={ (field) "-error" } { (message) }
        }
    }
}

fn invalid(typed: &Typed, field: &'static str) -> Option<&'static str> {
    typed.problems.contains_key(field).then_some("true")
}

fn described(typed: &Typed, field: &'static str, help: Option<&str>) -> Option<String> {
    let mut ids: Vec<String> = help.map(str::to_owned).into_iter().collect();
    if typed.problems.contains_key(field) {
        ids.push(format!("{field}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The tier banner (`data-tier` carries the tier; the words say it).
pub(crate) fn banner(tier: Option<Tier>, extra: Markup) -> Markup {
    html! {
        @match tier {
            Some(tier) => {
                section class={ "banner tier-" (tier.as_str()) } data-tier=(tier.as_str()) aria-label="Tier" {
                    p { strong { (tier_words(tier)) } }
                    (extra)
                }
            }
            None => {
                section.banner aria-label="Tier" {
                    p { strong { "Not evaluated yet" } }
                    (extra)
                }
            }
        }
    }
}

/// The evaluation's sections: findings, what to do, what would lower the tier, unanswered
/// questions, the records used and any rule that could not be evaluated.
pub(crate) fn evaluation_sections(evaluation: &EvalView, catalogue: &Catalogue) -> Markup {
    let fallback = evaluation
        .rulebooks
        .first()
        .map_or("netflix-genai-2025", |rulebook| rulebook.id.as_str());
    html! {
        section #findings {
            h2 { "Findings" }
            @if evaluation.findings.is_empty() {
                p.muted { "No findings." }
            } @else {
                ol.findings {
                    @for finding in &evaluation.findings {
                        li.finding {
                            p {
                                @if let Some(tier) = finding.tier { (tier_badge(tier)) " " }
                                (finding.reason)
                            }
                            @if !finding.citations.is_empty() {
                                p.clauses {
                                    "Guidance: "
                                    @for (position, key) in finding.citations.iter().enumerate() {
                                        @if position > 0 { "; " }
                                        @let (rulebook, title) = catalogue.clause(finding.rulebook.as_deref(), key, fallback);
                                        a href={ "/rulebooks/" (rulebook) "#clause-" (key) } {
                                            @if let Some(title) = title { (title) " " }
                                            code { (key) }
                                        }
                                    }
                                }
                            }
                            p.muted.rule { "Rule " code { (finding.rule) } }
                        }
                    }
                }
            }
            @if let Some(principles) = &evaluation.principles {
                h3 { "The guiding principles" }
                table.principles {
                    thead { tr { th scope="col" { "Principle" } th scope="col" { "Answer" } } }
                    tbody {
                        @for (number, answer) in principles {
                            @let key = format!("netflix:principle/{number}");
                            @let (rulebook, title) = catalogue.clause(None, &key, fallback);
                            tr {
                                th scope="row" {
                                    a href={ "/rulebooks/" (rulebook) "#clause-" (key) } {
                                        (title.map_or_else(|| format!("Principle {number}"), str::to_owned))
                                    }
                                }
                                td { (intake::words(answer)) }
                            }
                        }
                    }
                }
            }
        }
        section #actions-to-take {
            h2 { "What to do" }
            @if evaluation.actions.is_empty() {
                p.muted { "Nothing to do." }
            } @else {
                ul.checklist {
                    @for action in &evaluation.actions {
                        li {
                            span.check aria-hidden="true" { "☐" }
                            " "
                            (catalogue.action(action).map_or_else(|| intake::words(action), str::to_owned))
                            " " code.muted { (action) }
                        }
                    }
                }
            }
        }
        section #lower-tier {
            h2 { "What would lower the tier" }
            @if evaluation.lower_tier_if.is_empty() {
                p.muted { "No change to the answers would lower the tier." }
            } @else {
                ul.suggestions {
                    @for suggestion in &evaluation.lower_tier_if {
                        li {
                            @if let Some(tier) = suggestion.tier { (tier_badge(tier)) } " if:"
                            ul {
                                @for (path, value) in &suggestion.changes {
                                    li {
                                        (intake::label(path)) " (" code { (path) } "): "
                                        strong { (intake::value_words(path, value)) }
                                    }
                                }
                            }
                        }
                    }
                }
                @if evaluation.lower_tier_if_truncated {
                    p.muted { "The search for changes stopped early; there may be others." }
                }
            }
        }
        section #unanswered {
            h2 { "Unanswered questions" }
            @if evaluation.unanswered.is_empty() {
                p.muted { "Every question the rules read was answered." }
            } @else {
                p.help { "Each question left out counts as “unsure”." }
                ul {
                    @for path in &evaluation.unanswered {
                        li { (intake::label(path)) " " code { (path) } }
                    }
                }
            }
        }
        section #records {
            h2 { "Consent records and tools used" }
            @if evaluation.records.consents.is_empty() && evaluation.records.tools.is_empty() {
                p.muted { "The proposal references no consent record or registered tool." }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { "Record" } th scope="col" { "Kind" }
                        th scope="col" { "Status" } th scope="col" { "Why" }
                    } }
                    tbody {
                        @for (id, used) in &evaluation.records.consents {
                            (record_row(id, "Consent", used))
                        }
                        @for (id, used) in &evaluation.records.tools {
                            (record_row(id, "Tool", used))
                        }
                    }
                }
            }
        }
        @if !evaluation.errors.is_empty() {
            section #evaluation-errors {
                h2 { "Rules that could not be evaluated" }
                p.help { "Such a rule never lowers the tier." }
                ul {
                    @for error in &evaluation.errors {
                        li { code { (error.rulebook) " / " (error.rule) } ": " (error.message) }
                    }
                }
            }
        }
    }
}

fn record_row(id: &str, kind: &str, used: &RecordUseView) -> Markup {
    let status = match used.status.as_str() {
        "covers" => "Covers this use",
        "requested" => "Requested, not given yet",
        "void" => "Does not count",
        "registered" => "Registered terms used",
        "missing" => "No such record",
        other => other,
    };
    html! {
        tr {
            th scope="row" { code { (id) } }
            td { (kind) }
            td { (status) }
            td { (used.reason.as_deref().unwrap_or("")) }
        }
    }
}

/// The answers as a definition list, with the source text in a `<details>`.
pub(crate) fn answers_section(
    number: i64,
    intake_json: &str,
    format: &str,
    content_hash: &str,
    source: &str,
) -> Markup {
    html! {
        section #answers {
            h2 { "The proposal as declared (version " (number) ")" }
            (intake::answers(intake_json))
            details.source {
                summary { "Source text (" (format.to_uppercase()) ", SHA-256 " code.hash { (content_hash) } ")" }
                pre { code { (source) } }
            }
        }
    }
}

/// The whole proposal page body.
pub(crate) fn proposal_page(
    viewer: &Viewer,
    loaded: &Loaded,
    catalogue: &Catalogue,
    typed: &Typed,
) -> Markup {
    let proposal = &loaded.proposal;
    let allowed = Allowed::of(loaded);
    let current = loaded.current();
    let evaluation = current
        .and_then(|version| version.evaluation.as_ref())
        .map(|stored| EvalView::parse(&stored.result))
        .unwrap_or_default();
    let tier = current
        .and_then(|version| version.evaluation.as_ref())
        .map(|stored| stored.tier)
        .or(proposal.tier);
    html! {
        article.proposal {
            h1 { (proposal.title) }
            p.meta {
                "Production: " a href={ "/productions/" (proposal.production_id) } { (loaded.production.title) }
                " · Status: " span data-status=(proposal.status.as_str()) { (status_badge(proposal.status)) }
                " · Version " (proposal.current_version)
                @if let Some(vendor) = &proposal.vendor { " · Vendor: " (vendor) }
                " · Created by " (loaded.name(proposal.created_by)) " on " (when(proposal.created_at))
                " · Last change " (when(proposal.updated_at))
            }
            @if let Some(message) = &typed.message {
                p.error role="alert" { (message) }
            }
            (banner(tier, html! {
                @if loaded.approval.approved_version.is_some() || proposal.status == Status::Approved {
                    p.approval-status {
                        @if loaded.approval.covered { "Written approval covers this version: " }
                        @else { "Written approval does not cover this version: " }
                        (loaded.approval.reason)
                    }
                }
                @if proposal.needs_reapproval {
                    p { "The tier rose since the approval: it needs approving again." }
                }
            }))
            (buttons(viewer, loaded, &allowed))
            (evaluation_sections(&evaluation, catalogue))
            @if let Some(version) = current {
                (answers_section(version.number, &version.intake, &version.format, &version.content_hash, &version.source))
            }
            (decisions(loaded))
            @if allowed.decide { (decision_form(viewer, loaded, typed)) }
            (versions(loaded))
            (comments(viewer, loaded, typed))
            (attachments(viewer, loaded, typed))
            (audit_trail(loaded))
        }
    }
}

fn buttons(viewer: &Viewer, loaded: &Loaded, allowed: &Allowed) -> Markup {
    let id = loaded.proposal.id;
    let revision = loaded.proposal.revision;
    html! {
        div.actions {
            @if allowed.edit {
                a.button href={ "/proposals/" (id) "/edit" } { "Edit" }
            }
            @if allowed.submit {
                form method="post" action={ "/proposals/" (id) "/submit" } {
                    (csrf_field(viewer))
                    input type="hidden" name="revision" value=(revision);
                    button type="submit" { "Submit for review" }
                }
            }
            @if allowed.clone {
                form method="post" action={ "/proposals/" (id) "/clone" } {
                    (csrf_field(viewer))
                    button.secondary type="submit" { "Clone as new proposal" }
                }
            }
            @if allowed.withdraw {
                form method="post" action={ "/proposals/" (id) "/withdraw" } {
                    (csrf_field(viewer))
                    input type="hidden" name="revision" value=(revision);
                    button.danger type="submit" data-confirm="Withdraw this proposal? It is closed for good; you can clone it later." { "Withdraw" }
                }
            }
            a.button.secondary href={ "/proposals/" (id) "/versions/" (loaded.proposal.current_version) } { "This version alone" }
        }
    }
}

fn covers_words(review: &Review, approval: &ApprovalStatus) -> Option<String> {
    if review.decision != Decision::Approve {
        return None;
    }
    Some(if approval.review_id == Some(review.id) {
        if approval.covered {
            "This approval covers the current version.".to_owned()
        } else {
            format!(
                "This approval does not cover the current version: {}.",
                approval.reason
            )
        }
    } else {
        format!(
            "This approval is no longer in force (it was given to version {}).",
            review.version
        )
    })
}

fn decisions(loaded: &Loaded) -> Markup {
    html! {
        section #decisions {
            h2 { "Review decisions" }
            @if loaded.reviews.is_empty() {
                p.muted { "No written decision yet." }
            }
            @for review in &loaded.reviews {
                article.review data-decision=(review.decision.as_str()) {
                    h3 { (decision_words(review.decision)) " by " (loaded.name(review.reviewer_id)) }
                    p.muted {
                        (when(review.created_at)) " · version " (review.version) " · tier "
                        (tier_badge(review.tier))
                    }
                    p.note { (review.note) }
                    @if !review.conditions.is_empty() {
                        h4 { "Conditions" }
                        ul.conditions {
                            @for condition in &review.conditions { li { (condition) } }
                        }
                    }
                    @if let Some(scope) = &review.scope {
                        p { "Scope: " (scope) }
                    }
                    @if let Some(expiry) = review.expires_at {
                        p { "Expires: " (when(expiry)) }
                    }
                    @if let Some(words) = covers_words(review, &loaded.approval) {
                        p.covers { (words) }
                    }
                }
            }
        }
    }
}

fn decision_form(viewer: &Viewer, loaded: &Loaded, typed: &Typed) -> Markup {
    let id = loaded.proposal.id;
    let values = &typed.decision;
    let choices = [
        (
            "approve",
            "Approve",
            "Written approval of this exact version",
        ),
        (
            "request_changes",
            "Request changes",
            "The producer revises it",
        ),
        ("refuse", "Refuse", "Closed; it can only be cloned"),
    ];
    html! {
        section #decide.no-print {
            h2 { "Your decision" }
            form #decision-form method="post" action={ "/proposals/" (id) "/decision" } novalidate {
                (csrf_field(viewer))
                input type="hidden" name="revision" value=(loaded.proposal.revision);
                fieldset aria-describedby=[described(typed, "decision", None)] {
                    legend { "Decision" }
                    div.choices {
                        @for (value, label, help) in choices {
                            label for={ "decision-" (value) } {
                                input #{ "decision-" (value) } type="radio" name="decision" value=(value)
                                    required checked[values.decision == value];
                                (label) span.muted { " (" (help) ")" }
                            }
                        }
                    }
                    (problem(typed, "decision"))
                }
                label for="note" { "Note (required)" }
                p.help #note-help { "Why; it is kept with the decision and shown to the production." }
                textarea #note name="note" required aria-invalid=[invalid(typed, "note")]
                    aria-describedby=[described(typed, "note", Some("note-help"))] { (values.note) }
                (problem(typed, "note"))
                label for="conditions" { "Conditions (an approval only)" }
                p.help #conditions-help { "One condition per line." }
                textarea #conditions name="conditions" aria-invalid=[invalid(typed, "conditions")]
                    aria-describedby=[described(typed, "conditions", Some("conditions-help"))] { (values.conditions) }
                (problem(typed, "conditions"))
                label for="expires_on" { "Approval expires on (optional)" }
                p.help #expires-help { "The approval ends at the end of that day (UTC)." }
                input #expires_on type="date" name="expires_on" value=(values.expires_on)
                    aria-invalid=[invalid(typed, "expires_on")]
                    aria-describedby=[described(typed, "expires_on", Some("expires-help"))];
                (problem(typed, "expires_on"))
                label for="scope" { "Scope (optional)" }
                p.help #scope-help { "What the approval covers, for example “episodes 1–3, background only”." }
                input #scope type="text" name="scope" value=(values.scope)
                    aria-invalid=[invalid(typed, "scope")]
                    aria-describedby=[described(typed, "scope", Some("scope-help"))];
                (problem(typed, "scope"))
                div.form-buttons {
                    button type="submit" { "Record decision" }
                }
            }
        }
    }
}

fn versions(loaded: &Loaded) -> Markup {
    let id = loaded.proposal.id;
    let current = loaded.proposal.current_version;
    html! {
        section #versions {
            h2 { "Versions" }
            table {
                thead { tr {
                    th scope="col" { "Version" } th scope="col" { "Written by" }
                    th scope="col" { "When" } th scope="col" { "Tier" } th scope="col" { "Compare" }
                } }
                tbody {
                    @for version in loaded.versions.iter().rev() {
                        tr {
                            th scope="row" {
                                a href={ "/proposals/" (id) "/versions/" (version.number) } { "Version " (version.number) }
                                @if version.number == current { " (current)" }
                            }
                            td { (loaded.name(version.author_id)) }
                            td { (when(version.created_at)) }
                            td {
                                @match version.evaluation.as_ref() {
                                    Some(stored) => (tier_badge(stored.tier)),
                                    None => span.muted { "not evaluated" },
                                }
                            }
                            td {
                                @if version.number > 1 {
                                    a href={ "/proposals/" (id) "/diff?from=" (version.number - 1) "&to=" (version.number) } {
                                        "Changes from version " (version.number - 1)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if current > 1 {
                (diff_form(id, current, current - 1, current))
            }
        }
    }
}

/// A form to compare any two versions.
pub(crate) fn diff_form(id: i64, count: i64, from: i64, to: i64) -> Markup {
    html! {
        form.filters method="get" action={ "/proposals/" (id) "/diff" } {
            div {
                label for="diff-from" { "Compare version" }
                select #diff-from name="from" {
                    @for number in 1..=count { option value=(number) selected[number == from] { (number) } }
                }
            }
            div {
                label for="diff-to" { "with version" }
                select #diff-to name="to" {
                    @for number in 1..=count { option value=(number) selected[number == to] { (number) } }
                }
            }
            button.secondary type="submit" { "Show changes" }
        }
    }
}

fn comments(viewer: &Viewer, loaded: &Loaded, typed: &Typed) -> Markup {
    let id = loaded.proposal.id;
    html! {
        section #comments {
            h2 { "Comments" }
            @if loaded.comments.is_empty() {
                p.muted { "No comments yet." }
            } @else {
                ol.comments {
                    @for comment in &loaded.comments {
                        li #{ "comment-" (comment.id) } {
                            p.muted { strong { (loaded.name(comment.author_id)) } " · " (when(comment.created_at)) }
                            p.note { (comment.body) }
                        }
                    }
                }
            }
            form method="post" action={ "/proposals/" (id) "/comments" } {
                (csrf_field(viewer))
                label for="comment-body" { "Add a comment" }
                textarea #comment-body name="body" required aria-invalid=[invalid(typed, "comment")]
                    aria-describedby=[described(typed, "comment", None)] { (typed.comment) }
                (problem(typed, "comment"))
                div.form-buttons { button type="submit" { "Post comment" } }
            }
        }
    }
}

fn attachments(viewer: &Viewer, loaded: &Loaded, typed: &Typed) -> Markup {
    let id = loaded.proposal.id;
    html! {
        section #attachments {
            h2 { "Attachments" }
            @if loaded.attachments.is_empty() {
                p.muted { "No attachments." }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { "File" } th scope="col" { "Size" } th scope="col" { "SHA-256" }
                        th scope="col" { "Added by" } th scope="col" { "When" }
                    } }
                    tbody {
                        @for attachment in &loaded.attachments {
                            tr {
                                th scope="row" {
                                    a href={ "/proposals/" (id) "/attachments/" (attachment.id) } download=(attachment.name) { (attachment.name) }
                                    br; span.muted { (attachment.media_type) }
                                }
                                td { (size_words(attachment.size)) }
                                td { code.hash data-sha256=(attachment.sha256) { (attachment.sha256) } }
                                td { (loaded.name(attachment.uploaded_by)) }
                                td { (when(attachment.created_at)) }
                            }
                        }
                    }
                }
            }
            form method="post" action={ "/proposals/" (id) "/attachments" } enctype="multipart/form-data" {
                (csrf_field(viewer))
                label for="attachment-file" { "Attach a file" }
                input #attachment-file type="file" name="file" required aria-invalid=[invalid(typed, "file")]
                    aria-describedby=[described(typed, "file", None)];
                (problem(typed, "file"))
                div.form-buttons { button type="submit" { "Upload" } }
            }
        }
    }
}

fn audit_trail(loaded: &Loaded) -> Markup {
    let id = loaded.proposal.id;
    html! {
        section #audit {
            h2 { "Audit trail" }
            p.help { "Every change to this proposal is an entry of the tamper-evident log; each proof shows the entry is in a signed checkpoint." }
            @if loaded.audit.is_empty() {
                p.muted { "No entries found." }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { "Entry" } th scope="col" { "When" } th scope="col" { "Who" }
                        th scope="col" { "What" } th scope="col" { "Proof" }
                    } }
                    tbody {
                        @for entry in &loaded.audit {
                            tr {
                                th scope="row" { (entry.index) }
                                td { (when(entry.at)) }
                                td {
                                    @match entry.actor_id {
                                        Some(actor) => (loaded.name(actor)),
                                        None => "the service",
                                    }
                                }
                                td { code { (entry.action) } }
                                td {
                                    a href={ "/proposals/" (id) "/audit/" (entry.index) "/proof.json" } { "Inclusion proof (JSON)" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_words() {
        assert_eq!(size_words(12), "12 bytes");
        assert_eq!(size_words(2048), "2.0 KB");
        assert_eq!(size_words(3 * 1024 * 1024), "3.0 MB");
    }

    #[test]
    fn the_banner_carries_the_tier() {
        let html = banner(Some(Tier::Approval), html! {}).into_string();
        assert!(html.contains(r#"class="banner tier-approval""#), "{html}");
        assert!(html.contains(r#"data-tier="approval""#), "{html}");
        assert!(html.contains("written approval needed"), "{html}");
    }
}
