//! The 趋势 sheet: the county's rates month by month, from the history store, as a table and
//! a line chart of the rates the configuration marks `chart = true`.

use crate::render;
use rust_xlsxwriter::{Chart, ChartType, Worksheet, XlsxError};

use super::xlsx::{county_title, headers, Styles};
use crate::aggregate::Trend;
use crate::config::Config;
use crate::outcome::RunOutcome;
use crate::render::Lang;

// long-function: writes one sheet and its chart, top to bottom; not yet split (issue 10)
pub(super) fn trend(
    ws: &mut Worksheet,
    out: &RunOutcome,
    config: &Config,
    lang: Lang,
    s: &Styles,
    t: &Trend,
) -> Result<(), XlsxError> {
    let sheet = lang.t("趋势", "Trend");
    ws.set_name(sheet)?;
    county_title(
        ws,
        s,
        config,
        out.period,
        lang.t("主要指标逐月趋势", " rates month by month"),
        8,
    )?;
    let note = if t.periods.len() > 1 {
        format!(
            "{}{}",
            lang.t(
                "各月全县率由当月分子、分母合计重算（本月数），往月取自历史库：",
                "Each month's county rate is recomputed from that month's summed parts (本月数); earlier months from the history store: "
            ),
            out.past
                .store
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        )
    } else {
        lang.t(
            "历史库中没有往月数据：逐月运行（或 huizong history build）后这里显示趋势。",
            "The history store holds no earlier month: run month by month (or huizong history build) to see the trend.",
        )
        .to_string()
    };
    let mut heads = vec![lang.t("报告期", "Period").to_string()];
    let mut widths = vec![10.0];
    for r in &config.rates {
        let name = if lang == Lang::En {
            r.name_en.clone().unwrap_or(r.name.get_ref().clone())
        } else {
            r.name.get_ref().clone()
        };
        heads.push(format!(
            "{name}{}",
            render::bracketed(&render::unit(&r.unit, lang), lang)
        ));
        widths.push(12.0);
    }
    let heads: Vec<&str> = heads.iter().map(String::as_str).collect();
    headers(ws, s, 3, &heads, &widths)?;
    super::xlsx::note_row(ws, s, 1, &super::fit(&note), &widths)?;
    ws.set_row_height(3, 45)?;
    ws.set_freeze_panes(4, 1)?;
    let first = 4u32;
    for (k, p) in t.periods.iter().enumerate() {
        let row = first + k as u32;
        ws.write_string_with_format(row, 0, p.to_string(), &s.text)?;
        for (i, series) in t.rates.iter().enumerate() {
            if let Some(v) = series.get(k).copied().flatten() {
                ws.write_number_with_format(row, 1 + i as u16, v, &s.rate)?;
            }
        }
    }
    let last = first + t.periods.len().saturating_sub(1) as u32;
    let charted: Vec<usize> = (0..config.rates.len())
        .filter(|i| config.rates[*i].chart)
        .collect();
    if charted.is_empty() {
        return Ok(());
    }
    let mut chart = Chart::new(ChartType::Line);
    for i in &charted {
        let col = 1 + *i as u16;
        chart
            .add_series()
            .set_name((sheet, 3, col))
            .set_categories((sheet, first, 0, last, 0))
            .set_values((sheet, first, col, last, col));
    }
    chart
        .title()
        .set_name(lang.t("全县主要指标逐月趋势", "County rates month by month"));
    chart.set_width(900).set_height(420);
    ws.insert_chart(last + 2, 0, &chart)?;
    Ok(())
}
