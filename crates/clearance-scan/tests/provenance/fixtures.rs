//! Media signed at test time: a certificate chain made with rcgen, tiny images made with
//! `image`, manifests written with the c2pa SDK.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use c2pa::{Builder, Context, SigningAlg};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};

pub const IPTC: &str = "http://cv.iptc.org/newscodes/digitalsourcetype/";

/// A test root and a leaf signed by it.
pub struct Pki {
    pub root_pem: String,
    pub chain_pem: String,
    pub key_pem: String,
}

impl Pki {
    pub fn new() -> Self {
        let root_key = KeyPair::generate().expect("root key");
        let mut root = CertificateParams::new(Vec::<String>::new()).expect("root params");
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, "Clearance Test Root");
        dn.push(DnType::OrganizationName, "Clearance Tests");
        root.distinguished_name = dn;
        root.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        root.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let root_cert = root.self_signed(&root_key).expect("root cert");

        let leaf_key = KeyPair::generate().expect("leaf key");
        let mut leaf = CertificateParams::new(Vec::<String>::new()).expect("leaf params");
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, "Clearance Test Signer");
        dn.push(DnType::OrganizationName, "Clearance Test Studio");
        leaf.distinguished_name = dn;
        leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        // documentSigning, 1.3.6.1.5.5.7.3.36
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::Other(vec![
            1, 3, 6, 1, 5, 5, 7, 3, 36,
        ])];
        leaf.use_authority_key_identifier_extension = true;
        let issuer = Issuer::new(root, &root_key);
        let leaf_cert = leaf.signed_by(&leaf_key, &issuer).expect("leaf cert");

        Self {
            root_pem: root_cert.pem(),
            chain_pem: format!("{}{}", leaf_cert.pem(), root_cert.pem()),
            key_pem: leaf_key.serialize_pem(),
        }
    }

    pub fn signer(&self) -> c2pa::BoxedSigner {
        c2pa::create_signer::from_keys(
            self.chain_pem.as_bytes(),
            self.key_pem.as_bytes(),
            SigningAlg::Es256,
            None,
        )
        .expect("signer")
    }
}

/// A tiny plain image written by the `image` crate, or a short WAV written by `hound`
/// when the name ends in `.wav`.
pub fn plain_image(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    if name.ends_with(".mp4") {
        std::fs::write(&path, tiny_mp4()).expect("write mp4");
        return path;
    }
    if name.ends_with(".wav") {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 8000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut writer = hound::WavWriter::create(&path, spec).expect("wav");
        for i in 0..800i16 {
            writer.write_sample((i % 100) * 300).expect("sample");
        }
        writer.finalize().expect("finish wav");
        return path;
    }
    let img = image::RgbImage::from_fn(16, 16, |x, y| {
        image::Rgb([(x * 16) as u8, (y * 16) as u8, 128])
    });
    img.save(&path).expect("write image");
    path
}

fn mp4_box(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let size = u32::try_from(payload.len() + 8).expect("box size");
    let mut out = size.to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(payload);
    out
}

fn full_box(kind: &[u8; 4], flags: u32, payload: &[u8]) -> Vec<u8> {
    let mut body = flags.to_be_bytes().to_vec(); // version 0 in the high byte
    body.extend_from_slice(payload);
    mp4_box(kind, &body)
}

fn words(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_be_bytes()).collect()
}

/// A hand-built MP4 of about 2 KB: ftyp, moov with one 16-bit mono PCM track of 800
/// samples, mdat.
fn tiny_mp4() -> Vec<u8> {
    let mut mp4 = pcm_mp4_head(800);
    mp4.extend((0..800).flat_map(|i: i16| ((i % 100) * 300).to_le_bytes()));
    mp4
}

/// A large AI-generated MP4 or WAV (sparse zeros), signed, for measuring memory use.
pub fn big_ai_generated(pki: &Pki, dir: &Path, name: &str, bytes: u32) -> PathBuf {
    use std::io::{Seek, SeekFrom, Write};
    let source = dir.join(format!("source-{name}"));
    let mut file = std::fs::File::create(&source).expect("create");
    if name.ends_with(".mp4") {
        file.write_all(&pcm_mp4_head(bytes / 2)).expect("write");
    } else {
        let mut head = b"RIFF".to_vec();
        head.extend_from_slice(&(36 + bytes).to_le_bytes());
        head.extend_from_slice(b"WAVEfmt ");
        head.extend_from_slice(&16u32.to_le_bytes());
        head.extend_from_slice(&[1, 0, 1, 0]);
        head.extend_from_slice(&8000u32.to_le_bytes());
        head.extend_from_slice(&16000u32.to_le_bytes());
        head.extend_from_slice(&[2, 0, 16, 0]);
        head.extend_from_slice(b"data");
        head.extend_from_slice(&bytes.to_le_bytes());
        file.write_all(&head).expect("write");
    }
    file.seek(SeekFrom::Current(i64::from(bytes) - 1))
        .expect("seek");
    file.write_all(&[0]).expect("write");
    drop(file);
    let dest = dir.join(name);
    let actions = serde_json::json!([{
        "action": "c2pa.created",
        "digitalSourceType": format!("{IPTC}trainedAlgorithmicMedia"),
    }]);
    builder(name, actions)
        .sign_file(pki.signer().as_ref(), &source, &dest)
        .expect("sign");
    std::fs::remove_file(&source).expect("remove source");
    dest
}

/// ftyp, moov and the mdat box header of an MP4 with one 16-bit mono PCM track of
/// `samples` samples; the samples follow.
fn pcm_mp4_head(samples: u32) -> Vec<u8> {
    let ftyp = mp4_box(b"ftyp", b"isom\0\0\x02\0isomiso2mp41");
    let moov = |chunk_offset: u32| {
        let matrix = [0x1_0000, 0, 0, 0, 0x1_0000, 0, 0, 0, 0x4000_0000];
        let mut mvhd = words(&[0, 0, 1000, 100, 0x1_0000]);
        mvhd.extend_from_slice(&[0x01, 0x00, 0, 0]);
        mvhd.extend_from_slice(&[0; 8]);
        mvhd.extend(words(&matrix));
        mvhd.extend_from_slice(&[0; 24]);
        mvhd.extend(words(&[2]));
        let mut tkhd = words(&[0, 0, 1, 0, 100, 0, 0]);
        tkhd.extend_from_slice(&[0, 0, 0, 0, 0x01, 0x00, 0, 0]);
        tkhd.extend(words(&matrix));
        tkhd.extend(words(&[0, 0]));
        let mut mdhd = words(&[0, 0, 8000, samples]);
        mdhd.extend_from_slice(&[0x55, 0xC4, 0, 0]);
        let mut hdlr = words(&[0]);
        hdlr.extend_from_slice(b"soun");
        hdlr.extend_from_slice(&[0; 12]);
        hdlr.extend_from_slice(b"Sound\0");
        let mut entry = vec![0u8; 6];
        entry.extend_from_slice(&[0, 1]);
        entry.extend_from_slice(&[0; 8]);
        entry.extend_from_slice(&[0, 1, 0, 16, 0, 0, 0, 0]);
        entry.extend(words(&[8000 << 16]));
        let mut stsd = words(&[1]);
        stsd.extend(mp4_box(b"sowt", &entry));
        let stbl = [
            full_box(b"stsd", 0, &stsd),
            full_box(b"stts", 0, &words(&[1, samples, 1])),
            full_box(b"stsc", 0, &words(&[1, 1, samples, 1])),
            full_box(b"stsz", 0, &words(&[2, samples])),
            full_box(b"stco", 0, &words(&[1, chunk_offset])),
        ]
        .concat();
        let dref = full_box(
            b"dref",
            0,
            &[words(&[1]), full_box(b"url ", 1, &[])].concat(),
        );
        let minf = [
            full_box(b"smhd", 0, &[0; 4]),
            mp4_box(b"dinf", &dref),
            mp4_box(b"stbl", &stbl),
        ]
        .concat();
        let mdia = [
            full_box(b"mdhd", 0, &mdhd),
            full_box(b"hdlr", 0, &hdlr),
            mp4_box(b"minf", &minf),
        ]
        .concat();
        let trak = [full_box(b"tkhd", 3, &tkhd), mp4_box(b"mdia", &mdia)].concat();
        mp4_box(
            b"moov",
            &[full_box(b"mvhd", 0, &mvhd), mp4_box(b"trak", &trak)].concat(),
        )
    };
    let data_len = samples * 2;
    let offset = u32::try_from(ftyp.len() + moov(0).len() + 8).expect("offset");
    let mut head = [ftyp, moov(offset)].concat();
    head.extend_from_slice(&(data_len + 8).to_be_bytes());
    head.extend_from_slice(b"mdat");
    head
}

fn definition(title: &str, actions: &serde_json::Value) -> String {
    serde_json::json!({
        "claim_generator_info": [{ "name": "clearance-scan tests", "version": "1" }],
        "title": title,
        "assertions": [{ "label": "c2pa.actions", "data": { "actions": actions } }],
    })
    .to_string()
}

fn builder(title: &str, actions: serde_json::Value) -> Builder {
    Builder::from_context(Context::new())
        .with_definition(definition(title, &actions).as_str())
        .expect("definition")
}

/// A file "generated by AI": one `c2pa.created` action with `trainedAlgorithmicMedia`
/// (with a leading space, as one real sample has).
pub fn ai_generated(pki: &Pki, dir: &Path, name: &str) -> PathBuf {
    let source = plain_image(dir, &format!("source-{name}"));
    let dest = dir.join(name);
    let actions = serde_json::json!([{
        "action": "c2pa.created",
        "digitalSourceType": format!(" {IPTC}trainedAlgorithmicMedia"),
        "softwareAgent": { "name": "Test Image Model" },
    }]);
    builder(name, actions)
        .sign_file(pki.signer().as_ref(), &source, &dest)
        .expect("sign");
    dest
}

/// A composite: a captured plate with an AI-generated ingredient placed in it.
pub fn composite(pki: &Pki, dir: &Path, name: &str) -> PathBuf {
    let ai = ai_generated(pki, dir, &format!("ingredient-{name}"));
    let source = plain_image(dir, &format!("plate-{name}"));
    let dest = dir.join(name);
    let actions = serde_json::json!([
        { "action": "c2pa.created", "digitalSourceType": format!("{IPTC}digitalCapture") },
        { "action": "c2pa.edited", "digitalSourceType": format!("{IPTC}compositeWithTrainedAlgorithmicMedia") },
    ]);
    let mut builder = builder(name, actions);
    let format = c2pa::format_from_path(&ai).expect("format");
    let bytes = std::fs::read(&ai).expect("read ingredient");
    builder
        .add_ingredient_from_stream(
            serde_json::json!({ "title": "generated sky", "relationship": "componentOf" })
                .to_string(),
            &format,
            &mut Cursor::new(bytes),
        )
        .expect("ingredient");
    builder
        .sign_file(pki.signer().as_ref(), &source, &dest)
        .expect("sign");
    dest
}

/// An AI-generated file whose manifest is in a `.c2pa` sidecar, the media left untouched.
pub fn ai_generated_sidecar(pki: &Pki, dir: &Path, name: &str) -> PathBuf {
    let source = plain_image(dir, &format!("source-{name}"));
    let dest = dir.join(name);
    let actions = serde_json::json!([{
        "action": "c2pa.created",
        "digitalSourceType": format!("{IPTC}trainedAlgorithmicMedia"),
    }]);
    let mut builder = builder(name, actions);
    builder.set_no_embed(true);
    let manifest = builder
        .sign_file(pki.signer().as_ref(), &source, &dest)
        .expect("sign");
    std::fs::write(dest.with_extension("c2pa"), manifest).expect("write sidecar");
    dest
}

/// An XMP packet naming a digital source type.
pub fn xmp_packet(property: &str, value: &str) -> String {
    format!(
        r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">
<{property}>{value}</{property}>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"#
    )
}

/// A JPEG with an XMP APP1 segment and no manifest.
pub fn xmp_jpeg(dir: &Path, name: &str, xmp: &str) -> PathBuf {
    let path = plain_image(dir, name);
    let bytes = std::fs::read(&path).expect("read");
    let mut jpeg = img_parts::jpeg::Jpeg::from_bytes(bytes.into()).expect("parse jpeg");
    let mut contents = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    contents.extend_from_slice(xmp.as_bytes());
    let segment = img_parts::jpeg::JpegSegment::new_with_contents(0xE1, contents.into());
    jpeg.segments_mut().insert(0, segment);
    let mut out = Vec::new();
    jpeg.encoder().write_to(&mut out).expect("encode");
    std::fs::write(&path, out).expect("write");
    path
}

/// A PNG with an uncompressed XMP `iTXt` chunk and no manifest.
pub fn xmp_png(dir: &Path, name: &str, xmp: &str) -> PathBuf {
    let path = plain_image(dir, name);
    let bytes = std::fs::read(&path).expect("read");
    let mut png = img_parts::png::Png::from_bytes(bytes.into()).expect("parse png");
    let mut contents = b"XML:com.adobe.xmp\0\0\0\0\0".to_vec();
    contents.extend_from_slice(xmp.as_bytes());
    let chunk = img_parts::png::PngChunk::new(*b"iTXt", contents.into());
    png.chunks_mut().insert(1, chunk);
    let mut out = Vec::new();
    png.encoder().write_to(&mut out).expect("encode");
    std::fs::write(&path, out).expect("write");
    path
}

/// Flips a byte of the image data (well after the manifest), keeping the container valid
/// enough to parse.
pub fn tamper_pixels(path: &Path) {
    let mut bytes = std::fs::read(path).expect("read");
    let at = bytes.len() - 20;
    bytes[at] ^= 0x55;
    std::fs::write(path, bytes).expect("write");
}

/// Cuts the file to a fraction of its length.
pub fn truncate(path: &Path, keep_percent: usize) {
    let bytes = std::fs::read(path).expect("read");
    std::fs::write(path, &bytes[..bytes.len() * keep_percent / 100]).expect("write");
}
