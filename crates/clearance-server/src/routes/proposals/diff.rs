//! A unified line diff (Myers' O(ND) algorithm), as `diff -u` prints it.
//!
//! Intake files are small, so the common prefix and suffix are trimmed and the middle is diffed
//! exactly; past [`MAX_EDITS`] differing lines the middle is shown as removed and added whole
//! (still a correct diff, only not a minimal one).

/// Beyond this many edits the diff stops searching for a minimal script.
pub const MAX_EDITS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// Same line: index in the old text, index in the new text.
    Equal(usize, usize),
    /// Line of the old text removed.
    Delete(usize),
    /// Line of the new text added.
    Insert(usize),
}

/// The lines of a text, each with its line ending.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// The shortest edit script turning `old` into `new` (Myers), or `None` past `MAX_EDITS`.
fn myers(old: &[&str], new: &[&str]) -> Option<Vec<Op>> {
    let (n, m) = (old.len(), new.len());
    let max = n + m;
    let limit = max.min(MAX_EDITS);
    // v[k + offset] = furthest x on diagonal k; k ranges over -d..=d.
    let offset = limit + 1;
    let mut v = vec![0_usize; 2 * offset + 1];
    // trace[d] = v[offset-d ..= offset+d] as it was before round d.
    let mut trace: Vec<Vec<usize>> = Vec::new();
    let mut finished = None;
    'rounds: for d in 0..=limit {
        trace.push(v[offset - d..=offset + d].to_vec());
        let mut k = -(d as isize);
        while k <= d as isize {
            let index = (k + offset as isize) as usize;
            let mut x = if k == -(d as isize) || (k != d as isize && v[index - 1] < v[index + 1]) {
                v[index + 1]
            } else {
                v[index - 1] + 1
            };
            let mut y = (x as isize - k) as usize;
            while x < n && y < m && old[x] == new[y] {
                x += 1;
                y += 1;
            }
            v[index] = x;
            if x >= n && y >= m {
                finished = Some(d);
                break 'rounds;
            }
            k += 2;
        }
    }
    let depth = finished?;
    let mut ops = Vec::with_capacity(max);
    let (mut x, mut y) = (n, m);
    for d in (1..=depth).rev() {
        let before = &trace[d];
        let at = |k: isize| before[(k + d as isize) as usize];
        let k = x as isize - y as isize;
        let previous_k = if k == -(d as isize) || (k != d as isize && at(k - 1) < at(k + 1)) {
            k + 1
        } else {
            k - 1
        };
        let previous_x = at(previous_k);
        let previous_y = (previous_x as isize - previous_k) as usize;
        while x > previous_x && y > previous_y {
            x -= 1;
            y -= 1;
            ops.push(Op::Equal(x, y));
        }
        if x == previous_x {
            y -= 1;
            ops.push(Op::Insert(y));
        } else {
            x -= 1;
            ops.push(Op::Delete(x));
        }
    }
    while x > 0 && y > 0 {
        x -= 1;
        y -= 1;
        ops.push(Op::Equal(x, y));
    }
    ops.reverse();
    Some(ops)
}

/// The edit script: common prefix and suffix kept, the middle diffed.
fn script(old: &[&str], new: &[&str]) -> Vec<Op> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (old_middle, new_middle) = (
        &old[prefix..old.len() - suffix],
        &new[prefix..new.len() - suffix],
    );
    let mut ops: Vec<Op> = (0..prefix).map(|i| Op::Equal(i, i)).collect();
    match myers(old_middle, new_middle) {
        Some(middle) => ops.extend(middle.into_iter().map(|op| match op {
            Op::Equal(a, b) => Op::Equal(a + prefix, b + prefix),
            Op::Delete(a) => Op::Delete(a + prefix),
            Op::Insert(b) => Op::Insert(b + prefix),
        })),
        None => {
            ops.extend((0..old_middle.len()).map(|a| Op::Delete(a + prefix)));
            ops.extend((0..new_middle.len()).map(|b| Op::Insert(b + prefix)));
        }
    }
    ops.extend((0..suffix).map(|i| Op::Equal(old.len() - suffix + i, new.len() - suffix + i)));
    ops
}

fn push_line(out: &mut String, mark: char, line: &str) {
    out.push(mark);
    out.push_str(line);
    if !line.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

/// `start,count` of a hunk side, as `diff -u` writes it (a side with no lines names the line
/// before the hunk).
fn range(before: usize, count: usize) -> String {
    let start = if count == 0 { before } else { before + 1 };
    if count == 1 {
        start.to_string()
    } else {
        format!("{start},{count}")
    }
}

/// The unified diff of two texts with `context` lines around each change; empty when they are
/// equal.
pub fn unified(old: &str, new: &str, old_label: &str, new_label: &str, context: usize) -> String {
    if old == new {
        return String::new();
    }
    let (old_lines, new_lines) = (lines(old), lines(new));
    let ops = script(&old_lines, &new_lines);
    let changes: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| !matches!(op, Op::Equal(..)))
        .map(|(i, _)| i)
        .collect();
    let mut out = format!("--- {old_label}\n+++ {new_label}\n");
    let mut group_start = 0;
    while group_start < changes.len() {
        let mut group_end = group_start;
        while group_end + 1 < changes.len()
            && changes[group_end + 1] - changes[group_end] <= 2 * context + 1
        {
            group_end += 1;
        }
        let first = changes[group_start].saturating_sub(context);
        let last = (changes[group_end] + context + 1).min(ops.len());
        let hunk = &ops[first..last];
        // Lines of each text before the hunk: count what the ops before `first` consumed.
        let (mut old_before, mut new_before) = (0, 0);
        for op in &ops[..first] {
            match op {
                Op::Equal(..) => {
                    old_before += 1;
                    new_before += 1;
                }
                Op::Delete(_) => old_before += 1,
                Op::Insert(_) => new_before += 1,
            }
        }
        let old_count = hunk
            .iter()
            .filter(|op| !matches!(op, Op::Insert(_)))
            .count();
        let new_count = hunk
            .iter()
            .filter(|op| !matches!(op, Op::Delete(_)))
            .count();
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(old_before, old_count),
            range(new_before, new_count)
        ));
        for op in hunk {
            match *op {
                Op::Equal(a, _) => push_line(&mut out, ' ', old_lines[a]),
                Op::Delete(a) => push_line(&mut out, '-', old_lines[a]),
                Op::Insert(b) => push_line(&mut out, '+', new_lines[b]),
            }
        }
        group_start = group_end + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(old: &[&str], new: &[&str], ops: &[Op]) -> (Vec<String>, Vec<String>) {
        let mut from = Vec::new();
        let mut to = Vec::new();
        for op in ops {
            match *op {
                Op::Equal(a, b) => {
                    assert_eq!(old[a], new[b]);
                    from.push(old[a].to_owned());
                    to.push(new[b].to_owned());
                }
                Op::Delete(a) => from.push(old[a].to_owned()),
                Op::Insert(b) => to.push(new[b].to_owned()),
            }
        }
        (from, to)
    }

    #[test]
    fn scripts_rebuild_both_texts() {
        let cases = [
            ("a\nb\nc\n", "a\nx\nc\n"),
            ("", "a\n"),
            ("a\n", ""),
            ("a\nb\n", "b\na\n"),
            ("x\ny\nz\nq\n", "q\nz\ny\nx\n"),
            ("a\nb\nc", "a\nb\nc\nd"),
        ];
        for (old, new) in cases {
            let (a, b) = (lines(old), lines(new));
            let ops = script(&a, &b);
            let (from, to) = apply(&a, &b, &ops);
            assert_eq!(from.concat(), old);
            assert_eq!(to.concat(), new);
        }
    }

    #[test]
    fn minimal_for_a_swap() {
        let (a, b) = (lines("a\nb\nc\n"), lines("b\nc\na\n"));
        let edits = script(&a, &b)
            .iter()
            .filter(|op| !matches!(op, Op::Equal(..)))
            .count();
        assert_eq!(edits, 2);
    }

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
