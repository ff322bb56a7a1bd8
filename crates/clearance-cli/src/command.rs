//! One module per subcommand.

pub mod audit;
pub mod check;
pub mod rules;
pub mod scan;
pub mod serve;
pub mod store_args;
pub mod token;

use std::io::Read;

use anyhow::{Context, Result, bail};
use clearance_rulebook::{Rulebook, embedded};

use crate::render::diagnostic;

/// The largest input file read (intakes and rulebooks are small; this stops a mistaken path to a
/// video from being read into memory).
const MAX_INPUT: u64 = 8 * 1024 * 1024;

/// True when the error comes from writing to a pipe whose reader went away
/// (`clearance check … | head -1`): not the user's mistake, and not worth a message.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// `1 rule`, `2 rules`.
pub fn plural(count: usize, noun: &str) -> String {
    format!("{count} {noun}{}", if count == 1 { "" } else { "s" })
}

/// Reads a file, or standard input for `-`.
pub fn read_input(path: &str) -> Result<(String, String)> {
    let mut bytes = Vec::new();
    if path == "-" {
        std::io::stdin()
            .take(MAX_INPUT + 1)
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
        return decode("<stdin>", bytes);
    }
    let file = std::fs::File::open(path).with_context(|| format!("cannot open `{path}`"))?;
    file.take(MAX_INPUT + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read `{path}`"))?;
    decode(path, bytes)
}

fn decode(name: &str, bytes: Vec<u8>) -> Result<(String, String)> {
    if bytes.len() as u64 > MAX_INPUT {
        bail!(
            "`{name}` is larger than {} MiB; an intake or rulebook is a small text file",
            MAX_INPUT / 1024 / 1024
        );
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok((
            name.to_owned(),
            text.strip_prefix('\u{feff}')
                .map(str::to_owned)
                .unwrap_or(text),
        )),
        Err(error) => bail!(
            "`{name}` is not UTF-8 text (invalid byte at offset {})",
            error.utf8_error().valid_up_to()
        ),
    }
}

/// Loads the rulebooks named on the command line (ids of embedded rulebooks, or paths), or the
/// reference rulebook when none is named. Problems are printed; the error says how many files failed.
pub fn load_rulebooks(names: &[String]) -> Result<Vec<Rulebook>> {
    let mut loaded = Vec::new();
    let mut failed = 0;
    let names: Vec<&str> = if names.is_empty() {
        vec![embedded::REFERENCE_ID]
    } else {
        names.iter().map(String::as_str).collect()
    };
    for name in names {
        let result = match embedded::rulebook(name) {
            Some(result) => result.map_err(|error| (error, String::new())),
            None => {
                let looks_like_path =
                    name.contains('/') || name.contains('.') || std::path::Path::new(name).exists();
                if !looks_like_path {
                    let known: Vec<&str> = embedded::SOURCES.iter().map(|(id, _)| *id).collect();
                    bail!(
                        "no embedded rulebook `{name}` (embedded: {}); give a path to load a file",
                        known.join(", ")
                    );
                }
                let (file, source) = read_input(name)?;
                clearance_rulebook::load(&file, &source).map_err(|error| (error, source))
            }
        };
        match result {
            Ok(rulebook) => loaded.push(rulebook),
            Err((error, source)) => {
                failed += 1;
                let mut stderr = anstream::stderr();
                diagnostic::problems(&mut stderr, &error.file, &source, &error.problems.0)?;
            }
        }
    }
    if failed > 0 {
        bail!(
            "could not load {failed} rulebook{}",
            if failed == 1 { "" } else { "s" }
        );
    }
    Ok(loaded)
}
