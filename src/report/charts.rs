//! The 图表 sheet: returns received (on time, late, missing) as a chart, and for each rate the
//! configuration marks `chart = true`, a bar per township with the county rate as a line, over
//! small data tables on the same sheet; below them the funnel charts of R15 (`funnel.rs`).

use crate::render;
use rust_xlsxwriter::{Chart, ChartType, Worksheet, XlsxError};

use super::xlsx::{county_title, Styles};
use crate::config::Config;
use crate::outcome::RunOutcome;
use crate::render::Lang;

// long-function: one chart after another on one sheet, each a few builder calls
pub(super) fn charts(
    ws: &mut Worksheet,
    out: &RunOutcome,
    config: &Config,
    lang: Lang,
    s: &Styles,
) -> Result<(), XlsxError> {
    let sheet = lang.t("图表", "Charts");
    ws.set_name(sheet)?;
    county_title(
        ws,
        s,
        config,
        out.period,
        lang.t("主要指标分乡镇对比", " key rates by township"),
        8,
    )?;
    let charted: Vec<usize> = (0..config.rates.len())
        .filter(|i| config.rates[*i].chart)
        .collect();
    let mut heads = vec![lang.t("乡镇", "Township").to_string()];
    for i in &charted {
        let r = &config.rates[*i];
        let name = if lang == Lang::En {
            r.name_en.clone().unwrap_or(r.name.get_ref().clone())
        } else {
            r.name.get_ref().clone()
        };
        heads.push(name.clone());
        heads.push(format!("{}{name}", lang.t("全县", "County ")));
    }
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(2, i as u16, h, &s.header)?;
        ws.set_column_width(i as u16, 12)?;
    }
    ws.set_row_height(2, 45)?;
    ws.set_freeze_panes(3, 1)?;
    // A3 landscape: the table, the returns chart beside it (about 42 characters wide) and the
    // charts below, shrunk to the width only while readable; page breaks between chart rows,
    // so no chart is cut (see `chart_page_breaks`).
    let mut widths = vec![12.0; heads.len() + 1];
    widths.extend([14.0, 12.0, 42.0]);
    let paper = super::page::Paper::A3;
    let scale = super::page::readable_scale(&widths, paper, true);
    super::page::setup(ws, paper, true, &widths, Some((2, 2)), Some((0, 0)))?;
    let first = 3u32;
    for (row, township) in out.table.townships.iter().enumerate() {
        let row = first + row as u32;
        ws.write_string_with_format(row, 0, township, &s.text)?;
        let rates = out.aggregates.township_rates.get(township);
        for (k, i) in charted.iter().enumerate() {
            let col = 1 + 2 * k as u16;
            if let Some(v) = rates.and_then(|r| r.get(*i)).and_then(|v| v.month) {
                ws.write_number_with_format(row, col, v, &s.rate)?;
            }
            if let Some(v) = out.aggregates.rates.get(*i).and_then(|v| v.month) {
                ws.write_number_with_format(row, col + 1, v, &s.rate)?;
            }
        }
    }
    let n = out.table.townships.len() as u32;
    if n == 0 {
        return Ok(());
    }
    let last = first + n - 1;
    timeliness(ws, out, config, lang, s, sheet, chart_col(&charted))?;
    // Charts below the table, two to a row.
    let chart_row = last + 2;
    let per_page = super::page::rows_per_page(paper, true, scale);
    let mut breaks = chart_page_breaks(chart_row, charted.len().div_ceil(2) as u32, per_page);
    for (k, i) in charted.iter().enumerate() {
        let col = 1 + 2 * k as u16;
        let name = heads[1 + 2 * k].clone();
        let mut bars = Chart::new(ChartType::Column);
        bars.add_series()
            .set_name(name.as_str())
            .set_categories((sheet, first, 0, last, 0))
            .set_values((sheet, first, col, last, col));
        let chart_title = format!(
            "{name}{}",
            render::bracketed(&render::unit(&config.rates[*i].unit, lang), lang)
        );
        bars.title().set_name(&chart_title);
        bars.y_axis().set_num_format("0");
        let mut line = Chart::new(ChartType::Line);
        line.add_series()
            .set_name(heads[2 + 2 * k].as_str())
            .set_categories((sheet, first, 0, last, 0))
            .set_values((sheet, first, col + 1, last, col + 1));
        bars.combine(&line);
        let (r, c) = (chart_row + 16 * (k as u32 / 2), 8 * (k as u16 % 2));
        ws.insert_chart(r, c, &bars)?;
    }
    let below = chart_row + 16 * (charted.len() as u32).div_ceil(2) + 1;
    super::funnel::funnels(ws, out, config, lang, s, sheet, below, &mut breaks)?;
    // One list of breaks for the sheet: rust_xlsxwriter keeps only the last one set.
    if !breaks.is_empty() {
        ws.set_page_breaks(&breaks)?;
    }
    Ok(())
}

/// Rows before which a page breaks, so that each row of charts (16 rows tall, from
/// `chart_row`) prints whole: a new page starts at a chart row that would not fit on the
/// current one. The table above breaks where the printer puts it (`per_page` rows a page).
fn chart_page_breaks(chart_row: u32, chart_rows: u32, per_page: u32) -> Vec<u32> {
    const CHART_ROWS: u32 = 16;
    let mut page_start = chart_row / per_page.max(1) * per_page;
    let mut breaks = Vec::new();
    for k in 0..chart_rows {
        let start = chart_row + CHART_ROWS * k;
        if start + CHART_ROWS - page_start > per_page && start > page_start {
            breaks.push(start);
            page_start = start;
        }
    }
    breaks
}

/// The column right of the rate table, where the returns table and chart go.
fn chart_col(charted: &[usize]) -> u16 {
    2 + 2 * charted.len() as u16
}

/// Returns received by the roster's townships: on time, late, filing date unknown, missing.
fn timeliness(
    ws: &mut Worksheet,
    out: &RunOutcome,
    config: &Config,
    lang: Lang,
    s: &Styles,
    sheet: &str,
    col: u16,
) -> Result<(), XlsxError> {
    let counted: Vec<&crate::returns::Return> = out
        .assembly
        .returns
        .iter()
        .filter(|r| r.status == crate::returns::Status::Counted)
        .collect();
    let on_time = |r: &&&crate::returns::Return| {
        crate::returns::on_time_of(r, out.period, config.form.deadline_day)
    };
    let counts = [
        (
            lang.t("按时报送", "On time"),
            counted.iter().filter(|r| on_time(r) == Some(true)).count(),
        ),
        (
            lang.t("逾期报送", "Late"),
            counted.iter().filter(|r| on_time(r) == Some(false)).count(),
        ),
        (
            lang.t("填报日期不明", "Filing date unknown"),
            counted.iter().filter(|r| on_time(r).is_none()).count(),
        ),
        (lang.t("未报送", "Missing"), out.assembly.missing.len()),
    ];
    ws.write_string_with_format(2, col, lang.t("报送情况", "Returns"), &s.header)?;
    ws.write_string_with_format(2, col + 1, lang.t("乡镇数", "Townships"), &s.header)?;
    ws.set_column_width(col, 14)?;
    for (i, (label, n)) in counts.iter().enumerate() {
        ws.write_string_with_format(3 + i as u32, col, *label, &s.text)?;
        ws.write_number_with_format(3 + i as u32, col + 1, *n as f64, &s.count)?;
    }
    let mut chart = Chart::new(ChartType::Column);
    chart
        .add_series()
        .set_name(lang.t("乡镇数", "Townships"))
        .set_categories((sheet, 3, col, 6, col))
        .set_values((sheet, 3, col + 1, 6, col + 1));
    let heading = format!(
        "{}{}",
        lang.t("报表报送情况", "Returns received"),
        render::bracketed(
            &format!(
                "{}{}",
                lang.t("截止日：次月", "due: day "),
                config.form.deadline_day
            ),
            lang
        )
    );
    chart.title().set_name(&heading);
    chart.legend().set_hidden();
    ws.insert_chart(8, col, &chart)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_row_of_charts_prints_whole() {
        // 60 rows a page; the table ends at row 17: two chart rows fit, the third starts a page.
        assert_eq!(super::chart_page_breaks(18, 3, 60), vec![50]);
        // Everything fits.
        assert!(super::chart_page_breaks(18, 2, 60).is_empty());
    }
}
