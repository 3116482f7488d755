//! The 图表 sheet: for each rate the configuration marks `chart = true`, a bar per township with
//! the county rate as a line, over a small data table on the same sheet.

use rust_xlsxwriter::{Chart, ChartType, Worksheet, XlsxError};

use super::xlsx::{title, Styles};
use crate::config::Config;
use crate::pipeline::RunOutcome;
use crate::render::Lang;

pub(super) fn charts(
    ws: &mut Worksheet,
    out: &RunOutcome,
    config: &Config,
    lang: Lang,
    s: &Styles,
) -> Result<(), XlsxError> {
    let sheet = lang.t("图表", "Charts");
    ws.set_name(sheet)?;
    title(
        ws,
        s,
        &format!(
            "{}{}（{}）",
            config.county,
            lang.t("主要指标分乡镇对比", " key rates by township"),
            out.period
        ),
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
    // One page: the table and the charts below it.
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 1);
    ws.set_footer("&C&P / &N");
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
    // Charts below the table, two to a row.
    let chart_row = last + 2;
    for (k, i) in charted.iter().enumerate() {
        let col = 1 + 2 * k as u16;
        let name = heads[1 + 2 * k].clone();
        let mut bars = Chart::new(ChartType::Column);
        bars.add_series()
            .set_name(name.as_str())
            .set_categories((sheet, first, 0, last, 0))
            .set_values((sheet, first, col, last, col));
        let chart_title = format!("{name}（{}）", config.rates[*i].unit);
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
    Ok(())
}
