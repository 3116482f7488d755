//! The 修改对比 sheet of the county workbook: where a township returned two copies, each value
//! that differs between the superseded copy and the one that counts, with the cell of each side
//! linked to the return. Lays out what `returns` found (`Kind::Superseded`); decides nothing.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::xlsx::{county_title, headers, link_or_text, Styles};
use super::Links;
use crate::config::Config;
use crate::findings::{Diff, Kind};
use crate::model::Location;
use crate::outcome::RunOutcome;
use crate::render::{self, Lang};

/// One row of the sheet: the township, the superseded file, the winning file and the diff.
pub(super) fn corrections_of(out: &RunOutcome) -> Vec<(&str, &str, &str, &Diff)> {
    out.findings
        .iter()
        .filter_map(|f| match &f.kind {
            Kind::Superseded { winner, diffs, .. } => Some(diffs.iter().map(move |d| {
                (
                    f.township.as_deref().unwrap_or_default(),
                    &*f.at.file,
                    winner.as_str(),
                    d,
                )
            })),
            _ => None,
        })
        .flatten()
        .collect()
}

// long-function: writes one sheet row by row, top to bottom; not yet split (issue 10)
pub(super) fn corrections(
    ws: &mut Worksheet,
    out: &RunOutcome,
    config: &Config,
    lang: Lang,
    s: &Styles,
    links: Option<&Links>,
) -> Result<(), XlsxError> {
    ws.set_name(lang.t("修改对比", "Corrections between copies"))?;
    county_title(
        ws,
        s,
        config,
        out.period,
        lang.t("同一乡镇两份报表的修改对比", " corrections between copies"),
        10,
    )?;
    let rows = corrections_of(out);
    ws.write_string(
        1,
        0,
        if rows.is_empty() {
            lang.t(
                "本期没有乡镇报送两份报表。",
                "No township returned two copies this period.",
            )
        } else {
            lang.t(
                "同一乡镇报送两份报表时，以填报日期较晚的一份为准；下列为两份不同的数值（空白 = 空、无效或未找到）。",
                "Where a township returned two copies, the later filed counts; these values differ (blank = blank, invalid or not found).",
            )
        },
    )?;
    let h = [
        lang.t("乡镇", "Township"),
        lang.t("被替代的文件", "Superseded file"),
        lang.t("采用的文件", "File counted"),
        lang.t("指标代码", "Code"),
        lang.t("指标名称", "Indicator"),
        lang.t("栏目", "Column"),
        lang.t("原值", "Old value"),
        lang.t("原值位置", "Old cell"),
        lang.t("新值", "New value"),
        lang.t("新值位置", "New cell"),
    ];
    headers(
        ws,
        s,
        3,
        &h,
        &[10.0, 30.0, 30.0, 9.0, 30.0, 9.0, 12.0, 12.0, 12.0, 12.0],
    )?;
    let mut row = 4;
    let mut linked = 0;
    for (township, superseded, winner, d) in rows {
        let ind = config.indicator(&d.code);
        let name = match (ind, lang) {
            (Some(i), Lang::En) => i.name_en.as_deref().unwrap_or(&i.name),
            (Some(i), Lang::Zh) => &i.name,
            (None, _) => "",
        };
        let number = &s.decimals[ind.map_or(0, |i| i.decimals as usize).min(2)];
        let text = [
            township,
            superseded,
            winner,
            d.code.as_str(),
            name,
            render::column(d.column, lang),
        ];
        for (i, t) in text.iter().enumerate() {
            ws.write_string_with_format(row, i as u16, super::fit(t), &s.text)?;
        }
        let sides = [(d.superseded, &d.superseded_at), (d.winner, &d.winner_at)];
        for (i, (value, at)) in sides.into_iter().enumerate() {
            let col = 6 + 2 * i as u16;
            match value {
                Some(v) => ws.write_number_with_format(row, col, v, number)?,
                None => ws.write_blank(row, col, number)?,
            };
            let place = at.as_ref().map(Location::sheet_cell).unwrap_or_default();
            let url = at.as_ref().and_then(|a| links.and_then(|l| l.url(a)));
            link_or_text(ws, s, (row, col + 1), url, &place, &mut linked)?;
        }
        row += 1;
    }
    ws.autofilter(3, 0, row.max(4) - 1, 9)?;
    Ok(())
}
