//! The 分乡镇 sheet of the county workbook: every township's figures and rates, the cells with
//! findings filled. A county (up to [`INDICATORS_AS_ROWS_UP_TO`] townships) gets indicators as
//! rows and townships as columns, with the county's total beside them: a hundred-odd indicator
//! columns printed across fifteen pages, while a few dozen townships fit across one or two, and
//! the table reads like the form. A larger roster (a prefecture, a province) keeps a row per
//! township, so that it can be sorted and filtered. Either way the header row and the naming
//! columns are print titles, repeated on every printed page. Writes cells only (no IO).

use std::collections::HashMap;

use rust_xlsxwriter::{Format, Worksheet, XlsxError};

use super::page::{self, Paper};
use super::xlsx::{
    county_title, decimals_fmt, opt_number, over_100, Styles, ERROR_FILL, WARNING_FILL,
};
use crate::config::{Config, IndicatorKind};
use crate::model::{Column, Severity};
use crate::outcome::RunOutcome;
use crate::render::{self, Lang};

/// Up to this many townships, indicators are rows and townships columns (see the module doc).
pub(super) const INDICATORS_AS_ROWS_UP_TO: usize = 100;

/// The header row of either layout.
const HEADER_ROW: u32 = 2;

/// (township, indicator code, column) → the worst severity of the findings on that cell.
type Flagged<'a> = HashMap<(&'a str, &'a str, Column), Severity>;

pub(super) fn by_township(
    ws: &mut Worksheet,
    out: &RunOutcome,
    config: &Config,
    lang: Lang,
    s: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(lang.t("分乡镇", "By township"))?;
    ws.write_string(1, 0, lang.t(
        "图例：红底 = 有错误或警示，黄底 = 需核实（详见异常清单）；红字 = 比率超过 100%",
        "Legend: red fill = error or alert, yellow fill = to verify (see Findings); red text = rate over 100%",
    ))?;
    let flagged = flagged(out);
    if out.table.townships.len() <= INDICATORS_AS_ROWS_UP_TO {
        indicators_as_rows(ws, out, config, lang, s, &flagged)
    } else {
        townships_as_rows(ws, out, config, lang, s, &flagged)
    }
}

fn flagged(out: &RunOutcome) -> Flagged<'_> {
    let mut flagged: Flagged = HashMap::new();
    for f in out
        .findings
        .iter()
        .filter(|f| f.severity <= Severity::Warning)
    {
        if let (Some(t), Some(c), Some(col)) = (&f.township, &f.code, f.column) {
            let e = flagged
                .entry((t.as_str(), c.as_str(), col))
                .or_insert(f.severity);
            *e = (*e).min(f.severity);
        }
    }
    flagged
}

/// The number formats of the value cells, each plain and with the fills of flagged cells, made
/// once: a format cloned for every cell cost more than writing the cell.
struct Fills {
    /// [decimals][plain, error, warning]
    by_decimals: Vec<[Format; 3]>,
}

impl Fills {
    fn new(s: &Styles) -> Self {
        let by_decimals = s
            .decimals
            .iter()
            .map(|base| {
                [
                    base.clone(),
                    base.clone().set_background_color(ERROR_FILL),
                    base.clone().set_background_color(WARNING_FILL),
                ]
            })
            .collect();
        Self { by_decimals }
    }

    fn of(&self, decimals: u32, flag: Option<&Severity>) -> &Format {
        let fills = &self.by_decimals[(decimals as usize).min(self.by_decimals.len() - 1)];
        match flag {
            Some(sev) if sev.fails_run() => &fills[1],
            Some(_) => &fills[2],
            None => &fills[0],
        }
    }
}

fn indicator_name(ind: &crate::config::Indicator, lang: Lang) -> String {
    match (&ind.name_en, lang) {
        (Some(en), Lang::En) => en.clone(),
        _ => ind.name.clone(),
    }
}

fn rate_name(r: &crate::config::Rate, lang: Lang) -> String {
    match (&r.name_en, lang) {
        (Some(en), Lang::En) => en.clone(),
        _ => r.name.get_ref().clone(),
    }
}

/// Indicator rows (本月数, then 本年累计 for flows), then rate rows; a column per township, then
/// the county's total. Print titles: the header row and the four naming columns.
// long-function: writes one sheet row by row, top to bottom; not yet split (issue 10)
fn indicators_as_rows(
    ws: &mut Worksheet,
    out: &RunOutcome,
    config: &Config,
    lang: Lang,
    s: &Styles,
    flagged: &Flagged,
) -> Result<(), XlsxError> {
    let townships = &out.table.townships;
    let first_township: u16 = 4;
    let total_col = first_township + townships.len() as u16;
    let mut widths = vec![9.0, 24.0, 9.0, 6.0];
    widths.extend(std::iter::repeat_n(10.0, townships.len()));
    widths.push(11.0);
    county_title(
        ws,
        s,
        config,
        out.period,
        lang.t("分乡镇数据", " figures by township"),
        (widths.len() as u16).min(20),
    )?;
    let mut heads: Vec<String> = [
        lang.t("指标代码", "Code"),
        lang.t("指标名称", "Indicator"),
        lang.t("栏目", "Column"),
        lang.t("单位", "Unit"),
    ]
    .map(str::to_string)
    .to_vec();
    heads.extend(townships.iter().cloned());
    heads.push(lang.t("全县合计", "County").to_string());
    for (i, (h, w)) in heads.iter().zip(&widths).enumerate() {
        ws.write_string_with_format(HEADER_ROW, i as u16, h, &s.header)?;
        ws.set_column_width(i as u16, *w)?;
    }
    ws.set_row_height(HEADER_ROW, 30)?;
    let fills = Fills::new(s);
    let mut row = HEADER_ROW + 1;
    for (ind, total) in config.indicators.iter().zip(&out.aggregates.totals) {
        let columns: &[Column] = if ind.kind == IndicatorKind::Flow {
            &[Column::Month, Column::Ytd]
        } else {
            &[Column::Month]
        };
        for column in columns {
            ws.write_string_with_format(row, 0, ind.code(), &s.text)?;
            let name = indicator_name(ind, lang);
            ws.write_string_with_format(row, 1, &name, &s.wrap)?;
            super::xlsx::fit_row_height(ws, row, [(name.as_str(), widths[1])])?;
            ws.write_string_with_format(row, 2, render::column(*column, lang), &s.text)?;
            ws.write_string_with_format(row, 3, render::unit(&ind.unit, lang), &s.text)?;
            let name = crate::facts::wide_name(ind.code(), *column, ind.kind);
            let base = decimals_fmt(s, ind.decimals);
            let values = out.table.column_values(&name).unwrap_or_default();
            for (t, township) in townships.iter().enumerate() {
                let flag = flagged.get(&(township.as_str(), ind.code(), *column));
                let v = values.get(t).copied().flatten();
                opt_number(
                    ws,
                    row,
                    first_township + t as u16,
                    v,
                    fills.of(ind.decimals, flag),
                )?;
            }
            let county = match column {
                Column::Month => total.month,
                Column::Ytd => total.ytd,
            };
            opt_number(ws, row, total_col, county, base)?;
            row += 1;
        }
    }
    for (i, (r, county)) in config.rates.iter().zip(&out.aggregates.rates).enumerate() {
        let of_township = |t: &String| {
            out.aggregates
                .township_rates
                .get(t)
                .and_then(|rates| rates.get(i))
        };
        let has_ytd = county.ytd.is_some();
        for column in [Column::Month, Column::Ytd] {
            if column == Column::Ytd && !has_ytd {
                continue;
            }
            let pick = |v: &crate::aggregate::RateValue| match column {
                Column::Month => v.month,
                Column::Ytd => v.ytd,
            };
            ws.write_string_with_format(row, 0, "", &s.text)?;
            let name = rate_name(r, lang);
            ws.write_string_with_format(row, 1, &name, &s.wrap)?;
            super::xlsx::fit_row_height(ws, row, [(name.as_str(), widths[1])])?;
            ws.write_string_with_format(row, 2, render::column(column, lang), &s.text)?;
            ws.write_string_with_format(row, 3, render::unit(&r.unit, lang), &s.text)?;
            for (t, township) in townships.iter().enumerate() {
                let v = of_township(township).and_then(pick);
                opt_number(ws, row, first_township + t as u16, v, &s.rate)?;
            }
            opt_number(ws, row, total_col, pick(county), &s.rate)?;
            if r.unit == "%" {
                ws.add_conditional_format(row, first_township, row, total_col, &over_100(s))?;
            }
            row += 1;
        }
    }
    ws.autofilter(HEADER_ROW, 0, row.max(HEADER_ROW + 1) - 1, total_col)?;
    ws.set_freeze_panes(HEADER_ROW + 1, first_township)?;
    page::setup(
        ws,
        Paper::A3,
        true,
        &widths,
        Some((HEADER_ROW, HEADER_ROW)),
        Some((0, first_township - 1)),
    )
}

/// A row per township: a column per indicator and column, then the rates. Print titles: the
/// header row and the township column.
// long-function: writes one sheet row by row, top to bottom; not yet split (issue 10)
fn townships_as_rows(
    ws: &mut Worksheet,
    out: &RunOutcome,
    config: &Config,
    lang: Lang,
    s: &Styles,
    flagged: &Flagged,
) -> Result<(), XlsxError> {
    let mut cols: Vec<(&crate::config::Indicator, Column)> = Vec::new();
    for ind in &config.indicators {
        cols.push((ind, Column::Month));
        if ind.kind == IndicatorKind::Flow {
            cols.push((ind, Column::Ytd));
        }
    }
    let n_cols = 1 + cols.len() + config.rates.len();
    county_title(
        ws,
        s,
        config,
        out.period,
        lang.t("分乡镇数据", " figures by township"),
        n_cols.min(20) as u16,
    )?;
    ws.write_string_with_format(HEADER_ROW, 0, lang.t("乡镇", "Township"), &s.header)?;
    ws.set_column_width(0, 12)?;
    for (i, (ind, column)) in cols.iter().enumerate() {
        let head = format!(
            "{} {}\n{}",
            ind.code(),
            indicator_name(ind, lang),
            render::column(*column, lang)
        );
        ws.write_string_with_format(HEADER_ROW, 1 + i as u16, head, &s.header)?;
        ws.set_column_width(1 + i as u16, 14)?;
    }
    let rate_col0 = 1 + cols.len() as u16;
    for (i, r) in config.rates.iter().enumerate() {
        let head = format!(
            "{}{}",
            rate_name(r, lang),
            render::bracketed(&render::unit(&r.unit, lang), lang)
        );
        ws.write_string_with_format(HEADER_ROW, rate_col0 + i as u16, head, &s.header)?;
        ws.set_column_width(rate_col0 + i as u16, 14)?;
    }
    ws.set_row_height(HEADER_ROW, 45)?;
    // Each column's values looked up once, not once a township.
    let values: Vec<&[Option<f64>]> = cols
        .iter()
        .map(|(ind, column)| {
            let name = crate::facts::wide_name(ind.code(), *column, ind.kind);
            out.table.column_values(&name).unwrap_or_default()
        })
        .collect();
    let fills = Fills::new(s);
    let mut row = HEADER_ROW + 1;
    for (t_index, township) in out.table.townships.iter().enumerate() {
        ws.write_string_with_format(row, 0, township, &s.text)?;
        for (i, (ind, column)) in cols.iter().enumerate() {
            let v = values[i].get(t_index).copied().flatten();
            let flag = flagged.get(&(township.as_str(), ind.code(), *column));
            opt_number(ws, row, 1 + i as u16, v, fills.of(ind.decimals, flag))?;
        }
        if let Some(rates) = out.aggregates.township_rates.get(township) {
            for (i, v) in rates.iter().enumerate() {
                opt_number(ws, row, rate_col0 + i as u16, v.month, &s.rate)?;
            }
        }
        row += 1;
    }
    ws.autofilter(
        HEADER_ROW,
        0,
        row.max(HEADER_ROW + 1) - 1,
        (n_cols - 1) as u16,
    )?;
    for (i, r) in config.rates.iter().enumerate() {
        if r.unit == "%" && row > HEADER_ROW + 1 {
            let col = rate_col0 + i as u16;
            ws.add_conditional_format(HEADER_ROW + 1, col, row - 1, col, &over_100(s))?;
        }
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 1)?;
    let widths: Vec<f64> = std::iter::once(12.0)
        .chain(std::iter::repeat_n(14.0, n_cols - 1))
        .collect();
    page::setup(
        ws,
        Paper::A3,
        true,
        &widths,
        Some((HEADER_ROW, HEADER_ROW)),
        Some((0, 0)),
    )
}
