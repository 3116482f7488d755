//! Reports: the county workbook (the only code that knows rust_xlsxwriter) and the run report
//! JSON. Outputs are written to a temporary file beside the target and renamed, so they are
//! whole or absent, never half-written.

mod board;
mod by_township;
mod charts;
mod diffs;
mod feedback;
mod funnel;
mod json;
mod lists;
mod page;
mod quality;
mod template;
mod trend;
mod xlsx;

use std::collections::HashSet;
use std::path::Path;

use crate::model::Location;
use crate::outcome::RunOutcome;

pub use feedback::{feedback_workbook, feedback_workbook_with_reason};
pub use json::write_run_json;
pub use template::{template_workbook, template_workbook_noted, MARKER, MARKER_SHEET};
pub use xlsx::county_workbook;

pub use crate::output::{write_atomically, write_atomically_with, ReportError};

/// The workbook writer's errors become the output error (which does not name rust_xlsxwriter,
/// so that render/ can word it without depending on report/).
impl From<rust_xlsxwriter::XlsxError> for ReportError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        ReportError::Xlsx(Box::new(e))
    }
}

/// Takes the output folder's lock (`.huizong.lock`), held until the returned file is dropped.
pub fn lock_output(dir: &Path) -> Result<std::fs::File, ReportError> {
    let path = dir.join(".huizong.lock");
    let io = |source| ReportError::Io {
        path: path.display().to_string(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => {
            Err(ReportError::Locked(path.display().to_string()))
        }
        Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
    }
}

/// Refuses an output path that is one of the input files (outputs never overwrite an input).
pub fn refuse_input(target: &Path, folder: &Path, inputs: &[&str]) -> Result<(), ReportError> {
    let (Ok(dir), Some(name)) = (
        target
            .parent()
            .map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            })
            .unwrap_or(Path::new("."))
            .canonicalize(),
        target.file_name().and_then(|n| n.to_str()),
    ) else {
        return Ok(());
    };
    let same_folder = folder.canonicalize().is_ok_and(|f| f == dir);
    if same_folder && inputs.contains(&name) {
        return Err(ReportError::WouldOverwriteInput(
            target.display().to_string(),
        ));
    }
    Ok(())
}

/// Hyperlinks from the county workbook to the cells of the returns:
/// `file:///<absolute path of the return>#'<sheet>'!<cell>`.
pub(crate) struct Links {
    folder: String,
    /// The files read as returns (skipped files are not linked).
    files: HashSet<String>,
}

impl Links {
    /// Excel keeps at most this many hyperlinks on a worksheet.
    pub(crate) const MAX_PER_SHEET: u32 = 65_530;

    /// Links into `folder` (made absolute, without touching the file system) for the run's
    /// returns.
    pub(crate) fn new(folder: &Path, out: &RunOutcome) -> Option<Self> {
        let folder = std::path::absolute(folder).ok()?;
        let mut folder = slashes(folder.to_str()?);
        if !folder.ends_with('/') {
            folder.push('/');
        }
        Some(Self {
            folder,
            files: out
                .assembly
                .returns
                .iter()
                .map(|r| r.file.clone())
                .collect(),
        })
    }

    /// The link to a location: to its cell (the sheet's top-left cell where only the sheet is
    /// known), or to the file. None for a file that is not a return, or a path a link cannot
    /// carry (`#` would end it).
    pub(crate) fn url(&self, at: &Location) -> Option<String> {
        if !self.files.contains(&*at.file) {
            return None;
        }
        let path = format!("{}{}", self.folder, slashes(&at.file));
        if path.contains('#') {
            return None;
        }
        Some(match &at.sheet {
            Some(sheet) => format!(
                "file:///{path}#'{}'!{}",
                sheet.replace('\'', "''"),
                at.cell
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "A1".into())
            ),
            None => format!("file:///{path}"),
        })
    }
}

/// A path with forward slashes (Windows paths are written `C:/…` in links).
fn slashes(path: &str) -> String {
    if cfg!(windows) {
        path.replace('\\', "/")
    } else {
        path.to_string()
    }
}

/// Text from a return, cut to what a cell holds (Excel: 32,767 characters).
pub(crate) fn fit(text: &str) -> String {
    const MAX: usize = 32_000;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        text.chars().take(MAX).chain("…".chars()).collect()
    }
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, not empty.
pub(crate) fn safe_sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .take(31)
        .collect();
    let cleaned = cleaned.trim_matches('\'').to_string();
    if cleaned.is_empty() {
        "_".into()
    } else {
        cleaned
    }
}

/// A name safe for a file: no path separators, control characters or reserved names.
pub fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || r#"/\:*?"<>|"#.contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches(['.', ' ']).to_string();
    let upper = cleaned.to_ascii_uppercase();
    let reserved = ["CON", "PRN", "AUX", "NUL"].contains(&upper.as_str())
        || (upper.len() == 4 && (upper.starts_with("COM") || upper.starts_with("LPT")));
    if cleaned.is_empty() || reserved {
        format!("_{cleaned}")
    } else {
        cleaned.chars().take(100).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names() {
        assert_eq!(safe_file_name("安平县"), "安平县");
        assert_eq!(safe_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_file_name("CON"), "_CON");
        assert_eq!(safe_file_name("a\nb"), "a_b");
    }

    #[test]
    fn links_point_at_the_cell_of_a_return() {
        let links = Links {
            folder: "/data/returns/".into(),
            files: ["杏林镇10月.xlsx", "a#b.xlsx"].map(String::from).into(),
        };
        let at = Location::cell("杏林镇10月.xlsx", "表2", crate::model::CellRef::new(4, 4));
        assert_eq!(
            links.url(&at).as_deref(),
            Some("file:////data/returns/杏林镇10月.xlsx#'表2'!E5")
        );
        let sheet_only = Location {
            cell: None,
            ..Location::cell(
                "杏林镇10月.xlsx",
                "O'Neil",
                crate::model::CellRef::new(0, 0),
            )
        };
        assert_eq!(
            links.url(&sheet_only).as_deref(),
            Some("file:////data/returns/杏林镇10月.xlsx#'O''Neil'!A1")
        );
        assert_eq!(
            links.url(&Location::file("杏林镇10月.xlsx")).as_deref(),
            Some("file:////data/returns/杏林镇10月.xlsx")
        );
        assert_eq!(links.url(&Location::file("Thumbs.db")), None);
        assert_eq!(links.url(&Location::file("a#b.xlsx")), None);
    }

    #[test]
    fn atomic_write_replaces_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("out.json");
        write_atomically(&p, b"one").expect("write");
        write_atomically(&p, b"two").expect("write");
        assert_eq!(std::fs::read(&p).expect("read"), b"two");
        let leftovers = std::fs::read_dir(dir.path()).expect("list").count();
        assert_eq!(leftovers, 1);
    }
}
