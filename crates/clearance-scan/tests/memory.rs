//! Peak memory of reading a large signed file: the SDK must hash it in small buffers (the
//! vendored c2pa uses 8 MiB; the published 0.90.22 uses 256 MiB, two at a time, which this
//! test catches). Its own test binary, so no other test shares the process while it measures.
#![cfg(target_os = "linux")]
#![expect(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

#[path = "provenance/fixtures.rs"]
#[expect(dead_code, reason = "this test uses a few of the fixtures")]
mod fixtures;

use clearance_scan::{ScanOptions, Scanner, Validation, Verdict};

/// A field of `/proc/self/status`, in KiB.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("field in /proc/self/status")
}

#[test]
fn a_large_signed_file_is_validated_in_small_buffers() {
    let pki = fixtures::Pki::new();
    let dir = tempfile::tempdir().unwrap();
    // 320 MiB: over one published-SDK buffer (256 MiB), so the old code would hold both a
    // 256 MiB and a 64 MiB buffer.
    let path = fixtures::big_ai_generated(&pki, dir.path(), "big.wav", 320 * 1024 * 1024);
    let scanner = Scanner::new(&ScanOptions {
        trust_anchors_pem: Some(pki.root_pem.clone()),
        ..ScanOptions::default()
    })
    .unwrap();
    // Reset the peak (VmHWM) to the current resident size, after signing's own allocations.
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    let before = status_kib("VmRSS:");
    let read = scanner.read(&path);
    let peak = status_kib("VmHWM:");
    assert_eq!(read.verdict, Verdict::AiGenerated, "{read:?}");
    assert_eq!(
        read.manifest.as_ref().map(|m| &m.validation),
        Some(&Validation::Trusted),
        "the whole file was hashed and matched"
    );
    let grew_mib = peak.saturating_sub(before) / 1024;
    assert!(
        grew_mib < 96,
        "reading a 320 MiB file raised the peak by {grew_mib} MiB (before {before} KiB, peak {peak} KiB)"
    );
}
