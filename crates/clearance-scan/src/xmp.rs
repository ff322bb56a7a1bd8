//! XMP digital source types of JPEG and PNG files without a C2PA manifest.
//!
//! The XMP packet is taken from a JPEG APP1 segment (`http://ns.adobe.com/xap/1.0/`) or an
//! uncompressed PNG `iTXt` chunk (`XML:com.adobe.xmp`), and every property or attribute
//! whose local name is `DigitalSourceType` (IPTC Extension, `Iptc4xmpExt:DigitalSourceType`)
//! or ends in `.digitalSourceType` (vendor fields such as `com.adobe.digitalSourceType`) is
//! collected, as text, attribute or `rdf:resource`. Other formats give no XMP signal.
//!
//! Reading the image's container also checks it: a JPEG or PNG that is cut short is
//! reported as unreadable.

use std::io::Read;
use std::path::Path;

use img_parts::Bytes;
use img_parts::jpeg::Jpeg;
use img_parts::png::Png;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

/// Images larger than this are not loaded to look for XMP.
const MAX_IMAGE_BYTES: u64 = 512 * 1024 * 1024;
/// XMP packets larger than this are ignored.
const MAX_XMP_BYTES: usize = 4 * 1024 * 1024;

const JPEG_XMP_PREFIX: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const PNG_XMP_KEYWORD: &[u8] = b"XML:com.adobe.xmp";
const JPEG_APP1: u8 = 0xE1;
const JPEG_SOS: u8 = 0xDA;

/// The digital source types in the file's XMP (empty when there is none), or why the file
/// could not be read.
pub(crate) fn source_types(path: &Path) -> Result<Vec<String>, String> {
    let mut file = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let mut magic = [0u8; 8];
    let n = read_up_to(&mut file, &mut magic).map_err(|e| format!("cannot read: {e}"))?;
    let magic = magic.get(..n).unwrap_or_default();
    let is_jpeg = magic.starts_with(&[0xFF, 0xD8, 0xFF]);
    let is_png = magic.starts_with(b"\x89PNG\r\n\x1a\n");
    if !is_jpeg && !is_png {
        return Ok(Vec::new());
    }
    let len = file
        .metadata()
        .map_err(|e| format!("cannot read: {e}"))?
        .len();
    if len > MAX_IMAGE_BYTES {
        return Err(format!(
            "image of {len} bytes is over the {MAX_IMAGE_BYTES}-byte limit for reading XMP"
        ));
    }
    let data = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let packets = if is_jpeg {
        jpeg_packets(data)?
    } else {
        png_packets(data)?
    };
    let mut types = Vec::new();
    for packet in packets {
        if packet.len() <= MAX_XMP_BYTES {
            collect_source_types(&packet, &mut types);
        }
    }
    Ok(types)
}

fn read_up_to(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
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

fn jpeg_packets(data: Vec<u8>) -> Result<Vec<Bytes>, String> {
    let has_eoi = data.windows(2).any(|w| w == [0xFF, 0xD9]);
    let jpeg = Jpeg::from_bytes(Bytes::from(data)).map_err(|e| format!("malformed JPEG: {e}"))?;
    if !jpeg.segments().iter().any(|s| s.marker() == JPEG_SOS) || !has_eoi {
        return Err("truncated JPEG: no image data or no end-of-image marker".to_owned());
    }
    Ok(jpeg
        .segments_by_marker(JPEG_APP1)
        .filter_map(|s| {
            s.contents()
                .strip_prefix(JPEG_XMP_PREFIX)
                .map(Bytes::copy_from_slice)
        })
        .collect())
}

fn png_packets(data: Vec<u8>) -> Result<Vec<Bytes>, String> {
    let png = Png::from_bytes(Bytes::from(data)).map_err(|e| format!("malformed PNG: {e}"))?;
    if png.chunk_by_type(*b"IEND").is_none() {
        return Err("truncated PNG: no IEND chunk".to_owned());
    }
    Ok(png
        .chunks_by_type(*b"iTXt")
        .filter_map(|c| itxt_xmp(c.contents()))
        .collect())
}

/// The text of an uncompressed `iTXt` chunk whose keyword is `XML:com.adobe.xmp`.
fn itxt_xmp(contents: &Bytes) -> Option<Bytes> {
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
    fields.next().map(Bytes::copy_from_slice)
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

    #[test]
    fn broken_xml_does_not_fail() {
        let mut out = Vec::new();
        collect_source_types(b"<a><Iptc4xmpExt:DigitalSourceType>x</b>", &mut out);
        collect_source_types(&[0xFF, 0xFE, 0x00], &mut out);
        assert!(out.len() <= 1);
    }
}
