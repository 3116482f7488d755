//! What can be found in a return or a folder: `Finding` and its `Kind`, with the rule id and default severity of each.
//!
//! Kinds carry data only; words for people are made in `render`. No IO here.

use crate::model::{Column, Date, Location, Period, Review, Severity};

mod catalog;
mod outlier;

pub use catalog::{examples, rule_ids};
pub use outlier::{HistoryLaw, OutlierMethod, PeerModel};

/// Something found in a return (or in the folder): data, never an `Err`.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub township: Option<String>,
    pub code: Option<String>,
    pub column: Option<Column>,
    pub at: Location,
    /// The cell's content as typed, where there is one.
    pub typed: Option<String>,
    pub kind: Kind,
    /// The explanation (审核说明) recorded for this finding, and what became of it.
    pub review: Option<Box<Review>>,
}

impl Finding {
    /// A finding of `kind` at `at`, with the kind's rule id and default severity.
    pub fn new(kind: Kind, at: Location) -> Self {
        let (rule, severity) = kind.rule();
        Self {
            rule: rule.to_string(),
            severity,
            township: None,
            code: None,
            column: None,
            at,
            typed: None,
            kind,
            review: None,
        }
    }

    /// Whether this is a failed consistency check (sums, parts within wholes, year to date,
    /// month to month): told by the kind of check, never by its id, which the county numbers.
    /// A check that could not be evaluated is not a failed one.
    pub fn is_consistency(&self) -> bool {
        matches!(
            self.kind,
            Kind::Check { .. }
                | Kind::YtdBelowMonth { .. }
                | Kind::JanuaryYtd { .. }
                | Kind::CarriedForward { .. }
                | Kind::StockChange { .. }
        )
    }

    /// Whether this is an outlier (against the township's history or its peers), by kind.
    pub fn is_outlier(&self) -> bool {
        matches!(self.kind, Kind::Outlier { .. })
    }

    /// The one exit-status rule: a finding fails the run (status 1) when its severity does
    /// (an error, an alert) and no accepted explanation closes it.
    pub fn fails_run(&self) -> bool {
        self.severity.fails_run() && self.review.as_ref().is_none_or(|r| r.state.is_open())
    }

    /// The rule id and severity of a configured check, instead of the kind's defaults.
    pub fn with_rule(mut self, rule: &str, severity: Severity) -> Self {
        self.rule = rule.to_string();
        self.severity = severity;
        self
    }

    pub fn with_at(mut self, at: Location) -> Self {
        self.at = at;
        self
    }

    pub fn with_township(mut self, township: Option<String>) -> Self {
        self.township = township;
        self
    }

    pub fn with_code(mut self, code: Option<String>) -> Self {
        self.code = code;
        self
    }

    pub fn with_column(mut self, column: Option<Column>) -> Self {
        self.column = column;
        self
    }

    pub fn with_typed(mut self, typed: Option<String>) -> Self {
        self.typed = typed;
        self
    }
}

/// How a value was read differently from a plain number (a note, never silent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReadHow {
    /// A number typed as text: `"123"`.
    TextNumber,
    /// Full-width digits: `１２３`.
    FullWidth,
    /// Thousands separators: `1,234`.
    Thousands,
    /// A unit after the number: `12人`.
    UnitSuffix,
    /// A 万 multiplier: `1.2万` read as 12000.
    Wan,
    /// `—`, `/`, `无` typed for zero.
    ZeroWord,
    /// A formula; its stored result counts.
    FormulaResult,
}

/// Why a value cannot be used (R13).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    Negative,
    /// A fraction where a head-count belongs.
    Fraction,
    /// A percentage typed where a count belongs.
    Percent,
    /// `2000万` in a cell whose unit is already 万元: ambiguous.
    WanInWanYuan,
    NotNumber,
    FormulaNoResult(String),
    ErrorValue(String),
}

/// Why a file in the folder was not read as a return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    OwnerFile,
    Hidden,
    SystemFile,
    NotSpreadsheet,
    NotRegular,
    /// An output of huizong (the county workbook, the explanations fill-in), told by content.
    OwnOutput,
}

/// Which cap a file is over, with the cap's value (or what was found): data only, words in
/// `render`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    /// Parts of a zip package (found).
    Parts(u64),
    /// One part inflates `ratio`× to `mb` MB.
    Inflation { ratio: u64, mb: u64 },
    /// MB of a package uncompressed (found).
    Uncompressed(u64),
    /// Sheets or tables (cap).
    Sheets(u64),
    /// Cells of one sheet, spans and merges included (cap).
    Cells(u64),
    /// MB of a text-format file (cap).
    TextSize(u64),
    /// Cells of one row (cap).
    RowCells(u64),
    /// Characters of one cell (cap).
    FieldChars(u64),
    /// KB of one CSV line (cap).
    LineKb(u64),
    /// Elements nested inside each other (cap).
    Depth(u64),
    /// Elements of the file (cap).
    Nodes(u64),
    /// Attributes of one tag (cap).
    Attributes(u64),
    /// Merged regions of one sheet (cap).
    Merges(u64),
    /// Milliseconds of reading (cap): the file is too costly.
    Millis(u64),
}

/// What a file that is not a spreadsheet turned out to be: data only, words in `render`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotSheet {
    WordDocument,
    ZipArchive,
    Xml,
    Text,
    /// An OLE2 (old Office) file without a workbook stream.
    Ole2WithoutWorkbook,
    Unknown,
}

/// What the sheets of one workbook disagree on (F17): data only, words in `render`.
#[derive(Debug, Clone, PartialEq)]
pub enum Disagreement {
    /// The reporting periods the sheets give.
    Periods(Vec<Period>),
    /// The reporting unit (填报单位) of the sheet used, and another sheet's.
    Townships { used: String, other: String },
}

/// Why a file could not be read, in terms people can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    Io(IoProblem),
    Empty,
    TooLarge(u64),
    /// Over a cap (size, inflation, cells, sheets, time…): a zip bomb, a file too costly to
    /// read, or a file that is not a return.
    OverCap(Cap),
    NotSpreadsheet(NotSheet),
    Encrypted,
    Damaged(Damage),
}

/// Why the system would not give a file's bytes, from the io error's kind: data only, words in
/// `render`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoProblem {
    NotFound,
    PermissionDenied,
    /// Another program holds the file (on Windows: open in Excel, os error 32 or 33).
    InUse,
    /// A folder, pipe or device, not a file.
    NotRegularFile,
    /// Any other failure, with the system's error number when it gave one.
    Other(Option<i32>),
}

/// Where a damaged file stopped parsing: data only, words in `render`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DamagedPart {
    /// The zip package of an `.xlsx` or `.ods`.
    Zip,
    /// The OLE2 container of an `.xls`.
    Ole2,
    /// The XML of a SpreadsheetML 2003 file or of an `.ods`'s content, at this byte.
    Xml { at_byte: Option<u64> },
    /// A CSV file, at this line.
    Csv { line: Option<u64> },
    /// The workbook inside the container, as the spreadsheet reader parses it.
    Workbook,
    /// The spreadsheet reader itself failed (a panic caught).
    Reader,
}

/// A damaged file: where it failed, and the parsing library's own message (English, kept for
/// the English rendering and debugging; never put inside Chinese words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    pub part: DamagedPart,
    pub library_message: String,
}

/// What differs between a superseded copy and the copy that counts, with the cell of each side
/// (None where that copy has no such cell: the indicator or its column was not found).
#[derive(Debug, Clone, PartialEq)]
pub struct Diff {
    pub code: String,
    pub column: crate::model::Column,
    pub superseded: Option<f64>,
    pub winner: Option<f64>,
    pub superseded_at: Option<crate::model::Location>,
    pub winner_at: Option<crate::model::Location>,
}

/// Why a rule could not be evaluated (never counted as passed).
#[derive(Debug, Clone, PartialEq)]
pub enum NotEvaluable {
    /// No history store was given (`huizong check` without `--history`).
    NoStore,
    /// The store has no figures for the month before the run.
    NoPreviousMonth,
    /// The township had no counted return last month.
    TownshipNotInPreviousMonth,
    /// A file of the store could not be read.
    StoreUnreadable(String),
    /// R15 against the township's own history: too few earlier months in the store.
    TooFewMonths { have: usize, need: usize },
    /// R15 against peers: too few townships with the values this month.
    TooFewPeers { have: usize, need: usize },
}

impl NotEvaluable {
    pub fn key(&self) -> &'static str {
        match self {
            NotEvaluable::NoStore => "no_store",
            NotEvaluable::NoPreviousMonth => "no_previous_month",
            NotEvaluable::TownshipNotInPreviousMonth => "township_not_in_previous_month",
            NotEvaluable::StoreUnreadable(_) => "store_unreadable",
            NotEvaluable::TooFewMonths { .. } => "too_few_months",
            NotEvaluable::TooFewPeers { .. } => "too_few_peers",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A value read differently from how it was typed.
    ReadAs { how: ReadHow, value: f64 },
    /// R13: a value that cannot be used; left out of the totals.
    Invalid(Invalid),
    /// R14: a required cell left blank.
    Blank,
    /// R10: 本年累计 below 本月数.
    YtdBelowMonth { month: f64, ytd: f64 },
    /// R10: in January 本年累计 must equal 本月数.
    JanuaryYtd { month: f64, ytd: f64 },
    /// A configured check failed; `values` are the indicators it names.
    Check {
        check: usize,
        values: Vec<(String, f64)>,
    },
    /// The file was not read as a return.
    Skipped(Skip),
    /// The file could not be opened or read.
    Unreadable(Unreadable),
    /// No sheet of the form was found in the workbook.
    NoFormSheet,
    /// An indicator of the form was not found in the return.
    IndicatorNotFound,
    /// An indicator name matched only approximately.
    IndicatorFuzzy { typed: String },
    /// A row under the header that is not an indicator of the form and holds numbers.
    UnknownRow { typed: String },
    /// A `合计` row: not an indicator, not read.
    TotalRow,
    /// Another sheet also holds these indicators and was not used.
    SheetNotUsed {
        period: Option<Period>,
        hidden: bool,
        used: String,
    },
    /// Township matched approximately.
    TownshipFuzzy { typed: String, matched: String },
    /// Township not on the roster: the return is listed, not counted.
    TownshipNotOnRoster { typed: String },
    /// The township could not be found in the sheet nor the file name.
    TownshipUnknown,
    /// The period could not be found in the sheet nor the file name.
    PeriodUnknown,
    /// The file name says another township than the sheet.
    FileNameTownship { in_name: String, in_sheet: String },
    /// The file name says another period than the sheet.
    FileNamePeriod { in_name: String, in_sheet: Period },
    /// The township was read from the file name only.
    TownshipFromFileName,
    /// The period was read from the file name only.
    PeriodFromFileName,
    /// The sheets of one workbook give different townships or periods.
    SheetsDisagree { what: Disagreement },
    /// The return is for another period than the run's: excluded.
    WrongPeriod { period: Period, run: Period },
    /// Another return of the same township counts instead of this one.
    Superseded {
        winner: String,
        diffs: Vec<Diff>,
        filed: Option<Date>,
    },
    /// A roster township with no return.
    Missing,
    /// No filing date found.
    NoFilingDate,
    /// A configured check could not be evaluated: never counted as passed.
    CheckNotEvaluable { check: usize, error: String },
    /// The template's marker names another township than 填报单位 (or 填报单位 is not on the
    /// roster): the marker wins.
    TemplateTownship { typed: String, marked: String },
    /// 报告期 gave a month without a year: the run's year was taken.
    PeriodYearAssumed { period: Period },
    /// A feedback workbook made by huizong (退回修改通知), sent back: not a return.
    FeedbackWorkbook { township: String },
    /// The file's extension says another format than its content.
    ExtensionMismatch { ext: String, actual: String },
    /// The table has no 本年累计 column: year-to-date figures are missing.
    YtdColumnMissing,
    /// R11: 本年累计 is not last month's 本年累计 plus 本月数 (January: not 本月数).
    CarriedForward {
        month: f64,
        ytd: f64,
        /// Last month's 本年累计 (none in January).
        previous_ytd: Option<f64>,
    },
    /// R12: a stock moved by more than its share from last month.
    StockChange {
        value: f64,
        previous: f64,
        share: f64,
    },
    /// R15: a value far from what its history or its peers lead to expect.
    Outlier {
        value: f64,
        /// What was expected (in the indicator's unit).
        expected: f64,
        /// The limits at `level` (in the indicator's unit): values inside are ordinary.
        low: f64,
        high: f64,
        /// Their coverage (0.998 for the 99.8% limits).
        level: f64,
        /// How unusual, as a normal z-score (signed: below expected is negative).
        z: f64,
        strong: bool,
        method: OutlierMethod,
    },
    /// A rule that needs something the run does not have: reported, never counted as passed.
    NotEvaluable(NotEvaluable),
    /// A value the form declares as a state, not an amount (`-2` = 未开展): not summed.
    Sentinel { value: f64, meaning: String },
    /// No 填报日期 in the sheet: timeliness is judged by the file's modification date.
    FiledFromFileTime { modified: Date },
    /// An explanation written for this period that no finding of the run matches (a typo in
    /// the township, rule or indicator, or the finding is gone): said, never dropped silently.
    ExplanationUnused {
        township: String,
        rule: String,
        code: Option<String>,
    },
    /// A cell of a feedback workbook's copied sheets changed since huizong wrote it: a
    /// correction typed into the feedback, which is not read as a return (said, never ignored).
    FeedbackEdited {
        township: String,
        was: String,
        now: String,
    },
}

impl Kind {
    /// How far from the expected a value lies, for ranking the strongest first: |z| of an
    /// outlier (a strong one above every ordinary one); `None` for a kind without a measure.
    pub fn strength(&self) -> Option<f64> {
        match self {
            Kind::Outlier { z, strong, .. } => {
                let z = if z.is_nan() { 0.0 } else { z.abs() };
                Some(if *strong { z + 1e6 } else { z })
            }
            _ => None,
        }
    }

    /// Rule id and default severity. Configured checks carry their own.
    pub fn rule(&self) -> (&'static str, Severity) {
        use Kind::*;
        use Severity::*;
        match self {
            ReadAs { how, .. } => match how {
                ReadHow::TextNumber => ("N01", Note),
                ReadHow::FullWidth => ("N02", Note),
                ReadHow::Thousands => ("N03", Note),
                ReadHow::UnitSuffix => ("N04", Note),
                ReadHow::Wan => ("N05", Notice),
                ReadHow::ZeroWord => ("N06", Notice),
                ReadHow::FormulaResult => ("N07", Note),
            },
            Invalid(_) => ("R13", Error),
            Blank => ("R14", Error),
            YtdBelowMonth { .. } | JanuaryYtd { .. } => ("R10", Error),
            Check { .. } => ("R00", Error),
            Skipped(_) => ("F01", Note),
            Unreadable(_) => ("F02", Error),
            NoFormSheet => ("F03", Error),
            IndicatorNotFound => ("F04", Error),
            IndicatorFuzzy { .. } => ("F05", Notice),
            UnknownRow { .. } => ("F06", Warning),
            TotalRow => ("F07", Note),
            SheetNotUsed { .. } => ("F08", Notice),
            TownshipFuzzy { .. } => ("F09", Warning),
            TownshipNotOnRoster { .. } => ("F10", Error),
            TownshipUnknown => ("F11", Error),
            PeriodUnknown => ("F12", Error),
            FileNameTownship { .. } => ("F13", Notice),
            FileNamePeriod { .. } => ("F14", Notice),
            TownshipFromFileName => ("F15", Warning),
            PeriodFromFileName => ("F16", Warning),
            SheetsDisagree { .. } => ("F17", Error),
            WrongPeriod { .. } => ("F18", Error),
            Superseded { .. } => ("F19", Notice),
            Missing => ("F20", Error),
            NoFilingDate => ("F21", Notice),
            YtdColumnMissing => ("F22", Error),
            ExtensionMismatch { .. } => ("F23", Notice),
            CheckNotEvaluable { .. } => ("F24", Error),
            FeedbackWorkbook { .. } => ("F25", Note),
            PeriodYearAssumed { .. } => ("F26", Notice),
            TemplateTownship { .. } => ("F27", Warning),
            CarriedForward { .. } => ("R11", Error),
            StockChange { .. } => ("R12", Warning),
            Outlier { .. } => ("R15", Warning),
            NotEvaluable(_) => ("R00", Notice),
            Sentinel { .. } => ("N08", Note),
            FiledFromFileTime { .. } => ("F28", Note),
            ExplanationUnused { .. } => ("F29", Notice),
            FeedbackEdited { .. } => ("F30", Warning),
        }
    }
}
