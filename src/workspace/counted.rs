//! The versions that count, laid out as a folder of returns (`.huizong/counted/<period>/`) with
//! the county's decided explanations as `审核说明.csv`: a workspace run is a folder run on this
//! folder, so the county workbook of a workspace is byte-equal to `huizong run` on the same
//! files, and its links point at copies that stay.

use std::path::PathBuf;

use super::status::Row;
use super::Workspace;
use crate::ledger::DecisionKind;

#[derive(Debug, thiserror::Error)]
pub enum CountedError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("explanations file: {0}")]
    Csv(String),
}

/// The folder laid out.
#[derive(Debug)]
pub struct Counted {
    pub folder: PathBuf,
    /// Township, version, name in the folder.
    pub files: Vec<(String, i64, String)>,
    pub explanations: usize,
}

/// Lays out the versions that count of `board` (a fresh folder each time, built beside and
/// renamed into place).
// long-function: builds and renames one folder in one place, so the atomic swap is visible; issue 12's code
pub fn lay_out(ws: &Workspace, period: &str, board: &[Row]) -> Result<Counted, CountedError> {
    let folder = ws.counted(period);
    let parent = folder.parent().map(|p| p.to_path_buf()).unwrap_or_default();
    let io = |p: &std::path::Path| {
        let path = p.display().to_string();
        move |source| CountedError::Io { path, source }
    };
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let tmp = tempfile::Builder::new()
        .prefix(".building-")
        .tempdir_in(&parent)
        .map_err(io(&parent))?;
    let mut files = Vec::new();
    let mut rows: Vec<[String; 10]> = Vec::new();
    for row in board {
        let Some(v) = &row.counts else { continue };
        let base = v.stored.rsplit('/').next().unwrap_or(&v.stored).to_string();
        // Two townships may send the same file name (新建 Microsoft Excel 工作表.xlsx).
        let name = if files.iter().any(|(_, _, n)| *n == base) {
            format!("{}_{base}", row.township)
        } else {
            base
        };
        let from = ws.state().join(&v.stored);
        std::fs::copy(&from, tmp.path().join(&name)).map_err(io(&from))?;
        files.push((row.township.clone(), v.version, name));
        // The last word on each explanation of the counted version.
        let mut last: std::collections::BTreeMap<(String, String, String), [String; 10]> =
            Default::default();
        for d in row.decisions.iter().filter(|d| d.version_id == v.id) {
            let state = match d.kind {
                DecisionKind::ExplanationAccept => "接受",
                DecisionKind::ExplanationReturn => "打回",
                _ => continue,
            };
            let key = (
                d.rule.clone().unwrap_or_default(),
                d.code.clone().unwrap_or_default(),
                d.column.clone().unwrap_or_default(),
            );
            let row = [
                row.township.clone(),
                period.to_string(),
                key.0.clone(),
                key.1.clone(),
                key.2.clone(),
                d.values.clone().unwrap_or_default(),
                d.text.clone(),
                state.to_string(),
                d.by.clone(),
                d.at.get(..10).unwrap_or(&d.at).to_string(),
            ];
            last.insert(key, row);
        }
        rows.extend(last.into_values());
    }
    if !rows.is_empty() {
        let mut w = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
        let csv_err = |e: csv::Error| CountedError::Csv(e.to_string());
        w.write_record(crate::review::TEMPLATE_HEADER)
            .map_err(csv_err)?;
        for r in &rows {
            w.write_record(r).map_err(csv_err)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| CountedError::Csv(e.to_string()))?;
        let path = tmp.path().join("审核说明.csv");
        std::fs::write(&path, bytes).map_err(io(&path))?;
    }
    if folder.exists() {
        std::fs::remove_dir_all(&folder).map_err(io(&folder))?;
    }
    let built = tmp.keep();
    std::fs::rename(&built, &folder).map_err(io(&folder))?;
    Ok(Counted {
        folder,
        files,
        explanations: rows.len(),
    })
}
