//! Feedback to a township (退回修改通知): its return's sheets reproduced with the cells at fault
//! filled and a note on each (rule, message, what to do), a 差错清单 sheet listing every finding
//! with an empty 说明 column for the township's explanation, and a hidden marker so that the
//! workbook, sent back and dropped beside the returns, is recognised as feedback, not a return.

use std::collections::BTreeMap;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Note, Workbook, XlsxError};

use super::xlsx::{headers, title, Styles, ERROR_FILL, WARNING_FILL};
use crate::config::Config;
use crate::model::{CellRef, Finding, Period, Severity};
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
    for grid in sheets.iter().filter(|g| !g.hidden) {
        let ws = wb.add_worksheet();
        ws.set_name(super::safe_sheet_name(&grid.name))?;
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
                }
                RawValue::Empty if cell.formula.is_none() => {
                    ws.write_blank(at.row, at.col as u16, &fmt)?;
                }
                _ => {
                    let text = crate::locate::typed(Some(cell)).unwrap_or_default();
                    ws.write_string_with_format(at.row, at.col as u16, super::fit(&text), &fmt)?;
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
                        if let Some(h) = render::hint(f, config, lang) {
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
        ws.set_column_width(2, 30)?;
    }
    let marker = wb.add_worksheet();
    marker.set_name(FEEDBACK_MARKER)?;
    marker.write_string(0, 0, "huizong-feedback")?;
    marker.write_string(1, 0, township)?;
    marker.write_string(2, 0, period.to_string())?;
    marker.set_hidden(true);
    wb.save_to_buffer()
}

/// The reason for sending back, on the empty row above the list's header.
fn reason_line(wb: &mut Workbook, reason: &str, lang: Lang) -> Result<(), XlsxError> {
    let ws = wb.worksheet_from_index(0)?;
    let text = format!("{}{reason}", lang.t("退回原因：", "Sent back because: "));
    ws.write_string(2, 0, super::fit(&text))?;
    Ok(())
}

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
            "{}{}（{township}，{period}）",
            config.county,
            lang.t("报表退回修改通知", " returned for correction")
        ),
        8,
    )?;
    ws.write_string(
        1,
        0,
        lang.t(
            "请按“处理要求”更正报表后重新报送；核实无误的（如“提示”“核实”类），请在“说明”栏写明具体原因。",
            "Correct the return as asked and send it again; where a figure is right, write the reason in the Explanation column.",
        ),
    )?;
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
    headers(
        ws,
        s,
        3,
        &h,
        &[6.0, 10.0, 8.0, 24.0, 14.0, 60.0, 40.0, 40.0, 8.0, 8.0, 20.0],
    )?;
    for c in 8..11 {
        ws.set_column_hidden(c)?;
    }
    for (i, f) in findings.iter().enumerate() {
        let row = 4 + i as u32;
        let name = f
            .code
            .as_deref()
            .and_then(|c| config.indicator(c))
            .map(|ind| format!("{} {}", ind.code(), ind.name))
            .unwrap_or_default();
        let cells = [
            (i + 1).to_string(),
            f.at.sheet.as_deref().unwrap_or_default().to_string(),
            f.at.cell.map(|c| c.to_string()).unwrap_or_default(),
            name,
            f.typed.clone().unwrap_or_default(),
            format!(
                "{} {}：{}",
                render::severity(f.severity, lang),
                f.rule,
                render::message(f, config, lang)
            ),
            render::hint(f, config, lang).unwrap_or_default(),
            String::new(),
            f.rule.clone(),
            f.column
                .map(|c| render::column(c, lang).to_string())
                .unwrap_or_default(),
            crate::review::format_values(&crate::review::values_of(f)),
        ];
        for (c, text) in cells.iter().enumerate() {
            let fmt = match (c, f.severity) {
                (5, Severity::Error | Severity::Alert) => &s.error,
                (5, Severity::Warning) => &s.warning,
                _ => &s.text,
            };
            ws.write_string_with_format(row, c as u16, super::fit(text), fmt)?;
        }
    }
    Ok(())
}
