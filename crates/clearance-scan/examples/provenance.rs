//! Prints the provenance of each file named on the command line as one JSON line.
//!
//! `cargo run -p clearance-scan --example provenance -- [--trust-anchors FILE] PATH...`

use std::path::Path;
use std::process::ExitCode;

use clearance_scan::{ScanOptions, Scanner, Verdict};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1).peekable();
    let mut options = ScanOptions::default();
    if args.peek().is_some_and(|a| a == "--trust-anchors") {
        args.next();
        let Some(file) = args.next() else {
            eprintln!("--trust-anchors needs a file");
            return ExitCode::from(2);
        };
        match std::fs::read_to_string(&file) {
            Ok(pem) => options.trust_anchors_pem = Some(pem),
            Err(e) => {
                eprintln!("{file}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let scanner = match Scanner::new(&options) {
        Ok(scanner) => scanner,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut unreadable = false;
    for path in args {
        let provenance = scanner.read(Path::new(&path));
        unreadable |= matches!(provenance.verdict, Verdict::Unreadable { .. });
        match serde_json::to_string(&provenance) {
            Ok(line) => println!("{line}"),
            Err(e) => eprintln!("{path}: {e}"),
        }
    }
    if unreadable {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}
