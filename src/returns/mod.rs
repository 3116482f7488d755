//! Which returns count. Each file is scanned (read and located) on its own; then, knowing all of
//! them, the run's period is settled, and each return is counted, superseded by a later copy,
//! excluded for another period, or listed as not on the roster. Roster townships with no
//! return are listed as missing. Every decision is a finding; nothing is dropped silently.

mod identify;
mod select;

use std::time::SystemTime;

use crate::config::Config;
use crate::discover::Candidate;
use crate::findings::Finding;
use crate::locate::{self, CellReading, FormKeys, FormSheet, SheetNote};
use crate::model::{Date, Period};
use crate::read;

pub use select::{assemble, Assembly};

/// The hidden sheet that marks a feedback workbook (退回修改通知) made by huizong: dropped beside
/// the returns, it is recognised as feedback, never read as a return.
pub const FEEDBACK_MARKER: &str = "_huizong_feedback";
/// In the marker sheet: the row of the first copied value (the row above holds their count),
/// and how many (sheet, cell, value) triples a row holds.
pub const COPIED_FIRST_ROW: u32 = 4;
pub const COPIED_PER_ROW: usize = 20;

/// The hidden sheet that marks a workbook made by `huizong template` (A1 the marker, A4 the
/// township, A5 the period): a return made from it is recognised for certain.
pub const TEMPLATE_SHEET: &str = "_huizong";
pub const TEMPLATE_MARKER: &str = "huizong-template";

/// A file once read and located.
#[derive(Debug, Clone)]
pub struct Scanned {
    pub file: String,
    pub modified: Option<SystemTime>,
    pub outcome: Result<Vec<FormSheet>, crate::findings::Unreadable>,
    pub extension_mismatch: Option<(String, String)>,
    /// The file is a feedback workbook (for the township named).
    pub feedback: Option<String>,
    /// The file was made by `huizong template` for this township.
    pub template: Option<String>,
    /// Explanations written in the 说明 column of a feedback workbook.
    pub explanations: Vec<crate::review::Explanation>,
    /// Cells of a feedback workbook's copied sheets changed since huizong wrote them: sheet,
    /// cell, value written, value now.
    pub feedback_edits: Vec<(String, crate::model::CellRef, String, String)>,
}

/// Reads and locates one file. Never fails: a problem is kept in `outcome`.
pub fn scan(candidate: &Candidate, config: &Config, keys: &FormKeys) -> Scanned {
    let mut feedback = None;
    let mut template = None;
    let mut explanations = Vec::new();
    let mut feedback_edits = Vec::new();
    let (outcome, mismatch) = match read::read_workbook(&candidate.path, &config.limits) {
        Ok(mut wb) => {
            feedback = wb
                .sheets
                .iter()
                .find(|s| s.name == FEEDBACK_MARKER)
                .map(|s| locate::cell_text_at(s, 1, 0).unwrap_or_default());
            if let Some(township) = &feedback {
                let period = wb
                    .sheets
                    .iter()
                    .find(|s| s.name == FEEDBACK_MARKER)
                    .and_then(|s| locate::cell_text_at(s, 2, 0))
                    .and_then(|p| Period::parse(&p));
                explanations =
                    crate::review::from_feedback(&wb.sheets, &candidate.name, township, period);
                feedback_edits = edits_in_feedback(&wb.sheets);
            }
            template = wb
                .sheets
                .iter()
                .find(|s| {
                    s.name == TEMPLATE_SHEET
                        && locate::cell_text_at(s, 0, 0).as_deref() == Some(TEMPLATE_MARKER)
                })
                .map(|s| locate::cell_text_at(s, 3, 0).unwrap_or_default());
            let mismatch = wb
                .extension_mismatch
                .clone()
                .map(|ext| (ext, wb.format.name().to_string()));
            (Ok(locate::locate(&mut wb, config, keys)), mismatch)
        }
        Err(e) => (Err(e.into()), None),
    };
    Scanned {
        file: candidate.name.clone(),
        modified: candidate.modified,
        outcome,
        extension_mismatch: mismatch,
        feedback,
        template,
        explanations,
        feedback_edits,
    }
}

/// The cells of a feedback workbook's copied sheets that differ from the values huizong wrote
/// (kept in the marker sheet). A feedback workbook made before the values were kept has none.
fn edits_in_feedback(
    sheets: &[read::SheetGrid],
) -> Vec<(String, crate::model::CellRef, String, String)> {
    use std::collections::BTreeMap;
    let Some(marker) = sheets.iter().find(|s| s.name == FEEDBACK_MARKER) else {
        return Vec::new();
    };
    let Some(count) =
        locate::cell_text_at(marker, COPIED_FIRST_ROW - 1, 0).and_then(|c| c.parse::<usize>().ok())
    else {
        return Vec::new();
    };
    let text = |row: u32, col: u32| locate::cell_text_at(marker, row, col).unwrap_or_default();
    let mut written: BTreeMap<(String, String), String> = BTreeMap::new();
    for i in 0..count {
        let row = COPIED_FIRST_ROW + (i / COPIED_PER_ROW) as u32;
        let col = (3 * (i % COPIED_PER_ROW)) as u32;
        let cell = marker
            .cells
            .get(&crate::model::CellRef { row, col: col + 2 });
        written.insert(
            (text(row, col), text(row, col + 1)),
            locate::typed(cell).unwrap_or_default(),
        );
    }
    let copied_sheets: std::collections::BTreeSet<&str> =
        written.keys().map(|(s, _)| s.as_str()).collect();
    let mut edits = Vec::new();
    for grid in sheets
        .iter()
        .filter(|g| copied_sheets.contains(g.name.as_str()))
    {
        // Cells typed now, then cells written and now gone.
        let mut seen = std::collections::BTreeSet::new();
        for (at, cell) in &grid.cells {
            let now = locate::typed(Some(cell)).unwrap_or_default();
            let key = (grid.name.clone(), at.to_string());
            let was = written.get(&key).cloned().unwrap_or_default();
            seen.insert(key);
            if now != was {
                edits.push((grid.name.clone(), *at, was, now));
            }
        }
        for ((sheet, a1), was) in &written {
            if sheet == &grid.name
                && !seen.contains(&(sheet.clone(), a1.clone()))
                && !was.is_empty()
            {
                if let Some(at) = cell_of(a1) {
                    edits.push((grid.name.clone(), at, was.clone(), String::new()));
                }
            }
        }
    }
    edits.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    edits
}

/// `E22` → the cell.
fn cell_of(a1: &str) -> Option<crate::model::CellRef> {
    let letters: String = a1.chars().take_while(|c| c.is_ascii_uppercase()).collect();
    let row: u32 = a1[letters.len()..].parse().ok()?;
    let col = letters.bytes().try_fold(0u32, |acc, b| {
        acc.checked_mul(26)?.checked_add(u32::from(b - b'A') + 1)
    })?;
    Some(crate::model::CellRef {
        row: row.checked_sub(1)?,
        col: col.checked_sub(1)?,
    })
}

/// Bytes → located form sheets: reading, locating and normalising, with no file system.
/// This is the path the fuzz target and the mutation tests drive.
pub fn locate_bytes(
    bytes: &[u8],
    ext: Option<&str>,
    config: &Config,
    keys: &FormKeys,
) -> Result<Vec<FormSheet>, read::ReadError> {
    let mut wb = read::read_bytes(bytes, ext, &config.limits)?;
    Ok(locate::locate(&mut wb, config, keys))
}

/// What happened to a return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Counted,
    Superseded,
    WrongPeriod,
    NotOnRoster,
    TownshipUnknown,
    Feedback,
    NoForm,
    Unreadable,
}

impl Status {
    pub fn key(self) -> &'static str {
        match self {
            Status::Counted => "counted",
            Status::Superseded => "superseded",
            Status::WrongPeriod => "wrong_period",
            Status::NotOnRoster => "not_on_roster",
            Status::TownshipUnknown => "township_unknown",
            Status::Feedback => "feedback",
            Status::NoForm => "no_form",
            Status::Unreadable => "unreadable",
        }
    }
}

/// Whether a return was filed on time: 填报日期 on or before `deadline_day` of the month after
/// the period. None when the sheet gives no filing date.
pub fn on_time(filed: Option<Date>, period: Period, deadline_day: u32) -> Option<bool> {
    let filed = filed?;
    let (year, month) = if period.month == 12 {
        (period.year + 1, 1)
    } else {
        (period.year, period.month + 1)
    };
    Some((filed.year, filed.month, filed.day) <= (year, month, deadline_day))
}

/// Where the date a return counts as filed comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFrom {
    /// 填报日期 in the sheet.
    Sheet,
    /// The file's modification time: the sheet gives no 填报日期 (noted, F28).
    FileTime,
}

/// The date a return counts as filed: its 填报日期, or, where the sheet gives none, the day its
/// file was last modified (local time). None when neither is known.
pub fn filing_date(r: &Return) -> Option<(Date, DateFrom)> {
    match r.filed {
        Some(d) => Some((d, DateFrom::Sheet)),
        None => r.modified.map(|t| (file_date(t), DateFrom::FileTime)),
    }
}

/// The local calendar day of a file time.
pub fn file_date(t: SystemTime) -> Date {
    use chrono::Datelike;
    let d = chrono::DateTime::<chrono::Local>::from(t).date_naive();
    Date {
        year: d.year(),
        month: d.month(),
        day: d.day(),
    }
}

/// Whether a return was filed on time, by [`filing_date`] (the file time where the sheet gives
/// no 填报日期); None when neither is known.
pub fn on_time_of(r: &Return, period: Period, deadline_day: u32) -> Option<bool> {
    on_time(filing_date(r).map(|(d, _)| d), period, deadline_day)
}

/// One file's return, once decided.
#[derive(Debug, Clone)]
pub struct Return {
    pub file: String,
    /// The roster name, where the township is on the roster.
    pub township: Option<String>,
    /// The unit as typed in the sheet.
    pub unit_typed: Option<String>,
    /// Made from `huizong template` (for the township named in its marker).
    pub template: Option<String>,
    pub period: Option<Period>,
    pub filed: Option<Date>,
    pub modified: Option<SystemTime>,
    pub status: Status,
    /// The values used, each with the sheet it came from.
    pub readings: Vec<(std::sync::Arc<str>, CellReading)>,
    /// What was noticed in those sheets (fuzzy names, unknown rows, 合计 rows).
    pub sheet_notes: Vec<(std::sync::Arc<str>, SheetNote)>,
    /// Findings about the return as a whole.
    pub findings: Vec<Finding>,
}
