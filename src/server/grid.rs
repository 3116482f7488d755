//! A version's page: its findings (from the ledger, with the hint of each found again on the
//! stored copy), its sheets as a grid with the faulty cells marked, and the values changed
//! since the version before. Reads through `read/` under the configured `[limits]`.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::views::{
    ChangeView, Chrome, FindingView, GridCell, GridRow, GridSheet, Refusal, VersionPage,
};
use super::App;
use crate::ledger::{Ledger, Version};
use crate::model::{CellRef, Severity};
use crate::read::{RawValue, SheetGrid};
use crate::render;

/// Rows and columns of a sheet shown: the form fits well inside.
const MAX_ROWS: u32 = 200;
const MAX_COLS: u32 = 26;

fn severity_of(key: &str) -> Severity {
    match key {
        "error" => Severity::Error,
        "alert" => Severity::Alert,
        "warning" => Severity::Warning,
        "notice" => Severity::Notice,
        _ => Severity::Note,
    }
}

/// The page of version `v` (the chrome is the caller's).
pub fn version_page(
    app: &App,
    ledger: &Ledger,
    all: Vec<Version>,
    v: Version,
) -> Result<VersionPage, Refusal> {
    let l = app.lang;
    let stored = app.ws.state().join(&v.stored);
    let hints = hints_of(app, &v, &stored);
    let explainable = ledger.explainable(v.id)?;
    let explanations = super::explain::views(app, ledger, &v)?;
    let findings: Vec<FindingView> = ledger
        .findings(v.id)?
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let sev = severity_of(&f.severity);
            let code = f.code.clone().unwrap_or_default();
            FindingView {
                n: i + 1,
                class: if sev == Severity::Error {
                    "bad"
                } else {
                    "warn"
                },
                anchor: cell_id(&f.cell),
                hint: hints.get(&(f.rule.clone(), f.cell.clone())).cloned(),
                text: without_location(&f.line, &f.rule).to_string(),
                explainable: explainable
                    .iter()
                    .any(|r| r.get(2) == Some(&f.rule) && r.get(3) == Some(&code)),
                explanations: explanations
                    .iter()
                    .filter(|e| e.rule == f.rule && e.code == code)
                    .cloned()
                    .collect(),
                rule: f.rule,
                code,
                cell: f.cell,
            }
        })
        .collect();
    let sheets = grid_of(app, &stored, &findings);
    let previous = all.iter().rfind(|x| x.version < v.version);
    let changes = match previous {
        Some(p) => changes(ledger, p, &v)?,
        None => Vec::new(),
    };
    Ok(VersionPage {
        c: Chrome {
            county: String::new(),
            user: None,
            admin: false,
            csrf: String::new(),
        },
        l,
        township: v.township.clone(),
        period: v.period.clone(),
        version: super::pages::version_view(&v),
        previous: previous.map(|p| p.version),
        findings,
        sheets,
        changes,
        versions: all.iter().map(super::pages::version_view).collect(),
    })
}

/// A finding's line from its rule on (`file:sheet!cell: ` is dropped: the page shows the cell as
/// a link beside it, and the line already says the severity).
fn without_location<'a>(line: &'a str, rule: &str) -> &'a str {
    line.find(&format!(": {rule} "))
        .map_or(line, |at| &line[at + 2..])
}

/// `sheet!A1` as an HTML id.
pub fn cell_id(cell: &str) -> String {
    let mut id = String::from("c-");
    for ch in cell.chars() {
        if ch.is_alphanumeric() {
            id.push(ch);
        } else {
            id.push('_');
        }
    }
    id
}

/// The hints of a version's findings, by (rule, cell).
pub type Hints = BTreeMap<(String, String), String>;

/// Versions whose hints are kept in memory; past this the cache starts again (a month holds a
/// few hundred versions, so this is only a bound against a server that runs for years).
const HINTS_KEPT: usize = 10_000;

/// The hints of `findings` (the ledger keeps each finding's line, not the finding whole).
pub fn hints_from(app: &App, findings: &[crate::findings::Finding]) -> Hints {
    findings
        .iter()
        .filter_map(|f| {
            let cell = match (&f.at.sheet, f.at.cell) {
                (Some(s), Some(c)) => format!("{s}!{c}"),
                (Some(s), None) => s.to_string(),
                _ => String::new(),
            };
            render::hint(f, &app.config, app.lang).map(|h| ((f.rule.clone(), cell), h))
        })
        .collect()
}

/// Keeps the hints of a version just checked (an upload), so that its page, asked for at once,
/// need not check the file a second time.
pub fn remember_hints(
    app: &App,
    version_id: i64,
    findings: &[crate::findings::Finding],
) -> Arc<Hints> {
    let hints = Arc::new(hints_from(app, findings));
    let mut kept = app.hints.lock().expect("hints lock");
    if kept.len() >= HINTS_KEPT {
        kept.clear();
    }
    kept.insert(version_id, hints.clone());
    hints
}

/// The hints of version `v`: kept since its upload, else found by checking the stored copy
/// again (a file the inbox watcher took) once, then kept. Checking on every view made each
/// upload cost two checks and was the main cost of the load test.
fn hints_of(app: &App, v: &Version, stored: &std::path::Path) -> Arc<Hints> {
    if let Some(h) = app.hints.lock().expect("hints lock").get(&v.id) {
        return h.clone();
    }
    let context = crate::pipeline::Context {
        period: crate::model::Period::parse(&v.period),
        history: Some(crate::history::Store::new(app.ws.history())),
        explanations: Vec::new(),
    };
    match crate::pipeline::run_files(&[stored.to_path_buf()], &app.config, &context) {
        Ok(outcome) => remember_hints(app, v.id, &outcome.findings),
        // Not kept: the next view tries again.
        Err(_) => Arc::default(),
    }
}

fn text_of(v: &RawValue) -> String {
    match v {
        RawValue::Empty => String::new(),
        RawValue::Number(n) => crate::locate::format_number(*n),
        RawValue::Text(t) => t.clone(),
        RawValue::Bool(b) => b.to_string(),
        RawValue::Error(e) => e.clone(),
        RawValue::Date(y, m, d) => format!("{y}-{m:02}-{d:02}"),
    }
}

fn grid_of(app: &App, stored: &std::path::Path, findings: &[FindingView]) -> Vec<GridSheet> {
    let mut marks: BTreeMap<&str, Vec<(usize, &'static str)>> = BTreeMap::new();
    for f in findings {
        marks
            .entry(f.cell.as_str())
            .or_default()
            .push((f.n, f.class));
    }
    let Ok(book) = crate::read::read_workbook(stored, &app.config.limits) else {
        return Vec::new();
    };
    book.sheets
        .iter()
        .filter(|s| !s.hidden && !s.cells.is_empty())
        .map(|s| sheet_of(s, &marks))
        .collect()
}

fn sheet_of(s: &SheetGrid, marks: &BTreeMap<&str, Vec<(usize, &'static str)>>) -> GridSheet {
    let last_row = s.last_row().unwrap_or(0).min(MAX_ROWS - 1);
    let last_col = s
        .cells
        .keys()
        .map(|c| c.col)
        .max()
        .unwrap_or(0)
        .min(MAX_COLS - 1);
    let rows = (0..=last_row)
        .map(|row| GridRow {
            n: row + 1,
            cells: (0..=last_col)
                .map(|col| {
                    let at = CellRef { row, col };
                    let key = format!("{}!{at}", s.name);
                    let here = marks.get(key.as_str());
                    GridCell {
                        id: cell_id(&key),
                        text: s
                            .get(row, col)
                            .map(|c| text_of(&c.value))
                            .unwrap_or_default(),
                        class: match here {
                            Some(m) if m.iter().any(|x| x.1 == "bad") => "bad",
                            Some(_) => "warn",
                            None => "",
                        },
                        marks: here
                            .map(|m| m.iter().map(|x| x.0).collect())
                            .unwrap_or_default(),
                    }
                })
                .collect(),
        })
        .collect();
    GridSheet {
        name: s.name.clone(),
        cols: (0..=last_col).map(CellRef::col_letters).collect(),
        rows,
    }
}

fn changes(ledger: &Ledger, before: &Version, after: &Version) -> Result<Vec<ChangeView>, Refusal> {
    let key = |v: &crate::ledger::ValueRow| (v.code.clone(), v.column.clone());
    let b: BTreeMap<_, _> = ledger
        .values(before.id)?
        .into_iter()
        .map(|v| (key(&v), v))
        .collect();
    let a: BTreeMap<_, _> = ledger
        .values(after.id)?
        .into_iter()
        .map(|v| (key(&v), v))
        .collect();
    let show = |v: Option<f64>| v.map_or("-".to_string(), crate::locate::format_number);
    let mut keys: Vec<_> = b.keys().chain(a.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    Ok(keys
        .into_iter()
        .filter_map(|k| {
            let (x, y) = (b.get(&k), a.get(&k));
            let (xv, yv) = (x.and_then(|v| v.value), y.and_then(|v| v.value));
            (xv != yv).then(|| ChangeView {
                cell: y.or(x).map(|v| v.cell.clone()).unwrap_or_default(),
                code: k.0,
                column: k.1,
                before: show(xv),
                after: show(yv),
            })
        })
        .collect())
}
