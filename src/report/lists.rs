//! The list sheets of the county workbook: 异常清单 (one row a finding, linked to its cell in the
//! return, with its explanation) and 报送情况 (every roster township's return, then other
//! files). Text from returns is written as text.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::xlsx::{county_title, fit_row_height, headers, link_or_text, Styles};
use super::Links;
use crate::config::Config;
use crate::model::{ReviewState, Severity};
use crate::outcome::RunOutcome;
use crate::render::{self, Lang};
use crate::returns::{DateFrom, Status};

/// A filing date; one taken from the file time (no 填报日期 in the sheet) says so.
pub(super) fn filed_text((date, from): (crate::model::Date, DateFrom), lang: Lang) -> String {
    match from {
        DateFrom::Sheet => date.to_string(),
        DateFrom::FileTime => format!("{date}{}", lang.t("（文件时间）", " (file time)")),
    }
}

/// The findings to act on (异常清单) or the notes kept for the record (读取记录).
#[derive(Clone, Copy, PartialEq)]
pub(super) enum List {
    Findings,
    Notes,
}

/// One row a finding, by severity then township; each linked to its cell in the return, with
/// the explanation (审核说明) and what became of it. Notes (how a value was read, files
/// skipped) go to a sheet of their own, so that the list a statistician prints and works
/// through holds only what needs a decision.
// long-function: writes one sheet row by row, top to bottom; not yet split (issue 10)
pub(super) fn anomalies(
    ws: &mut Worksheet,
    out: &RunOutcome,
    config: &Config,
    lang: Lang,
    s: &Styles,
    (links, list): (Option<&Links>, List),
) -> Result<(), XlsxError> {
    let is_note = |f: &&crate::findings::Finding| f.severity == Severity::Note;
    let listed: Vec<&crate::findings::Finding> = out
        .findings
        .iter()
        .filter(|f| is_note(f) == (list == List::Notes))
        .collect();
    let errors = listed.iter().filter(|f| f.severity.fails_run()).count();
    let (name, title, count) = match list {
        List::Findings => (
            lang.t("异常清单", "Findings"),
            lang.t("审核异常清单", " findings"),
            format!(
                "{}{}{}    {}{}{}    {}",
                lang.t("共", "Findings"),
                render::colon(lang),
                listed.len(),
                lang.t("错误与警示", "errors and alerts"),
                render::colon(lang),
                errors,
                lang.t(
                    "（数值读取与跳过文件的记录见“读取记录”）",
                    "(how values were read and files skipped: see Notes)"
                )
            ),
        ),
        List::Notes => (
            lang.t("读取记录", "Notes"),
            lang.t("数值读取记录", " notes"),
            format!(
                "{}{}{}    {}",
                lang.t("共", "Notes"),
                render::colon(lang),
                listed.len(),
                lang.t(
                    "记录数值如何读取、哪些文件被跳过，供核对，无需处理。",
                    "How values were read and which files were skipped, for the record; nothing to do."
                )
            ),
        ),
    };
    ws.set_name(name)?;
    county_title(ws, s, config, out.period, title, 13)?;
    ws.write_string(1, 0, count)?;
    let h = [
        lang.t("严重程度", "Severity"),
        lang.t("规则", "Rule"),
        lang.t("乡镇", "Township"),
        lang.t("指标", "Indicator"),
        lang.t("栏目", "Column"),
        lang.t("文件", "File"),
        lang.t("工作表", "Sheet"),
        lang.t("单元格", "Cell"),
        lang.t("填写内容", "As typed"),
        lang.t("说明", "Message"),
        lang.t("原表位置", "Go to"),
        lang.t("说明状态", "Explanation state"),
        lang.t("审核说明", "Explanation"),
    ];
    headers(
        ws,
        s,
        3,
        &h,
        &[
            7.0, 6.0, 8.0, 6.0, 8.0, 16.0, 8.0, 7.0, 10.0, 36.0, 10.0, 8.0, 20.0,
        ],
    )?;
    // Narrow columns with long text wrapped: the sheet prints on A4 at a readable size.
    // Severity, then township (errors and warnings first); the run's order within (stable sort).
    let mut findings = listed;
    findings.sort_by(|a, b| (a.severity, &a.township).cmp(&(b.severity, &b.township)));
    let mut row = 4;
    let mut linked = 0;
    for f in findings {
        let fmt = match f.severity {
            Severity::Error | Severity::Alert => &s.error,
            Severity::Warning => &s.warning,
            _ => &s.text,
        };
        let cells = [
            render::severity(f.severity, lang).to_string(),
            f.rule.clone(),
            f.township.clone().unwrap_or_default(),
            f.code.clone().unwrap_or_default(),
            f.column
                .map(|c| render::column(c, lang).to_string())
                .unwrap_or_default(),
            f.at.file.to_string(),
            f.at.sheet.as_deref().unwrap_or_default().to_string(),
            f.at.cell.map(|c| c.to_string()).unwrap_or_default(),
            f.typed.clone().unwrap_or_default(),
            render::message(f, config, lang),
        ];
        for (i, c) in cells.iter().enumerate() {
            ws.write_string_with_format(
                row,
                i as u16,
                super::fit(c),
                match i {
                    0 => fmt,
                    5 | 8 | 9 => &s.wrap,
                    _ => &s.text,
                },
            )?;
        }
        // The link's text is the cell (`表2!E7`), or the file where the finding has no cell.
        let place = match f.at.sheet_cell() {
            sc if sc.is_empty() => f.at.file.to_string(),
            sc => sc,
        };
        let url = links.and_then(|l| l.url(&f.at));
        link_or_text(ws, s, (row, 10), url, &place, &mut linked)?;
        let (state, text) = match f.review.as_deref() {
            Some(r) => (render::review_state(r.state, lang), r.text.as_str()),
            None => ("", ""),
        };
        let state_fmt = match f.review.as_deref().map(|r| r.state) {
            Some(ReviewState::Accepted) | None => &s.text,
            Some(ReviewState::Pending) => &s.warning,
            Some(_) => &s.error,
        };
        ws.write_string_with_format(row, 11, state, state_fmt)?;
        ws.write_string_with_format(row, 12, super::fit(text), &s.wrap)?;
        let wrapped = [(5, 16.0), (8, 10.0), (9, 36.0)].map(|(i, w)| (cells[i].as_str(), w));
        fit_row_height(ws, row, wrapped.into_iter().chain([(text, 20.0)]))?;
        row += 1;
    }
    ws.autofilter(3, 0, row.max(4) - 1, 12)?;
    Ok(())
}

// long-function: writes one sheet row by row, top to bottom; not yet split (issue 10)
pub(super) fn returns(
    ws: &mut Worksheet,
    out: &RunOutcome,
    config: &Config,
    lang: Lang,
    s: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(lang.t("报送情况", "Returns"))?;
    county_title(
        ws,
        s,
        config,
        out.period,
        lang.t("报表报送情况", " returns received"),
        8,
    )?;
    let h = [
        lang.t("乡镇", "Township"),
        lang.t("代码", "Code"),
        lang.t("状态", "Status"),
        lang.t("文件", "File"),
        lang.t("填报日期", "Filed"),
        lang.t("按时报送", "On time"),
        lang.t("表内报告期", "Period in sheet"),
        lang.t("表内填报单位", "Unit as typed"),
        lang.t("说明", "Note"),
    ];
    headers(
        ws,
        s,
        2,
        &h,
        &[9.0, 6.0, 9.0, 22.0, 11.0, 7.0, 9.0, 14.0, 40.0],
    )?;
    let status = |st: Status| match st {
        Status::Counted => lang.t("已汇总", "counted"),
        Status::Superseded => lang.t("被替代", "superseded"),
        Status::WrongPeriod => lang.t("报告期不符", "wrong period"),
        Status::NotOnRoster => lang.t("不在名册", "not on roster"),
        Status::TownshipUnknown => lang.t("单位不明", "unit unknown"),
        Status::Feedback => lang.t("反馈表", "feedback"),
        Status::NoForm => lang.t("无报表", "no form"),
        Status::Unreadable => lang.t("无法读取", "unreadable"),
    };
    let mut row = 3;
    let write_return = |ws: &mut Worksheet,
                        row: u32,
                        t: &str,
                        code: &str,
                        r: Option<&crate::returns::Return>|
     -> Result<(), XlsxError> {
        let note = r
            .map(|r| {
                r.findings
                    .iter()
                    .filter(|f| f.severity != Severity::Note)
                    .map(|f| render::message(f, config, lang))
                    .collect::<Vec<_>>()
                    .join("；")
            })
            .unwrap_or_default();
        let cells = [
            t.to_string(),
            code.to_string(),
            r.map_or(lang.t("未报送", "missing").to_string(), |r| {
                status(r.status).to_string()
            }),
            r.map(|r| r.file.clone()).unwrap_or_default(),
            r.and_then(crate::returns::filing_date)
                .map(|d| filed_text(d, lang))
                .unwrap_or_default(),
            match r
                .and_then(|r| crate::returns::on_time_of(r, out.period, config.form.deadline_day))
            {
                Some(true) => lang.t("是", "yes").to_string(),
                Some(false) => lang.t("逾期", "late").to_string(),
                None => String::new(),
            },
            r.and_then(|r| r.period)
                .map(|p| p.to_string())
                .unwrap_or_default(),
            r.and_then(|r| r.unit_typed.clone()).unwrap_or_default(),
            note,
        ];
        let fmt = match r.map(|r| r.status) {
            None => &s.error,
            Some(Status::Counted) => &s.text,
            Some(_) => &s.warning,
        };
        for (i, c) in cells.iter().enumerate() {
            ws.write_string_with_format(
                row,
                i as u16,
                super::fit(c),
                match i {
                    2 => fmt,
                    3 | 7 | 8 => &s.wrap,
                    _ => &s.text,
                },
            )?;
        }
        let wrapped = [(3, 22.0), (7, 14.0), (8, 40.0)].map(|(i, w)| (cells[i].as_str(), w));
        fit_row_height(ws, row, wrapped)?;
        Ok(())
    };
    // The returns of each township (a province's roster has thousands).
    let mut by_township: std::collections::HashMap<&str, Vec<&crate::returns::Return>> =
        std::collections::HashMap::new();
    for r in &out.assembly.returns {
        if let Some(t) = r.township.as_deref() {
            by_township.entry(t).or_default().push(r);
        }
    }
    for t in &config.townships {
        let mine: Vec<_> = by_township.get(t.name()).cloned().unwrap_or_default();
        if mine.is_empty() {
            write_return(ws, row, t.name(), t.code.as_deref().unwrap_or(""), None)?;
            row += 1;
        }
        let mut mine = mine;
        mine.sort_by_key(|r| r.status);
        for r in mine {
            write_return(ws, row, t.name(), t.code.as_deref().unwrap_or(""), Some(r))?;
            row += 1;
        }
    }
    for r in out.assembly.returns.iter().filter(|r| r.township.is_none()) {
        write_return(ws, row, "", "", Some(r))?;
        row += 1;
    }
    for (name, _) in &out.assembly.skipped {
        let cells = ["", "", lang.t("已跳过", "skipped"), name.as_str()];
        for (i, c) in cells.iter().enumerate() {
            ws.write_string_with_format(row, i as u16, super::fit(c), &s.text)?;
        }
        row += 1;
    }
    ws.autofilter(2, 0, row.max(3) - 1, 8)?;
    Ok(())
}
