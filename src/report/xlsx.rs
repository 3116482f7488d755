//! The county workbook: 汇总, 分乡镇, 异常清单, 报送情况, (报送状态,) 图表, 数据质量, 异常统计, 修改对比. Text
//! from returns is always written as text (never a formula); every sheet has a title, frozen
//! headers, filters and number formats.

use rust_xlsxwriter::{
    ConditionalFormatCell, ConditionalFormatCellRule, DocProperties, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::config::{Config, IndicatorKind};
use crate::outcome::RunOutcome;
use crate::render::{self, Lang};
use crate::returns::Status;

use super::lists;
use super::page::{self, Paper};

pub(super) struct Styles {
    pub(super) title: Format,
    pub(super) header: Format,
    pub(super) text: Format,
    /// Long text (messages, advice, explanations): wrapped, so that nothing is cut on paper.
    pub(super) wrap: Format,
    /// A line of explanation above a table: wrapped, no border.
    pub(super) note: Format,
    pub(super) count: Format,
    pub(super) decimals: [Format; 3],
    pub(super) rate: Format,
    pub(super) error: Format,
    pub(super) warning: Format,
    /// A hyperlink to a return's cell.
    pub(super) link: Format,
    /// A fraction shown as a percentage (`92.9%`).
    pub(super) percent: Format,
}

impl Styles {
    pub(super) fn new() -> Self {
        let border = |f: Format| f.set_border(FormatBorder::Thin);
        let dec = |places: usize| {
            let fmt = if places == 0 {
                "#,##0".to_string()
            } else {
                format!("#,##0.{}", "0".repeat(places))
            };
            border(Format::new().set_num_format(fmt))
        };
        Self {
            title: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center),
            header: border(
                Format::new()
                    .set_bold()
                    .set_background_color("#DDEBF7")
                    .set_text_wrap()
                    .set_align(FormatAlign::Center)
                    .set_align(FormatAlign::VerticalCenter),
            ),
            text: border(Format::new()),
            note: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            wrap: border(Format::new().set_text_wrap().set_align(FormatAlign::Top)),
            count: dec(0),
            decimals: [dec(0), dec(1), dec(2)],
            rate: border(Format::new().set_num_format("0.00")),
            error: border(Format::new().set_background_color("#F8CBAD")),
            warning: border(Format::new().set_background_color("#FFF2CC")),
            link: border(
                Format::new()
                    .set_font_color("#0563C1")
                    .set_underline(rust_xlsxwriter::FormatUnderline::Single),
            ),
            percent: border(Format::new().set_num_format("0.0%")),
        }
    }
}

pub(super) fn decimals_fmt(s: &Styles, d: u32) -> &Format {
    &s.decimals[(d as usize).min(2)]
}

pub(super) fn title(
    ws: &mut Worksheet,
    s: &Styles,
    text: &str,
    width: u16,
) -> Result<(), XlsxError> {
    ws.merge_range(0, 0, 0, width.saturating_sub(1).max(1), text, &s.title)?;
    ws.set_row_height(0, 24)?;
    Ok(())
}

/// The printed width of text in character units: a CJK character is about two digits wide.
fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 2.1 })
        .sum()
}

/// The width a wrapped line fills of a column `width` wide: lines break between words and
/// before a figure, not inside `99.8%` or `(z = 3.1)`, so a tenth is left for the ragged edge
/// (without it the last line of a long R15 message was cut when printed).
fn usable(width: f64) -> f64 {
    ((width - 1.0) * 0.9).max(1.0)
}

/// Sets a row's height to the lines its wrapped cells need (16 points a line: CJK text at 10
/// points takes more than 15 when printed), since neither
/// LibreOffice nor Excel grows a row on opening a file: without it wrapped text is cut.
pub(super) fn fit_row_height<'a>(
    ws: &mut Worksheet,
    row: u32,
    cells: impl IntoIterator<Item = (&'a str, f64)>,
) -> Result<(), XlsxError> {
    let lines = cells
        .into_iter()
        .map(|(text, width)| {
            text.split('\n')
                .map(|line| (text_width(line) / usable(width)).ceil().max(1.0))
                .sum::<f64>()
        })
        .fold(1.0, f64::max);
    if lines > 1.0 {
        ws.set_row_height(row, 16.0 * lines.min(25.0))?;
    }
    Ok(())
}

/// A line of explanation above a table, wrapped across the table's columns: text that ran on
/// past the last column would print on a page of its own.
pub(super) fn note_row(
    ws: &mut Worksheet,
    s: &Styles,
    row: u32,
    text: &str,
    widths: &[f64],
) -> Result<(), XlsxError> {
    let last = widths.len().saturating_sub(1) as u16;
    if last == 0 {
        ws.write_string(row, 0, text)?;
        return Ok(());
    }
    ws.merge_range(row, 0, row, last, text, &s.note)?;
    fit_row_height(ws, row, [(text, widths.iter().sum::<f64>())])
}

/// A sheet's title: `安平县<what>（2026-10）`; an English `what` comes with its leading space
/// (` findings`), and then the title is `Anping County findings (2026-10)`.
pub(super) fn county_title(
    ws: &mut Worksheet,
    s: &Styles,
    config: &Config,
    period: crate::model::Period,
    what: &str,
    width: u16,
) -> Result<(), XlsxError> {
    title(
        ws,
        s,
        &{
            let lang = if what.starts_with(' ') {
                Lang::En
            } else {
                Lang::Zh
            };
            format!(
                "{}{what}{}",
                render::county(config, lang),
                render::bracketed(&period.to_string(), lang)
            )
        },
        width,
    )
}

pub(super) fn headers(
    ws: &mut Worksheet,
    s: &Styles,
    row: u32,
    names: &[&str],
    widths: &[f64],
) -> Result<(), XlsxError> {
    for (i, (h, w)) in names.iter().zip(widths).enumerate() {
        ws.write_string_with_format(row, i as u16, *h, &s.header)?;
        ws.set_column_width(i as u16, *w)?;
    }
    // A header wider than its column (严重程度 over a narrow column) wraps: give it the lines.
    fit_row_height(ws, row, names.iter().copied().zip(widths.iter().copied()))?;
    ws.set_freeze_panes(row + 1, 1)?;
    // A4 landscape, shrunk to the page's width only while readable; header row and first
    // column on every page.
    let widths = &widths[..names.len().min(widths.len())];
    page::setup(ws, Paper::A4, true, widths, Some((row, row)), Some((0, 0)))
}

/// A hyperlink with `text` where there is a URL (and the sheet's link count allows), else the
/// text alone.
pub(super) fn link_or_text(
    ws: &mut Worksheet,
    s: &Styles,
    (row, col): (u32, u16),
    url: Option<String>,
    text: &str,
    written: &mut u32,
) -> Result<(), XlsxError> {
    match url {
        Some(u) if *written < super::Links::MAX_PER_SHEET && !text.is_empty() => {
            *written += 1;
            let url = rust_xlsxwriter::Url::new(u).set_text(super::fit(text));
            ws.write_url_with_format(row, col, url, &s.link)?;
        }
        _ => {
            ws.write_string_with_format(row, col, super::fit(text), &s.text)?;
        }
    }
    Ok(())
}

pub(super) fn opt_number(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    v: Option<f64>,
    fmt: &Format,
) -> Result<(), XlsxError> {
    match v {
        Some(x) => ws.write_number_with_format(row, col, x, fmt)?,
        None => ws.write_blank(row, col, fmt)?,
    };
    Ok(())
}

/// Builds the county workbook in memory. With the returns' folder, the findings and corrections
/// link to the cells of the returns.
pub fn county_workbook(
    out: &RunOutcome,
    config: &Config,
    lang: Lang,
    returns_folder: Option<&std::path::Path>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // A fixed creation time (the first day of the period) makes identical runs give identical files.
    let stamp = ExcelDateTime::from_ymd(out.period.year as u16, out.period.month as u8, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&stamp)
            .set_title(format!("{} {}", render::county(config, lang), out.period))
            // Tells this file from a return when it lies beside them (read::is_own_output).
            .set_custom_property(crate::read::OWN_OUTPUT_PROPERTY, "county-workbook"),
    );
    let s = Styles::new();
    let links = returns_folder.and_then(|f| super::Links::new(f, out));
    summary(wb.add_worksheet(), out, config, lang, &s)?;
    super::by_township::by_township(wb.add_worksheet(), out, config, lang, &s)?;
    let findings = (links.as_ref(), lists::List::Findings);
    lists::anomalies(wb.add_worksheet(), out, config, lang, &s, findings)?;
    lists::returns(wb.add_worksheet(), out, config, lang, &s)?;
    // A workspace's board and decisions, when its board file lay beside the returns.
    if !out.board.is_empty() {
        super::board::board(wb.add_worksheet(), out, config, lang, &s)?;
    }
    super::charts::charts(wb.add_worksheet(), out, config, lang, &s)?;
    super::quality::data_quality(wb.add_worksheet(), out, config, lang, &s)?;
    super::quality::finding_counts(wb.add_worksheet(), out, config, lang, &s)?;
    super::diffs::corrections(wb.add_worksheet(), out, config, lang, &s, links.as_ref())?;
    let trend = crate::aggregate::trend(&out.past, &out.aggregates, out.period, config);
    super::trend::trend(wb.add_worksheet(), out, config, lang, &s, &trend)?;
    // Notes last: kept for the record, not worked through (see `lists::anomalies`).
    let notes = (links.as_ref(), lists::List::Notes);
    lists::anomalies(wb.add_worksheet(), out, config, lang, &s, notes)?;
    wb.save_to_buffer()
}

// long-function: writes one sheet row by row, top to bottom; not yet split (issue 10)
fn summary(
    ws: &mut Worksheet,
    out: &RunOutcome,
    config: &Config,
    lang: Lang,
    s: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(lang.t("汇总", "Summary"))?;
    let counted = out
        .assembly
        .returns
        .iter()
        .filter(|r| r.status == Status::Counted)
        .count();
    title(
        ws,
        s,
        &format!(
            "{}{}{}{}{}",
            render::county(config, lang),
            lang.t("", " "),
            render::form_name(config, lang),
            lang.t("汇总表", " summary"),
            render::bracketed(&out.period.to_string(), lang)
        ),
        6,
    )?;
    ws.write_string(
        1,
        0,
        format!(
            "{}{}{}    {}{}{} / {}",
            lang.t("报告期", "Period"),
            render::colon(lang),
            out.period,
            lang.t("已汇总乡镇", "Townships counted"),
            render::colon(lang),
            counted,
            config.townships.len()
        ),
    )?;
    let h = [
        lang.t("指标代码", "Code"),
        lang.t("指标名称", "Indicator"),
        lang.t("计量单位", "Unit"),
        lang.t("本月数", "Month"),
        lang.t("本年累计", "Year to date"),
        lang.t("汇总乡镇数", "Townships"),
    ];
    headers(ws, s, 3, &h, &[10.0, 34.0, 9.0, 14.0, 14.0, 11.0])?;
    let mut row = 4;
    for (ind, t) in config.indicators.iter().zip(&out.aggregates.totals) {
        let name = if lang == Lang::En {
            ind.name_en.as_deref().unwrap_or(&ind.name)
        } else {
            &ind.name
        };
        ws.write_string_with_format(row, 0, ind.code(), &s.text)?;
        ws.write_string_with_format(row, 1, name, &s.text)?;
        ws.write_string_with_format(row, 2, render::unit(&ind.unit, lang), &s.text)?;
        opt_number(ws, row, 3, t.month, decimals_fmt(s, ind.decimals))?;
        if ind.kind == IndicatorKind::Flow {
            opt_number(ws, row, 4, t.ytd, decimals_fmt(s, ind.decimals))?;
        } else {
            ws.write_string_with_format(row, 4, "—", &s.text)?;
        }
        ws.write_number_with_format(row, 5, t.townships as f64, &s.count)?;
        row += 1;
    }
    ws.autofilter(3, 0, row - 1, 5)?;
    row += 1;
    let h = [
        lang.t("派生指标", "Derived rate"),
        lang.t("公式", "Formula"),
        lang.t("单位", "Unit"),
        lang.t("本月", "Month"),
        lang.t("本年累计", "Year to date"),
        lang.t("覆盖乡镇数", "Townships"),
    ];
    for (i, t) in h.iter().enumerate() {
        ws.write_string_with_format(row, i as u16, *t, &s.header)?;
    }
    row += 1;
    for (r, v) in config.rates.iter().zip(&out.aggregates.rates) {
        let name = if lang == Lang::En {
            r.name_en.as_deref().unwrap_or(r.name.get_ref())
        } else {
            r.name.get_ref()
        };
        let days = if r.denominator_times_days {
            lang.t(" × 天数", " × days")
        } else {
            ""
        };
        let scale = if r.scale == 1000.0 {
            " × 1000"
        } else if r.scale == 100.0 {
            " × 100"
        } else {
            ""
        };
        ws.write_string_with_format(row, 0, name, &s.text)?;
        ws.write_string_with_format(
            row,
            1,
            format!(
                "{} / ({}{days}){scale}",
                r.numerator.get_ref(),
                r.denominator.get_ref()
            ),
            &s.text,
        )?;
        ws.write_string_with_format(row, 2, render::unit(&r.unit, lang), &s.text)?;
        opt_number(ws, row, 3, v.month, &s.rate)?;
        opt_number(ws, row, 4, v.ytd, &s.rate)?;
        if r.unit == "%" {
            ws.add_conditional_format(row, 3, row, 4, &over_100(s))?;
        }
        ws.write_number_with_format(row, 5, v.townships as f64, &s.count)?;
        row += 1;
    }
    ws.write_string(row + 1, 0, lang.t("注：派生指标由各乡镇分子、分母分别加总后计算，不是各乡镇比率的平均；只计入分子、分母均有效的乡镇。", "Rates are computed from summed numerators and denominators over the townships where both are valid, never averaged."))?;
    Ok(())
}

/// Fills of cells with findings, and the text colour of rates over 100%.
pub(super) const ERROR_FILL: &str = "#F8CBAD";
pub(super) const WARNING_FILL: &str = "#FFF2CC";

pub(super) fn over_100(s: &Styles) -> ConditionalFormatCell {
    ConditionalFormatCell::new()
        .set_rule(ConditionalFormatCellRule::GreaterThan(100))
        .set_format(s.rate.clone().set_font_color("#C00000").set_bold())
}
