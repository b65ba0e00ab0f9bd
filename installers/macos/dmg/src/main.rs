//! vaxla-dmg: wraps the disk image xorriso makes of the DMG's folder (an Apple partition
//! map, an HFS+ volume and the ISO 9660 data around it) into a compressed, read-only
//! UDIF disk image (UDZO, zlib): the .dmg macOS opens. Written with the `apple-dmg` crate;
//! the partitions are listed as `hdiutil` lists those of a partition-map image, one block
//! table each, so that readers (macOS, 7-Zip, dmg2img) find the HFS+ volume. Run by
//! installers/build.py:
//!
//!     vaxla-dmg DISK-IMAGE OUT.dmg
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, ensure, Context, Result};
use apple_dmg::DmgWriter;

const SECTOR: usize = 512;

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
        block >= SECTOR && block % SECTOR == 0,
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

fn run(image: &PathBuf, dmg: &PathBuf) -> Result<()> {
    let disk = std::fs::read(image).with_context(|| format!("reading {}", image.display()))?;
    ensure!(
        disk.len() % SECTOR == 0,
        "{} is not a whole number of 512-byte sectors",
        image.display()
    );
    let parts = partition_map(&disk)?;
    if !parts.iter().any(|part| part.name.contains("(Apple_HFS :")) {
        bail!("the partition map has no Apple_HFS partition");
    }
    let mut writer =
        DmgWriter::create(dmg).with_context(|| format!("creating {}", dmg.display()))?;
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
