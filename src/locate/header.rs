//! The header row and the columns of a form sheet, found by their labels in the first rows.

use crate::config::Labels;
use crate::normalize::text::match_key;
use crate::read::SheetGrid;

/// The columns of a form table, by their header labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub row: u32,
    pub name: u32,
    pub code: Option<u32>,
    pub unit: Option<u32>,
    pub month: u32,
    pub ytd: Option<u32>,
}

/// Label keys, prepared once per run.
#[derive(Debug, Clone)]
pub struct LabelKeys {
    pub name: Vec<String>,
    pub code: Vec<String>,
    pub unit: Vec<String>,
    pub month: Vec<String>,
    pub ytd: Vec<String>,
    pub total: Vec<String>,
}

fn keys(labels: &[String]) -> Vec<String> {
    labels
        .iter()
        .map(|l| match_key(l))
        .filter(|k| !k.is_empty())
        .collect()
}

impl LabelKeys {
    pub fn new(labels: &Labels) -> Self {
        Self {
            name: keys(&labels.name),
            code: keys(&labels.code),
            unit: keys(&labels.unit),
            month: keys(&labels.month),
            ytd: keys(&labels.ytd),
            total: keys(&labels.total_row),
        }
    }
}

/// The first row within `scan_rows` that has both a name and a month column.
pub fn find(grid: &SheetGrid, labels: &LabelKeys, scan_rows: u32) -> Option<Header> {
    let last = grid.last_row()?;
    let max_col = grid.cells.keys().map(|c| c.col).max().unwrap_or(0);
    for row in 0..=last.min(scan_rows.saturating_sub(1)) {
        let mut h = Header {
            row,
            name: u32::MAX,
            code: None,
            unit: None,
            month: u32::MAX,
            ytd: None,
        };
        for col in 0..=max_col {
            let Some(text) = grid.label_at(row, col) else {
                continue;
            };
            let key = match_key(&text);
            let is = |set: &[String]| set.contains(&key);
            if h.name == u32::MAX && is(&labels.name) {
                h.name = col;
            } else if h.code.is_none() && is(&labels.code) {
                h.code = Some(col);
            } else if h.unit.is_none() && is(&labels.unit) {
                h.unit = Some(col);
            } else if h.month == u32::MAX && is(&labels.month) {
                h.month = col;
            } else if h.ytd.is_none() && is(&labels.ytd) {
                h.ytd = Some(col);
            }
        }
        if h.name != u32::MAX && h.month != u32::MAX {
            return Some(h);
        }
    }
    None
}
