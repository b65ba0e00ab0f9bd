//! vaxla-dmg: wraps the disk image xorriso makes of the DMG's folder (an Apple partition
//! map, an HFS+ volume and the ISO 9660 data around it) into a compressed, read-only
//! UDIF disk image (UDZO, zlib): the .dmg macOS opens. Written with the `apple-dmg` crate's
//! structures; the partitions are listed as `hdiutil` lists those of a partition-map
//! image, one block table each, so that readers (macOS, 7-Zip, dmg2img) find the HFS+
//! volume. Run by installers/build.py:
//!
//!     vaxla-dmg DISK-IMAGE OUT.dmg
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, ensure, Context, Result};
use apple_dmg::{BlkxChunk, BlkxTable, ChunkType, KolyTrailer, Partition, Plist};
use crc32fast::Hasher;
use flate2::write::ZlibEncoder;
use flate2::Compression;

const SECTOR: usize = 512;
const CHUNK: usize = 2048 * SECTOR;

struct Part {
    start: usize,
    end: usize,
    name: String,
}

fn be16(bytes: &[u8], at: usize) -> usize {
    usize::from(u16::from_be_bytes([bytes[at], bytes[at + 1]]))
}

fn be32(bytes: &[u8], at: usize) -> usize {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize
}

fn text(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// The Apple partition map's entries, in bytes, sorted by where they start.
fn partition_map(disk: &[u8]) -> Result<Vec<Part>> {
    ensure!(
        disk.len() >= 2 * SECTOR && &disk[..2] == b"ER",
        "no Apple partition map (xorriso -hfsplus writes one)"
    );
    let block = be16(disk, 2);
    ensure!(
        block >= SECTOR && block.is_multiple_of(SECTOR),
        "partition map block size {block}"
    );
    let mut parts = Vec::new();
    let count = be32(disk, block + 4);
    for index in 0..count {
        let at = block * (index + 1);
        ensure!(
            at + 80 <= disk.len() && &disk[at..at + 2] == b"PM",
            "partition map entry {index} damaged"
        );
        let (start, length) = (be32(disk, at + 8) * block, be32(disk, at + 12) * block);
        ensure!(
            start + length <= disk.len(),
            "partition {index} ends past the disk"
        );
        let name = format!(
            "{} ({} : {})",
            text(&disk[at + 16..at + 48]),
            text(&disk[at + 48..at + 80]),
            index + 1
        );
        parts.push(Part {
            start,
            end: start + length,
            name,
        });
    }
    parts.sort_by_key(|part| part.start);
    Ok(parts)
}

/// The UDZO writer: `apple-dmg`'s block tables, partition list and trailer, with each
/// partition compressed in 1 MiB chunks (as the crate does) on every core, at zlib's
/// default level (the crate's own writer takes the best level on one core: three times
/// the time for a DMG 2 % smaller).
struct Udzo {
    out: BufWriter<File>,
    plist: Plist,
    data_digest: Hasher,
    main_digest: Hasher,
    sector: u64,
    offset: u64,
}

impl Udzo {
    fn add_partition(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        let id = u32::try_from(self.plist.partitions().len())?;
        let mut table = BlkxTable::new(id, self.sector, crc32fast::hash(bytes));
        for (chunk, packed) in bytes.chunks(CHUNK).zip(compress(bytes)?) {
            let sectors = (chunk.len() / SECTOR) as u64;
            let length = packed.len() as u64;
            self.out.write_all(&packed)?;
            self.data_digest.update(&packed);
            table.add_chunk(BlkxChunk::new(
                ChunkType::Zlib,
                self.sector,
                sectors,
                self.offset,
                length,
            ));
            self.sector += sectors;
            self.offset += length;
        }
        table.add_chunk(BlkxChunk::term(self.sector, self.offset));
        self.main_digest.update(&table.checksum.data[..4]);
        let partition_id = i32::try_from(id)? - 1;
        self.plist
            .add_partition(Partition::new(partition_id, name.to_string(), table));
        Ok(())
    }

    fn finish(mut self) -> Result<()> {
        let mut xml = vec![];
        plist::to_writer_xml(&mut xml, &self.plist)?;
        let koly = KolyTrailer::new(
            self.offset,
            self.sector,
            self.offset,
            xml.len() as u64,
            self.data_digest.finalize(),
            self.main_digest.finalize(),
        );
        self.out.write_all(&xml)?;
        koly.write_to(&mut self.out)?;
        self.out.flush()?;
        Ok(())
    }
}

/// Every chunk of a partition, zlib-compressed, in order.
fn compress(bytes: &[u8]) -> Result<Vec<Vec<u8>>> {
    let chunks: Vec<&[u8]> = bytes.chunks(CHUNK).collect();
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let mut packed: Vec<Vec<u8>> = vec![Vec::new(); chunks.len()];
    std::thread::scope(|scope| -> Result<()> {
        let shares: Vec<_> = packed
            .chunks_mut(chunks.len().div_ceil(workers).max(1))
            .zip(chunks.chunks(chunks.len().div_ceil(workers).max(1)))
            .map(|(out, inputs)| {
                scope.spawn(move || -> Result<()> {
                    for (slot, input) in out.iter_mut().zip(inputs) {
                        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
                        encoder.write_all(input)?;
                        *slot = encoder.finish()?;
                    }
                    Ok(())
                })
            })
            .collect();
        for share in shares {
            share
                .join()
                .map_err(|_| anyhow::anyhow!("a compressing thread panicked"))??;
        }
        Ok(())
    })?;
    Ok(packed)
}

fn run(image: &PathBuf, dmg: &PathBuf) -> Result<()> {
    let disk = std::fs::read(image).with_context(|| format!("reading {}", image.display()))?;
    ensure!(
        disk.len().is_multiple_of(SECTOR),
        "{} is not a whole number of 512-byte sectors",
        image.display()
    );
    let parts = partition_map(&disk)?;
    if !parts.iter().any(|part| part.name.contains("(Apple_HFS :")) {
        bail!("the partition map has no Apple_HFS partition");
    }
    let file = File::create(dmg).with_context(|| format!("creating {}", dmg.display()))?;
    let mut writer = Udzo {
        out: BufWriter::new(file),
        plist: Plist::default(),
        data_digest: Hasher::new(),
        main_digest: Hasher::new(),
        sector: 0,
        offset: 0,
    };
    // The driver descriptor before the map, each partition, and the free space between
    // and after them: together the whole disk, in order, as macOS attaches it.
    let mut at = 0;
    let mut free = parts.len() + 1;
    for part in &parts {
        ensure!(
            part.start >= at,
            "partitions overlap at byte {}",
            part.start
        );
        if part.start > at {
            let name = if at == 0 {
                "Driver Descriptor Map (DDM : 0)".to_string()
            } else {
                free += 1;
                format!(" (Apple_Free : {free})")
            };
            writer.add_partition(&name, &disk[at..part.start])?;
        }
        writer.add_partition(&part.name, &disk[part.start..part.end])?;
        at = part.end;
    }
    if at < disk.len() {
        writer.add_partition(&format!(" (Apple_Free : {})", free + 1), &disk[at..])?;
    }
    writer.finish()
}

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [image, dmg] = args.as_slice() else {
        eprintln!("usage: vaxla-dmg DISK-IMAGE OUT.dmg");
        return ExitCode::from(2);
    };
    match run(image, dmg) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("vaxla-dmg: {}: {error:#}", image.display());
            ExitCode::FAILURE
        }
    }
}
