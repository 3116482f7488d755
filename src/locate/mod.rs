//! Finding the form in a workbook by content: the header row and columns by their labels, the
//! indicator rows by code or normalised name, the township, period and filing date by their
//! labels or the title. Never by sheet name or position. Values are read (normalised) here, so
//! that the grids can be dropped once a workbook is located. No IO.

pub mod header;
pub mod labels;
pub mod period;
pub mod township;

use std::collections::HashMap;

use crate::config::{Config, IndicatorKind};
use crate::findings::Kind;
use crate::model::{CellRef, Column, Date, Period};
use crate::normalize::text::{match_key, similarity};
use crate::normalize::value::{self, Expect, Reading};
use crate::read::{RawCell, RawValue, SheetGrid, Workbook};
use header::{Header, LabelKeys};

/// Everything about the form that locating needs, prepared once per run.
pub struct FormKeys {
    labels: LabelKeys,
    /// (name or alias key, indicator index)
    names: Vec<(String, usize)>,
    codes: HashMap<String, usize>,
    township_labels: Vec<String>,
    period_labels: Vec<String>,
    filed_labels: Vec<String>,
    all_labels: Vec<String>,
    scan_rows: u32,
    threshold: f64,
    /// Values the form declares as states (`-2` = 未开展).
    sentinels: Vec<f64>,
}

impl FormKeys {
    pub fn new(config: &Config) -> Self {
        let l = &config.form.labels;
        let mut names = Vec::new();
        for (i, ind) in config.indicators.iter().enumerate() {
            for n in std::iter::once(&ind.name).chain(ind.aliases.iter()) {
                let k = match_key(n);
                if !k.is_empty() && !names.iter().any(|(x, _)| *x == k) {
                    names.push((k, i));
                }
            }
        }
        let codes = config
            .indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| (match_key(ind.code()), i))
            .collect();
        let all_labels = [&l.township, &l.period, &l.filed]
            .into_iter()
            .flatten()
            .cloned()
            .chain(["单位负责人", "统计负责人", "填表人", "联系电话", "审核人"].map(String::from))
            .collect();
        Self {
            sentinels: config.form.sentinels.iter().map(|x| x.value).collect(),
            labels: LabelKeys::new(l),
            names,
            codes,
            township_labels: l.township.clone(),
            period_labels: l.period.clone(),
            filed_labels: l.filed.clone(),
            all_labels,
            scan_rows: config.form.header_scan_rows,
            threshold: config.form.fuzzy_threshold.max(0.75),
        }
    }
}

/// One value cell of one indicator, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct CellReading {
    pub indicator: usize,
    pub column: Column,
    pub at: CellRef,
    pub typed: Option<String>,
    pub reading: Reading,
}

/// Something noticed while locating, before the township is known.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetNote {
    pub kind: Kind,
    pub indicator: Option<usize>,
    pub at: CellRef,
    pub typed: Option<String>,
}

/// A sheet that holds (part of) the form.
#[derive(Debug, Clone, PartialEq)]
pub struct FormSheet {
    pub name: String,
    pub hidden: bool,
    pub order: usize,
    pub unit: Option<(String, CellRef)>,
    pub period: Option<Period>,
    pub period_from_title: bool,
    /// A 报告期 that gives a month without a year (`10月`).
    pub month_only: Option<u32>,
    pub filed: Option<Date>,
    pub title: Option<String>,
    pub readings: Vec<CellReading>,
    pub notes: Vec<SheetNote>,
}

impl FormSheet {
    pub fn indicators(&self) -> impl Iterator<Item = usize> + '_ {
        self.readings
            .iter()
            .filter(|r| r.column == Column::Month)
            .map(|r| r.indicator)
    }
}

/// The form sheets of a workbook, in workbook order. A sheet whose header is not found is
/// tried again with its merged regions, where those are read on demand.
pub fn locate(wb: &mut Workbook, config: &Config, keys: &FormKeys) -> Vec<FormSheet> {
    let mut out = Vec::new();
    for order in 0..wb.sheets.len() {
        let mut found = locate_sheet(&wb.sheets[order], order, config, keys);
        if found.is_none() && wb.load_merges(order) {
            found = locate_sheet(&wb.sheets[order], order, config, keys);
        }
        out.extend(found);
    }
    out
}

fn locate_sheet(
    grid: &SheetGrid,
    order: usize,
    config: &Config,
    keys: &FormKeys,
) -> Option<FormSheet> {
    let header = header::find(grid, &keys.labels, keys.scan_rows)?;
    let mut sheet = FormSheet {
        name: grid.name.clone(),
        hidden: grid.hidden,
        order,
        unit: None,
        period: None,
        period_from_title: false,
        month_only: None,
        filed: None,
        title: None,
        readings: Vec::new(),
        notes: Vec::new(),
    };
    read_rows(grid, &header, config, keys, &mut sheet);
    if sheet.readings.is_empty() {
        return None;
    }
    if header.ytd.is_none() {
        sheet.notes.push(SheetNote {
            kind: Kind::YtdColumnMissing,
            indicator: None,
            at: CellRef::new(header.row, header.month),
            typed: None,
        });
    }
    read_labels(grid, &header, keys, &mut sheet);
    Some(sheet)
}

fn read_labels(grid: &SheetGrid, header: &Header, keys: &FormKeys, sheet: &mut FormSheet) {
    let stop = &keys.all_labels;
    // Labelled fields stand above the header and under the table, not among the indicators.
    let table_rows = header.row
        ..=sheet
            .readings
            .iter()
            .map(|r| r.at.row)
            .max()
            .unwrap_or(header.row);
    let texts = labels::SheetTexts::new(grid, |row| !table_rows.contains(&row));
    sheet.unit = labels::find_all(grid, &texts, &keys.township_labels, stop)
        .into_iter()
        .find(|l| !match_key(&l.text).is_empty())
        .map(|l| (l.text, l.at));
    let period_cells = labels::find_all(grid, &texts, &keys.period_labels, stop);
    sheet.period = period_cells.iter().find_map(|l| period::period_in(&l.text));
    if sheet.period.is_none() {
        sheet.month_only = period_cells.iter().find_map(|l| period::month_in(&l.text));
    }
    sheet.filed = labels::find_all(grid, &texts, &keys.filed_labels, stop)
        .into_iter()
        .find_map(|l| match l.date {
            Some((y, m, d)) => Some(Date {
                year: y,
                month: m,
                day: d,
            }),
            None => period::date_in(&l.text),
        });
    // The title: the longest text above the header that is not a labelled field.
    sheet.title = (0..header.row)
        .flat_map(|r| grid.row(r).map(|(_, c)| c))
        .filter_map(|c| match &c.value {
            RawValue::Text(t) => Some(t.trim().to_string()),
            _ => None,
        })
        .filter(|t| !keys.all_labels.iter().any(|l| t.contains(l.as_str())))
        .max_by_key(|t| t.chars().count());
    if sheet.period.is_none() {
        if let Some(p) = sheet.title.as_deref().and_then(period::period_in) {
            sheet.period = Some(p);
            sheet.period_from_title = true;
        }
    }
}

fn cell_text(grid: &SheetGrid, row: u32, col: Option<u32>) -> Option<String> {
    let cell = grid.get(row, col?)?;
    match &cell.value {
        RawValue::Text(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
        RawValue::Number(n) => Some(format!("{n}")),
        _ => None,
    }
}

/// The text of a cell, if it holds some.
pub fn cell_text_at(grid: &SheetGrid, row: u32, col: u32) -> Option<String> {
    cell_text(grid, row, Some(col))
}

/// What was typed in a cell, for reporting.
pub fn typed(cell: Option<&RawCell>) -> Option<String> {
    let cell = cell?;
    let value = match &cell.value {
        RawValue::Empty => String::new(),
        RawValue::Number(n) => format_number(*n),
        RawValue::Text(t) => t.clone(),
        RawValue::Bool(b) => b.to_string().to_uppercase(),
        RawValue::Error(e) => e.clone(),
        RawValue::Date(y, m, d) => format!("{y:04}-{m:02}-{d:02}"),
    };
    match &cell.formula {
        Some(f) if value.is_empty() => Some(format!("={f}")),
        Some(f) => Some(format!("={f} → {value}")),
        None if value.is_empty() => None,
        None => Some(value),
    }
}

pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn match_row(name: Option<&str>, code: Option<&str>, keys: &FormKeys) -> RowMatch {
    if let Some(i) = code.and_then(|c| keys.codes.get(&match_key(c))) {
        return RowMatch::Exact(*i);
    }
    let Some(name) = name else {
        return RowMatch::None;
    };
    let key = match_key(strip_ordinal(name));
    if key.is_empty() {
        return RowMatch::None;
    }
    if keys.labels.total.contains(&key) {
        return RowMatch::Total;
    }
    if let Some((_, i)) = keys.names.iter().find(|(k, _)| *k == key) {
        return RowMatch::Exact(*i);
    }
    // The best score of each indicator over its name and aliases; a clear winner only.
    let mut scores: HashMap<usize, f64> = HashMap::new();
    for (k, i) in &keys.names {
        let s = similarity(&key, k);
        let e = scores.entry(*i).or_insert(0.0);
        *e = e.max(s);
    }
    let mut ranked: Vec<(usize, f64)> = scores.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    match ranked.as_slice() {
        [(i, s), rest @ ..]
            if *s >= keys.threshold && rest.first().is_none_or(|(_, t)| s - t > 0.05) =>
        {
            RowMatch::Fuzzy(*i)
        }
        _ => RowMatch::None,
    }
}

/// `1.常住人口数`, `一、常住人口数`, `(3)常住人口数` → `常住人口数`: a list number before a name
/// is not part of it. Only a number followed by a separator is taken (`2型…`, `65岁…` stay).
fn strip_ordinal(name: &str) -> &str {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"^\s*(?:[0-9０-９一二三四五六七八九十]+\s*[、.．:：]|[(（][0-9０-９一二三四五六七八九十]+[)）])\s*")
            .expect("constant regex")
    });
    match re.find(name) {
        Some(m) if m.end() < name.len() => &name[m.end()..],
        _ => name,
    }
}

enum RowMatch {
    Exact(usize),
    Fuzzy(usize),
    Total,
    None,
}

/// One value cell read; what was typed is kept only where it will be reported (a plain number
/// needs no note, and a province has millions of them).
fn reading(
    indicator: usize,
    column: Column,
    at: CellRef,
    cell: Option<&RawCell>,
    expect: Expect<'_>,
) -> CellReading {
    let reading = value::read(cell, expect);
    let plain = matches!(reading, Reading::Value { how: None, .. });
    CellReading {
        indicator,
        column,
        at,
        typed: if plain { None } else { typed(cell) },
        reading,
    }
}

// long-function: one pass over a sheet's rows, state carried from row to row; not yet split (issue 10)
fn read_rows(
    grid: &SheetGrid,
    header: &Header,
    config: &Config,
    keys: &FormKeys,
    sheet: &mut FormSheet,
) {
    let last = grid.last_row().unwrap_or(header.row);
    let mut seen = vec![false; config.indicators.len()];
    for row in header.row + 1..=last {
        let name = cell_text(grid, row, Some(header.name));
        let code = cell_text(grid, row, header.code);
        let month_at = CellRef::new(row, header.month);
        let month_cell = grid.get(row, header.month);
        let (index, fuzzy) = match match_row(name.as_deref(), code.as_deref(), keys) {
            RowMatch::Exact(i) => (i, false),
            RowMatch::Fuzzy(i) => (i, true),
            RowMatch::Total => {
                sheet.notes.push(SheetNote {
                    kind: Kind::TotalRow,
                    indicator: None,
                    at: CellRef::new(row, header.name),
                    typed: name,
                });
                continue;
            }
            RowMatch::None => {
                let has_number = matches!(month_cell.map(|c| &c.value), Some(RawValue::Number(_)));
                if has_number && name.is_some() {
                    sheet.notes.push(SheetNote {
                        kind: Kind::UnknownRow {
                            typed: name.clone().unwrap_or_default(),
                        },
                        indicator: None,
                        at: CellRef::new(row, header.name),
                        typed: name,
                    });
                }
                continue;
            }
        };
        if seen[index] {
            sheet.notes.push(SheetNote {
                kind: Kind::UnknownRow {
                    typed: name.clone().unwrap_or_default(),
                },
                indicator: Some(index),
                at: CellRef::new(row, header.name),
                typed: name,
            });
            continue;
        }
        seen[index] = true;
        if fuzzy {
            sheet.notes.push(SheetNote {
                kind: Kind::IndicatorFuzzy {
                    typed: name.clone().unwrap_or_default(),
                },
                indicator: Some(index),
                at: CellRef::new(row, header.name),
                typed: name.clone(),
            });
        }
        let ind = &config.indicators[index];
        let expect = Expect {
            whole: ind.is_count(),
            unit_is_wan: ind.unit_is_wan(),
            unit: &ind.unit,
            sentinels: &keys.sentinels,
        };
        sheet
            .readings
            .push(reading(index, Column::Month, month_at, month_cell, expect));
        if let (IndicatorKind::Flow, Some(col)) = (ind.kind, header.ytd) {
            let at = CellRef::new(row, col);
            sheet
                .readings
                .push(reading(index, Column::Ytd, at, grid.get(row, col), expect));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::strip_ordinal;

    #[test]
    fn list_numbers_before_names() {
        for (key, want) in [
            ("1.常住人口数", "常住人口数"),
            ("一、常住人口数", "常住人口数"),
            ("（3）门急诊人次", "门急诊人次"),
            ("12． 门急诊人次", "门急诊人次"),
            ("二类疫苗接种人次", "二类疫苗接种人次"),
            ("2型糖尿病患者在管人数", "2型糖尿病患者在管人数"),
            ("65岁及以上老年人口数", "65岁及以上老年人口数"),
            ("5岁以下儿童死亡数", "5岁以下儿童死亡数"),
            ("常住人口数", "常住人口数"),
        ] {
            assert_eq!(strip_ordinal(key), want, "{key}");
        }
    }
}
