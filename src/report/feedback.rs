//! Feedback to a township (退回修改通知): its return's sheets reproduced with the cells at fault
//! filled and a note on each (rule, message, what to do), a 差错清单 sheet listing every finding
//! with an empty 说明 column for the township's explanation, and a hidden marker so that the
//! workbook, sent back and dropped beside the returns, is recognised as feedback, not a return.

use std::collections::BTreeMap;

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, Note, Workbook, XlsxError,
};

use super::page::{self, Paper};
use super::xlsx::{headers, title, Styles, ERROR_FILL, WARNING_FILL};
use crate::config::Config;
use crate::findings::Finding;
use crate::model::{CellRef, Period, Severity};
use crate::read::{RawValue, SheetGrid};
use crate::render::{self, Lang};

use crate::returns::FEEDBACK_MARKER;

/// Builds the feedback workbook of one township from its return's sheets and its findings.
pub fn feedback_workbook(
    config: &Config,
    township: &str,
    period: Period,
    sheets: &[SheetGrid],
    findings: &[&Finding],
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    feedback_workbook_with_reason(config, township, period, sheets, findings, None, lang)
}

/// The feedback workbook with the county's reason for sending the return back (打回), shown
/// above the list of findings.
// long-function: builds one workbook sheet by sheet, top to bottom; not yet split (issue 10)
pub fn feedback_workbook_with_reason(
    config: &Config,
    township: &str,
    period: Period,
    sheets: &[SheetGrid],
    findings: &[&Finding],
    reason: Option<&str>,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let stamp = ExcelDateTime::from_ymd(period.year as u16, period.month as u8, 1)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&stamp));
    let s = Styles::new();
    list_sheet(&mut wb, config, township, period, findings, lang, &s)?;
    if let Some(reason) = reason {
        reason_line(&mut wb, reason, lang)?;
    }
    // The return's sheets as they were typed, the cells at fault marked.
    let mut at_fault: BTreeMap<(&str, CellRef), Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        if let (Some(sheet), Some(cell)) = (f.at.sheet.as_deref(), f.at.cell) {
            at_fault.entry((sheet, cell)).or_default().push(f);
        }
    }
    let labels = crate::locate::header::LabelKeys::new(&config.form.labels);
    // Every value written into a copied sheet, kept in the marker sheet: a cell changed when the
    // workbook comes back is a correction typed into the feedback, and is said (F30).
    let mut copied: Vec<(String, CellRef, Copied)> = Vec::new();
    for grid in sheets.iter().filter(|g| !g.hidden) {
        let ws = wb.add_worksheet();
        let name = super::safe_sheet_name(&grid.name);
        ws.set_name(&name)?;
        copied_sheet_page(ws, grid, &labels, config.form.header_scan_rows)?;
        for (at, cell) in &grid.cells {
            let faults = at_fault.get(&(grid.name.as_str(), *at));
            let fill = faults.map(|fs| {
                if fs.iter().any(|f| f.severity.fails_run()) {
                    Format::new().set_background_color(ERROR_FILL)
                } else {
                    Format::new().set_background_color(WARNING_FILL)
                }
            });
            let fmt = fill.clone().unwrap_or_default();
            match &cell.value {
                RawValue::Number(n) if cell.formula.is_none() => {
                    ws.write_number_with_format(at.row, at.col as u16, *n, &fmt)?;
                    copied.push((name.clone(), *at, Copied::Number(*n)));
                }
                RawValue::Empty if cell.formula.is_none() => {
                    ws.write_blank(at.row, at.col as u16, &fmt)?;
                }
                _ => {
                    let text = crate::locate::typed(Some(cell)).unwrap_or_default();
                    let text = super::fit(&text).to_string();
                    ws.write_string_with_format(at.row, at.col as u16, &text, &fmt)?;
                    copied.push((name.clone(), *at, Copied::Text(text)));
                }
            }
        }
        // A blank required cell has no cell of its own: mark it too.
        for ((sheet, at), fs) in &at_fault {
            if *sheet == grid.name && !grid.cells.contains_key(at) {
                let fmt = Format::new().set_background_color(ERROR_FILL);
                ws.write_blank(at.row, at.col as u16, &fmt)?;
            }
            if *sheet == grid.name {
                let text: Vec<String> = fs
                    .iter()
                    .map(|f| {
                        let mut t = format!("{} {}", f.rule, render::message(f, config, lang));
                        if let Some(h) = render::township_hint(f, config, lang) {
                            t.push_str(&format!("\n{h}"));
                        }
                        t
                    })
                    .collect();
                let note = Note::new(text.join("\n"))
                    .set_author("huizong")
                    .set_width(360);
                ws.insert_note(at.row, at.col as u16, &note)?;
            }
        }
    }
    let marker = wb.add_worksheet();
    marker.set_name(FEEDBACK_MARKER)?;
    marker.write_string(0, 0, "huizong-feedback")?;
    marker.write_string(1, 0, township)?;
    marker.write_string(2, 0, period.to_string())?;
    copied_cells(marker, &copied)?;
    marker.set_hidden(true);
    wb.save_to_buffer()
}

/// A copied sheet prints with its title and header rows and its naming columns (序号, 代码,
/// 名称: up to the column the header labels 指标名称) on every page, on A4 at a readable size,
/// so a faulty cell is never on a page without the indicator's name.
fn copied_sheet_page(
    ws: &mut rust_xlsxwriter::Worksheet,
    grid: &SheetGrid,
    labels: &crate::locate::header::LabelKeys,
    scan_rows: u32,
) -> Result<(), XlsxError> {
    let header = crate::locate::header::find(grid, labels, scan_rows);
    let name_col = header.as_ref().map_or(2, |h| h.name) as u16;
    let last_col = grid.cells.keys().map(|c| c.col).max().unwrap_or(0) as u16;
    let widths: Vec<f64> = (0..=last_col.max(name_col))
        .map(|c| if c == name_col { 30.0 } else { 10.0 })
        .collect();
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let landscape = !page::fits_readably(&widths, Paper::A4, false);
    let repeat_rows = header.as_ref().map(|h| (0, h.row));
    // Naming columns repeat only when they leave room for figures (a form is a few columns).
    let repeat_columns = (name_col <= 3).then_some((0, name_col));
    page::setup(
        ws,
        Paper::A4,
        landscape,
        &widths,
        repeat_rows,
        repeat_columns,
    )
}

/// The reason for sending back, on the empty row above the list's header.
fn reason_line(wb: &mut Workbook, reason: &str, lang: Lang) -> Result<(), XlsxError> {
    let ws = wb.worksheet_from_index(0)?;
    let text = format!("{}{reason}", lang.t("退回原因：", "Sent back because: "));
    ws.write_string(2, 0, super::fit(&text))?;
    Ok(())
}

// long-function: writes one sheet row by row, top to bottom; not yet split (issue 10)
fn list_sheet(
    wb: &mut Workbook,
    config: &Config,
    township: &str,
    period: Period,
    findings: &[&Finding],
    lang: Lang,
    s: &Styles,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(lang.t("差错清单", "Corrections"))?;
    title(
        ws,
        s,
        &format!(
            "{}{}{}",
            render::county(config, lang),
            lang.t("报表退回修改通知", " returned for correction"),
            render::bracketed(&format!("{township}{}{period}", lang.t("，", ", ")), lang)
        ),
        8,
    )?;
    let instruction = lang.t(
        "请按“处理要求”更正报表后重新报送；核实无误的（如“提示”“核实”类），请在“说明”栏写明具体原因。",
        "Correct the return as asked and send it again; where a figure is right, write the reason in the Explanation column.",
    );
    // Long text wrapped in narrow columns: nothing is cut, and A4 landscape stays readable.
    let widths = [5.0, 8.0, 7.0, 18.0, 10.0, 40.0, 32.0, 24.0, 8.0, 8.0, 20.0];
    super::xlsx::note_row(ws, s, 1, instruction, &widths[..8])?;
    let h = [
        lang.t("序号", "No."),
        lang.t("工作表", "Sheet"),
        lang.t("单元格", "Cell"),
        lang.t("指标", "Indicator"),
        lang.t("填写内容", "As typed"),
        lang.t("问题", "Problem"),
        lang.t("处理要求", "What to do"),
        lang.t("说明", "Explanation"),
        // What ties an explanation to its finding when the workbook comes back (hidden).
        lang.t("规则", "Rule"),
        lang.t("栏目", "Column"),
        lang.t("数值", "Values"),
    ];
    headers(ws, s, 3, &h, &widths)?;
    for c in 8..11 {
        ws.set_column_hidden(c)?;
    }
    // The print scale of the columns that print (the hidden ones do not).
    page::setup(
        ws,
        Paper::A4,
        true,
        &widths[..8],
        Some((3, 3)),
        Some((0, 0)),
    )?;
    let wrapped = |f: &Format| f.clone().set_text_wrap().set_align(FormatAlign::Top);
    let (error_wrap, warning_wrap) = (wrapped(&s.error), wrapped(&s.warning));
    for (i, f) in findings.iter().enumerate() {
        let row = 4 + i as u32;
        let name = f
            .code
            .as_deref()
            .and_then(|c| config.indicator(c))
            .map(|ind| match (lang, &ind.name_en) {
                (Lang::En, Some(en)) => format!("{} {en}", ind.code()),
                _ => format!("{} {}", ind.code(), ind.name),
            })
            .unwrap_or_default();
        let cells = [
            (i + 1).to_string(),
            f.at.sheet.as_deref().unwrap_or_default().to_string(),
            f.at.cell.map(|c| c.to_string()).unwrap_or_default(),
            name,
            f.typed.clone().unwrap_or_default(),
            format!(
                "{} {}{}{}",
                render::severity(f.severity, lang),
                f.rule,
                render::colon(lang),
                render::message(f, config, lang)
            ),
            render::township_hint(f, config, lang).unwrap_or_default(),
            String::new(),
            f.rule.clone(),
            f.column
                .map(|c| render::column(c, lang).to_string())
                .unwrap_or_default(),
            crate::review::format_values(&crate::review::values_of(f)),
        ];
        for (c, text) in cells.iter().enumerate() {
            let fmt = match (c, f.severity) {
                (5, Severity::Error | Severity::Alert) => &error_wrap,
                (5, Severity::Warning) => &warning_wrap,
                (3..=7, _) => &s.wrap,
                _ => &s.text,
            };
            ws.write_string_with_format(row, c as u16, super::fit(text), fmt)?;
        }
        let shown = (3..8).map(|c| (cells[c].as_str(), widths[c]));
        super::xlsx::fit_row_height(ws, row, shown)?;
    }
    Ok(())
}

/// A value as written into a copied sheet.
enum Copied {
    Number(f64),
    Text(String),
}

/// The copied values in the marker sheet, from its 4th row: A4 says how many, then each value
/// as (sheet, cell, value) triples, `COPIED_PER_ROW` a row (the reader keeps 64 columns and
/// 2,000 rows, room for 40,000 values).
fn copied_cells(
    marker: &mut rust_xlsxwriter::Worksheet,
    copied: &[(String, CellRef, Copied)],
) -> Result<(), XlsxError> {
    use crate::returns::{COPIED_FIRST_ROW, COPIED_PER_ROW};
    marker.write_number(COPIED_FIRST_ROW - 1, 0, copied.len() as f64)?;
    for (i, (sheet, at, value)) in copied.iter().enumerate() {
        let row = COPIED_FIRST_ROW + (i / COPIED_PER_ROW) as u32;
        let col = (3 * (i % COPIED_PER_ROW)) as u16;
        marker.write_string(row, col, sheet)?;
        marker.write_string(row, col + 1, at.to_string())?;
        match value {
            Copied::Number(n) => marker.write_number(row, col + 2, *n)?,
            Copied::Text(t) => marker.write_string(row, col + 2, t)?,
        };
    }
    Ok(())
}
