//! Writes the demo production's deliverables folder (`examples/deliverables` in the
//! repository): two C2PA-signed AI assets, a procedural render tagged
//! `algorithmicMedia` in XMP, a plain still, the AI cue sheet and the demo trust anchor.
//!
//! `cargo run -p clearance-scan --example demo_deliverables -- examples/deliverables`
//!
//! The files are signed with a certificate made here (a new one each run), so the committed
//! folder carries its own `trust-anchors.pem`.

#![expect(
    clippy::expect_used,
    reason = "a generator run by hand: failing loudly is the point"
)]

#[path = "../tests/provenance/fixtures.rs"]
#[expect(dead_code, reason = "the generator uses some of the test fixtures")]
mod fixtures;

use std::path::Path;

fn main() {
    let out = std::env::args()
        .nth(1)
        .expect("usage: demo_deliverables OUTPUT_DIR");
    let out = Path::new(&out);
    let work = tempfile::tempdir().expect("temporary folder");
    let pki = fixtures::Pki::new();
    let place = |made: std::path::PathBuf, to: &str| {
        let dest = out.join(to);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("folder");
        std::fs::copy(&made, &dest).expect("copy");
    };
    // Covered in the demo: the voice proposal (#4) is approved for final media.
    place(
        fixtures::ai_generated(&pki, work.path(), "voice.wav"),
        "audio/ep08_pickup_line.wav",
    );
    // Not covered in the demo: the poster proposal (#2) is still in review.
    place(
        fixtures::ai_generated(&pki, work.path(), "poster.png"),
        "art/ep02_diner_band_poster.png",
    );
    // A procedural render: algorithmicMedia is not generative AI.
    let xmp = fixtures::xmp_packet(
        "Iptc4xmpExt:DigitalSourceType",
        &format!("{}algorithmicMedia", fixtures::IPTC),
    );
    place(
        fixtures::xmp_png(work.path(), "titles.png", &xmp),
        "graphics/ep01_titles_procedural.png",
    );
    // A camera still with no metadata.
    place(
        fixtures::plain_image(work.path(), "still.jpg"),
        "stills/ep02_diner_plate.jpg",
    );
    std::fs::write(out.join("trust-anchors.pem"), &pki.root_pem).expect("anchor");
    std::fs::write(
        out.join("ai-cue-sheet.csv"),
        "asset,timecode_in,timecode_out,tool,prompt_summary,proposal_id\n\
         audio/ep08_pickup_line.wav,08:14:02:10,08:14:05:02,Studio voice model,pickup line in the lead's voice (consent CR-0001),4\n\
         art/ep02_diner_band_poster.png,02:21:40:00,02:21:43:12,Studio enterprise image tool,fictional band poster,2\n\
",
    )
    .expect("cue sheet");
}
