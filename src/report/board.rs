//! The 报送状态 sheet: the board of a workspace (each roster township's state, versions, the
//! version counted, open errors and warnings, and the county's decision on the return with its
//! reason, by whom and when), as the board file beside the returns gives it. Written only when
//! a board file was found, so a folder run without one is unchanged.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::xlsx::{county_title, fit_row_height, headers, Styles};
use crate::config::Config;
use crate::outcome::RunOutcome;
use crate::render::{self, Lang};

pub(super) fn board(
    ws: &mut Worksheet,
    out: &RunOutcome,
    config: &Config,
    lang: Lang,
    s: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(lang.t("报送状态", "Board"))?;
    county_title(
        ws,
        s,
        config,
        out.period,
        lang.t("报送状态与审核决定", " board and decisions"),
        12,
    )?;
    let h = [
        lang.t("乡镇", "Township"),
        lang.t("状态", "State"),
        lang.t("版本数", "Versions"),
        lang.t("计入版本", "Counted version"),
        lang.t("按时报送", "On time"),
        lang.t("待改错误", "Open errors"),
        lang.t("待审警告", "Open warnings"),
        lang.t("决定", "Decision"),
        lang.t("决定版本", "Decided version"),
        lang.t("理由", "Reason"),
        lang.t("决定人", "By"),
        lang.t("决定时间", "When"),
    ];
    let widths = [
        9.0, 10.0, 6.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 36.0, 9.0, 17.0,
    ];
    headers(ws, s, 2, &h, &widths)?;
    let mut row = 3;
    for line in &out.board {
        // The file's period column is the run's; the sheet's title says it.
        let cells = line.cells.iter().enumerate().filter(|(i, _)| *i != 1);
        for (col, (i, text)) in cells.enumerate() {
            let text = render::workspace::board_word(text, lang);
            let fmt = match (i, line.state()) {
                (2, "已通过" | "") => &s.text,
                (2, "未报" | "有错待改" | "已打回") => &s.error,
                (2, _) => &s.warning,
                (10, _) => &s.wrap,
                _ => &s.text,
            };
            ws.write_string_with_format(row, col as u16, super::fit(&text), fmt)?;
        }
        fit_row_height(ws, row, [(line.cells[10].as_str(), 36.0)])?;
        row += 1;
    }
    ws.autofilter(2, 0, row.max(3) - 1, 11)?;
    Ok(())
}
