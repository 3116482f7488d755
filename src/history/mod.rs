//! The history store: the accepted figures of each period, one Parquet file a period
//! (`2026-10.parquet`) in one folder, so that the cross-month rules (R11, R12, R15) can compare a
//! month with the months before it.
//!
//! A run stores the valid values of its counted returns (what the county totals are made of),
//! with the file and cell each came from; re-running a period replaces its file, written whole or
//! not at all (temp file, then rename). This module is the only code that reads or writes the
//! store; it knows no spreadsheets and makes no findings (a store it cannot read is an `Err` that
//! the caller turns into "not evaluable").

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use polars_io::parquet::read::ParquetReader;
use polars_io::parquet::write::ParquetWriter;
use polars_io::SerReader;

use crate::model::{Column as ValueColumn, Period};

mod figures;

pub use figures::Figures;

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("history store {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("history file {path} cannot be read: {source}")]
    Table { path: String, source: PolarsError },
}

/// A folder of period files.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    /// Written into each row, so that a city can combine its counties' stores.
    county: Option<String>,
}

impl Store {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            county: None,
        }
    }

    /// The store of `county`: each row saved carries the county's name.
    pub fn with_county(mut self, county: &str) -> Self {
        self.county = Some(county.to_string());
        self
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, period: Period) -> PathBuf {
        self.dir.join(format!("{period}.parquet"))
    }

    /// The periods the store holds, oldest first.
    pub fn periods(&self) -> Result<Vec<Period>, HistoryError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.io(e)),
        };
        let mut out: Vec<Period> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                let stem = name.strip_suffix(".parquet")?;
                // Only the names the store writes (`2026-10`), not a user's copies.
                let p = Period::parse(stem)?;
                (p.to_string() == stem).then_some(p)
            })
            .collect();
        out.sort();
        Ok(out)
    }

    /// A period's figures, or `None` when the store has no file for it.
    pub fn load(&self, period: Period) -> Result<Option<Figures>, HistoryError> {
        let path = self.path(period);
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.io(e)),
        };
        let table = |source| HistoryError::Table {
            path: path.display().to_string(),
            source,
        };
        // A damaged file must never take the run down: polars' reader is guarded like calamine.
        let df = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            ParquetReader::new(file).finish()
        }))
        .unwrap_or_else(|_| Err(PolarsError::ComputeError("damaged parquet file".into())))
        .map_err(table)?;
        Figures::from_frame(period, &df).map(Some).map_err(table)
    }

    /// Stores a period's figures, replacing any earlier file of the period.
    pub fn save(&self, figures: &Figures) -> Result<(), HistoryError> {
        let Some(period) = figures.period else {
            return Ok(());
        };
        std::fs::create_dir_all(&self.dir).map_err(|e| self.io(e))?;
        let path = self.path(period);
        let table = |source| HistoryError::Table {
            path: path.display().to_string(),
            source,
        };
        let mut df = figures.to_frame(self.county.as_deref()).map_err(table)?;
        let mut bytes = Vec::new();
        ParquetWriter::new(&mut bytes)
            .finish(&mut df)
            .map_err(table)?;
        // The one temp-file-and-rename writer; its error is this store's.
        crate::output::write_atomically(&path, &bytes).map_err(|e| match e {
            crate::output::ReportError::Io { source, .. }
            | crate::output::ReportError::Replace { source, .. } => self.io(source),
            other => self.io(std::io::Error::other(other.to_string())),
        })
    }

    fn io(&self, source: std::io::Error) -> HistoryError {
        HistoryError::Io {
            path: self.dir.display().to_string(),
            source,
        }
    }
}

/// What a run knows of the months before it.
#[derive(Debug, Clone, Default)]
pub struct Past {
    /// Whether a store was given at all (`huizong check` without one has none).
    pub store: Option<PathBuf>,
    /// The previous month's figures, when the store has them.
    pub previous: Option<Figures>,
    /// Up to `window` months before the run, newest first (for R15).
    pub recent: Vec<Figures>,
    /// Files of the store that could not be read (each makes the rules that need it not
    /// evaluable, never passed).
    pub problems: Vec<String>,
}

impl Past {
    /// The months before `period` in `store`, as far back as `window` months.
    pub fn load(store: &Store, period: Period, window: usize) -> Self {
        let mut past = Past {
            store: Some(store.dir().to_path_buf()),
            ..Past::default()
        };
        let mut p = period;
        for i in 0..window.max(1) {
            p = p.previous();
            match store.load(p) {
                Ok(Some(f)) => {
                    if i == 0 {
                        past.previous = Some(f.clone());
                    }
                    past.recent.push(f);
                }
                Ok(None) => {}
                Err(e) => past.problems.push(e.to_string()),
            }
        }
        past
    }

    /// The series of a township's month values of `code` over the recent months (newest first).
    pub fn series(&self, township: &str, code: &str) -> Vec<f64> {
        self.recent
            .iter()
            .filter_map(|f| f.get(township, code, ValueColumn::Month))
            .collect()
    }
}

#[cfg(test)]
mod tests;
