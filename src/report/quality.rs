//! The data-quality sheets of the county workbook: 数据质量 (each roster township and the county:
//! received, on time, required cells filled, completeness and timeliness against the
//! `[quality]` targets, findings by severity, consistency failures, outliers) and 异常统计
//! (findings by rule × severity and by township × severity). Figures come from
//! `crate::quality`; this module only lays them out.

use rust_xlsxwriter::{Format, Worksheet, XlsxError};

use super::lists::filed_text;
use super::xlsx::{county_title, headers, Styles, ERROR_FILL, WARNING_FILL};
use crate::config::Config;
use crate::model::Severity;
use crate::outcome::RunOutcome;
use crate::quality::{Counts, Ratio, Timely, SEVERITIES};
use crate::render::{self, Lang};
use crate::returns::DateFrom;

fn red(f: &Format) -> Format {
    f.clone().set_background_color(ERROR_FILL)
}

fn yellow(f: &Format) -> Format {
    f.clone().set_background_color(WARNING_FILL)
}

/// A fraction as a percentage, red when below `target`; blank for 0 of 0.
fn rate(
    ws: &mut Worksheet,
    s: &Styles,
    (row, col): (u32, u16),
    r: Ratio,
    target: f64,
) -> Result<(), XlsxError> {
    match (r.rate(), r.meets(target)) {
        (Some(v), Some(false)) => ws.write_number_with_format(row, col, v, &red(&s.percent))?,
        (Some(v), _) => ws.write_number_with_format(row, col, v, &s.percent)?,
        (None, _) => ws.write_blank(row, col, &s.percent)?,
    };
    Ok(())
}

/// Errors, alerts, warnings, notices, consistency failures, outliers from column `col`;
/// errors and alerts filled red, warnings yellow, where there are any.
fn counts(
    ws: &mut Worksheet,
    s: &Styles,
    (row, col): (u32, u16),
    c: &Counts,
) -> Result<(), XlsxError> {
    let values = [
        (c.of(Severity::Error), Some(true)),
        (c.of(Severity::Alert), Some(true)),
        (c.of(Severity::Warning), Some(false)),
        (c.of(Severity::Notice), None),
        (c.consistency, None),
        (c.outliers, None),
    ];
    for (i, (n, fill)) in values.into_iter().enumerate() {
        let fmt = match fill {
            Some(true) if n > 0 => red(&s.count),
            Some(false) if n > 0 => yellow(&s.count),
            _ => s.count.clone(),
        };
        ws.write_number_with_format(row, col + i as u16, n as f64, &fmt)?;
    }
    Ok(())
}

fn pct(v: f64) -> String {
    format!("{}%", (v * 1000.0).round() / 10.0)
}

/// 数据质量: a row per roster township, one for findings of no township, and the county.
// long-function: writes one sheet row by row, top to bottom; not yet split (issue 10)
pub(super) fn data_quality(
    ws: &mut Worksheet,
    out: &RunOutcome,
    config: &Config,
    lang: Lang,
    s: &Styles,
) -> Result<(), XlsxError> {
    let q = &out.quality;
    ws.set_name(lang.t("数据质量", "Data quality"))?;
    county_title(
        ws,
        s,
        config,
        out.period,
        lang.t("报表数据质量", " data quality"),
        16,
    )?;
    let (c, t) = (q.targets.completeness, q.targets.timeliness);
    let legend = if lang == Lang::Zh {
        format!(
            "目标（WHO，配置 [quality]）：报送完整率与必填项填报率 ≥ {}，及时率 ≥ {}；按时 = 填报日期不晚于次月{}日（表内无填报日期时按文件修改时间）。红底 = 低于目标、未报送或逾期，黄底 = 需核实（无日期或按文件时间判断）",
            pct(c),
            pct(t),
            config.form.deadline_day
        )
    } else {
        format!(
            "Targets (WHO, [quality] in the configuration): completeness and required cells filled ≥ {}, timeliness ≥ {}; on time = filed by day {} of the next month (the file time where the sheet gives no date). Red = below target, missing or late; yellow = to verify (no date, or judged by the file time)",
            pct(c),
            pct(t),
            config.form.deadline_day
        )
    };
    let h = [
        lang.t("乡镇", "Township"),
        lang.t("已报送", "Received"),
        lang.t("文件", "File"),
        lang.t("填报日期", "Filed"),
        lang.t("按时报送", "On time"),
        lang.t("必填项已填", "Required cells filled"),
        lang.t("必填项", "Required cells"),
        lang.t("必填项填报率", "Required cells filled %"),
        lang.t("报送完整率", "Completeness"),
        lang.t("及时率", "Timeliness"),
        lang.t("错误", "Errors"),
        lang.t("警示", "Alerts"),
        lang.t("核实", "Warnings"),
        lang.t("提示", "Notices"),
        lang.t("逻辑校验未通过", "Consistency failures"),
        lang.t("离群值", "Outliers"),
    ];
    // Narrow figure columns under wrapped headers, the file name wrapped: A4 at a readable size.
    let mut widths = [8.0; 16];
    widths[0] = 10.0;
    widths[2] = 20.0;
    widths[3] = 16.0;
    headers(ws, s, 3, &h, &widths)?;
    super::xlsx::note_row(ws, s, 1, &legend, &widths)?;
    ws.set_row_height(3, 45)?;
    let mut row = 4;
    for tq in &q.townships {
        ws.write_string_with_format(row, 0, &tq.township, &s.text)?;
        let (yes, no) = (lang.t("是", "yes"), lang.t("否", "no"));
        if tq.received() {
            ws.write_string_with_format(row, 1, yes, &s.text)?;
        } else {
            ws.write_string_with_format(row, 1, no, &red(&s.text))?;
        }
        let file = tq.file.as_deref().unwrap_or_default();
        ws.write_string_with_format(row, 2, super::fit(file), &s.wrap)?;
        let by_file_time = matches!(tq.filed, Some((_, DateFrom::FileTime)));
        let filed = tq.filed.map(|d| filed_text(d, lang)).unwrap_or_default();
        let filed_fmt = if by_file_time {
            yellow(&s.text)
        } else {
            s.text.clone()
        };
        ws.write_string_with_format(row, 3, filed, &filed_fmt)?;
        let (on_time, fmt) = match tq.timely {
            Some(Timely::OnTime) if by_file_time => (yes, yellow(&s.text)),
            Some(Timely::OnTime) => (yes, s.text.clone()),
            Some(Timely::Late) => (no, red(&s.text)),
            Some(Timely::NoDate) => (lang.t("无日期", "no date"), yellow(&s.text)),
            None => ("", s.text.clone()),
        };
        ws.write_string_with_format(row, 4, on_time, &fmt)?;
        if tq.received() {
            ws.write_number_with_format(row, 5, tq.cells.num as f64, &s.count)?;
            ws.write_number_with_format(row, 6, tq.cells.den as f64, &s.count)?;
        } else {
            ws.write_blank(row, 5, &s.count)?;
            ws.write_blank(row, 6, &s.count)?;
        }
        rate(ws, s, (row, 7), tq.cells, c)?;
        let received = Ratio::new(usize::from(tq.received()), 1);
        rate(ws, s, (row, 8), received, c)?;
        let on_time = Ratio::new(
            usize::from(tq.timely == Some(Timely::OnTime)),
            usize::from(tq.received()),
        );
        rate(ws, s, (row, 9), on_time, t)?;
        counts(ws, s, (row, 10), &tq.findings)?;
        row += 1;
    }
    ws.autofilter(3, 0, row.max(4) - 1, 15)?;
    ws.write_string_with_format(row, 0, lang.t("其他文件", "Other files"), &s.text)?;
    ws.write_string_with_format(
        row,
        2,
        lang.t(
            "不在名册、无法识别或跳过的文件",
            "units not on the roster, unidentified or skipped files",
        ),
        &s.text,
    )?;
    counts(ws, s, (row, 10), &q.other)?;
    row += 1;
    let bold = |f: &Format| f.clone().set_bold();
    ws.write_string_with_format(row, 0, lang.t("全县", "County"), &bold(&s.text))?;
    let (received, on_time) = (q.completeness, q.timeliness);
    ws.write_string_with_format(
        row,
        1,
        format!("{} / {}", received.num, received.den),
        &bold(&s.text),
    )?;
    ws.write_string_with_format(
        row,
        4,
        format!("{} / {}", on_time.num, on_time.den),
        &bold(&s.text),
    )?;
    ws.write_number_with_format(row, 5, q.cells.num as f64, &bold(&s.count))?;
    ws.write_number_with_format(row, 6, q.cells.den as f64, &bold(&s.count))?;
    rate(ws, s, (row, 7), q.cells, c)?;
    rate(ws, s, (row, 8), q.completeness, c)?;
    rate(ws, s, (row, 9), q.timeliness, t)?;
    counts(ws, s, (row, 10), &q.total)?;
    ws.write_string(
        row + 2,
        0,
        lang.t(
            "注：报送完整率 = 已报送乡镇 / 名册乡镇；必填项填报率 = 已填必填单元格 / 必填单元格（各已汇总报表的每个必填指标的本月数，流量指标另含本年累计；空白、缺列或未找到的指标为未填，无效值算已填、另列错误）；及时率 = 按时报送 / 已报送；逻辑校验 = 规则 R01–R12，离群值 = R15。",
            "Completeness = townships received / roster; required cells filled = filled / required cells (each counted return's 本月数 of every required indicator, and 本年累计 of flows; blank, absent or unfound cells are not filled, invalid values are filled and listed as errors); timeliness = on time / received; consistency = rules R01–R12, outliers = R15.",
        ),
    )?;
    Ok(())
}

/// 异常统计: findings by rule × severity (left) and by township × severity (right).
// long-function: writes two side-by-side tables of one sheet; not yet split (issue 10)
pub(super) fn finding_counts(
    ws: &mut Worksheet,
    out: &RunOutcome,
    config: &Config,
    lang: Lang,
    s: &Styles,
) -> Result<(), XlsxError> {
    let q = &out.quality;
    ws.set_name(lang.t("异常统计", "Finding counts"))?;
    county_title(
        ws,
        s,
        config,
        out.period,
        lang.t("审核异常统计", " findings counted"),
        15,
    )?;
    ws.write_string(
        1,
        0,
        format!(
            "{}{}{}",
            lang.t("共", "Findings"),
            render::colon(lang),
            out.findings.len()
        ),
    )?;
    let severities: Vec<&str> = SEVERITIES
        .iter()
        .map(|x| render::severity(*x, lang))
        .collect();
    let total = lang.t("合计", "Total");
    let mut left = vec![lang.t("规则", "Rule")];
    left.extend(&severities);
    left.push(total);
    headers(ws, s, 3, &left, &[10.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0])?;
    // The township table starts right of the rule table and a spacer column.
    let col0 = left.len() as u16 + 1;
    let mut right = vec![lang.t("乡镇", "Township")];
    right.extend(&severities);
    right.push(total);
    for (i, h) in right.iter().enumerate() {
        ws.write_string_with_format(3, col0 + i as u16, *h, &s.header)?;
        ws.set_column_width(col0 + i as u16, if i == 0 { 14.0 } else { 8.0 })?;
    }
    ws.set_column_width(col0 - 1, 3.0)?;
    // The print scale for both tables side by side (headers() saw the left one only).
    let mut widths = vec![10.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 3.0, 14.0];
    widths.extend([8.0; 6]);
    super::page::setup(
        ws,
        super::page::Paper::A4,
        true,
        &widths,
        Some((3, 3)),
        Some((0, 0)),
    )?;
    let line = |ws: &mut Worksheet,
                row: u32,
                col: u16,
                label: &str,
                n: &[usize; 5],
                bold: bool|
     -> Result<(), XlsxError> {
        let (text, count) = if bold {
            (s.text.clone().set_bold(), s.count.clone().set_bold())
        } else {
            (s.text.clone(), s.count.clone())
        };
        ws.write_string_with_format(row, col, label, &text)?;
        for (i, v) in n.iter().chain([&n.iter().sum()]).enumerate() {
            ws.write_number_with_format(row, col + 1 + i as u16, *v as f64, &count)?;
        }
        Ok(())
    };
    let mut row = 4;
    let mut sum = [0; 5];
    for (rule, n) in &q.by_rule {
        line(ws, row, 0, rule, n, false)?;
        for (a, b) in sum.iter_mut().zip(n) {
            *a += b;
        }
        row += 1;
    }
    line(ws, row, 0, total, &sum, true)?;
    let mut row = 4;
    for t in &q.townships {
        line(ws, row, col0, &t.township, &t.findings.by_severity, false)?;
        row += 1;
    }
    ws.autofilter(3, col0, row.max(4) - 1, col0 + right.len() as u16 - 1)?;
    let other = lang.t("其他文件", "Other files");
    line(ws, row, col0, other, &q.other.by_severity, false)?;
    line(ws, row + 1, col0, total, &q.total.by_severity, true)?;
    Ok(())
}
