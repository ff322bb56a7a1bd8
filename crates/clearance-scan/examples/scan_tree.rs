//! Generates the tree of media that `bench/scan/run` measures the deliverables scan on.
//!
//! `cargo run --release -p clearance-scan --example scan_tree -- DIR [--gib N]`
//!
//! Writes `DIR/tree/` (stills, clips and three files of 1 GiB or more; at least `N` GiB in
//! all, default 5.25), `DIR/root.pem` (the trust anchor of every signed file) and, last,
//! `DIR/complete`, which lists the files by kind. When `DIR/complete` is already there the
//! tree is kept as it is.
//!
//! The files, all made here with a certificate chain generated on the spot:
//!
//! - `stills/`: JPEG and PNG images of 64 to 2800 pixels a side (a few KB to a few MB):
//!   C2PA-signed AI-generated, composite (an AI-generated ingredient placed in a captured
//!   plate) and captured, XMP-only (`Iptc4xmpExt:DigitalSourceType`), and plain;
//! - `clips/`: MP4 and WAV files of 1 to 96 MiB, signed (AI-generated, composite, captured)
//!   and plain, until the tree reaches its size;
//! - `big/`: two signed AI-generated files of 1 GiB (MP4 and WAV) and a signed composite
//!   MP4 of 1.125 GiB.
//!
//! Media bytes are pseudo-random (a fixed seed), so that every run writes the same tree and
//! nothing in it compresses or is sparse.

use std::error::Error;
use std::fs::File;
use std::io::{BufWriter, Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use c2pa::{Builder, Context};

#[expect(
    dead_code,
    clippy::expect_used,
    reason = "shared with the tests, which use more of it and fail loudly"
)]
#[path = "../tests/provenance/fixtures.rs"]
mod fixtures;

use fixtures::{IPTC, Pki};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

const MIB: u64 = 1024 * 1024;
const GIB: u64 = 1024 * MIB;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scan_tree: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut gib = 5.25_f64;
    while let Some(arg) = args.next() {
        if arg == "--gib" {
            gib = args.next().ok_or("--gib needs a number")?.parse()?;
        } else {
            dir = Some(PathBuf::from(arg));
        }
    }
    let dir = dir.ok_or("usage: scan_tree DIR [--gib N]")?;
    if dir.join("complete").exists() {
        eprintln!("{}: already complete, kept", dir.display());
        return Ok(());
    }
    let tree = dir.join("tree");
    if tree.exists() {
        std::fs::remove_dir_all(&tree)?;
    }
    let work = dir.join("work");
    if work.exists() {
        std::fs::remove_dir_all(&work)?;
    }
    for sub in ["stills", "clips", "big"] {
        std::fs::create_dir_all(tree.join(sub))?;
    }
    std::fs::create_dir_all(&work)?;

    let pki = Pki::new();
    std::fs::write(dir.join("root.pem"), &pki.root_pem)?;
    let ingredient = std::fs::read(fixtures::ai_generated(&pki, &work, "ingredient.png"))?;
    let mut g = Generator {
        pki,
        ingredient,
        work,
        rng: Rng(0x9E37_79B9_7F4A_7C15),
        bytes: 0,
        listing: Vec::new(),
    };

    let target = (gib * GIB as f64) as u64;
    g.big(&tree)?;
    g.stills(&tree, 700)?;
    g.clips(&tree, target)?;

    std::fs::remove_dir_all(&g.work)?;
    let mut listing = format!("{} files, {} bytes\n", g.listing.len(), g.bytes);
    for (kind, path, bytes) in &g.listing {
        listing.push_str(&format!("{kind}\t{bytes}\t{}\n", path.display()));
    }
    std::fs::write(dir.join("complete"), listing)?;
    eprintln!(
        "{}: {} files, {:.2} GiB",
        tree.display(),
        g.listing.len(),
        g.bytes as f64 / GIB as f64
    );
    Ok(())
}

/// What a generated file carries.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// Signed, `c2pa.created` with `trainedAlgorithmicMedia`.
    AiGenerated,
    /// Signed, an AI-generated ingredient composited into a captured plate.
    Composite,
    /// Signed, `c2pa.created` with `digitalCapture` (no AI signal).
    Captured,
    /// No manifest; an XMP packet naming `trainedAlgorithmicMedia`.
    XmpAi,
    /// No metadata at all.
    Plain,
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Kind::AiGenerated => "signed_ai_generated",
            Kind::Composite => "signed_composite",
            Kind::Captured => "signed_captured",
            Kind::XmpAi => "xmp_ai",
            Kind::Plain => "plain",
        })
    }
}

/// xorshift64*: fast, deterministic filler for media bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A value in `lo..hi`, spread evenly over the logarithm (many small, few large).
    fn log_between(&mut self, lo: u64, hi: u64) -> u64 {
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        let (lo, hi) = (lo as f64, hi as f64);
        (lo * (hi / lo).powf(unit)) as u64
    }

    fn fill(&mut self, out: &mut impl Write, mut bytes: u64) -> std::io::Result<()> {
        let mut chunk = vec![0u8; MIB as usize];
        while bytes > 0 {
            let n = bytes.min(MIB) as usize;
            for word in chunk[..n].chunks_mut(8) {
                let v = self.next().to_le_bytes();
                word.copy_from_slice(&v[..word.len()]);
            }
            out.write_all(&chunk[..n])?;
            bytes -= n as u64;
        }
        Ok(())
    }
}

struct Generator {
    pki: Pki,
    /// A small signed AI-generated PNG, the ingredient of every composite.
    ingredient: Vec<u8>,
    work: PathBuf,
    rng: Rng,
    bytes: u64,
    listing: Vec<(Kind, PathBuf, u64)>,
}

impl Generator {
    fn big(&mut self, tree: &Path) -> Result<()> {
        let big = tree.join("big");
        self.media(&big.join("big-1.mp4"), GIB, Kind::AiGenerated)?;
        self.media(&big.join("big-2.wav"), GIB, Kind::AiGenerated)?;
        self.media(&big.join("big-3.mp4"), GIB + GIB / 8, Kind::Composite)
    }

    fn stills(&mut self, tree: &Path, count: usize) -> Result<()> {
        for i in 0..count {
            let ext = if i % 2 == 0 { "jpg" } else { "png" };
            let kind = match i % 10 {
                0 | 1 => Kind::AiGenerated,
                2 => Kind::Composite,
                3 => Kind::Captured,
                4 | 5 => Kind::XmpAi,
                _ => Kind::Plain,
            };
            let side = self.rng.log_between(64, 2800) as u32;
            let path = tree.join("stills").join(format!("still-{i:04}.{ext}"));
            self.still(&path, side, kind)?;
        }
        Ok(())
    }

    fn clips(&mut self, tree: &Path, target: u64) -> Result<()> {
        let mut i = 0;
        while self.bytes < target {
            let ext = if i % 2 == 0 { "mp4" } else { "wav" };
            let kind = match i % 6 {
                0 | 1 => Kind::AiGenerated,
                2 => Kind::Composite,
                3 => Kind::Captured,
                _ => Kind::Plain,
            };
            let bytes = self
                .rng
                .log_between(MIB, 96 * MIB)
                .min(target - self.bytes + MIB);
            let path = tree.join("clips").join(format!("clip-{i:03}.{ext}"));
            self.media(&path, bytes, kind)?;
            i += 1;
        }
        Ok(())
    }

    /// An MP4 (a tiny valid one, then an `mdat` box of `bytes`) or a WAV of 16-bit samples.
    fn media(&mut self, dest: &Path, bytes: u64, kind: Kind) -> Result<()> {
        let mp4 = dest.extension().is_some_and(|e| e == "mp4");
        let name = file_name(dest)?;
        let source = if matches!(kind, Kind::Plain | Kind::XmpAi) {
            dest.to_path_buf()
        } else {
            self.work.join(name)
        };
        let mut out = BufWriter::with_capacity(MIB as usize, File::create(&source)?);
        if mp4 {
            let tiny = fixtures::plain_image(&self.work, "tiny.mp4");
            out.write_all(&std::fs::read(&tiny)?)?;
            let size = u32::try_from(bytes + 8)?;
            out.write_all(&size.to_be_bytes())?;
            out.write_all(b"mdat")?;
        } else {
            let data = u32::try_from(bytes)?;
            out.write_all(b"RIFF")?;
            out.write_all(&(36 + data).to_le_bytes())?;
            out.write_all(b"WAVEfmt ")?;
            out.write_all(&16u32.to_le_bytes())?;
            out.write_all(&[1, 0, 2, 0])?; // PCM, stereo
            out.write_all(&48_000u32.to_le_bytes())?;
            out.write_all(&192_000u32.to_le_bytes())?;
            out.write_all(&[4, 0, 16, 0])?;
            out.write_all(b"data")?;
            out.write_all(&data.to_le_bytes())?;
        }
        self.rng.fill(&mut out, bytes)?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        self.finish(&source, dest, kind)
    }

    /// A JPEG or PNG of `side` × `side * 3 / 4` pixels: a gradient with noise.
    fn still(&mut self, dest: &Path, side: u32, kind: Kind) -> Result<()> {
        let (w, h) = (side, (side * 3 / 4).max(16));
        let seed = self.rng.next();
        let mut noise = Rng(seed | 1);
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            let n = noise.next();
            image::Rgb([
                ((x * 255 / w) as u8).wrapping_add((n & 0x3f) as u8),
                ((y * 255 / h) as u8).wrapping_add((n >> 8 & 0x3f) as u8),
                (n >> 16) as u8,
            ])
        });
        let name = file_name(dest)?;
        let source = if matches!(kind, Kind::Plain | Kind::XmpAi) {
            dest.to_path_buf()
        } else {
            self.work.join(name)
        };
        img.save(&source)?;
        self.finish(&source, dest, kind)
    }

    /// Signs `source` into `dest` (or adds XMP to it in place) and records the file.
    fn finish(&mut self, source: &Path, dest: &Path, kind: Kind) -> Result<()> {
        match kind {
            Kind::Plain => {}
            Kind::XmpAi => add_xmp(dest)?,
            Kind::AiGenerated | Kind::Captured => {
                let source_type = match kind {
                    Kind::AiGenerated => "trainedAlgorithmicMedia",
                    _ => "digitalCapture",
                };
                let actions = serde_json::json!([{
                    "action": "c2pa.created",
                    "digitalSourceType": format!("{IPTC}{source_type}"),
                    "softwareAgent": { "name": "Bench Media Model" },
                }]);
                builder(dest, &actions)?.sign_file(self.pki.signer().as_ref(), source, dest)?;
                std::fs::remove_file(source)?;
            }
            Kind::Composite => {
                let actions = serde_json::json!([
                    { "action": "c2pa.created", "digitalSourceType": format!("{IPTC}digitalCapture") },
                    { "action": "c2pa.edited", "digitalSourceType": format!("{IPTC}compositeWithTrainedAlgorithmicMedia") },
                ]);
                let mut builder = builder(dest, &actions)?;
                builder.add_ingredient_from_stream(
                    serde_json::json!({ "title": "generated sky", "relationship": "componentOf" })
                        .to_string(),
                    "image/png",
                    &mut Cursor::new(&self.ingredient),
                )?;
                builder.sign_file(self.pki.signer().as_ref(), source, dest)?;
                std::fs::remove_file(source)?;
            }
        }
        let bytes = std::fs::metadata(dest)?.len();
        self.bytes += bytes;
        self.listing.push((kind, dest.to_path_buf(), bytes));
        Ok(())
    }
}

fn file_name(path: &Path) -> Result<&str> {
    Ok(path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or("a file name")?)
}

fn builder(dest: &Path, actions: &serde_json::Value) -> Result<Builder> {
    let definition = serde_json::json!({
        "claim_generator_info": [{ "name": "clearance bench/scan", "version": "1" }],
        "title": file_name(dest)?,
        "assertions": [{ "label": "c2pa.actions", "data": { "actions": actions } }],
    });
    Ok(Builder::from_context(Context::new()).with_definition(definition.to_string().as_str())?)
}

/// Puts an XMP packet naming `trainedAlgorithmicMedia` into a JPEG (APP1) or PNG (`iTXt`).
fn add_xmp(path: &Path) -> Result<()> {
    let xmp = fixtures::xmp_packet(
        "Iptc4xmpExt:DigitalSourceType",
        &format!("{IPTC}trainedAlgorithmicMedia"),
    );
    let bytes = std::fs::read(path)?;
    let mut out = Vec::new();
    if path.extension().is_some_and(|e| e == "png") {
        let mut png = img_parts::png::Png::from_bytes(bytes.into())?;
        let mut contents = b"XML:com.adobe.xmp\0\0\0\0\0".to_vec();
        contents.extend_from_slice(xmp.as_bytes());
        png.chunks_mut()
            .insert(1, img_parts::png::PngChunk::new(*b"iTXt", contents.into()));
        png.encoder().write_to(&mut out)?;
    } else {
        let mut jpeg = img_parts::jpeg::Jpeg::from_bytes(bytes.into())?;
        let mut contents = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
        contents.extend_from_slice(xmp.as_bytes());
        jpeg.segments_mut().insert(
            0,
            img_parts::jpeg::JpegSegment::new_with_contents(0xE1, contents.into()),
        );
        jpeg.encoder().write_to(&mut out)?;
    }
    std::fs::write(path, out)?;
    Ok(())
}
