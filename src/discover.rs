//! The files of a folder, in a stable order, and the ones skipped with why.
//!
//! Only names and metadata are looked at here; no file is opened. Owner files (`~$…`),
//! hidden files, system files (`Thumbs.db`, `.DS_Store`, `desktop.ini`), directories and
//! anything that is not a regular file are skipped and listed, never silently dropped.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::findings::Skip;

/// A file to read as a return.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub path: PathBuf,
    /// The name shown to people (relative to the folder).
    pub name: String,
    pub modified: Option<SystemTime>,
}

/// What the folder holds.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<Candidate>,
    pub skipped: Vec<(String, Skip)>,
    /// The county's explanations files found beside the returns (not returns themselves).
    pub explanations: Vec<PathBuf>,
    /// The files skipped as not spreadsheets, with their paths: the run opens them to tell its
    /// own outputs (a `--json` report) by content.
    pub others: Vec<Candidate>,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot list folder {path}: {source}")]
pub struct DiscoverError {
    pub path: String,
    #[source]
    pub source: std::io::Error,
}

/// Extensions of files that may hold a return (the content decides what they are).
const SPREADSHEET_EXT: &[&str] = &[
    "xlsx", "xlsm", "xls", "xlsb", "ods", "xltx", "et", "ett", "csv", "tsv", "html", "htm", "xml",
];
const SYSTEM_FILES: &[&str] = &["thumbs.db", ".ds_store", "desktop.ini", "ehthumbs.db"];

/// Shows a file name safely: control characters escaped.
pub fn display_name(name: &str) -> String {
    name.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// A file named on the command line, taken as it is.
pub fn candidate(path: &Path) -> Candidate {
    let name = path
        .file_name()
        .map(|n| display_name(&n.to_string_lossy()))
        .unwrap_or_else(|| display_name(&path.display().to_string()));
    Candidate {
        path: path.to_path_buf(),
        name,
        modified: std::fs::metadata(path).and_then(|m| m.modified()).ok(),
    }
}

/// The name of the county's explanations file beside the returns (any spreadsheet or CSV
/// extension): `审核说明.csv`, `审核说明.xlsx`, `explanations.csv`.
pub const EXPLANATIONS_STEMS: &[&str] = &["审核说明", "explanations"];

pub fn is_explanations(name: &str) -> bool {
    let path = Path::new(name);
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    EXPLANATIONS_STEMS.contains(&stem.to_lowercase().as_str())
        && SPREADSHEET_EXT.contains(&ext.as_str())
}

/// The explanations files in `folder`, found by name without listing it (a folder may hold
/// thousands of returns; `huizong check` looks at one).
pub fn explanations_in(folder: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for stem in EXPLANATIONS_STEMS {
        for ext in SPREADSHEET_EXT {
            let p = folder.join(format!("{stem}.{ext}"));
            if p.is_file() {
                out.push(p);
            }
        }
    }
    out
}

/// Lists `folder` (not recursively), sorted by name.
pub fn discover(folder: &Path) -> Result<Discovered, DiscoverError> {
    let err = |source| DiscoverError {
        path: folder.display().to_string(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(folder)
        .map_err(err)?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    let mut out = Discovered::default();
    for entry in entries {
        let name = display_name(&entry.file_name().to_string_lossy());
        let lower = name.to_lowercase();
        let skip = if name.starts_with("~$") || name.starts_with(".~lock") {
            Some(Skip::OwnerFile)
        } else if SYSTEM_FILES.contains(&lower.as_str()) {
            Some(Skip::SystemFile)
        } else if name.starts_with('.') {
            Some(Skip::Hidden)
        } else {
            None
        };
        if let Some(s) = skip {
            out.skipped.push((name, s));
            continue;
        }
        // The county's explanations (审核说明.csv) live beside the returns but are not one.
        if is_explanations(&name) && entry.path().is_file() {
            out.explanations.push(entry.path());
            continue;
        }
        // Follow links; a broken link or a directory is not a file to read.
        let meta = std::fs::metadata(entry.path());
        match meta {
            Ok(m) if m.is_file() => {
                let ext = Path::new(&lower)
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or("")
                    .to_string();
                if SPREADSHEET_EXT.contains(&ext.as_str()) {
                    out.files.push(Candidate {
                        path: entry.path(),
                        name,
                        modified: m.modified().ok(),
                    });
                } else {
                    out.others.push(Candidate {
                        path: entry.path(),
                        name: name.clone(),
                        modified: m.modified().ok(),
                    });
                    out.skipped.push((name, Skip::NotSpreadsheet));
                }
            }
            _ => out.skipped.push((name, Skip::NotRegular)),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_and_lists() {
        let dir = tempfile::tempdir().expect("tempdir");
        for n in [
            "b.xlsx",
            "a.xls",
            "~$a.xlsx",
            "Thumbs.db",
            ".hidden.xlsx",
            "notes.txt",
        ] {
            std::fs::write(dir.path().join(n), b"x").expect("write");
        }
        std::fs::create_dir(dir.path().join("old.xlsx")).expect("dir");
        let d = discover(dir.path()).expect("discover");
        let files: Vec<_> = d.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(files, ["a.xls", "b.xlsx"]);
        let skipped: Vec<_> = d.skipped.iter().map(|(n, s)| (n.as_str(), *s)).collect();
        assert_eq!(
            skipped,
            [
                (".hidden.xlsx", Skip::Hidden),
                ("Thumbs.db", Skip::SystemFile),
                ("notes.txt", Skip::NotSpreadsheet),
                ("old.xlsx", Skip::NotRegular),
                ("~$a.xlsx", Skip::OwnerFile),
            ]
        );
        assert_eq!(display_name("a\nb.xlsx"), "a\\nb.xlsx");
    }
}
