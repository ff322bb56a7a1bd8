//! Provenance read from files signed at test time.
#![expect(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

#[path = "provenance/fixtures.rs"]
#[expect(dead_code, reason = "the large-file fixture is for the memory test")]
mod fixtures;

use clearance_scan::{Basis, Provenance, ScanOptions, Scanner, Validation, Verdict};
use fixtures::{IPTC, Pki};

fn untrusted() -> Scanner {
    Scanner::new(&ScanOptions::default()).unwrap()
}

fn trusting(pki: &Pki) -> Scanner {
    Scanner::new(&ScanOptions {
        trust_anchors_pem: Some(pki.root_pem.clone()),
        ..ScanOptions::default()
    })
    .unwrap()
}

fn validation(p: &Provenance) -> &Validation {
    &p.manifest.as_ref().expect("a manifest").validation
}

#[test]
fn ai_generated_jpeg_and_png_trusted_only_with_the_anchor() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    for name in ["generated.jpg", "generated.png"] {
        let path = fixtures::ai_generated(&pki, dir.path(), name);

        let trusted = trusting(&pki).read(&path);
        assert_eq!(trusted.verdict, Verdict::AiGenerated, "{name}: {trusted:?}");
        assert_eq!(trusted.basis, Basis::C2pa);
        assert_eq!(validation(&trusted), &Validation::Trusted, "{name}");

        let plain = untrusted().read(&path);
        assert_eq!(plain.verdict, Verdict::AiGenerated, "{name}");
        assert_eq!(validation(&plain), &Validation::ValidUntrusted, "{name}");

        let manifest = plain.manifest.unwrap();
        assert!(manifest.embedded);
        assert!(
            manifest
                .claim_generator
                .as_deref()
                .is_some_and(|g| g.contains("clearance-scan")),
            "{manifest:?}"
        );
        let created = manifest
            .actions
            .iter()
            .find(|a| a.action == "c2pa.created")
            .expect("created action");
        assert_eq!(
            created.digital_source_type.as_deref(),
            Some(format!("{IPTC}trainedAlgorithmicMedia").as_str()),
            "trimmed"
        );
        assert_eq!(created.software_agent.as_deref(), Some("Test Image Model"));
    }
}

#[test]
fn another_root_does_not_make_it_trusted() {
    let pki = Pki::new();
    let other = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    let path = fixtures::ai_generated(&pki, dir.path(), "elsewhere.jpg");
    let p = trusting(&other).read(&path);
    assert_eq!(p.verdict, Verdict::AiGenerated);
    assert_eq!(validation(&p), &Validation::ValidUntrusted, "{p:?}");
}

#[test]
fn unusable_trust_anchors_are_refused() {
    let refused = Scanner::new(&ScanOptions {
        trust_anchors_pem: Some("not a certificate".to_owned()),
        ..ScanOptions::default()
    });
    assert!(refused.is_err());
}

#[test]
fn ai_generated_wav() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    let path = fixtures::ai_generated(&pki, dir.path(), "voice.wav");
    let p = trusting(&pki).read(&path);
    assert_eq!(p.verdict, Verdict::AiGenerated, "{p:?}");
    assert_eq!(validation(&p), &Validation::Trusted);
    assert_eq!(
        validation(&untrusted().read(&path)),
        &Validation::ValidUntrusted
    );
    let plain = fixtures::plain_image(dir.path(), "room-tone.wav");
    assert_eq!(untrusted().read(&plain).verdict, Verdict::NoAiSignal);
}

#[test]
fn ai_generated_mp4_and_tampered_mp4() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    let plain = fixtures::plain_image(dir.path(), "plain.mp4");
    assert_eq!(untrusted().read(&plain).verdict, Verdict::NoAiSignal);

    let path = fixtures::ai_generated(&pki, dir.path(), "clip.mp4");
    let p = trusting(&pki).read(&path);
    assert_eq!(p.verdict, Verdict::AiGenerated, "{p:?}");
    assert_eq!(validation(&p), &Validation::Trusted);
    assert_eq!(
        validation(&untrusted().read(&path)),
        &Validation::ValidUntrusted
    );

    fixtures::tamper_pixels(&path);
    match validation(&trusting(&pki).read(&path)) {
        Validation::Invalid { codes } => assert!(
            codes.iter().any(|c| c.contains("bmffHash.mismatch")),
            "{codes:?}"
        ),
        other => panic!("expected invalid, got {other:?}"),
    }
}

#[test]
fn composite_with_an_ai_ingredient() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    let path = fixtures::composite(&pki, dir.path(), "composite.jpg");
    let p = trusting(&pki).read(&path);
    assert_eq!(p.verdict, Verdict::AiComposite, "{p:?}");
    assert_eq!(validation(&p), &Validation::Trusted);
    let manifest = p.manifest.unwrap();
    let ingredient = manifest
        .ingredients
        .iter()
        .find(|i| i.title.as_deref() == Some("generated sky"))
        .expect("the AI ingredient");
    assert_eq!(ingredient.relationship, "componentOf");
    assert!(
        ingredient.actions.iter().any(|a| a
            .digital_source_type
            .as_deref()
            .is_some_and(|t| t.ends_with("/trainedAlgorithmicMedia"))),
        "{ingredient:?}"
    );
}

#[test]
fn tampered_files_are_invalid_with_their_code() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    for name in ["tampered.jpg", "tampered.png"] {
        let path = fixtures::ai_generated(&pki, dir.path(), name);
        fixtures::tamper_pixels(&path);
        let p = trusting(&pki).read(&path);
        assert_eq!(
            p.verdict,
            Verdict::AiGenerated,
            "the claim is still reported"
        );
        match validation(&p) {
            Validation::Invalid { codes } => assert!(
                codes.iter().any(|c| c == "assertion.dataHash.mismatch"),
                "{name}: {codes:?}"
            ),
            other => panic!("{name}: expected invalid, got {other:?}"),
        }
    }
}

#[test]
fn sidecar_manifest_is_read() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    let path = fixtures::ai_generated_sidecar(&pki, dir.path(), "sidecar.png");
    let p = trusting(&pki).read(&path);
    assert_eq!(p.verdict, Verdict::AiGenerated, "{p:?}");
    let manifest = p.manifest.unwrap();
    assert!(!manifest.embedded);
    assert_eq!(manifest.validation, Validation::Trusted);
}

#[test]
fn oversized_sidecar_is_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixtures::plain_image(dir.path(), "big.png");
    std::fs::write(path.with_extension("c2pa"), vec![0u8; 2 * 1024 * 1024]).unwrap();
    let scanner = Scanner::new(&ScanOptions {
        max_manifest_mb: 1,
        ..ScanOptions::default()
    })
    .unwrap();
    let p = scanner.read(&path);
    assert!(
        matches!(&p.verdict, Verdict::Unreadable { reason } if reason.contains("over the cap")),
        "{p:?}"
    );
}

#[test]
fn oversized_embedded_stores_are_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let scanner = Scanner::new(&ScanOptions {
        max_manifest_mb: 1,
        ..ScanOptions::default()
    })
    .unwrap();
    let big = vec![0u8; 2 * 1024 * 1024];
    let size = u32::try_from(big.len()).unwrap();

    let png = fixtures::plain_image(dir.path(), "big-store.png");
    let mut bytes = std::fs::read(&png).unwrap();
    let mut chunk = size.to_be_bytes().to_vec();
    chunk.extend_from_slice(b"caBX");
    chunk.extend_from_slice(&big);
    chunk.extend_from_slice(&[0; 4]);
    bytes.splice(33..33, chunk);
    std::fs::write(&png, bytes).unwrap();

    let mp4 = fixtures::plain_image(dir.path(), "big-store.mp4");
    let mut bytes = std::fs::read(&mp4).unwrap();
    bytes.extend_from_slice(&(size + 24).to_be_bytes());
    bytes.extend_from_slice(b"uuid");
    bytes.extend_from_slice(&[
        0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7E, 0xC4,
        0x81,
    ]);
    bytes.extend_from_slice(&big);
    std::fs::write(&mp4, bytes).unwrap();

    let wav = fixtures::plain_image(dir.path(), "big-store.wav");
    let mut bytes = std::fs::read(&wav).unwrap();
    bytes.extend_from_slice(b"C2PA");
    bytes.extend_from_slice(&size.to_le_bytes());
    bytes.extend_from_slice(&big);
    let riff_len = u32::try_from(bytes.len() - 8).unwrap();
    bytes.splice(4..8, riff_len.to_le_bytes());
    std::fs::write(&wav, bytes).unwrap();

    // A JPEG store is many APP11 segments of up to 64 KiB: 40 of them are over 2 MiB.
    let jpeg = fixtures::plain_image(dir.path(), "big-store.jpg");
    let mut bytes = std::fs::read(&jpeg).unwrap();
    let mut segments = Vec::new();
    for _ in 0..40 {
        segments.extend_from_slice(&[0xFF, 0xEB, 0xFF, 0xFF]);
        segments.extend_from_slice(&[0u8; 0xFFFF - 2]);
    }
    bytes.splice(2..2, segments);
    std::fs::write(&jpeg, bytes).unwrap();

    for path in [png, mp4, wav, jpeg] {
        let p = scanner.read(&path);
        assert!(
            matches!(&p.verdict, Verdict::Unreadable { reason } if reason.contains("embedded manifest store")),
            "{}: {p:?}",
            path.display()
        );
    }
}

#[test]
fn xmp_only_files() {
    let dir = tempfile::tempdir().unwrap();
    let generated = fixtures::xmp_packet(
        "Iptc4xmpExt:DigitalSourceType",
        &format!("{IPTC}trainedAlgorithmicMedia"),
    );
    let jpeg = fixtures::xmp_jpeg(dir.path(), "xmp.jpg", &generated);
    let p = untrusted().read(&jpeg);
    assert_eq!(p.verdict, Verdict::AiGenerated, "{p:?}");
    assert_eq!(p.basis, Basis::Xmp);
    assert!(p.manifest.is_none());
    assert_eq!(
        p.xmp_source_types,
        [format!("{IPTC}trainedAlgorithmicMedia")]
    );

    let composite = fixtures::xmp_packet(
        "photoshop:com.adobe.digitalSourceType",
        "compositeWithTrainedAlgorithmicMedia",
    );
    let png = fixtures::xmp_png(dir.path(), "xmp.png", &composite);
    let p = untrusted().read(&png);
    assert_eq!(p.verdict, Verdict::AiComposite, "{p:?}");

    let algorithmic = fixtures::xmp_packet(
        "Iptc4xmpExt:DigitalSourceType",
        &format!("{IPTC}algorithmicMedia"),
    );
    let jpeg = fixtures::xmp_jpeg(dir.path(), "procedural.jpg", &algorithmic);
    let p = untrusted().read(&jpeg);
    assert_eq!(p.verdict, Verdict::NoAiSignal, "algorithmicMedia is not AI");
    assert_eq!(p.basis, Basis::Xmp);
}

#[test]
fn plain_files_have_no_ai_signal() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["plain.png", "plain.jpg"] {
        let path = fixtures::plain_image(dir.path(), name);
        let p = untrusted().read(&path);
        assert_eq!(p.verdict, Verdict::NoAiSignal, "{name}: {p:?}");
        assert_eq!(p.basis, Basis::None);
    }
}

#[test]
fn truncated_and_corrupted_files_are_unreadable() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    let mut cases = Vec::new();
    for name in ["cut.png", "cut.jpg"] {
        let path = fixtures::plain_image(dir.path(), name);
        fixtures::truncate(&path, 60);
        cases.push(path);
    }
    for name in ["cut-signed.png", "cut-signed.jpg"] {
        let path = fixtures::ai_generated(&pki, dir.path(), name);
        fixtures::truncate(&path, 30);
        cases.push(path);
    }
    let garbage = dir.path().join("garbage.png");
    std::fs::write(&garbage, b"\x89PNG\r\n\x1a\n\xff\xff\xff\xffjunkjunkjunk").unwrap();
    cases.push(garbage);
    let empty = dir.path().join("empty.jpg");
    std::fs::write(&empty, b"").unwrap();
    cases.push(empty);
    cases.push(dir.path().join("missing.png"));

    for path in cases {
        let p = untrusted().read(&path);
        match &p.verdict {
            Verdict::Unreadable { reason } => {
                eprintln!("{}: {reason}", path.display());
                assert!(!reason.is_empty());
            }
            other => panic!("{}: expected unreadable, got {other:?}", path.display()),
        }
    }
}

#[test]
fn a_read_past_its_deadline_is_unreadable_with_the_time_limit() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    let path = fixtures::ai_generated(&pki, dir.path(), "late.png");
    let scanner = untrusted();
    let late = scanner.read_until(&path, std::time::Instant::now());
    assert_eq!(
        late.verdict,
        Verdict::Unreadable {
            reason: "reading it took longer than the per-file time limit".to_owned()
        }
    );
    // The deadline belonged to that read only: the next read on this thread is whole.
    let whole = scanner.read(&path);
    assert_eq!(whole.verdict, Verdict::AiGenerated);
    let in_time = scanner.read_until(
        &path,
        std::time::Instant::now() + std::time::Duration::from_secs(60),
    );
    assert_eq!(in_time.verdict, Verdict::AiGenerated);
}

#[test]
fn a_tree_is_walked_in_parallel_and_reported_in_path_order() {
    use clearance_scan::walk::{WalkOptions, scan};
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("delivery");
    let work = dir.path().join("work");
    for folder in ["art", "audio/stems", "vfx", ".cache"] {
        std::fs::create_dir_all(root.join(folder)).unwrap();
    }
    std::fs::create_dir_all(&work).unwrap();
    let place = |made: std::path::PathBuf, to: &str| {
        std::fs::copy(made, root.join(to)).unwrap();
    };
    place(
        fixtures::ai_generated(&pki, &work, "a.png"),
        "art/poster.png",
    );
    place(fixtures::composite(&pki, &work, "b.jpg"), "art/comp.JPG");
    place(
        fixtures::ai_generated(&pki, &work, "c.wav"),
        "audio/stems/line.wav",
    );
    place(
        fixtures::ai_generated(&pki, &work, "d.mp4"),
        "vfx/sh010.mp4",
    );
    place(fixtures::plain_image(&work, "e.jpg"), "vfx/plate.jpg");
    let broken = fixtures::ai_generated(&pki, &work, "f.png");
    fixtures::truncate(&broken, 40);
    place(broken, "art/broken.png");
    std::fs::write(root.join("notes.txt"), "not media").unwrap();
    std::fs::write(
        root.join(".cache/thumb.png"),
        "hidden folder, still walked; not an image",
    )
    .unwrap();
    std::fs::write(root.join("art/._poster.png"), "AppleDouble metadata").unwrap();

    let results = scan(
        &[root.clone(), dir.path().join("missing")],
        &untrusted(),
        &WalkOptions {
            jobs: 3,
            file_time_limit: std::time::Duration::from_secs(60),
        },
    );
    let seen: Vec<(String, &str)> = results
        .iter()
        .map(|r| {
            let path = r.provenance.path.strip_prefix(dir.path()).unwrap();
            (
                path.to_string_lossy().into_owned(),
                r.provenance.verdict.name(),
            )
        })
        .collect();
    let expected = [
        ("delivery/.cache/thumb.png", "unreadable"),
        ("delivery/art/broken.png", "unreadable"),
        ("delivery/art/comp.JPG", "ai_composite"),
        ("delivery/art/poster.png", "ai_generated"),
        ("delivery/audio/stems/line.wav", "ai_generated"),
        ("delivery/vfx/plate.jpg", "no_ai_signal"),
        ("delivery/vfx/sh010.mp4", "ai_generated"),
        ("missing", "unreadable"),
    ];
    let expected: Vec<(String, &str)> = expected
        .iter()
        .map(|(p, v)| ((*p).to_owned(), *v))
        .collect();
    assert_eq!(seen, expected);
    let missing = results.last().unwrap();
    assert_eq!(
        missing.provenance.verdict,
        Verdict::Unreadable {
            reason: "no such file or folder".to_owned()
        }
    );
    let poster = results
        .iter()
        .find(|r| r.provenance.path.ends_with("art/poster.png"))
        .unwrap();
    assert_eq!(
        poster.bytes,
        std::fs::metadata(root.join("art/poster.png"))
            .unwrap()
            .len()
    );
}

#[test]
fn json_shape() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixtures::plain_image(dir.path(), "shape.png");
    let value = serde_json::to_value(untrusted().read(&path)).unwrap();
    assert!(value.get("manifest").is_none());
    assert_eq!(value["verdict"], "no_ai_signal");
    let missing = serde_json::to_value(untrusted().read(&dir.path().join("nope.png"))).unwrap();
    assert_eq!(missing["verdict"], "unreadable");
    assert!(missing["reason"].is_string());
    assert!(value["path"].as_str().unwrap().ends_with("shape.png"));
}

/// Every prefix length (in steps) and a spread of single-byte corruptions of signed files
/// of each format: the read always returns a verdict, never panics.
#[test]
fn cut_and_corrupted_signed_files_never_panic() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    let scanner = trusting(&pki);
    for name in ["m.jpg", "m.png", "m.wav", "m.mp4"] {
        let path = fixtures::ai_generated(&pki, dir.path(), name);
        let original = std::fs::read(&path).unwrap();
        let step = (original.len() / 40).max(1);
        for len in (0..original.len()).step_by(step) {
            std::fs::write(&path, &original[..len]).unwrap();
            let p = scanner.read(&path);
            assert_ne!(p.verdict, Verdict::NoAiSignal, "{name} cut at {len}: {p:?}");
        }
        for at in (0..original.len()).step_by(step) {
            let mut bytes = original.clone();
            bytes[at] ^= 0xA5;
            std::fs::write(&path, &bytes).unwrap();
            let p = scanner.read(&path);
            assert!(!p.verdict.name().is_empty());
        }
    }
}
