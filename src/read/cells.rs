//! calamine → [`SheetGrid`]s. `.xlsx` is streamed cell by cell (no dense grid); the other
//! formats go through calamine's ranges.

use std::io::Cursor;

use calamine::{
    open_workbook_from_rs, Data, DataRef, Ods, Range, Reader, SheetVisible, Xls, Xlsb, Xlsx,
};

use super::{Budget, Cap, Format, RawCell, RawValue, ReadError, SheetGrid, MAX_COLS, MAX_ROWS};
use crate::model::CellRef;

fn corrupt(e: impl std::fmt::Display) -> ReadError {
    let msg = e.to_string();
    let lower = msg.to_ascii_lowercase();
    if lower.contains("password") || lower.contains("encrypt") {
        ReadError::Encrypted
    } else {
        ReadError::damaged(super::DamagedPart::Workbook, msg)
    }
}

pub fn read_sheets(
    bytes: &[u8],
    format: Format,
    budget: &mut Budget,
) -> Result<Vec<SheetGrid>, ReadError> {
    let rs = Cursor::new(bytes);
    match format {
        Format::Xlsx => read_xlsx(open_workbook_from_rs(rs).map_err(corrupt)?, budget),
        Format::Xls => {
            let mut wb: Xls<_> = open_workbook_from_rs(rs).map_err(corrupt)?;
            let names = visible_names(&wb);
            let mut out = Vec::new();
            for (name, hidden) in names {
                budget.check_time()?;
                let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
                if merges.len() as u64 > budget.limits.max_merges {
                    return Err(ReadError::OverCap(Cap::Merges(budget.limits.max_merges)));
                }
                let mut grid = ranged(&mut wb, &name, hidden)?;
                grid.merges = merges.iter().map(dims).collect();
                grid.merges_loaded = true;
                out.push(grid);
            }
            Ok(out)
        }
        Format::Ods => {
            let mut wb: Ods<_> = open_workbook_from_rs(rs).map_err(corrupt)?;
            ranged_sheets(&mut wb, budget)
        }
        Format::Html | Format::SpreadsheetMl | Format::Delimited => Ok(Vec::new()),
        Format::Xlsb => {
            let mut wb: Xlsb<_> = open_workbook_from_rs(rs).map_err(corrupt)?;
            ranged_sheets(&mut wb, budget)
        }
    }
}

/// Every worksheet through calamine's ranges, the clock looked at between sheets (the guards
/// have bounded each sheet's cells before calamine was called).
fn ranged_sheets<RS: std::io::Read + std::io::Seek, R: Reader<RS>>(
    wb: &mut R,
    budget: &Budget,
) -> Result<Vec<SheetGrid>, ReadError>
where
    R::Error: std::fmt::Display,
{
    let mut out = Vec::new();
    for (name, hidden) in visible_names(wb) {
        budget.check_time()?;
        out.push(ranged(wb, &name, hidden)?);
    }
    Ok(out)
}

fn dims(d: &calamine::Dimensions) -> (CellRef, CellRef) {
    (
        CellRef::new(d.start.0, d.start.1),
        CellRef::new(d.end.0, d.end.1),
    )
}

/// Worksheets only (no chart sheets), with whether each is hidden.
fn visible_names<RS: std::io::Read + std::io::Seek, R: Reader<RS>>(wb: &R) -> Vec<(String, bool)> {
    wb.sheets_metadata()
        .iter()
        .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        .map(|s| (s.name.clone(), s.visible != SheetVisible::Visible))
        .collect()
}

fn read_xlsx(
    mut wb: Xlsx<Cursor<&[u8]>>,
    budget: &mut Budget,
) -> Result<Vec<SheetGrid>, ReadError> {
    let limits = budget.limits;
    let mut out = Vec::new();
    let names = visible_names(&wb);
    if names.len() > limits.max_sheets {
        return Err(ReadError::OverCap(Cap::Sheets(limits.max_sheets as u64)));
    }
    for (name, hidden) in names {
        // Merged regions need a second pass over the sheet: read on demand (load_merges).
        let mut grid = SheetGrid {
            name: name.clone(),
            hidden,
            ..SheetGrid::default()
        };
        let mut reader = wb.worksheet_cells_reader(&name).map_err(corrupt)?;
        let mut count: u64 = 0;
        while let Some(cell) = reader.next_cell_with_formula().map_err(corrupt)? {
            count += 1;
            budget.step()?;
            if count > limits.max_cells {
                return Err(ReadError::OverCap(Cap::Cells(limits.max_cells)));
            }
            let (row, col) = cell.pos;
            let value = from_ref(&cell.value);
            let formula = cell.formula.filter(|f| !f.is_empty());
            grid.put(row, col, value, formula);
        }
        out.push(grid);
    }
    Ok(out)
}

/// The merged regions of one `.xlsx` sheet.
pub fn xlsx_merges(bytes: &[u8], name: &str) -> Vec<(CellRef, CellRef)> {
    let Ok(mut wb) = open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes)) else {
        return Vec::new();
    };
    wb.merge_cells_by_sheet_name(name)
        .map(|m| m.iter().map(dims).collect())
        .unwrap_or_default()
}

fn ranged<RS: std::io::Read + std::io::Seek, R: Reader<RS>>(
    wb: &mut R,
    name: &str,
    hidden: bool,
) -> Result<SheetGrid, ReadError>
where
    R::Error: std::fmt::Display,
{
    let mut grid = SheetGrid {
        name: name.to_string(),
        hidden,
        ..SheetGrid::default()
    };
    let range: Range<Data> = wb.worksheet_range(name).map_err(corrupt)?;
    // Formulas are optional: a reader that cannot give them still gives values.
    let formulas: Option<Range<String>> = wb.worksheet_formula(name).ok();
    if let Some((r0, c0)) = range.start() {
        for (r, c, v) in range.used_cells() {
            grid.put(r0 + r as u32, c0 + c as u32, from_data(v), None);
        }
    }
    if let Some(f) = formulas {
        if let Some((r0, c0)) = f.start() {
            for (r, c, text) in f.used_cells() {
                if text.is_empty() {
                    continue;
                }
                let (row, col) = (r0 + r as u32, c0 + c as u32);
                if row >= MAX_ROWS || col >= MAX_COLS {
                    continue;
                }
                let at = CellRef::new(row, col);
                let cell = grid.cells.entry(at).or_insert(RawCell {
                    value: RawValue::Empty,
                    formula: None,
                });
                cell.formula = Some(text.clone());
            }
        }
    }
    Ok(grid)
}

fn from_data(d: &Data) -> RawValue {
    match d {
        Data::Int(i) => RawValue::Number(*i as f64),
        Data::Float(f) => RawValue::Number(*f),
        Data::String(s) => RawValue::Text(s.clone()),
        Data::Bool(b) => RawValue::Bool(*b),
        Data::Error(e) => RawValue::Error(e.to_string()),
        Data::DateTime(dt) => date_of(dt.as_datetime(), dt.as_f64()),
        Data::DateTimeIso(s) => iso_date(s),
        Data::DurationIso(s) => RawValue::Text(s.clone()),
        Data::Empty => RawValue::Empty,
    }
}

fn from_ref(d: &DataRef<'_>) -> RawValue {
    match d {
        DataRef::Int(i) => RawValue::Number(*i as f64),
        DataRef::Float(f) => RawValue::Number(*f),
        DataRef::String(s) => RawValue::Text(s.clone()),
        DataRef::SharedString(s) => RawValue::Text((*s).to_string()),
        DataRef::Bool(b) => RawValue::Bool(*b),
        DataRef::Error(e) => RawValue::Error(e.to_string()),
        DataRef::DateTime(dt) => date_of(dt.as_datetime(), dt.as_f64()),
        DataRef::DateTimeIso(s) => iso_date(s),
        DataRef::DurationIso(s) => RawValue::Text(s.clone()),
        DataRef::Empty => RawValue::Empty,
    }
}

fn date_of(dt: Option<chrono::NaiveDateTime>, serial: f64) -> RawValue {
    use chrono::Datelike;
    match dt {
        Some(d) => RawValue::Date(d.year(), d.month(), d.day()),
        None => RawValue::Number(serial),
    }
}

fn iso_date(s: &str) -> RawValue {
    match chrono::NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d") {
        Ok(d) => {
            use chrono::Datelike;
            RawValue::Date(d.year(), d.month(), d.day())
        }
        Err(_) => RawValue::Text(s.to_string()),
    }
}
