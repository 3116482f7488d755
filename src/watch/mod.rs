//! Watching the inbox: which files are returns to take, and when a file is complete.
//!
//! Events come from notify through notify-debouncer-full (a `PollWatcher` with `--poll`, for
//! network shares where events do not arrive); on start, the whole inbox is looked at, so files
//! dropped while watch was stopped are taken. A file is taken once it is complete: its size and
//! time unchanged across the settle window, openable, and whole by its own structure (a zip
//! package's end record present, an OLE file a whole number of sectors); a file that is not yet
//! whole is retried until it is, or until it has been stable for long enough that it never will
//! be (then it is taken and its reader says what is wrong). Excel's owner files (`~$…`), lock
//! files, hidden files and temp files without a spreadsheet extension are never taken.
//! This module knows no ledger and no spreadsheets' contents: `take` is the caller's.

use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use notify_debouncer_full::notify::{self, RecursiveMode};

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("watching {path}: {source}")]
    Notify { path: String, source: notify::Error },
}

/// How to watch.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Poll the folder instead of waiting for events.
    pub poll: bool,
    /// Take what is in the inbox now, then stop.
    pub once: bool,
    /// How long a file's size and time must stay unchanged.
    pub settle: Duration,
    /// How long a stable file that is not whole is waited for before it is taken anyway.
    pub give_up: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            poll: false,
            once: false,
            settle: Duration::from_millis(400),
            give_up: Duration::from_secs(10),
        }
    }
}

/// Extensions of files that may hold a return (as `discover` lists them).
const EXTENSIONS: &[&str] = &[
    "xlsx", "xlsm", "xls", "xlsb", "ods", "xltx", "et", "ett", "csv", "tsv", "html", "htm", "xml",
];

/// Whether a file in the inbox is one to take (by its name only).
pub fn is_candidate(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if name.starts_with("~$") || name.starts_with(".~lock") || name.starts_with('.') {
        return false;
    }
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    EXTENSIONS.contains(&ext.as_str())
}

/// Every candidate file under `inbox`, in name order.
pub fn scan(inbox: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![inbox.to_path_buf()];
    while let Some(d) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            match e.file_type() {
                // Hidden folders are the user's own (or a sync tool's).
                Ok(t) if t.is_dir() && !e.file_name().to_string_lossy().starts_with('.') => {
                    dirs.push(p);
                }
                Ok(t) if t.is_file() && is_candidate(&p) => out.push(p),
                _ => {}
            }
        }
    }
    out.sort();
    out
}

/// Whether a file's bytes look whole by their own structure.
pub fn looks_whole(path: &Path) -> std::io::Result<bool> {
    let mut f = std::fs::File::open(path)?;
    let len = f.metadata()?.len();
    let mut head = [0u8; 8];
    let n = f.read(&mut head)?;
    if n >= 4 && head[..4] == *b"PK\x03\x04" {
        // The end-of-central-directory record sits in the last 22 + 65535 bytes.
        let tail_len = len.min(22 + 65_535);
        f.seek(SeekFrom::Start(len - tail_len))?;
        let mut tail = vec![0u8; tail_len as usize];
        f.read_exact(&mut tail)?;
        return Ok(tail.windows(4).any(|w| w == b"PK\x05\x06"));
    }
    if n == 8 && head == [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] {
        return Ok(len % 512 == 0 && len >= 1024);
    }
    Ok(len > 0)
}

#[derive(Debug)]
struct Pending {
    seen: (u64, Option<SystemTime>),
    since: Instant,
    first: Instant,
}

fn stamp(path: &Path) -> Option<(u64, Option<SystemTime>)> {
    let m = std::fs::metadata(path).ok()?;
    m.is_file().then(|| (m.len(), m.modified().ok()))
}

/// Watches `inbox`, calling `take` once for each complete file (and again only when its bytes
/// change); `take` returning false stops the watch. Returns when `once` is set and the inbox is
/// taken, else runs until the process ends.
pub fn watch(
    inbox: &Path,
    opts: Options,
    take: impl FnMut(&Path) -> bool,
) -> Result<(), WatchError> {
    watch_until(inbox, opts, &AtomicBool::new(false), take)
}

/// As [`watch`], also returning (`Ok`) once `stop` is set (Ctrl-C): never in the middle of a
/// `take`, so a file is either taken whole or left for the next start.
// long-function: the event loop with its stop flag, retries and restart scan in one place; not yet split (issue 10)
pub fn watch_until(
    inbox: &Path,
    opts: Options,
    stop: &AtomicBool,
    mut take: impl FnMut(&Path) -> bool,
) -> Result<(), WatchError> {
    let (tx, rx) = mpsc::channel();
    let err = |source| WatchError::Notify {
        path: inbox.display().to_string(),
        source,
    };
    let debounce = Duration::from_millis(200);
    // The two watchers differ in type; each is kept alive for the loop's life.
    let _keep: Box<dyn std::any::Any> = if opts.once {
        Box::new(())
    } else if opts.poll {
        let config = notify::Config::default().with_poll_interval(Duration::from_millis(300));
        let mut d = notify_debouncer_full::new_debouncer_opt::<_, notify::PollWatcher, _>(
            debounce,
            None,
            tx,
            notify_debouncer_full::NoCache,
            config,
        )
        .map_err(err)?;
        d.watch(inbox, RecursiveMode::Recursive).map_err(err)?;
        Box::new(d)
    } else {
        let mut d = notify_debouncer_full::new_debouncer(debounce, None, tx).map_err(err)?;
        d.watch(inbox, RecursiveMode::Recursive).map_err(err)?;
        Box::new(d)
    };
    let mut pending: BTreeMap<PathBuf, Pending> = BTreeMap::new();
    let mut done: BTreeMap<PathBuf, (u64, Option<SystemTime>)> = BTreeMap::new();
    let note = |pending: &mut BTreeMap<PathBuf, Pending>, p: PathBuf| {
        if let Some(seen) = stamp(&p) {
            let now = Instant::now();
            pending.entry(p).or_insert(Pending {
                seen,
                since: now,
                first: now,
            });
        }
    };
    // Files dropped while watch was not running.
    for p in scan(inbox) {
        note(&mut pending, p);
    }
    loop {
        if stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        while let Ok(events) = rx.try_recv() {
            let Ok(events) = events else { continue };
            for e in events {
                for p in &e.paths {
                    if p.is_dir() {
                        // A folder moved in brings its files with it.
                        for f in scan(p) {
                            note(&mut pending, f);
                        }
                    } else if is_candidate(p) {
                        note(&mut pending, p.clone());
                    }
                }
            }
        }
        let ready = settle(&mut pending, &done, opts);
        for p in ready {
            if stop.load(Ordering::SeqCst) {
                return Ok(());
            }
            if let Some(s) = stamp(&p) {
                if !take(&p) {
                    return Ok(());
                }
                done.insert(p.clone(), s);
            }
            pending.remove(&p);
        }
        if opts.once && pending.is_empty() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The pending files now complete; updates the others' stamps.
fn settle(
    pending: &mut BTreeMap<PathBuf, Pending>,
    done: &BTreeMap<PathBuf, (u64, Option<SystemTime>)>,
    opts: Options,
) -> Vec<PathBuf> {
    let mut ready = Vec::new();
    pending.retain(|p, w| {
        let Some(now) = stamp(p) else {
            return false; // gone (renamed away, deleted)
        };
        if done.get(p) == Some(&now) {
            return false; // taken already, bytes unchanged
        }
        if now != w.seen {
            w.seen = now;
            w.since = Instant::now();
            return true;
        }
        if w.since.elapsed() < opts.settle {
            return true;
        }
        match looks_whole(p) {
            Ok(true) => ready.push(p.clone()),
            // Not whole yet: a copy still running, or a broken file; taken in the end.
            Ok(false) if w.first.elapsed() >= opts.give_up => ready.push(p.clone()),
            Ok(false) => {}
            // Not openable yet (locked by the writer on some systems): wait.
            Err(_) if w.first.elapsed() >= opts.give_up => ready.push(p.clone()),
            Err(_) => {}
        }
        true
    });
    ready
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_and_temp_files_are_not_candidates() {
        for (name, yes) in [
            ("白沙乡.xlsx", true),
            ("a.XLS", true),
            ("~$白沙乡.xlsx", false),
            (".~lock.a.ods#", false),
            ("A1B2C3D4.tmp", false),
            ("ABCD1234", false),
            (".hidden.xlsx", false),
        ] {
            assert_eq!(is_candidate(Path::new(name)), yes, "{name}");
        }
    }

    #[test]
    fn a_zip_cut_short_is_not_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let full = dir.path().join("a.xlsx");
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&full).expect("create"));
        zip.start_file("x.xml", zip::write::SimpleFileOptions::default())
            .expect("start");
        std::io::Write::write_all(&mut zip, &[b'x'; 5000]).expect("write");
        zip.finish().expect("finish");
        assert!(looks_whole(&full).expect("read"));
        let bytes = std::fs::read(&full).expect("read");
        let cut = dir.path().join("b.xlsx");
        std::fs::write(&cut, &bytes[..bytes.len() - 30]).expect("write");
        assert!(!looks_whole(&cut).expect("read"));
        let ole = dir.path().join("c.xls");
        let mut b = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        b.resize(1500, 0);
        std::fs::write(&ole, &b).expect("write");
        assert!(!looks_whole(&ole).expect("read"));
    }
}
