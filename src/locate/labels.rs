//! Labelled values around a table: `填报单位（盖章）：青石镇卫生院`, `报告期：2026年10月`,
//! `填报日期：2026年11月3日`, alone in a cell, several in one cell, or the value in the next cell.

use crate::model::CellRef;
use crate::normalize::text::{match_key, to_simplified};
use crate::read::{RawValue, SheetGrid};

/// A labelled value and the cell it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    pub text: String,
    pub at: CellRef,
    /// A date cell holds the value itself (year, month, day).
    pub date: Option<(i32, u32, u32)>,
}

/// The text cells of a sheet, converted once (simplified characters, and the match key).
pub struct SheetTexts {
    cells: Vec<(CellRef, String, String)>,
}

impl SheetTexts {
    /// The text cells of the rows `keep` accepts.
    pub fn new(grid: &SheetGrid, keep: impl Fn(u32) -> bool) -> Self {
        let cells = grid
            .cells
            .iter()
            .filter(|(at, _)| keep(at.row))
            .filter_map(|(at, cell)| match &cell.value {
                RawValue::Text(raw) if !raw.trim().is_empty() => {
                    let simple = to_simplified(raw);
                    let key = match_key(&simple);
                    Some((*at, simple, key))
                }
                _ => None,
            })
            .collect();
        Self { cells }
    }
}

/// The values of the cells labelled with one of `labels`, in row order.
/// `stop` lists the labels of other fields, which end a value typed in the same cell.
pub fn find_all(
    grid: &SheetGrid,
    texts: &SheetTexts,
    labels: &[String],
    stop: &[String],
) -> Vec<Labelled> {
    let label_keys: Vec<String> = labels.iter().map(|l| match_key(l)).collect();
    let simple_labels: Vec<String> = labels.iter().map(|l| to_simplified(l)).collect();
    let mut found = Vec::new();
    for (at, text, key) in &texts.cells {
        // The whole cell may be the label with decoration: `填 报 单 位`; the value is beside it.
        if label_keys.contains(key) {
            found.extend(right_of(grid, *at));
            continue;
        }
        let Some((pos, label)) = simple_labels
            .iter()
            .find_map(|l| text.find(l.as_str()).map(|p| (p, l)))
        else {
            continue;
        };
        let value = value_after_label(&text[pos + label.len()..], stop);
        if value.is_empty() {
            found.extend(right_of(grid, *at));
        } else {
            found.push(Labelled {
                text: value,
                at: *at,
                date: None,
            });
        }
    }
    found
}

/// The text after a label: skips a remark like `（盖章）` and the colon, ends at a wide gap or
/// at the next label.
fn value_after_label(after: &str, stop: &[String]) -> String {
    let mut rest = after.trim_start();
    for (open, close) in [('（', '）'), ('(', ')')] {
        if rest.starts_with(open) {
            if let Some(end) = rest.find(close) {
                rest = rest[end + close.len_utf8()..].trim_start();
            }
        }
    }
    let Some(rest) = rest.strip_prefix([':', '：']) else {
        return String::new();
    };
    let rest = rest.trim_start_matches([' ', '\u{3000}', '\t']);
    let mut end = rest.len();
    for gap in ["  ", "\u{3000}", "\t", "\n"] {
        if let Some(i) = rest.find(gap) {
            end = end.min(i);
        }
    }
    for s in stop {
        if let Some(i) = rest.find(s.as_str()) {
            end = end.min(i);
        }
    }
    rest[..end].trim().trim_end_matches(['_', ' ']).to_string()
}

/// The first non-empty cell to the right of a label cell in the same row.
fn right_of(grid: &SheetGrid, at: CellRef) -> Option<Labelled> {
    grid.row(at.row)
        .filter(|(c, _)| c.col > at.col)
        .find_map(|(c, cell)| match &cell.value {
            RawValue::Text(t) if !t.trim().is_empty() => Some(Labelled {
                text: t.trim().to_string(),
                at: *c,
                date: None,
            }),
            RawValue::Date(y, m, d) => Some(Labelled {
                text: format!("{y:04}-{m:02}-{d:02}"),
                at: *c,
                date: Some((*y, *m, *d)),
            }),
            RawValue::Number(n) => Some(Labelled {
                text: n.to_string(),
                at: *c,
                date: None,
            }),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_after_labels() {
        let stop = vec!["填报日期".to_string(), "联系电话".to_string()];
        assert_eq!(
            value_after_label("（盖章）：青石镇卫生院", &stop),
            "青石镇卫生院"
        );
        assert_eq!(value_after_label(": 2026年 10 月", &stop), "2026年 10 月");
        assert_eq!(value_after_label("：张三  统计负责人：李四", &stop), "张三");
        assert_eq!(value_after_label("：2026年11月3日", &stop), "2026年11月3日");
        assert_eq!(value_after_label("：", &stop), "");
        assert_eq!(value_after_label("无冒号", &stop), "");
    }
}
