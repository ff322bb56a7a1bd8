//! A unified line diff between two versions' intake text, as `diff -u` prints it (the `similar`
//! crate's Myers diff).

/// The unified diff of two texts with `context` lines around each change; empty when they are
/// equal.
pub fn unified(old: &str, new: &str, old_label: &str, new_label: &str, context: usize) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(context)
        .header(old_label, new_label)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unified_like_diff_u() {
        let old = "title: A\nproduction: P\nstage: ideation\nelement: poster\nmedia:\n- image\noutput:\n  final: 'no'\n";
        let new = "title: A\nproduction: P\nstage: ideation\nelement: poster\nmedia:\n- image\noutput:\n  final: 'yes'\n";
        let expected = "--- v1\n+++ v2\n@@ -5,4 +5,4 @@\n media:\n - image\n output:\n-  final: 'no'\n+  final: 'yes'\n";
        assert_eq!(unified(old, new, "v1", "v2", 3), expected);
        assert_eq!(unified(old, old, "v1", "v2", 3), "");
    }

    #[test]
    fn separate_hunks_and_missing_newline() {
        let old_lines: Vec<String> = (1..=20).map(|i| format!("{i}\n")).collect();
        let mut new_lines = old_lines.clone();
        new_lines[1] = "two\n".to_owned();
        new_lines[18] = "nineteen\n".to_owned();
        new_lines[19] = "20".to_owned();
        let (old, new) = (old_lines.concat(), new_lines.concat());
        let diff = unified(&old, &new, "a", "b", 1);
        assert_eq!(
            diff,
            "--- a\n+++ b\n@@ -1,3 +1,3 @@\n 1\n-2\n+two\n 3\n@@ -18,3 +18,3 @@\n 18\n-19\n-20\n+nineteen\n+20\n\\ No newline at end of file\n"
        );
        let added = unified("", "a\n", "a", "b", 3);
        assert_eq!(added, "--- a\n+++ b\n@@ -0,0 +1 @@\n+a\n");
    }
}
