//! Funnel charts on the 图表 sheet, for the indicators `[checks.outlier] funnel_charts` names:
//! each township a point (its rate against its denominator), the county's rate and the 95% and
//! 99.8% limits as lines, the townships beyond the outer limits marked; the figures the chart
//! draws stand in a table beside it. The limits come from R15's own funnel (`check`); this
//! file only lays them out. May not compute statistics.

use rust_xlsxwriter::{
    Chart, ChartFormat, ChartLine, ChartLineDashType, ChartMarker, ChartMarkerType, ChartType,
    Worksheet, XlsxError,
};

use super::xlsx::Styles;
use crate::check::{funnel_of, peer_model, peer_rows, Funnel, Model};
use crate::config::{Builtin, Config};
use crate::outcome::RunOutcome;
use crate::render::Lang;

/// Points along the denominator at which the limits are drawn.
const STEPS: u32 = 40;
/// Rows the chart takes above its figures.
const CHART_ROWS: u32 = 27;

/// Draws the funnels from `row` down, adding a page break before each to `breaks` (the sheet's
/// one list of breaks, set by the caller); returns the first row below them.
#[allow(clippy::too_many_arguments)] // the sheet's writing context, as the other sheet writers take it
                                     // long-function: writes one sheet's funnel blocks and their charts, top to bottom; not yet split (issue 10)
pub(super) fn funnels(
    ws: &mut Worksheet,
    out: &RunOutcome,
    config: &Config,
    lang: Lang,
    s: &Styles,
    sheet: &str,
    mut row: u32,
    breaks: &mut Vec<u32>,
) -> Result<u32, XlsxError> {
    let Some(check) = config.builtin_check(Builtin::Outlier) else {
        return Ok(row);
    };
    let p = &check.outlier;
    // Each funnel starts a printed page.
    for code in &p.funnel_charts {
        let (Some(funnel), Some((_, den))) = (
            funnel_of(&out.table, config, code),
            peer_model(config, p, code),
        ) else {
            continue;
        };
        let points = peer_rows(&out.table, code, den);
        let name = |c: &str| {
            config.indicator(c).map_or(c.to_string(), |i| match lang {
                Lang::En => i.name_en.clone().unwrap_or_else(|| i.name.clone()),
                Lang::Zh => i.name.clone(),
            })
        };
        let (scale, unit) = match funnel.model {
            Model::Poisson => (10_000.0, lang.t("每万人", "per 10,000")),
            Model::Binomial => (100.0, "%"),
        };
        let title = format!(
            "{}{}",
            name(code),
            crate::render::bracketed(
                &format!(
                    "{unit}{}{}",
                    lang.t("，", ", "),
                    lang.t("漏斗图", "funnel plot")
                ),
                lang
            )
        );
        // The chart carries the title; the break keeps it off the page above.
        breaks.push(row);
        let heads = [
            lang.t("乡镇", "Township").to_string(),
            name(den),
            unit.to_string(),
            lang.t("超出99.8%控制限", "Beyond 99.8%").to_string(),
        ];
        let grid_heads = [
            name(den),
            lang.t("全县", "County").to_string(),
            lang.t("95%下限", "95% lower").to_string(),
            lang.t("95%上限", "95% upper").to_string(),
            lang.t("99.8%下限", "99.8% lower").to_string(),
            lang.t("99.8%上限", "99.8% upper").to_string(),
        ];
        // The chart first (a page's upper half), the figures it draws below it.
        let top = row + 1 + CHART_ROWS;
        for (i, h) in heads.iter().chain(grid_heads.iter()).enumerate() {
            ws.write_string_with_format(top, i as u16, h, &s.header)?;
        }
        for (k, &(r, count, size)) in points.iter().enumerate() {
            let at = top + 1 + k as u32;
            let rate = count / size * scale;
            ws.write_string_with_format(at, 0, &out.table.townships[r], &s.text)?;
            ws.write_number_with_format(at, 1, size, &s.count)?;
            ws.write_number_with_format(at, 2, rate, &s.decimals[2])?;
            let unit = crate::check::Unit { count, size };
            if funnel.judge(unit, p.level).beyond {
                ws.write_number_with_format(at, 3, rate, &s.decimals[2])?;
            }
        }
        let sizes: Vec<f64> = points.iter().map(|(_, _, size)| *size).collect();
        let highest_limit = grid(ws, &funnel, &sizes, scale, top + 1, s)?;
        // A value far above every limit would flatten the funnel: then the rates go on a
        // log scale, so both stay visible.
        let highest_point = points
            .iter()
            .map(|(_, count, size)| count / size * scale)
            .fold(0.0, f64::max);
        let log = highest_point > 2.0 * highest_limit;
        let chart = chart(
            &title,
            sheet,
            top,
            points.len() as u32,
            &grid_heads,
            &heads,
            log,
        )?;
        ws.insert_chart(row + 1, 0, &chart)?;
        row = top + points.len().max(STEPS as usize) as u32 + 2;
    }
    Ok(row)
}

/// The limits along the denominator, log-spaced from the smallest to the largest township;
/// returns the highest upper limit drawn.
fn grid(
    ws: &mut Worksheet,
    funnel: &Funnel,
    sizes: &[f64],
    scale: f64,
    first: u32,
    s: &Styles,
) -> Result<f64, XlsxError> {
    let mut highest: f64 = 0.0;
    let lo = sizes.iter().copied().fold(f64::INFINITY, f64::min).max(1.0);
    let hi = sizes.iter().copied().fold(0.0, f64::max).max(lo * 1.01);
    for k in 0..STEPS {
        let size = (lo.ln() + (hi.ln() - lo.ln()) * k as f64 / (STEPS - 1) as f64).exp();
        let (l95, h95) = funnel.limits(size, 0.95);
        let (l998, h998) = funnel.limits(size, 0.998);
        let row = first + k;
        ws.write_number_with_format(row, 4, size.round(), &s.count)?;
        for (c, v) in [funnel.target * size, l95, h95, l998, h998]
            .iter()
            .enumerate()
        {
            ws.write_number_with_format(row, 5 + c as u16, v / size * scale, &s.decimals[2])?;
        }
        highest = highest.max(h998 / size * scale);
    }
    Ok(highest)
}

/// Township points, outliers marked, and the five lines, as one scatter chart.
fn chart(
    title: &str,
    sheet: &str,
    top: u32,
    n: u32,
    grid_heads: &[String; 6],
    heads: &[String; 4],
    log: bool,
) -> Result<Chart, XlsxError> {
    let mut chart = Chart::new(ChartType::ScatterStraight);
    chart.title().set_name(title);
    let (first, last) = (top + 1, top + n.max(1));
    let (grid_first, grid_last) = (top + 1, top + STEPS);
    let lines = [
        (1u16, "#000000", ChartLineDashType::Solid),
        (2, "#2E75B6", ChartLineDashType::Dash),
        (3, "#2E75B6", ChartLineDashType::Dash),
        (4, "#C00000", ChartLineDashType::Solid),
        (5, "#C00000", ChartLineDashType::Solid),
    ];
    for (k, colour, dash) in lines {
        let col = 4 + k;
        chart
            .add_series()
            .set_name(grid_heads[k as usize].as_str())
            .set_categories((sheet, grid_first, 4, grid_last, 4))
            .set_values((sheet, grid_first, col, grid_last, col))
            .set_marker(ChartMarker::new().set_none())
            .set_format(
                ChartFormat::new().set_line(
                    ChartLine::new()
                        .set_color(colour)
                        .set_width(1.25)
                        .set_dash_type(dash),
                ),
            );
    }
    for (col, marker, colour, size) in [
        (2u16, ChartMarkerType::Circle, "#404040", 5u8),
        (3, ChartMarkerType::Diamond, "#FF0000", 9),
    ] {
        chart
            .add_series()
            .set_name(heads[col as usize].as_str())
            .set_categories((sheet, first, 1, last, 1))
            .set_values((sheet, first, col, last, col))
            .set_marker(
                ChartMarker::new()
                    .set_type(marker)
                    .set_size(size)
                    .set_format(
                        ChartFormat::new().set_solid_fill(
                            rust_xlsxwriter::ChartSolidFill::new().set_color(colour),
                        ),
                    ),
            )
            .set_format(ChartFormat::new().set_no_line());
    }
    chart.x_axis().set_name(heads[1].as_str()).set_log_base(10);
    chart.y_axis().set_name(heads[2].as_str());
    if log {
        chart.y_axis().set_log_base(10);
    }
    chart.set_width(900).set_height(520);
    Ok(chart)
}
