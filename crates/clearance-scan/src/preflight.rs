//! Size of an embedded C2PA manifest store, read from container headers before the SDK
//! loads it, so that an oversized (or hostile) store is refused without being read.
//!
//! Covered: BMFF (MP4, MOV, HEIF…: the top-level `uuid` box with the C2PA user type), RIFF
//! (WAV, AVI, WebP: the top-level `C2PA` chunk), PNG (the `caBX` chunk) and JPEG (the store is
//! split over APP11 segments of at most 64 KiB each: their lengths before the image data are
//! added up).

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

const C2PA_UUID: [u8; 16] = [
    0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7E, 0xC4, 0x81,
];
/// Top-level boxes or chunks looked at before giving up.
const MAX_ENTRIES: usize = 4096;

/// The declared size of the embedded manifest store, when the container has one the walk
/// recognises. Errors reading headers give `None`: the SDK reports them.
pub(crate) fn embedded_manifest_size(path: &Path) -> Option<u64> {
    let file = File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let mut r = BufReader::new(file);
    let mut head = [0u8; 12];
    r.read_exact(&mut head).ok()?;
    r.rewind().ok()?;
    if head.get(4..8) == Some(b"ftyp") {
        bmff(&mut r, len)
    } else if head.get(..4) == Some(b"RIFF") {
        r.seek_relative(12).ok()?;
        riff(&mut r)
    } else if head.get(..8) == Some(b"\x89PNG\r\n\x1a\n") {
        r.seek_relative(8).ok()?;
        png(&mut r)
    } else if head.get(..2) == Some(b"\xFF\xD8") {
        r.seek_relative(2).ok()?;
        jpeg(&mut r)
    } else {
        None
    }
}

fn bmff(r: &mut BufReader<File>, len: u64) -> Option<u64> {
    let mut pos = 0u64;
    for _ in 0..MAX_ENTRIES {
        if pos + 8 > len {
            return None;
        }
        let mut header = [0u8; 8];
        r.read_exact(&mut header).ok()?;
        let [s0, s1, s2, s3, k0, k1, k2, k3] = header;
        let mut size = u64::from(u32::from_be_bytes([s0, s1, s2, s3]));
        let mut header_len = 8u64;
        if size == 1 {
            let mut large = [0u8; 8];
            r.read_exact(&mut large).ok()?;
            size = u64::from_be_bytes(large);
            header_len = 16;
        } else if size == 0 {
            size = len - pos;
        }
        if size < header_len {
            return None;
        }
        if [k0, k1, k2, k3] == *b"uuid" {
            let mut user_type = [0u8; 16];
            r.read_exact(&mut user_type).ok()?;
            if user_type == C2PA_UUID {
                return Some(size);
            }
            r.seek_relative(i64::try_from(size - header_len - 16).ok()?)
                .ok()?;
        } else {
            r.seek_relative(i64::try_from(size - header_len).ok()?)
                .ok()?;
        }
        pos = pos.checked_add(size)?;
    }
    None
}

fn riff(r: &mut BufReader<File>) -> Option<u64> {
    for _ in 0..MAX_ENTRIES {
        let mut header = [0u8; 8];
        r.read_exact(&mut header).ok()?;
        let [k0, k1, k2, k3, s0, s1, s2, s3] = header;
        let size = u64::from(u32::from_le_bytes([s0, s1, s2, s3]));
        if [k0, k1, k2, k3] == *b"C2PA" {
            return Some(size);
        }
        r.seek_relative(i64::try_from(size + (size & 1)).ok()?)
            .ok()?;
    }
    None
}

fn png(r: &mut BufReader<File>) -> Option<u64> {
    for _ in 0..MAX_ENTRIES {
        let mut header = [0u8; 8];
        r.read_exact(&mut header).ok()?;
        let [s0, s1, s2, s3, k0, k1, k2, k3] = header;
        let size = u64::from(u32::from_be_bytes([s0, s1, s2, s3]));
        match &[k0, k1, k2, k3] {
            b"caBX" => return Some(size),
            b"IEND" => return None,
            _ => r.seek_relative(i64::try_from(size + 4).ok()?).ok()?,
        }
    }
    None
}

/// The total length of the APP11 (JUMBF) segments before the start of scan.
fn jpeg(r: &mut BufReader<File>) -> Option<u64> {
    let mut total = 0u64;
    for _ in 0..MAX_ENTRIES * 16 {
        let mut marker = [0u8; 2];
        r.read_exact(&mut marker).ok()?;
        if marker[0] != 0xFF {
            break;
        }
        match marker[1] {
            // Fill bytes before a marker.
            0xFF => {
                r.seek_relative(-1).ok()?;
                continue;
            }
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => continue,
            // Start of scan, end of image: no more headers.
            0xDA | 0xD9 => break,
            _ => {}
        }
        let mut length = [0u8; 2];
        r.read_exact(&mut length).ok()?;
        let length = u64::from(u16::from_be_bytes(length));
        if marker[1] == 0xEB {
            total += length;
        }
        r.seek_relative(i64::try_from(length.checked_sub(2)?).ok()?)
            .ok()?;
    }
    (total > 0).then_some(total)
}
