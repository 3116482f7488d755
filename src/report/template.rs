//! The blank return for one township and month (`huizong template`): the form of the
//! configuration laid out as the returns are read (title, 填报单位 and 报告期, the header row,
//! one indicator a row, 填报日期), input cells unlocked and limited by data validation, the rest
//! locked, 本年累计 of flows carried on from last month by a formula with its stored result,
//! and a hidden `_huizong` sheet naming the form and its version. Every label, name and unit
//! comes from the configuration; only the layout is fixed here. Builds bytes only: no IO, no
//! reading of returns.

use std::collections::BTreeMap;

use rust_xlsxwriter::{
    DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format, FormatAlign,
    FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};

use crate::config::{Config, Indicator, IndicatorKind, Labels, Township};
use crate::model::Period;

/// The hidden sheet that marks a workbook as made by `huizong template`, and its first cell
/// (the reader, in `returns`, recognises them).
pub use crate::returns::{TEMPLATE_MARKER as MARKER, TEMPLATE_SHEET as MARKER_SHEET};

/// Columns of the table: 序号, 指标代码, 指标名称, 计量单位, 本月数, 本年累计, 备注.
const SEQ: u16 = 0;
const CODE: u16 = 1;
const NAME: u16 = 2;
const UNIT: u16 = 3;
const MONTH: u16 = 4;
const YTD: u16 = 5;
const REMARK: u16 = 6;
const WIDTHS: [f64; 7] = [11.0, 14.0, 40.0, 10.0, 15.0, 15.0, 24.0];
/// Rows (zero-based): title, 填报单位 and 报告期, header; indicators start under it.
const HEADER_ROW: u32 = 2;

struct Styles {
    title: Format,
    field: Format,
    header: Format,
    text: Format,
    centred: Format,
    /// Unlocked number cells; the number format follows the indicator's decimals.
    input: Format,
    /// Locked number cells (formulas).
    computed: Format,
    input_text: Format,
}

impl Styles {
    fn new() -> Self {
        let border = |f: Format| f.set_border(FormatBorder::Thin);
        let input = || border(Format::new().set_background_color("#FFF2CC").set_unlocked());
        let centre = |f: Format| {
            f.set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
        };
        Self {
            title: centre(Format::new().set_bold().set_font_size(14)),
            field: Format::new(),
            header: border(centre(
                Format::new()
                    .set_bold()
                    .set_background_color("#DDEBF7")
                    .set_text_wrap(),
            )),
            text: border(Format::new().set_text_wrap()),
            centred: border(Format::new().set_align(FormatAlign::Center)),
            input: input(),
            computed: border(Format::new().set_background_color("#F2F2F2")),
            input_text: input().set_num_format("@").set_text_wrap(),
        }
    }

    /// `#,##0` for counts, `#,##0.00` for 万元, `#,##0.0` for 千克: as many places as decimals.
    fn number(base: &Format, ind: &Indicator) -> Format {
        let places = ind.decimals.min(10) as usize;
        let fmt = match places {
            0 => "#,##0".to_string(),
            n => format!("#,##0.{}", "0".repeat(n)),
        };
        base.clone().set_num_format(fmt)
    }

    fn input(&self, ind: &Indicator) -> Format {
        Self::number(&self.input, ind)
    }

    fn computed(&self, ind: &Indicator) -> Format {
        Self::number(&self.computed, ind)
    }
}

/// The first label of a list in the configuration, or the layout's own word when it has none.
fn first<'a>(labels: &'a [String], fallback: &'a str) -> &'a str {
    labels.first().map_or(fallback, String::as_str)
}

/// Builds the template of `township` for `period`. `previous` maps indicator code → last
/// month's accepted 本年累计; with it, a flow's 本年累计 is `=previous+E<row>`.
pub fn template_workbook(
    config: &Config,
    township: &Township,
    period: Period,
    previous: Option<&BTreeMap<String, f64>>,
) -> Result<Vec<u8>, XlsxError> {
    template_workbook_noted(config, township, period, previous, None)
}

/// The template with `source` (where the carried 本年累计 came from, and what was not carried)
/// as a note on each form sheet's 本年累计 header, so the workbook says which figure it used.
pub fn template_workbook_noted(
    config: &Config,
    township: &Township,
    period: Period,
    previous: Option<&BTreeMap<String, f64>>,
    source: Option<&str>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // A fixed creation time (the period's first day): identical calls give identical bytes.
    let stamp = ExcelDateTime::from_ymd(period.year as u16, period.month as u8, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&stamp)
            .set_title(format!(
                "{}{} {} {period}",
                config.county,
                config.form.name,
                township.name()
            )),
    );
    let s = Styles::new();
    let ctx = Context {
        config,
        township,
        period,
        previous,
        source,
        s: &s,
    };
    for (sheet, indicators) in sheets(config) {
        let ws = wb.add_worksheet();
        ws.set_name(super::safe_sheet_name(sheet.unwrap_or(&config.form.name)))?;
        ctx.form_sheet(ws, sheet, &indicators)?;
    }
    marker(wb.add_worksheet(), config, township, period)?;
    wb.save_to_buffer()
}

/// The indicators by sheet, sheets in the order the configuration first names them.
fn sheets(config: &Config) -> Vec<(Option<&str>, Vec<&Indicator>)> {
    let mut out: Vec<(Option<&str>, Vec<&Indicator>)> = Vec::new();
    for ind in &config.indicators {
        let key = ind.sheet.as_deref();
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(ind),
            None => out.push((key, vec![ind])),
        }
    }
    out
}

/// Text cut to `max` UTF-16 units (Excel's limits on validation prompts).
fn cut(text: &str, max: usize) -> String {
    let mut n = 0;
    text.chars()
        .take_while(|c| {
            n += c.len_utf16();
            n <= max
        })
        .collect()
}

struct Context<'a> {
    config: &'a Config,
    township: &'a Township,
    period: Period,
    previous: Option<&'a BTreeMap<String, f64>>,
    source: Option<&'a str>,
    s: &'a Styles,
}

impl Context<'_> {
    fn form_sheet(
        &self,
        ws: &mut Worksheet,
        sheet: Option<&str>,
        indicators: &[&Indicator],
    ) -> Result<(), XlsxError> {
        let (config, s) = (self.config, self.s);
        let l = &config.form.labels;
        let title = match sheet {
            Some(name) => format!("{}{}（{name}）", config.county, config.form.name),
            None => format!("{}{}", config.county, config.form.name),
        };
        ws.merge_range(0, SEQ, 0, REMARK, &title, &s.title)?;
        ws.set_row_height(0, 28)?;
        let unit = format!(
            "{}（盖章）：{}{}",
            first(&l.township, "填报单位"),
            self.township.name(),
            suffix(l)
        );
        ws.merge_range(1, SEQ, 1, UNIT, &unit, &s.field)?;
        let period = format!(
            "{}：{}年{}月",
            first(&l.period, "报告期"),
            self.period.year,
            self.period.month
        );
        ws.merge_range(1, MONTH, 1, REMARK, &period, &s.field)?;
        let headers = [
            "序号",
            first(&l.code, "指标代码"),
            first(&l.name, "指标名称"),
            first(&l.unit, "计量单位"),
            first(&l.month, "本月数"),
            first(&l.ytd, "本年累计"),
            "备注",
        ];
        for (col, (h, w)) in headers.iter().zip(WIDTHS).enumerate() {
            ws.write_string_with_format(HEADER_ROW, col as u16, *h, &s.header)?;
            ws.set_column_width(col as u16, w)?;
        }
        if let Some(source) = self.source {
            let note = rust_xlsxwriter::Note::new(source)
                .set_author("huizong")
                .set_width(320);
            ws.insert_note(HEADER_ROW, YTD, &note)?;
        }
        let mut row = HEADER_ROW + 1;
        for (i, ind) in indicators.iter().enumerate() {
            self.indicator_row(ws, row, i + 1, ind)?;
            row += 1;
        }
        self.filed_row(ws, row + 1)?;
        ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
        ws.set_landscape();
        ws.set_paper_size(9);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
        ws.set_footer("&C&P / &N");
        ws.protect();
        Ok(())
    }

    fn indicator_row(
        &self,
        ws: &mut Worksheet,
        row: u32,
        seq: usize,
        ind: &Indicator,
    ) -> Result<(), XlsxError> {
        let s = self.s;
        ws.write_number_with_format(row, SEQ, seq as f64, &s.centred)?;
        ws.write_string_with_format(row, CODE, ind.code(), &s.centred)?;
        ws.write_string_with_format(row, NAME, &ind.name, &s.text)?;
        ws.write_string_with_format(row, UNIT, &ind.unit, &s.centred)?;
        ws.write_blank(row, MONTH, &s.input(ind))?;
        ws.add_data_validation(row, MONTH, row, MONTH, &self.validation(ind, false)?)?;
        match ind.kind {
            IndicatorKind::Stock => {
                ws.write_string_with_format(row, YTD, "—", &s.centred)?;
            }
            IndicatorKind::Flow => {
                let carried = if self.period.month == 1 {
                    Some(0.0)
                } else {
                    self.previous.and_then(|p| p.get(ind.code())).copied()
                };
                match carried {
                    Some(before) => {
                        // Last month's 本年累计 plus this month; the stored result reads back
                        // as a number before Excel recalculates.
                        // A1 names are built in one place: model::CellRef.
                        let month = crate::model::CellRef::new(row, u32::from(MONTH));
                        let text = match self.period.month {
                            1 => format!("={month}"),
                            _ => format!("={before}+{month}"),
                        };
                        let formula = Formula::new(text).set_result(format!("{before}"));
                        ws.write_formula_with_format(row, YTD, formula, &s.computed(ind))?;
                    }
                    None => {
                        ws.write_blank(row, YTD, &s.input(ind))?;
                        ws.add_data_validation(row, YTD, row, YTD, &self.validation(ind, true)?)?;
                    }
                }
            }
        }
        ws.write_blank(row, REMARK, &s.input_text)?;
        Ok(())
    }

    /// Whole numbers ≥ 0 for counts, decimals ≥ 0 otherwise, with a prompt naming the unit.
    fn validation(&self, ind: &Indicator, ytd: bool) -> Result<DataValidation, XlsxError> {
        let l = &self.config.form.labels;
        let column = if ytd {
            first(&l.ytd, "本年累计")
        } else {
            first(&l.month, "本月数")
        };
        let rule = if ind.is_count() {
            "不小于 0 的整数".to_string()
        } else {
            format!("不小于 0 的数，{} 位小数", ind.decimals)
        };
        let unit = first(&l.unit, "计量单位");
        let message = format!("{unit}：{}\n{column}：{rule}；没有请填 0", ind.unit);
        let v = if ind.is_count() {
            DataValidation::new().allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
        } else {
            DataValidation::new()
                .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
        };
        v.set_input_title(cut(&ind.name, 32))?
            .set_input_message(cut(&message, 255))?
            .set_error_title(cut(&format!("{}（{}）", ind.name, ind.unit), 32))?
            .set_error_message(cut(&format!("{column}应为{rule}"), 255))
    }

    /// `填报日期：` and the cell beside it, typed as text (`2026年12月3日`).
    fn filed_row(&self, ws: &mut Worksheet, row: u32) -> Result<(), XlsxError> {
        let label = first(&self.config.form.labels.filed, "填报日期");
        ws.write_string_with_format(row, SEQ, format!("{label}："), &self.s.field)?;
        ws.write_blank(row, CODE, &self.s.input_text)?;
        let (y, m) = match self.period.month {
            12 => (self.period.year + 1, 1),
            m => (self.period.year, m + 1),
        };
        let prompt = DataValidation::new()
            .allow_any_value()
            .set_input_title(cut(label, 32))?
            .set_input_message(format!("如 {y}年{m}月3日"))?;
        ws.add_data_validation(row, CODE, row, CODE, &prompt)?;
        Ok(())
    }
}

/// The word after the township's name in 填报单位: the shortest configured suffix (卫生院 of
/// the default form), which the roster match removes again.
fn suffix(l: &Labels) -> &str {
    l.township_suffixes
        .iter()
        .min_by_key(|s| s.chars().count())
        .map_or("", String::as_str)
}

/// The hidden sheet: marker, form name, form version, township, period.
fn marker(
    ws: &mut Worksheet,
    config: &Config,
    township: &Township,
    period: Period,
) -> Result<(), XlsxError> {
    ws.set_name(MARKER_SHEET)?;
    ws.write_string(0, 0, MARKER)?;
    ws.write_string(1, 0, &config.form.name)?;
    if let Some(v) = &config.form.version {
        ws.write_string(2, 0, v)?;
    }
    ws.write_string(3, 0, township.name())?;
    ws.write_string(4, 0, period.to_string())?;
    ws.set_hidden(true);
    ws.protect();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locate::FormKeys;
    use crate::model::Column;
    use crate::normalize::value::Reading;

    fn config() -> Config {
        Config::default_with("安平县", &["青石镇", "白沙乡"]).expect("config")
    }

    #[test]
    fn a_blank_template_is_located_with_its_carried_totals() {
        let c = config();
        let previous: BTreeMap<String, f64> =
            [("A05".to_string(), 4797.0), ("B05".to_string(), 1838.92)].into();
        let period = Period::new(2026, 11).expect("period");
        let bytes = template_workbook(&c, &c.townships[0], period, Some(&previous)).expect("xlsx");
        let again = template_workbook(&c, &c.townships[0], period, Some(&previous)).expect("xlsx");
        assert_eq!(bytes, again, "identical calls give identical bytes");
        let sheets = crate::returns::locate_bytes(&bytes, Some("xlsx"), &c, &FormKeys::new(&c))
            .expect("read");
        assert_eq!(sheets.len(), 2);
        for sh in &sheets {
            assert_eq!(sh.unit.as_ref().map(|u| u.0.as_str()), Some("青石镇卫生院"));
            assert_eq!(sh.period, Some(period));
            assert!(sh.notes.is_empty(), "{:?}", sh.notes);
        }
        let found: usize = sheets.iter().map(|s| s.indicators().count()).sum();
        assert_eq!(found, c.indicators.len());
        let ytd = |code: &str| {
            sheets
                .iter()
                .flat_map(|s| &s.readings)
                .find(|r| c.indicators[r.indicator].code() == code && r.column == Column::Ytd)
                .map(|r| r.reading.clone())
        };
        assert!(matches!(ytd("B05"), Some(Reading::Value { value, .. }) if value == 1838.92));
        assert!(matches!(ytd("A05"), Some(Reading::Value { value, .. }) if value == 4797.0));
        assert_eq!(
            ytd("B01"),
            Some(Reading::Blank),
            "no previous figure: typed in"
        );
        assert_eq!(ytd("A01"), None, "a stock has no 本年累计");
    }

    #[test]
    fn january_starts_the_year() {
        let c = config();
        let period = Period::new(2027, 1).expect("period");
        let bytes = template_workbook(&c, &c.townships[1], period, None).expect("xlsx");
        let sheets = crate::returns::locate_bytes(&bytes, Some("xlsx"), &c, &FormKeys::new(&c))
            .expect("read");
        let zero_ytd = sheets
            .iter()
            .flat_map(|s| &s.readings)
            .filter(|r| r.column == Column::Ytd)
            .all(|r| matches!(r.reading, Reading::Value { value, .. } if value == 0.0));
        assert!(zero_ytd);
    }
}
