//! Untrusted input: every sample return, mutated (truncated, bytes flipped, sizes and offsets
//! overwritten, zip parts removed or their contents corrupted), goes through
//! `huizong::returns::locate_bytes` (reading, locating, normalising) and none may panic; so do
//! the text-format seeds of the fuzz targets (`fuzz/seeds/`, mutated) and the inputs kept in
//! `fuzz/regressions/`, as they are. The mutations are drawn from a
//! fixed-seed xorshift, so every run feeds the same inputs.

use std::io::{Cursor, Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use huizong::config::Config;
use huizong::locate::FormKeys;
use huizong::returns::locate_bytes;

/// xorshift64*: small, deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// A non-zero byte, to XOR with.
    fn flip(&mut self) -> u8 {
        (self.below(255) + 1) as u8
    }
}

/// Values that make a size, count, offset or index read from the file go wrong.
const WORDS: [u32; 6] = [
    0xFFFF_FFFF,
    0x7FFF_FFFF,
    0x8000_0000,
    0,
    0xFFFF_FFFE,
    0x0001_0000,
];

/// The files of a folder, sorted, each with its lower-case extension.
fn files_in(dir: &Path) -> Vec<(PathBuf, Option<String>)> {
    let mut files = Vec::new();
    for f in std::fs::read_dir(dir).expect("list folder") {
        let p = f.expect("entry").path();
        if p.is_file() {
            let ext = p
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            files.push((p, ext));
        }
    }
    files.sort();
    files
}

/// Every file under `samples/returns/*/`, sorted.
fn sample_files() -> Vec<(PathBuf, Option<String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/returns");
    let mut months: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("samples/returns")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    months.sort();
    months.iter().flat_map(|m| files_in(m)).collect()
}

/// Mutations on the raw bytes, for any format.
fn byte_mutations(bytes: &[u8], rng: &mut Rng, out: &mut Vec<(String, Vec<u8>)>) {
    let len = bytes.len();
    if len == 0 {
        return;
    }
    // Truncations: inside the header, at the OLE2 header's end, at fractions, and just short
    // of the end (where a zip keeps its central directory).
    let mut cuts = vec![
        1,
        8,
        512,
        len / 4,
        len / 2,
        len * 3 / 4,
        len.saturating_sub(22),
        len - 1,
    ];
    cuts.push(rng.below(len));
    cuts.sort_unstable();
    cuts.dedup();
    for cut in cuts.into_iter().filter(|c| *c < len) {
        out.push((format!("truncated at {cut}"), bytes[..cut].to_vec()));
    }
    // Single bytes flipped anywhere, then within the first 512 bytes (headers).
    for i in 0..5 {
        let at = if i < 3 {
            rng.below(len)
        } else {
            rng.below(len.min(512))
        };
        let mut m = bytes.to_vec();
        m[at] ^= rng.flip();
        out.push((format!("byte {at} flipped"), m));
    }
    // A burst: sixteen bytes flipped at once.
    let mut m = bytes.to_vec();
    for _ in 0..16 {
        let at = rng.below(len);
        m[at] ^= rng.flip();
    }
    out.push(("16 bytes flipped".into(), m));
    // A 32-bit word overwritten with a value that breaks sizes and offsets.
    if len >= 4 {
        for _ in 0..3 {
            let at = rng.below(len - 3);
            let word = WORDS[rng.below(WORDS.len())];
            let mut m = bytes.to_vec();
            m[at..at + 4].copy_from_slice(&word.to_le_bytes());
            out.push((format!("word at {at} set to {word:#x}"), m));
        }
    }
    // A span removed from the middle.
    let from = rng.below(len);
    let to = (from + 1 + rng.below(256)).min(len);
    let mut m = bytes[..from].to_vec();
    m.extend_from_slice(&bytes[to..]);
    out.push((format!("bytes {from}..{to} removed"), m));
}

/// The entries of a zip package, decompressed; `None` if it is not one.
fn zip_entries(bytes: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut entries = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).ok()?;
        let mut data = Vec::new();
        f.read_to_end(&mut data).ok()?;
        entries.push((f.name().ok()?.into_owned(), data));
    }
    Some(entries)
}

/// A zip package again, with valid checksums, so a corrupted part reaches the parser. Parts
/// are stored, not deflated: deflating in the debug profile would cost more than the parsing.
fn zip_pack(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in entries {
        w.start_file(name.as_str(), options).expect("start entry");
        w.write_all(data).expect("write entry");
    }
    w.finish().expect("finish zip").into_inner()
}

/// Replaces one run of ASCII digits, chosen at random, with a huge number.
fn inflate_a_number(data: &[u8], rng: &mut Rng) -> Option<Vec<u8>> {
    let runs: Vec<(usize, usize)> = {
        let mut runs = Vec::new();
        let mut i = 0;
        while i < data.len() {
            if data[i].is_ascii_digit() {
                let start = i;
                while i < data.len() && data[i].is_ascii_digit() {
                    i += 1;
                }
                runs.push((start, i));
            } else {
                i += 1;
            }
        }
        runs
    };
    if runs.is_empty() {
        return None;
    }
    let (a, b) = runs[rng.below(runs.len())];
    let huge: &[&[u8]] = &[b"4294967295", b"1048576", b"99999999999999999999", b"0"];
    let mut m = data[..a].to_vec();
    m.extend_from_slice(huge[rng.below(huge.len())]);
    m.extend_from_slice(&data[b..]);
    Some(m)
}

/// Mutations of a zip package's parts: each removed, and each one's contents corrupted in two
/// ways drawn from four (cut to half, bytes flipped, a span removed, a number inflated).
fn zip_mutations(entries: &[(String, Vec<u8>)], rng: &mut Rng, out: &mut Vec<(String, Vec<u8>)>) {
    for (i, (name, data)) in entries.iter().enumerate() {
        let mut removed = entries.to_vec();
        removed.remove(i);
        out.push((format!("{name} removed"), zip_pack(&removed)));
        if data.is_empty() {
            continue;
        }
        let first = rng.below(4);
        for kind in [first, (first + 1 + rng.below(3)) % 4] {
            let corrupted = match kind {
                0 => Some(("cut to half".to_string(), data[..data.len() / 2].to_vec())),
                1 => {
                    let mut m = data.clone();
                    for _ in 0..8 {
                        let at = rng.below(m.len());
                        m[at] ^= rng.flip();
                    }
                    Some(("8 bytes flipped".to_string(), m))
                }
                2 => {
                    let from = rng.below(data.len());
                    let to = (from + 1 + rng.below(64)).min(data.len());
                    let mut m = data[..from].to_vec();
                    m.extend_from_slice(&data[to..]);
                    Some((format!("bytes {from}..{to} removed"), m))
                }
                _ => inflate_a_number(data, rng).map(|m| ("a number inflated".to_string(), m)),
            };
            if let Some((how, content)) = corrupted {
                let mut e = entries.to_vec();
                e[i].1 = content;
                out.push((format!("{name}: {how}"), zip_pack(&e)));
            }
        }
    }
}

/// Every mutation of one file, each with a description.
fn mutations(bytes: &[u8], rng: &mut Rng) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    byte_mutations(bytes, rng, &mut out);
    if let Some(entries) = zip_entries(bytes) {
        zip_mutations(&entries, rng, &mut out);
    }
    out
}

#[test]
fn mutated_samples_never_panic() {
    let config = Config::default_with("安平县", &["青石镇", "白沙乡"]).expect("config");
    let keys = FormKeys::new(&config);
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("mutations");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let started = Instant::now();
    let (mut fed, mut located, mut refused) = (0usize, 0usize, 0usize);
    let mut slowest = (Duration::ZERO, String::new());
    let mut panics = Vec::new();
    // An abort (allocation failure, stack overflow) cannot be caught: with this variable set,
    // each input is named on stderr and saved as `current.*` before it is fed.
    let trace = std::env::var_os("HUIZONG_MUTATIONS_TRACE").is_some();
    // Inputs the fuzzer or this test once broke the reader with, fed as they are.
    let regressions = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut inputs: Vec<(PathBuf, Option<String>, bool)> = files_in(&regressions)
        .into_iter()
        .filter(|(_, ext)| ext.as_deref() != Some("md"))
        .map(|(p, ext)| (p, ext, false))
        .collect();
    inputs.extend(sample_files().into_iter().map(|(p, ext)| (p, ext, true)));
    // The text-format seeds of the reader fuzz targets (HTML, SpreadsheetML, CSV), mutated too:
    // the samples are all packages.
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    for (target, ext) in [
        ("read_html", "xls"),
        ("read_spreadsheetml", "xml"),
        ("read_delimited", "csv"),
    ] {
        inputs.extend(
            files_in(&seeds.join(target))
                .into_iter()
                .map(|(p, _)| (p, Some(ext.to_string()), true)),
        );
    }
    for (path, ext, mutate) in inputs {
        let bytes = std::fs::read(&path).expect("read input");
        let file = path.file_name().unwrap_or_default().to_string_lossy();
        let fed_as = if mutate {
            mutations(&bytes, &mut rng)
        } else {
            vec![("as it is".to_string(), bytes)]
        };
        for (what, input) in fed_as {
            fed += 1;
            if trace {
                eprintln!("mutation {fed}: {file}: {what}");
                std::fs::create_dir_all(&keep).expect("mutations dir");
                let ext = ext.as_deref().unwrap_or("bin");
                std::fs::write(keep.join(format!("current.{ext}")), &input).expect("save");
            }
            let t = Instant::now();
            let result = catch_unwind(AssertUnwindSafe(|| {
                locate_bytes(&input, ext.as_deref(), &config, &keys)
            }));
            let took = t.elapsed();
            if took > slowest.0 {
                slowest = (took, format!("{file}: {what}"));
            }
            match result {
                Ok(Ok(_)) => located += 1,
                Ok(Err(_)) => refused += 1,
                Err(payload) => {
                    let msg = payload
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    std::fs::create_dir_all(&keep).expect("mutations dir");
                    let saved = keep.join(format!(
                        "panic-{}.{}",
                        panics.len(),
                        ext.as_deref().unwrap_or("bin")
                    ));
                    std::fs::write(&saved, &input).expect("save input");
                    panics.push(format!(
                        "{file}: {what}: {msg} (input: {})",
                        saved.display()
                    ));
                }
            }
        }
    }
    eprintln!(
        "mutations: {fed} inputs ({located} located, {refused} refused, {} panicked) in {:.1?}; \
         slowest {:.1?} ({})",
        panics.len(),
        started.elapsed(),
        slowest.0,
        slowest.1
    );
    assert!(fed > 1000, "only {fed} mutated inputs");
    assert!(panics.is_empty(), "panicked:\n{}", panics.join("\n"));
}
