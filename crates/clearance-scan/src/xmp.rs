//! XMP digital source types of JPEG and PNG files without a C2PA manifest.
//!
//! The XMP packet is taken from a JPEG APP1 segment (`http://ns.adobe.com/xap/1.0/`) or an
//! uncompressed PNG `iTXt` chunk (`XML:com.adobe.xmp`), and every property or attribute
//! whose local name is `DigitalSourceType` (IPTC Extension, `Iptc4xmpExt:DigitalSourceType`)
//! or ends in `.digitalSourceType` (vendor fields such as `com.adobe.digitalSourceType`) is
//! collected, as text, attribute or `rdf:resource`. Other formats give no XMP signal.
//!
//! Only headers are read (the JPEG segments before the image data, the PNG chunk headers),
//! so a large image is never loaded; a JPEG or PNG whose structure is cut short is reported
//! as unreadable.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

/// XMP packets larger than this are skipped.
const MAX_XMP_BYTES: u32 = 4 * 1024 * 1024;

const JPEG_XMP_PREFIX: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";
const PNG_XMP_KEYWORD: &[u8] = b"XML:com.adobe.xmp";
const JPEG_APP1: u8 = 0xE1;
const JPEG_SOS: u8 = 0xDA;
const JPEG_EOI: u8 = 0xD9;

/// The digital source types in the file's XMP (empty when there is none), or why the file
/// could not be read. Only the headers are read: the JPEG segments before the image data,
/// the PNG chunk headers (chunk bodies other than `iTXt` are skipped over).
pub(crate) fn source_types(path: &Path) -> Result<Vec<String>, String> {
    let file = File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let len = file
        .metadata()
        .map_err(|e| format!("cannot read: {e}"))?
        .len();
    let mut reader = BufReader::new(file);
    let mut magic = [0u8; 8];
    let n = read_up_to(&mut reader, &mut magic).map_err(|e| format!("cannot read: {e}"))?;
    let packets = if magic
        .get(..n)
        .is_some_and(|m| m.starts_with(&[0xFF, 0xD8, 0xFF]))
    {
        reader
            .seek(SeekFrom::Start(2))
            .map_err(|e| format!("cannot read: {e}"))?;
        jpeg_packets(&mut reader)?
    } else if n == magic.len() && &magic == PNG_SIGNATURE {
        png_packets(&mut reader, len)?
    } else {
        return Ok(Vec::new());
    };
    let mut types = Vec::new();
    for packet in packets {
        collect_source_types(&packet, &mut types);
    }
    Ok(types)
}

fn read_up_to(file: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let Some(rest) = buf.get_mut(filled..) else {
            break;
        };
        match file.read(rest)? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

fn truncated(what: &str) -> impl Fn(std::io::Error) -> String + '_ {
    move |e| format!("truncated or malformed {what}: {e}")
}

fn read_u8(r: &mut impl Read) -> std::io::Result<u8> {
    let mut b = [0u8; 1];
    r.read_exact(&mut b)?;
    let [byte] = b;
    Ok(byte)
}

/// XMP packets of the APP1 segments before the first scan (SOS).
fn jpeg_packets(r: &mut BufReader<File>) -> Result<Vec<Vec<u8>>, String> {
    let err = truncated("JPEG");
    let mut packets = Vec::new();
    loop {
        if read_u8(r).map_err(&err)? != 0xFF {
            return Err("malformed JPEG: expected a marker".to_owned());
        }
        let mut marker = read_u8(r).map_err(&err)?;
        while marker == 0xFF {
            marker = read_u8(r).map_err(&err)?;
        }
        if marker == JPEG_SOS || marker == JPEG_EOI {
            return Ok(packets);
        }
        if marker == 0x01 || (0xD0..=0xD8).contains(&marker) {
            continue;
        }
        let mut size = [0u8; 2];
        r.read_exact(&mut size).map_err(&err)?;
        let size = u16::from_be_bytes(size);
        let body = size
            .checked_sub(2)
            .ok_or_else(|| "malformed JPEG: segment length under 2".to_owned())?;
        if marker == JPEG_APP1 {
            let mut contents = vec![0u8; usize::from(body)];
            r.read_exact(&mut contents).map_err(&err)?;
            if let Some(xmp) = contents.strip_prefix(JPEG_XMP_PREFIX) {
                packets.push(xmp.to_vec());
            }
        } else {
            r.seek_relative(i64::from(body)).map_err(&err)?;
        }
    }
}

/// XMP packets of the uncompressed `iTXt` chunks; the file must end its chunks with IEND.
fn png_packets(r: &mut BufReader<File>, file_len: u64) -> Result<Vec<Vec<u8>>, String> {
    let err = truncated("PNG");
    let mut packets = Vec::new();
    let mut pos: u64 = 8;
    loop {
        let mut header = [0u8; 8];
        r.read_exact(&mut header).map_err(&err)?;
        let [l0, l1, l2, l3, k0, k1, k2, k3] = header;
        let size = u32::from_be_bytes([l0, l1, l2, l3]);
        let kind = [k0, k1, k2, k3];
        let end = pos + 8 + u64::from(size) + 4;
        if end > file_len {
            return Err(format!(
                "truncated PNG: chunk {} runs past the end of the file",
                String::from_utf8_lossy(&kind)
            ));
        }
        if &kind == b"IEND" {
            return Ok(packets);
        }
        if &kind == b"iTXt" && size <= MAX_XMP_BYTES {
            let mut contents = vec![0u8; usize::try_from(size).unwrap_or(0)];
            r.read_exact(&mut contents).map_err(&err)?;
            r.seek_relative(4).map_err(&err)?;
            if let Some(xmp) = itxt_xmp(&contents) {
                packets.push(xmp.to_vec());
            }
        } else {
            r.seek_relative(i64::from(size) + 4).map_err(&err)?;
        }
        pos = end;
    }
}

/// The text of an uncompressed `iTXt` chunk whose keyword is `XML:com.adobe.xmp`.
fn itxt_xmp(contents: &[u8]) -> Option<&[u8]> {
    let mut parts = contents.splitn(2, |b| *b == 0);
    let keyword = parts.next()?;
    let rest = parts.next()?;
    if keyword != PNG_XMP_KEYWORD {
        return None;
    }
    let (&compressed, rest) = rest.split_first()?;
    let (_method, rest) = rest.split_first()?;
    if compressed != 0 {
        return None;
    }
    let mut fields = rest.splitn(3, |b| *b == 0);
    let _language = fields.next()?;
    let _translated = fields.next()?;
    fields.next()
}

fn is_source_type_name(qualified: &[u8]) -> bool {
    let local = qualified.rsplit(|b| *b == b':').next().unwrap_or(qualified);
    local.eq_ignore_ascii_case(b"DigitalSourceType")
        || local.to_ascii_lowercase().ends_with(b".digitalsourcetype")
}

fn push_value(value: &str, out: &mut Vec<String>) {
    let value = value.trim();
    if !value.is_empty() {
        out.push(value.to_owned());
    }
}

/// Attributes of an element that are digital source types, and its `rdf:resource` when the
/// element itself is one.
fn from_attributes(element: &BytesStart<'_>, element_matches: bool, out: &mut Vec<String>) {
    for attribute in element.attributes().flatten() {
        let key = attribute.key.as_ref();
        let wanted = is_source_type_name(key) || (element_matches && key == b"rdf:resource");
        if wanted && let Ok(value) = attribute.normalized_value(XmlVersion::Implicit1_0) {
            push_value(&value, out);
        }
    }
}

/// Collects digital source types from one XMP packet; a packet that is not well-formed
/// XML gives what was found before the error.
fn collect_source_types(packet: &[u8], out: &mut Vec<String>) {
    let Ok(text) = std::str::from_utf8(packet) else {
        return;
    };
    let mut reader = quick_xml::Reader::from_str(text);
    let mut inside = 0usize;
    let mut current = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let matches = is_source_type_name(e.name().as_ref());
                from_attributes(&e, matches, out);
                if matches || inside > 0 {
                    inside += 1;
                }
            }
            Ok(Event::Empty(e)) => {
                let matches = is_source_type_name(e.name().as_ref());
                from_attributes(&e, matches, out);
            }
            Ok(Event::Text(t)) if inside > 0 => {
                if let Ok(s) = t.xml10_content() {
                    current.push_str(&s);
                }
            }
            Ok(Event::End(_)) if inside > 0 => {
                inside -= 1;
                if inside == 0 {
                    push_value(&current, out);
                    current.clear();
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn property_attribute_and_resource_forms() {
        let xmp = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description Iptc4xmpExt:DigitalSourceType=" http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/>
<rdf:Description><Iptc4xmpExt:DigitalSourceType>compositeSynthetic</Iptc4xmpExt:DigitalSourceType>
<Iptc4xmpExt:DigitalSourceType rdf:resource="algorithmicMedia"/>
<photoshop:com.adobe.digitalSourceType>digitalCapture</photoshop:com.adobe.digitalSourceType>
<dc:title>DigitalSourceType</dc:title></rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let mut out = Vec::new();
        collect_source_types(xmp, &mut out);
        assert_eq!(
            out,
            [
                "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
                "compositeSynthetic",
                "algorithmicMedia",
                "digitalCapture"
            ]
        );
    }

    fn file_with(bytes: &[u8]) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), bytes).unwrap();
        file
    }

    #[test]
    fn headers_only_and_cut_structures() {
        let xmp = b"<x><Iptc4xmpExt:DigitalSourceType>trainedAlgorithmicMedia</Iptc4xmpExt:DigitalSourceType></x>";
        let mut app1 = JPEG_XMP_PREFIX.to_vec();
        app1.extend_from_slice(xmp);
        let size = u16::try_from(app1.len() + 2).unwrap().to_be_bytes();
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, JPEG_APP1, size[0], size[1]];
        jpeg.extend_from_slice(&app1);
        jpeg.extend_from_slice(&[0xFF, JPEG_SOS, 0, 2]);
        // The image data after SOS is never read: garbage there does not matter.
        jpeg.extend_from_slice(&[0x12; 64]);
        let found = source_types(file_with(&jpeg).path()).unwrap();
        assert_eq!(found, ["trainedAlgorithmicMedia"]);
        let cut = source_types(file_with(&jpeg[..20]).path()).unwrap_err();
        assert!(cut.contains("JPEG"), "{cut}");

        let mut png = PNG_SIGNATURE.to_vec();
        let mut itxt = PNG_XMP_KEYWORD.to_vec();
        itxt.extend_from_slice(&[0, 0, 0, 0, 0]);
        itxt.extend_from_slice(xmp);
        for (kind, body) in [(b"iTXt", itxt.as_slice()), (b"IEND", &[][..])] {
            png.extend_from_slice(&u32::try_from(body.len()).unwrap().to_be_bytes());
            png.extend_from_slice(kind);
            png.extend_from_slice(body);
            png.extend_from_slice(&[0; 4]);
        }
        let found = source_types(file_with(&png).path()).unwrap();
        assert_eq!(found, ["trainedAlgorithmicMedia"]);
        let cut = source_types(file_with(&png[..png.len() - 6]).path()).unwrap_err();
        assert!(cut.contains("truncated"), "{cut}");
        let cut = source_types(file_with(&png[..40]).path()).unwrap_err();
        assert!(cut.contains("runs past the end"), "{cut}");

        let other = source_types(file_with(b"RIFF....WAVE").path()).unwrap();
        assert!(other.is_empty());
    }

    #[test]
    fn broken_xml_does_not_fail() {
        let mut out = Vec::new();
        collect_source_types(b"<a><Iptc4xmpExt:DigitalSourceType>x</b>", &mut out);
        collect_source_types(&[0xFF, 0xFE, 0x00], &mut out);
        assert!(out.len() <= 1);
    }
}
