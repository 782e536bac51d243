//! A small deterministic zip writer: entries in the order given (the caller sorts them), every
//! timestamp 1980-01-01 00:00, text deflated (flate2, already in the tree through syntect) and
//! media stored. Zip64 records are written only when the archive needs them (more than 65,535
//! entries or offsets past 4 GiB), so a small portal is a plain zip every tool opens. A single
//! file of 4 GiB or more is refused: nothing a teaching portal should put on a USB stick.

use std::io::{self, Read, Write};

use flate2::Compression;
use flate2::write::DeflateEncoder;

/// The DOS date of 1980-01-01 (the earliest a zip can say) and time 00:00.
const DOS_DATE: u16 = (1 << 5) | 1;
const DOS_TIME: u16 = 0;
/// General purpose flag bit 11: names are UTF-8.
const UTF8: u16 = 1 << 11;
const STORED: u16 = 0;
const DEFLATED: u16 = 8;
const MAX32: u64 = 0xFFFF_FFFF;

/// What one entry holds.
#[derive(Clone, Copy)]
pub enum Content<'a> {
    /// Bytes in memory, deflated.
    Text(&'a [u8]),
    /// A file on disk, stored as it is (video is compressed already), streamed.
    File(&'a std::path::Path),
}

struct Central {
    name: String,
    method: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    offset: u64,
}

/// Writes entries one after the other, then the central directory on `finish`.
pub struct ZipWriter<W: Write> {
    out: W,
    at: u64,
    entries: Vec<Central>,
}

impl<W: Write> ZipWriter<W> {
    pub fn new(out: W) -> Self {
        ZipWriter {
            out,
            at: 0,
            entries: Vec::new(),
        }
    }

    /// Adds one entry named `name` (a relative path with `/`).
    #[cfg(test)]
    pub fn add(&mut self, name: &str, content: Content<'_>) -> io::Result<()> {
        let prepared = prepare(content)?;
        self.add_prepared(name, content, prepared)
    }

    /// Adds an entry whose content `prepare` already compressed or checked (perhaps on another
    /// thread: compression is the slow part, writing is in order).
    pub fn add_prepared(
        &mut self,
        name: &str,
        content: Content<'_>,
        prepared: Prepared,
    ) -> io::Result<()> {
        let Prepared {
            method,
            crc,
            size,
            data,
        } = prepared;
        let compressed = data.as_ref().map_or(size, |d| d.len() as u64);
        if size >= MAX32 || compressed >= MAX32 {
            return Err(io::Error::other(format!(
                "{name} is 4 GiB or larger, more than a zip entry can hold"
            )));
        }
        let offset = self.at;
        let mut header = Vec::with_capacity(30 + name.len());
        put32(&mut header, 0x0403_4b50);
        put16(&mut header, 20);
        put16(&mut header, UTF8);
        put16(&mut header, method);
        put16(&mut header, DOS_TIME);
        put16(&mut header, DOS_DATE);
        put32(&mut header, crc);
        put32(&mut header, compressed as u32);
        put32(&mut header, size as u32);
        put16(&mut header, name.len() as u16);
        put16(&mut header, 0);
        header.extend_from_slice(name.as_bytes());
        self.write(&header)?;
        match (data, content) {
            (Some(deflated), _) => self.write(&deflated)?,
            (None, Content::File(path)) => {
                let copied = io::copy(&mut std::fs::File::open(path)?, &mut self.out)?;
                if copied != size {
                    return Err(io::Error::other(format!(
                        "{} changed while it was being packed",
                        path.display()
                    )));
                }
                self.at += copied;
            }
            (None, Content::Text(_)) => {
                return Err(io::Error::other(format!(
                    "{name}: text prepared as a stored file"
                )));
            }
        }
        self.entries.push(Central {
            name: name.to_string(),
            method,
            crc,
            compressed,
            size,
            offset,
        });
        Ok(())
    }

    /// Writes the central directory and returns the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        let start = self.at;
        let entries = std::mem::take(&mut self.entries);
        for e in &entries {
            let far = e.offset >= MAX32;
            let mut record = Vec::with_capacity(46 + e.name.len() + 12);
            put32(&mut record, 0x0201_4b50);
            put16(&mut record, 3 << 8 | 45); // made by Unix, spec 4.5
            put16(&mut record, if far { 45 } else { 20 });
            put16(&mut record, UTF8);
            put16(&mut record, e.method);
            put16(&mut record, DOS_TIME);
            put16(&mut record, DOS_DATE);
            put32(&mut record, e.crc);
            put32(&mut record, e.compressed as u32);
            put32(&mut record, e.size as u32);
            put16(&mut record, e.name.len() as u16);
            put16(&mut record, if far { 12 } else { 0 });
            put16(&mut record, 0); // comment
            put16(&mut record, 0); // disk
            put16(&mut record, 0); // internal attributes
            put32(&mut record, 0o100_644 << 16); // a regular file, rw-r--r--
            put32(
                &mut record,
                if far { MAX32 as u32 } else { e.offset as u32 },
            );
            record.extend_from_slice(e.name.as_bytes());
            if far {
                put16(&mut record, 0x0001);
                put16(&mut record, 8);
                put64(&mut record, e.offset);
            }
            self.write(&record)?;
        }
        let size = self.at - start;
        let count = entries.len() as u64;
        let zip64 = count > 0xFFFF || start >= MAX32 || size >= MAX32;
        let mut end = Vec::new();
        if zip64 {
            let record_at = self.at;
            put32(&mut end, 0x0606_4b50);
            put64(&mut end, 44);
            put16(&mut end, 45);
            put16(&mut end, 45);
            put32(&mut end, 0);
            put32(&mut end, 0);
            put64(&mut end, count);
            put64(&mut end, count);
            put64(&mut end, size);
            put64(&mut end, start);
            put32(&mut end, 0x0706_4b50);
            put32(&mut end, 0);
            put64(&mut end, record_at);
            put32(&mut end, 1);
        }
        put32(&mut end, 0x0605_4b50);
        put16(&mut end, 0);
        put16(&mut end, 0);
        put16(&mut end, count.min(0xFFFF) as u16);
        put16(&mut end, count.min(0xFFFF) as u16);
        put32(&mut end, size.min(MAX32) as u32);
        put32(&mut end, start.min(MAX32) as u32);
        put16(&mut end, 0);
        self.write(&end)?;
        Ok(self.out)
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.at += bytes.len() as u64;
        Ok(())
    }
}

/// An entry's content made ready to write: deflated text, or a file's CRC and length.
pub struct Prepared {
    method: u16,
    crc: u32,
    size: u64,
    data: Option<Vec<u8>>,
}

/// Compresses text, or reads a file once for its CRC. Independent of the archive, so entries
/// can be prepared in parallel.
pub fn prepare(content: Content<'_>) -> io::Result<Prepared> {
    Ok(match content {
        Content::Text(bytes) => {
            let mut encoder = DeflateEncoder::new(Vec::new(), Compression::new(6));
            encoder.write_all(bytes)?;
            let deflated = encoder.finish()?;
            let mut crc = crc32fast::Hasher::new();
            crc.update(bytes);
            Prepared {
                method: DEFLATED,
                crc: crc.finalize(),
                size: bytes.len() as u64,
                data: Some(deflated),
            }
        }
        Content::File(path) => {
            let (crc, size) = crc_of(path)?;
            Prepared {
                method: STORED,
                crc,
                size,
                data: None,
            }
        }
    })
}

/// CRC-32 and length of a file, read in blocks.
fn crc_of(path: &std::path::Path) -> io::Result<(u32, u64)> {
    let mut file = std::fs::File::open(path)?;
    let mut crc = crc32fast::Hasher::new();
    let mut buffer = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            return Ok((crc.finalize(), size));
        }
        crc.update(&buffer[..n]);
        size += n as u64;
    }
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zip_holds_its_entries_with_fixed_times_and_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let media = dir.path().join("v.mp4");
        std::fs::write(&media, b"not really a video").unwrap();
        let mut zip = ZipWriter::new(Vec::new());
        zip.add("a/index.html", Content::Text("<p>情绪</p>".as_bytes()))
            .unwrap();
        zip.add("assets/v.mp4", Content::File(&media)).unwrap();
        let bytes = zip.finish().unwrap();
        assert_eq!(&bytes[..4], b"PK\x03\x04");
        // the stored entry's bytes are there as they are
        assert!(bytes.windows(18).any(|w| w == b"not really a video"));
        // end of central directory: 2 entries
        let end = bytes.len() - 22;
        assert_eq!(&bytes[end..end + 4], b"PK\x05\x06");
        assert_eq!(u16::from_le_bytes([bytes[end + 10], bytes[end + 11]]), 2);
        // the same input gives the same bytes
        let mut again = ZipWriter::new(Vec::new());
        again
            .add("a/index.html", Content::Text("<p>情绪</p>".as_bytes()))
            .unwrap();
        again.add("assets/v.mp4", Content::File(&media)).unwrap();
        assert_eq!(again.finish().unwrap(), bytes);
    }

    #[test]
    fn many_entries_get_zip64_end_records() {
        let mut zip = ZipWriter::new(Vec::new());
        for i in 0..70_000 {
            zip.add(&format!("f/{i}"), Content::Text(b"")).unwrap();
        }
        let bytes = zip.finish().unwrap();
        let end = bytes.len() - 22;
        assert_eq!(&bytes[end..end + 4], b"PK\x05\x06");
        assert_eq!(
            u16::from_le_bytes([bytes[end + 10], bytes[end + 11]]),
            0xFFFF
        );
        let locator = end - 20;
        assert_eq!(&bytes[locator..locator + 4], b"PK\x06\x07");
        let record = end - 20 - 56;
        assert_eq!(&bytes[record..record + 4], b"PK\x06\x06");
        let count = u64::from_le_bytes(bytes[record + 32..record + 40].try_into().unwrap());
        assert_eq!(count, 70_000);
    }
}
