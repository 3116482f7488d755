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
    /// A header containing one of these words is a cumulative (本年累计) column…
    pub ytd_contains: Vec<String>,
    /// …unless it also contains one of these (last year's figures).
    pub not_current: Vec<String>,
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
            ytd_contains: keys(&labels.ytd_contains),
            not_current: keys(&labels.not_current),
            total: keys(&labels.total_row),
        }
    }
}

/// What a header cell says.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    Name,
    Code,
    Unit,
    Month,
    Ytd,
}

fn role(key: &str, labels: &LabelKeys) -> Option<Role> {
    let is = |set: &[String]| set.iter().any(|k| k == key);
    if is(&labels.name) {
        Some(Role::Name)
    } else if is(&labels.code) {
        Some(Role::Code)
    } else if is(&labels.unit) {
        Some(Role::Unit)
    } else if is(&labels.month) {
        Some(Role::Month)
    } else if is(&labels.ytd)
        || (labels.ytd_contains.iter().any(|w| key.contains(w.as_str()))
            && !labels.not_current.iter().any(|w| key.contains(w.as_str())))
    {
        // `1-10月累计`, `1至本月累计数`: a cumulative column that is not last year's.
        Some(Role::Ytd)
    } else {
        None
    }
}

/// The roles of one row's cells (merged regions count for every cell they cover).
fn roles(grid: &SheetGrid, row: u32, max_col: u32, labels: &LabelKeys) -> Vec<(u32, Role)> {
    (0..=max_col)
        .filter_map(|col| {
            let text = grid.label_at(row, col)?;
            role(&match_key(&text), labels).map(|r| (col, r))
        })
        .collect()
}

fn header_of(row: u32, cells: &[(u32, Role)]) -> Option<Header> {
    let first = |r: Role| cells.iter().find(|(_, x)| *x == r).map(|(c, _)| *c);
    Some(Header {
        row,
        name: first(Role::Name)?,
        code: first(Role::Code),
        unit: first(Role::Unit),
        month: first(Role::Month)?,
        ytd: first(Role::Ytd),
    })
}

/// The first row within `scan_rows` that has both a name and a month column. A header typed
/// over two rows without merged cells (`指标名称` above, `本月数 本年累计` below) is read as
/// one: the lower row is the header, the upper fills in the columns it lacks.
pub fn find(grid: &SheetGrid, labels: &LabelKeys, scan_rows: u32) -> Option<Header> {
    let last = grid.last_row()?;
    let max_col = grid.cells.keys().map(|c| c.col).max().unwrap_or(0);
    let mut above: Vec<(u32, Role)> = Vec::new();
    for row in 0..=last.min(scan_rows.saturating_sub(1)) {
        let here = roles(grid, row, max_col, labels);
        if let Some(h) = header_of(row, &here) {
            return Some(h);
        }
        if !here.is_empty() && !above.is_empty() {
            let mut both = here.clone();
            both.extend(
                above
                    .iter()
                    .filter(|(c, _)| !here.iter().any(|(d, _)| d == c)),
            );
            if let Some(h) = header_of(row, &both) {
                return Some(h);
            }
        }
        above = here;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{RawCell, RawValue};

    fn grid(rows: &[&[&str]]) -> SheetGrid {
        let mut g = SheetGrid::default();
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                if !text.is_empty() {
                    let cell = RawCell {
                        value: RawValue::Text(text.to_string()),
                        formula: None,
                    };
                    g.cells
                        .insert(crate::model::CellRef::new(r as u32, c as u32), cell);
                }
            }
        }
        g
    }

    fn labels() -> LabelKeys {
        let c = crate::config::Config::default_with("县", &[]).expect("config");
        LabelKeys::new(&c.form.labels)
    }

    #[test]
    fn one_row_header() {
        let g = grid(&[
            &["标题"],
            &[
                "序号",
                "指标代码",
                "指标名称",
                "计量单位",
                "本月数",
                "本年累计",
            ],
        ]);
        let h = find(&g, &labels(), 30).expect("header");
        assert_eq!(
            (h.row, h.name, h.code, h.month, h.ytd),
            (1, 2, Some(1), 4, Some(5))
        );
    }

    #[test]
    fn header_over_two_unmerged_rows() {
        let g = grid(&[
            &["指标名称", "计量单位", "数值", ""],
            &["", "", "本期", "1-10月累计"],
        ]);
        let h = find(&g, &labels(), 30).expect("header");
        assert_eq!((h.row, h.name, h.month, h.ytd), (1, 0, 2, Some(3)));
    }

    #[test]
    fn last_years_cumulative_is_not_this_years() {
        let g = grid(&[&["指标名称", "本月数", "上年同期累计", "本年累计"]]);
        let h = find(&g, &labels(), 30).expect("header");
        assert_eq!(h.ytd, Some(3));
    }
}
