//! Shared vocabulary of the pipeline: cell references, locations, periods, facts and severities
//! (findings and their kinds live in `findings`, which builds on this module; no IO here).
//!
//! No IO and no knowledge of any file format or output format lives here; every stage speaks
//! these types, so a county figure can be traced back to the cells it came from.

use std::fmt;
use std::sync::Arc;

/// A cell position, zero-based internally, shown in A1 notation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellRef {
    pub row: u32,
    pub col: u32,
}

impl CellRef {
    pub fn new(row: u32, col: u32) -> Self {
        Self { row, col }
    }

    /// Column letters: 0 → A, 25 → Z, 26 → AA.
    pub fn col_letters(col: u32) -> String {
        let mut n = col as u64 + 1;
        let mut out = Vec::new();
        while n > 0 {
            let rem = ((n - 1) % 26) as u8;
            out.push(b'A' + rem);
            n = (n - 1) / 26;
        }
        out.reverse();
        String::from_utf8(out).unwrap_or_default()
    }
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", Self::col_letters(self.col), self.row + 1)
    }
}

/// Where something was read: file (as named in the folder), sheet, cell. The names are shared
/// (`Arc<str>`): a province's millions of values point at a few thousand files.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Location {
    pub file: Arc<str>,
    pub sheet: Option<Arc<str>>,
    pub cell: Option<CellRef>,
}

impl Location {
    pub fn file(file: &str) -> Self {
        Self {
            file: file.into(),
            sheet: None,
            cell: None,
        }
    }

    pub fn cell(file: &str, sheet: &str, cell: CellRef) -> Self {
        Self {
            file: file.into(),
            sheet: Some(sheet.into()),
            cell: Some(cell),
        }
    }

    /// A cell in a file and sheet whose names are already shared.
    pub fn shared(file: &Arc<str>, sheet: &Arc<str>, cell: CellRef) -> Self {
        Self {
            file: Arc::clone(file),
            sheet: Some(Arc::clone(sheet)),
            cell: Some(cell),
        }
    }

    /// `表2!E7`, quoting the sheet name when it holds spaces or punctuation.
    pub fn sheet_cell(&self) -> String {
        match (&self.sheet, &self.cell) {
            (Some(s), Some(c)) => format!("{}!{}", quote_sheet(s), c),
            (Some(s), None) => quote_sheet(s),
            _ => String::new(),
        }
    }
}

fn quote_sheet(name: &str) -> String {
    if name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', "''"))
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sc = self.sheet_cell();
        if sc.is_empty() {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}:{}", self.file, sc)
        }
    }
}

/// A reporting month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    pub month: u32,
}

impl Period {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        ((1..=12).contains(&month) && (1900..=2200).contains(&year)).then_some(Self { year, month })
    }

    /// Parses `2026-10`, `2026.10`, `202610`.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
        let parts: Vec<&str> = t
            .split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty())
            .collect();
        match parts.as_slice() {
            [y, m] if y.len() == 4 => Self::new(y.parse().ok()?, m.parse().ok()?),
            [_] if digits.len() == 6 => {
                Self::new(digits[..4].parse().ok()?, digits[4..].parse().ok()?)
            }
            _ => None,
        }
    }

    /// The month before.
    pub fn previous(self) -> Self {
        if self.month <= 1 {
            Self {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Self {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    pub fn days_in_month(&self) -> u32 {
        match self.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            _ if self.is_leap() => 29,
            _ => 28,
        }
    }

    /// Days from 1 January to the end of this month.
    pub fn days_year_to_date(&self) -> u32 {
        (1..=self.month)
            .map(|m| Period { month: m, ..*self }.days_in_month())
            .sum()
    }

    fn is_leap(&self) -> bool {
        (self.year % 4 == 0 && self.year % 100 != 0) || self.year % 400 == 0
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A calendar date (filing date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The two value columns of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    /// 本月数
    Month,
    /// 本年累计
    Ytd,
}

impl Column {
    pub fn key(self) -> &'static str {
        match self {
            Column::Month => "month",
            Column::Ytd => "ytd",
        }
    }
}

/// Severity, in the order findings are listed (most serious first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// 强制性: must be corrected.
    Error,
    /// A sentinel event that is always reviewed.
    Alert,
    /// 核实性: may stand with an explanation.
    Warning,
    /// 提示性.
    Notice,
    /// How a value was read, for the record.
    Note,
}

impl Severity {
    pub fn key(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Alert => "alert",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
            Severity::Note => "note",
        }
    }

    /// Whether a finding of this severity makes the run exit with status 1.
    pub fn fails_run(self) -> bool {
        matches!(self, Severity::Error | Severity::Alert)
    }
}

/// One accepted value of one indicator in one township's return.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub township: Arc<str>,
    pub code: Arc<str>,
    pub column: Column,
    pub value: f64,
    pub at: Location,
}

/// What became of an explanation (审核说明) given for a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReviewState {
    /// Accepted by the county, and the values are those it explains: the finding stands explained.
    Accepted,
    /// Written (by the township, or in the file without a decision): awaiting the county.
    Pending,
    /// Sent back (打回) by the county: the finding is open.
    SentBack,
    /// The values changed since it was written: the finding is open again.
    Stale,
    /// A stock phrase that explains nothing (`核实无误`): not accepted.
    StockPhrase,
    /// An error (强制性) cannot be explained away, only corrected.
    NotExplainable,
}

/// An explanation recorded for a finding (from the file beside the returns, or from the 说明
/// column of a feedback workbook sent back), with the county's decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub state: ReviewState,
    /// The explanation as written.
    pub text: String,
    /// Who decided (accepted or sent back), and when, as written.
    pub by: Option<String>,
    pub on: Option<String>,
    /// Where it was written: the explanations file or the feedback workbook.
    pub source: String,
}

impl ReviewState {
    pub fn key(self) -> &'static str {
        match self {
            ReviewState::Accepted => "accepted",
            ReviewState::Pending => "pending",
            ReviewState::SentBack => "sent_back",
            ReviewState::Stale => "stale",
            ReviewState::StockPhrase => "stock_phrase",
            ReviewState::NotExplainable => "not_explainable",
        }
    }

    /// Whether the finding it belongs to still needs attention.
    pub fn is_open(self) -> bool {
        !matches!(self, ReviewState::Accepted)
    }
}

/// A township's state in the month on the workspace board, in the order a statistician works through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BoardState {
    /// 未报: no return yet.
    Missing,
    /// 有错待改: the latest version has errors.
    Errors,
    /// 已打回: sent back, no new version yet.
    Returned,
    /// 已重报: a new version after being sent back, clean of errors, not yet decided.
    Resubmitted,
    /// 说明待审: warnings without an accepted explanation.
    ExplanationPending,
    /// 待通过: clean, waiting for acceptance.
    Clean,
    /// 已通过.
    Accepted,
}

/// The board file's header (`报送状态.csv`, `review::board`), written and recognised as it is
/// (Chinese, the file's own vocabulary): here because the reader also tells huizong's own
/// files by it (`read::own`).
pub const BOARD_HEADER: [&str; 13] = [
    "乡镇",
    "报告期",
    "状态",
    "版本数",
    "计入版本",
    "按时报送",
    "待改错误",
    "待审警告",
    "决定",
    "决定版本",
    "理由",
    "决定人",
    "决定时间",
];

/// The file's first bytes: whether they start the board header (after a BOM).
pub fn is_board_head(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    text.trim_start_matches('\u{feff}')
        .starts_with(&BOARD_HEADER.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_notation() {
        for (row, col, a1) in [(0, 0, "A1"), (6, 4, "E7"), (0, 25, "Z1"), (9, 26, "AA10")] {
            assert_eq!(CellRef::new(row, col).to_string(), a1);
        }
        assert_eq!(CellRef::col_letters(16383), "XFD");
    }

    #[test]
    fn periods() {
        assert_eq!(Period::parse("2026-10"), Period::new(2026, 10));
        assert_eq!(Period::parse("2026.1"), Period::new(2026, 1));
        assert_eq!(Period::parse("202610"), Period::new(2026, 10));
        assert_eq!(Period::parse("2026-13"), None);
        let p = Period::new(2026, 10).unwrap();
        assert_eq!(p.days_in_month(), 31);
        assert_eq!(p.days_year_to_date(), 304);
        assert_eq!(Period::new(2024, 2).unwrap().days_in_month(), 29);
    }

    #[test]
    fn locations_quote_sheets() {
        let l = Location::cell("a.xlsx", "Sheet 1", CellRef::new(11, 5));
        assert_eq!(l.to_string(), "a.xlsx:'Sheet 1'!F12");
        let l = Location::cell("a.xlsx", "表2", CellRef::new(6, 4));
        assert_eq!(l.to_string(), "a.xlsx:表2!E7");
    }
}
