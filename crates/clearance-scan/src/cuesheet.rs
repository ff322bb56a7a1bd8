//! The AI cue sheet: a CSV log of every AI element of the production (asset path or shot id,
//! timecode in and out, tool, prompt summary, proposal id), used to map assets to proposals
//! where the media carry no metadata.
//!
//! Columns are found by their header, in any order and case, with spaces, dashes and
//! underscores alike (`Shot ID`, `shot_id`, `shot-id`). Recognised names:
//!
//! | field | headers |
//! |---|---|
//! | asset | `asset`, `asset path`, `path`, `file` |
//! | shot | `shot`, `shot id` |
//! | timecode in / out | `timecode in`, `tc in`, `in` / `timecode out`, `tc out`, `out` |
//! | tool | `tool` |
//! | prompt summary | `prompt summary`, `prompt` |
//! | proposal | `proposal`, `proposal id` |
//!
//! Other columns (trackers add their own) are kept out of the way. A sheet needs an asset or
//! a shot column and a proposal column; each row needs an asset or a shot. A problem names
//! the file, the line and the column (`cue.csv:4:6: proposal: "P-x" is not a proposal id`),
//! and every problem of the sheet is reported at once.

use std::fmt;
use std::path::{Path, PathBuf};

/// A read cue sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueSheet {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its rows, in order.
    pub rows: Vec<CueRow>,
}

/// One row (one AI element).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueRow {
    /// Line of the row in the file (1-based; the header is line 1).
    pub line: u64,
    /// Asset path, as written (`/` or `\\` separators).
    pub asset: Option<String>,
    /// Shot id.
    pub shot: Option<String>,
    /// Timecode in (`HH:MM:SS:FF`, `;` before the frames for drop-frame).
    pub timecode_in: Option<String>,
    /// Timecode out.
    pub timecode_out: Option<String>,
    /// The tool used.
    pub tool: Option<String>,
    /// What was asked of it.
    pub prompt_summary: Option<String>,
    /// The proposal the element was approved under (`12`, `#12`).
    pub proposal_id: Option<i64>,
}

/// A problem in a cue sheet, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueProblem {
    /// The file.
    pub path: PathBuf,
    /// Line (1-based).
    pub line: u64,
    /// Column (1-based field number), when the problem is in one field.
    pub column: Option<usize>,
    /// The field's name.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CueProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)?;
        if let Some(column) = self.column {
            write!(f, ":{column}")?;
        }
        f.write_str(": ")?;
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Every problem of a cue sheet that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CueSheetError(pub Vec<CueProblem>);

impl fmt::Display for CueSheetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, problem) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Asset,
    Shot,
    TimecodeIn,
    TimecodeOut,
    Tool,
    PromptSummary,
    Proposal,
}

impl Field {
    fn from_header(header: &str) -> Option<Self> {
        let key: String = header
            .trim()
            .trim_start_matches('\u{feff}')
            .chars()
            .map(|c| {
                if c == ' ' || c == '-' {
                    '_'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        Some(match key.as_str() {
            "asset" | "asset_path" | "path" | "file" => Self::Asset,
            "shot" | "shot_id" => Self::Shot,
            "timecode_in" | "tc_in" | "in" => Self::TimecodeIn,
            "timecode_out" | "tc_out" | "out" => Self::TimecodeOut,
            "tool" => Self::Tool,
            "prompt_summary" | "prompt" => Self::PromptSummary,
            "proposal" | "proposal_id" => Self::Proposal,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Self::Asset => "asset",
            Self::Shot => "shot",
            Self::TimecodeIn => "timecode_in",
            Self::TimecodeOut => "timecode_out",
            Self::Tool => "tool",
            Self::PromptSummary => "prompt_summary",
            Self::Proposal => "proposal_id",
        }
    }
}

/// Reads a cue sheet file.
///
/// # Errors
/// Every problem found (unreadable file, missing columns, bad proposal ids or timecodes), each
/// located.
pub fn read(path: &Path) -> Result<CueSheet, CueSheetError> {
    let bytes = std::fs::read(path).map_err(|error| {
        CueSheetError(vec![CueProblem {
            path: path.to_path_buf(),
            line: 0,
            column: None,
            field: None,
            message: format!("cannot read the cue sheet: {error}"),
        }])
    })?;
    parse(path, &bytes)
}

/// Parses a cue sheet's bytes (`path` is used in problems).
///
/// # Errors
/// As [`read`].
pub fn parse(path: &Path, bytes: &[u8]) -> Result<CueSheet, CueSheetError> {
    let problem =
        |line: u64, column: Option<usize>, field: Option<Field>, message: String| CueProblem {
            path: path.to_path_buf(),
            line,
            column,
            field: field.map(|field| field.name().to_owned()),
            message,
        };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(error) => {
            return Err(CueSheetError(vec![problem(
                1,
                None,
                None,
                error.to_string(),
            )]));
        }
    };
    let columns: Vec<Option<Field>> = headers.iter().map(Field::from_header).collect();
    let column_of = |wanted: Field| columns.iter().position(|field| *field == Some(wanted));
    let mut problems = Vec::new();
    if column_of(Field::Asset).is_none() && column_of(Field::Shot).is_none() {
        problems.push(problem(
            1,
            None,
            None,
            format!(
                "no asset or shot column (the header has: {})",
                headers.iter().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    if column_of(Field::Proposal).is_none() {
        problems.push(problem(
            1,
            None,
            None,
            format!(
                "no proposal_id column (the header has: {})",
                headers.iter().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    if !problems.is_empty() {
        return Err(CueSheetError(problems));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, csv::Position::line);
                problems.push(problem(line, None, None, error.to_string()));
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        if record.iter().all(str::is_empty) {
            continue;
        }
        let value = |field: Field| -> Option<(usize, String)> {
            let column = column_of(field)?;
            let text = record.get(column)?;
            (!text.is_empty()).then(|| (column + 1, text.to_owned()))
        };
        let asset = value(Field::Asset).map(|(_, text)| text);
        let shot = value(Field::Shot).map(|(_, text)| text);
        if asset.is_none() && shot.is_none() {
            problems.push(problem(
                line,
                None,
                None,
                "the row names neither an asset nor a shot".to_owned(),
            ));
        }
        let proposal_id = match value(Field::Proposal) {
            None => None,
            Some((column, text)) => match parse_proposal(&text) {
                Some(id) => Some(id),
                None => {
                    problems.push(problem(
                        line,
                        Some(column),
                        Some(Field::Proposal),
                        format!("{text:?} is not a proposal id (write it as 12 or #12)"),
                    ));
                    None
                }
            },
        };
        let mut timecode = |field: Field| -> Option<String> {
            let (column, text) = value(field)?;
            if !is_timecode(&text) {
                problems.push(problem(
                    line,
                    Some(column),
                    Some(field),
                    format!(
                        "{text:?} is not a timecode (HH:MM:SS:FF, or HH:MM:SS;FF for drop-frame)"
                    ),
                ));
            }
            Some(text)
        };
        let timecode_in = timecode(Field::TimecodeIn);
        let timecode_out = timecode(Field::TimecodeOut);
        rows.push(CueRow {
            line,
            asset,
            shot,
            timecode_in,
            timecode_out,
            tool: value(Field::Tool).map(|(_, text)| text),
            prompt_summary: value(Field::PromptSummary).map(|(_, text)| text),
            proposal_id,
        });
    }
    if problems.is_empty() {
        Ok(CueSheet {
            path: path.to_path_buf(),
            rows,
        })
    } else {
        Err(CueSheetError(problems))
    }
}

fn parse_proposal(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('#').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|id| *id > 0)
}

/// `HH:MM:SS:FF` or `HH:MM:SS;FF` (also `.` before the frames), minutes and seconds below 60.
fn is_timecode(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 11 {
        return false;
    }
    let pair = |at: usize| -> Option<u32> {
        let (tens, units) = (bytes[at], bytes[at + 1]);
        (tens.is_ascii_digit() && units.is_ascii_digit())
            .then(|| u32::from(tens - b'0') * 10 + u32::from(units - b'0'))
    };
    let separators = bytes[2] == b':' && bytes[5] == b':' && matches!(bytes[8], b':' | b';' | b'.');
    separators
        && pair(0).is_some()
        && pair(3).is_some_and(|minutes| minutes < 60)
        && pair(6).is_some_and(|seconds| seconds < 60)
        && pair(9).is_some()
}

impl CueSheet {
    /// The row that logs this file: a row whose asset path is the file's path or a tail of it
    /// (whole path components, `/` and `\\` alike, without regard to case), else a row whose shot
    /// id is the file's name without extension or its start, followed by `_`, `-`, `.` or a space
    /// (`SH010` logs `SH010_comp_v003.mp4`). Asset rows win over shot rows.
    #[must_use]
    pub fn row_for(&self, path: &Path) -> Option<&CueRow> {
        let components: Vec<String> = path
            .components()
            .filter_map(|component| match component {
                std::path::Component::Normal(part) => Some(part.to_string_lossy().to_lowercase()),
                _ => None,
            })
            .collect();
        let by_asset = self.rows.iter().find(|row| {
            row.asset.as_deref().is_some_and(|asset| {
                let wanted: Vec<String> = asset
                    .split(['/', '\\'])
                    .filter(|part| !part.is_empty() && *part != ".")
                    .map(str::to_lowercase)
                    .collect();
                !wanted.is_empty() && components.ends_with(&wanted)
            })
        });
        if by_asset.is_some() {
            return by_asset;
        }
        let stem = path.file_stem()?.to_string_lossy().to_lowercase();
        self.rows.iter().find(|row| {
            row.shot.as_deref().is_some_and(|shot| {
                let shot = shot.to_lowercase();
                stem == shot
                    || stem
                        .strip_prefix(&shot)
                        .is_some_and(|rest| rest.starts_with(['_', '-', '.', ' ']))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(text: &str) -> Result<CueSheet, CueSheetError> {
        parse(Path::new("cue.csv"), text.as_bytes())
    }

    #[test]
    fn reads_rows_with_headers_in_any_order_and_spelling() {
        let read = sheet(
            "Proposal ID,Shot ID,TC In,TC Out,Tool,Prompt,Asset Path,Tracker note\n\
             #4,,,,Voice tool,pickup line,audio/ep08_pickup.wav,x\n\
             3,SH010,01:00:00:00,01:00:04;12,Image tool,sky,,\n",
        )
        .unwrap();
        assert_eq!(read.rows.len(), 2);
        assert_eq!(read.rows[0].line, 2);
        assert_eq!(read.rows[0].proposal_id, Some(4));
        assert_eq!(read.rows[0].asset.as_deref(), Some("audio/ep08_pickup.wav"));
        assert_eq!(read.rows[1].shot.as_deref(), Some("SH010"));
        assert_eq!(read.rows[1].timecode_out.as_deref(), Some("01:00:04;12"));
    }

    #[test]
    fn every_problem_is_located_at_once() {
        let error = sheet(
            "asset,proposal_id,timecode_in\n\
             a.png,P-x,00:00:00:00\n\
             b.png,2,00:61:00:00\n\
             ,3,\n",
        )
        .unwrap_err();
        let lines: Vec<String> = error.0.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "cue.csv:2:2: proposal_id: \"P-x\" is not a proposal id (write it as 12 or #12)",
                "cue.csv:3:3: timecode_in: \"00:61:00:00\" is not a timecode (HH:MM:SS:FF, or HH:MM:SS;FF for drop-frame)",
                "cue.csv:4: the row names neither an asset nor a shot",
            ]
        );
    }

    #[test]
    fn a_sheet_without_the_needed_columns_says_which_it_has() {
        let error = sheet("name,notes\nx,y\n").unwrap_err();
        assert_eq!(error.0.len(), 2);
        assert!(
            error.0[0]
                .message
                .contains("no asset or shot column (the header has: name, notes)")
        );
        assert!(error.0[1].message.contains("no proposal_id column"));
    }

    #[test]
    fn rows_match_files_by_path_tail_or_shot_prefix() {
        let read = sheet(
            "asset,shot,proposal_id\n\
             art/poster.png,,2\n\
             ,SH010,3\n",
        )
        .unwrap();
        let line = |path: &str| read.row_for(Path::new(path)).map(|row| row.line);
        assert_eq!(line("deliverables/ART/Poster.png"), Some(2));
        assert_eq!(line("deliverables/other/poster.png"), None);
        assert_eq!(line("deliverables/xart/poster.png"), None);
        assert_eq!(line("vfx/SH010_comp_v003.mp4"), Some(3));
        assert_eq!(line("vfx/SH010.mov"), Some(3));
        assert_eq!(line("vfx/SH0100_comp.mp4"), None);
    }
}
