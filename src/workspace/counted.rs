//! The versions that count, laid out as a folder of returns (`.huizong/counted/<period>/`) with
//! the county's decided explanations as `审核说明.csv` and the board with the decisions on
//! returns as `报送状态.csv` (both in the files' own Chinese vocabulary): a workspace run is a folder run on this
//! folder, so the county workbook of a workspace is byte-equal to `huizong run` on the same
//! files, and its links point at copies that stay.

use std::path::PathBuf;

use super::status::Row;
use super::Workspace;
use crate::ledger::{Decision, DecisionKind};
use crate::render::Lang;
use crate::review::board::BoardLine;

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
    // The board and the decisions on returns, which the folder run shows as 报送状态.
    let lines: Vec<BoardLine> = board.iter().flat_map(|r| board_lines(r, period)).collect();
    let bytes =
        crate::review::board::write(&lines).map_err(|e| CountedError::Csv(e.to_string()))?;
    let path = tmp.path().join(crate::review::board::BOARD_FILE);
    std::fs::write(&path, bytes).map_err(io(&path))?;
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

/// A township's lines of the board file: state, versions, the version counted, open findings,
/// and the last decision on its return (通过 / 打回 with the reason, by whom, when); then a
/// line for each earlier decision on its returns (newest first), so a 打回 stays visible after
/// the resubmitted version is accepted.
fn board_lines(row: &Row, period: &str) -> Vec<BoardLine> {
    let decisions: Vec<_> = row
        .decisions
        .iter()
        .filter(|d| matches!(d.kind, DecisionKind::Accept | DecisionKind::Return))
        .rev()
        .collect();
    let mut lines = vec![board_line(row, period, decisions.first().copied())];
    for d in decisions.iter().skip(1) {
        let mut line = board_line(row, period, Some(d));
        // Only the township and the decision: the state is the first line's.
        for c in &mut line.cells[2..8] {
            c.clear();
        }
        lines.push(line);
    }
    lines
}

fn board_line(row: &Row, period: &str, decided: Option<&Decision>) -> BoardLine {
    let version_of = |id: i64| {
        row.versions
            .iter()
            .find(|v| v.id == id)
            .map(|v| v.version.to_string())
            .unwrap_or_default()
    };
    let missing = row.versions.is_empty();
    let count = |n: usize| {
        if missing {
            String::new()
        } else {
            n.to_string()
        }
    };
    BoardLine {
        cells: [
            row.township.clone(),
            period.to_string(),
            crate::render::workspace::state(row.state, Lang::Zh).to_string(),
            count(row.versions.len()),
            row.counts
                .as_ref()
                .map(|v| v.version.to_string())
                .unwrap_or_default(),
            match row.on_time {
                Some(true) => "是".to_string(),
                Some(false) => "逾期".to_string(),
                None => String::new(),
            },
            count(row.open_errors),
            count(row.open_warnings),
            match decided.map(|d| d.kind) {
                Some(DecisionKind::Accept) => "通过".to_string(),
                Some(_) => "打回".to_string(),
                None => String::new(),
            },
            decided
                .map(|d| version_of(d.version_id))
                .unwrap_or_default(),
            decided.map(|d| d.text.clone()).unwrap_or_default(),
            decided.map(|d| d.by.clone()).unwrap_or_default(),
            decided.map(|d| d.at.clone()).unwrap_or_default(),
        ],
    }
}
