//! Writing an output whole or not at all, and the error of writing one: the one temp-file-and-
//! rename writer (report/ and history/ use it), and `ReportError`, which render/ words. Knows no
//! workbook library (report/ converts rust_xlsxwriter's errors into `ReportError`) and no words.

use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The rename over an existing output failed: on Windows, the file is open in Excel/WPS.
    #[error("cannot replace {path}: {source}")]
    Replace {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot build the workbook: {0}")]
    Xlsx(Box<dyn std::error::Error + Send + Sync>),
    #[error("cannot build the JSON report: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{0}")]
    Locked(String),
    #[error("refusing to write {0}: it is one of the returns being read")]
    WouldOverwriteInput(String),
}

/// Writes `bytes` to `path` whole or not at all: a temporary file in the same folder, synced,
/// then renamed over the target.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    write_atomically_with(path, |w| {
        w.write_all(bytes).map_err(|source| ReportError::Io {
            path: path.display().to_string(),
            source,
        })
    })
}

/// Like [`write_atomically`], the content streamed by `write` into a buffered writer on the
/// temporary file (a large report need not be held in memory whole).
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<(), ReportError>,
) -> Result<(), ReportError> {
    let io = |source| ReportError::Io {
        path: path.display().to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".huizong-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(io)?;
    {
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        write(&mut buffered)?;
        buffered.flush().map_err(io)?;
    }
    tmp.as_file().sync_all().map_err(io)?;
    // NamedTempFile is created 0600; an output is the user's file like any other, so it takes
    // the permissions a new file gets from the umask.
    crate::permissions::set_ordinary(tmp.as_file()).map_err(io)?;
    tmp.persist(path).map_err(|e| ReportError::Replace {
        path: path.display().to_string(),
        source: e.error,
    })?;
    Ok(())
}
