//! Explanations read from located cells: the county's file (`审核说明.csv` / `.xlsx`, one row an
//! explanation, columns found by their header) and the 差错清单 sheet of a feedback workbook sent
//! back; and the rows of the fill-in file a run writes for the statistician.

use std::path::Path;

use super::{format_values, parse_values, values_of, Decision, Explanation};
use crate::findings::Finding;
use crate::locate::cell_text_at;
use crate::model::{Column, Period, ReviewState, Severity};
use crate::read::{self, Limits, ReadError, SheetGrid};

/// The header of the county's file, in order (the fill-in file has exactly these columns).
pub const TEMPLATE_HEADER: [&str; 10] = [
    "乡镇",
    "报告期",
    "规则",
    "指标",
    "栏目",
    "数值",
    "说明",
    "状态",
    "审核人",
    "审核日期",
];

/// Other spellings of each header (English, and what people type).
const SPELLINGS: [&[&str]; 10] = [
    &["township", "单位", "填报单位"],
    &["period", "月份"],
    &["rule", "规则编号"],
    &["code", "indicator", "指标代码"],
    &["column"],
    &["values", "数据"],
    &["explanation", "审核说明", "原因"],
    &["state", "decision", "审核结果", "审核意见"],
    &["by", "reviewer", "审核人员"],
    &["date", "on", "审核时间"],
];

fn field_of(header: &str) -> Option<usize> {
    let h = header.trim().to_lowercase();
    (0..TEMPLATE_HEADER.len())
        .find(|i| TEMPLATE_HEADER[*i] == h || SPELLINGS[*i].iter().any(|s| *s == h))
}

fn column_of(text: &str) -> Option<Column> {
    match text.trim().to_lowercase().as_str() {
        "本月数" | "本月" | "month" => Some(Column::Month),
        "本年累计" | "累计" | "ytd" => Some(Column::Ytd),
        _ => None,
    }
}

fn decision_of(text: &str) -> Decision {
    match text.trim().to_lowercase().as_str() {
        "接受" | "已接受" | "同意" | "通过" | "accepted" | "accept" => Decision::Accepted,
        "打回" | "已打回" | "退回" | "不接受" | "不同意" | "sent back" | "rejected" => {
            Decision::SentBack
        }
        _ => Decision::Pending,
    }
}

/// The header row (in the first rows) and the column of each field, when the row names at least
/// the rule and the explanation, and the township unless it is given.
fn header(grid: &SheetGrid, township: Option<&str>) -> Option<(u32, [Option<u32>; 10])> {
    let last = grid.last_row().unwrap_or(0);
    (0..=last.min(10)).find_map(|row| {
        let mut fields = [None; 10];
        for (at, _) in grid.row(row) {
            if let Some(f) = cell_text_at(grid, row, at.col).and_then(|t| field_of(&t)) {
                fields[f].get_or_insert(at.col);
            }
        }
        let enough = fields[2].is_some()
            && fields[6].is_some()
            && (fields[0].is_some() || township.is_some());
        enough.then_some((row, fields))
    })
}

/// The explanations in a sheet whose header row (in its first rows) names at least the
/// township, the rule and the explanation. `township`/`period` fill columns the sheet lacks.
pub fn from_grid(
    grid: &SheetGrid,
    source: &str,
    township: Option<&str>,
    period: Option<Period>,
) -> Vec<Explanation> {
    let last = grid.last_row().unwrap_or(0);
    let Some((header_row, fields)) = header(grid, township) else {
        return Vec::new();
    };
    let text = |row: u32, f: usize| -> String {
        fields[f]
            .and_then(|c| cell_text_at(grid, row, c))
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    let mut out = Vec::new();
    for row in header_row + 1..=last {
        let (rule, explanation) = (text(row, 2).to_uppercase(), text(row, 6));
        // A row without a word is a row left unfilled; a row with one is never dropped: if it
        // lacks its township or rule it matches nothing, and the run says so (F29).
        if explanation.is_empty() {
            continue;
        }
        let own = text(row, 0);
        let town = if own.is_empty() {
            township.map(str::to_string).unwrap_or_default()
        } else {
            own
        };
        let opt = |s: String| (!s.is_empty()).then_some(s);
        out.push(Explanation {
            township: town,
            period: Period::parse(&text(row, 1)).or(period),
            rule,
            code: opt(text(row, 3))
                .map(|c| c.split_whitespace().next().unwrap_or_default().to_string()),
            column: column_of(&text(row, 4)),
            values: parse_values(&text(row, 5)),
            text: explanation,
            decision: decision_of(&text(row, 7)),
            by: opt(text(row, 8)),
            on: opt(text(row, 9)),
            source: format!("{source}:{}", grid.name),
        });
    }
    out
}

/// The explanations a township wrote in the 差错清单 of a feedback workbook sent back.
pub fn from_feedback(
    sheets: &[SheetGrid],
    source: &str,
    township: &str,
    period: Option<Period>,
) -> Vec<Explanation> {
    sheets
        .iter()
        .flat_map(|g| from_grid(g, source, Some(township), period))
        .map(|mut e| {
            // A township's own word awaits the county's decision, whatever the sheet says.
            e.decision = Decision::Pending;
            e
        })
        .collect()
}

/// The county's explanations file (any format the reader knows: CSV in UTF-8 or GBK, xlsx…).
pub fn load(path: &Path, limits: &Limits) -> Result<Vec<Explanation>, LoadError> {
    let wb = read::read_workbook(path, limits)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    if !wb.sheets.iter().any(has_header) {
        return Err(LoadError::NoHeader);
    }
    Ok(wb
        .sheets
        .iter()
        .flat_map(|g| from_grid(g, &name, None, None))
        .collect())
}

/// Why the county's explanations file gave nothing.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("no header row naming 乡镇, 规则 and 说明 (township, rule, explanation)")]
    NoHeader,
}

fn has_header(grid: &SheetGrid) -> bool {
    header(grid, None).is_some()
}

fn column_word(c: Option<Column>) -> &'static str {
    match c {
        Some(Column::Month) => "本月数",
        Some(Column::Ytd) => "本年累计",
        None => "",
    }
}

/// The fill-in rows: every finding that may stand with an explanation (warning, notice, alert),
/// its values filled in and any explanation it already has.
pub fn template_rows(findings: &[Finding], period: Period) -> Vec<[String; 10]> {
    findings
        .iter()
        .filter(|f| {
            matches!(
                f.severity,
                Severity::Warning | Severity::Notice | Severity::Alert
            ) && f.township.is_some()
                && f.at.cell.is_some()
        })
        .map(|f| {
            let r = f.review.as_deref();
            [
                f.township.clone().unwrap_or_default(),
                period.to_string(),
                f.rule.clone(),
                f.code.clone().unwrap_or_default(),
                column_word(f.column).to_string(),
                format_values(&values_of(f)),
                r.map(|r| r.text.clone()).unwrap_or_default(),
                match r.map(|r| r.state) {
                    Some(ReviewState::Accepted) => "接受".into(),
                    Some(ReviewState::SentBack) => "打回".into(),
                    _ => String::new(),
                },
                r.and_then(|r| r.by.clone()).unwrap_or_default(),
                r.and_then(|r| r.on.clone()).unwrap_or_default(),
            ]
        })
        .collect()
}
