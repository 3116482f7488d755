//! Findings into words for people, in Chinese (default) or English. The only place messages
//! are made; kinds carry data, and the configuration supplies the checks' own messages.

mod config_words;
mod failure;
mod hint;
mod months;
pub mod terminal;
mod unreadable;
pub mod web;
mod words;
pub mod workspace;

pub use words::{bracketed, colon, county, form_name, unit};

pub use months::{review, review_state};

pub use failure::{
    explanations_unread, failure_lines, hint_label, io_words, usage_lines, Failure, Usage,
};
pub use hint::{hint, township_hint};

use crate::config::Config;
use crate::findings::Finding;
use crate::findings::{Disagreement, Invalid, Kind, ReadHow, Skip};
use crate::locate::format_number;
use crate::model::{Column, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Picks the Chinese or the English text.
    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

pub fn severity(s: Severity, lang: Lang) -> &'static str {
    match (s, lang) {
        (Severity::Error, Lang::Zh) => "错误",
        (Severity::Alert, Lang::Zh) => "警示",
        (Severity::Warning, Lang::Zh) => "核实",
        (Severity::Notice, Lang::Zh) => "提示",
        (Severity::Note, Lang::Zh) => "记录",
        (s, Lang::En) => s.key(),
    }
}

pub fn column(c: Column, lang: Lang) -> &'static str {
    match c {
        Column::Month => lang.t("本月数", "month"),
        Column::Ytd => lang.t("本年累计", "year to date"),
    }
}

fn fill(template: &str, values: &[(String, f64)]) -> String {
    let mut s = template.to_string();
    for (code, v) in values {
        // Rates and other computed values are shown to two decimals; typed values as typed.
        let shown = if (v * 100.0).fract().abs() > 1e-9 {
            format!("{v:.2}")
        } else {
            format_number(*v)
        };
        s = s.replace(&format!("{{{code}}}"), &shown);
    }
    s
}

/// The message of a finding, in words.
// long-function: one match arm per finding Kind: each kind's words in one place, one arm after another
pub fn message(f: &Finding, config: &Config, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let n = |v: &f64| format_number(*v);
    match &f.kind {
        Kind::CarriedForward { .. }
        | Kind::StockChange { .. }
        | Kind::Outlier { .. }
        | Kind::NotEvaluable(_)
        | Kind::Sentinel { .. } => months::message(f, lang),
        Kind::ReadAs { how, value } => {
            let how = match how {
                ReadHow::TextNumber => lang.t("以文本形式填写的数字", "a number typed as text"),
                ReadHow::FullWidth => lang.t("全角数字", "full-width digits"),
                ReadHow::Thousands => lang.t("带千分位分隔符", "with thousands separators"),
                ReadHow::UnitSuffix => lang.t("数字后带单位", "a unit after the number"),
                ReadHow::Wan => lang.t(
                    "带“万”字，已乘以 10000",
                    "with wan (ten thousand), multiplied by 10,000",
                ),
                ReadHow::ZeroWord => lang.t("以符号或文字代替 0", "a dash or word typed for zero"),
                ReadHow::FormulaResult => lang.t(
                    "公式，取其保存的结果",
                    "a formula; its stored result counts",
                ),
            };
            if zh {
                format!(
                    "“{}”读作 {}（{how}）",
                    f.typed.as_deref().unwrap_or(""),
                    n(value)
                )
            } else {
                format!(
                    "\"{}\" read as {} ({how})",
                    f.typed.as_deref().unwrap_or(""),
                    n(value)
                )
            }
        }
        Kind::Invalid(why) => {
            let typed = f.typed.as_deref().unwrap_or("");
            let why = match why {
                Invalid::Negative => lang.t("负数", "a negative number").to_string(),
                Invalid::Fraction => lang
                    .t("人数等计数不能有小数", "a fraction in a count")
                    .to_string(),
                Invalid::Percent => lang
                    .t("计数栏填了百分数", "a percentage where a count belongs")
                    .to_string(),
                Invalid::WanInWanYuan => lang
                    .t(
                        "单位已是万元，又写了“万”，无法确定数值",
                        "the unit is already 万元 and 万 was typed: ambiguous",
                    )
                    .to_string(),
                Invalid::NotNumber => lang.t("不是数字", "not a number").to_string(),
                Invalid::FormulaNoResult(_) => lang
                    .t(
                        "公式没有保存结果（请在 Excel/WPS 中打开并保存后重报）",
                        "a formula without a stored result (open and save it in Excel or WPS)",
                    )
                    .to_string(),
                Invalid::ErrorValue(e) => format!("{} {e}", lang.t("错误值", "error value")),
            };
            if zh {
                format!("“{typed}”无效：{why}；未计入合计")
            } else {
                format!("\"{typed}\" is invalid: {why}; left out of the totals")
            }
        }
        Kind::Blank => lang
            .t(
                "必填单元格为空（0 须填写为 0）；按缺报处理，未计入合计",
                "a required cell is blank (0 must be written as 0); treated as missing",
            )
            .to_string(),
        Kind::YtdBelowMonth { month, ytd } => {
            if zh {
                format!("本年累计 {} 小于本月数 {}", n(ytd), n(month))
            } else {
                format!("year to date {} is below the month's {}", n(ytd), n(month))
            }
        }
        Kind::JanuaryYtd { month, ytd } => {
            if zh {
                format!("1月本年累计 {} 应等于本月数 {}", n(ytd), n(month))
            } else {
                format!(
                    "in January year to date {} must equal the month's {}",
                    n(ytd),
                    n(month)
                )
            }
        }
        Kind::Check { check, values } => {
            let c = config.checks.get(*check);
            let template = c.and_then(|c| {
                if zh {
                    c.message.as_ref()
                } else {
                    c.message_en.as_ref().or(c.message.as_ref())
                }
            });
            let expr = c
                .and_then(|c| c.expression())
                .map(|(e, _)| e.to_string())
                .unwrap_or_default();
            let col = f.column.map(|c| column(c, lang)).unwrap_or("");
            match template {
                Some(t) if zh => format!("{}（{col}）", fill(t, values)),
                Some(t) => format!("{} ({col})", fill(t, values)),
                None => format!(
                    "{expr}: {}",
                    values
                        .iter()
                        .map(|(c, v)| format!("{c}={}", n(v)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        }
        Kind::CheckNotEvaluable { check, error } => {
            let id = config.checks.get(*check).map(|c| c.id()).unwrap_or("?");
            // polars explains itself at length (a plan of the query): its first line says it.
            let first = error.lines().next().unwrap_or_default();
            let error = if first.chars().count() > 160 || error.lines().nth(1).is_some() {
                format!("{}…", first.chars().take(160).collect::<String>())
            } else {
                first.to_string()
            };
            if zh {
                format!("审核规则 {id} 无法计算（不视为通过）：{error}")
            } else {
                format!("check {id} could not be evaluated (not counted as passed): {error}")
            }
        }
        Kind::Skipped(why) => match why {
            Skip::OwnerFile => lang.t(
                "Excel/WPS 打开文件时生成的临时文件，已跳过",
                "an Excel/WPS owner (lock) file, skipped",
            ),
            Skip::Hidden => lang.t("隐藏文件，已跳过", "a hidden file, skipped"),
            Skip::SystemFile => lang.t("系统文件，已跳过", "a system file, skipped"),
            Skip::NotSpreadsheet => lang.t("不是表格文件，已跳过", "not a spreadsheet, skipped"),
            Skip::OwnOutput => lang.t(
                "huizong 自己的输出（汇总表、运行报告 JSON 或审核说明待填表），不作为报表读取；待填表填好后请另存为 审核说明.csv",
                "an output of huizong (county workbook, JSON run report or explanations to fill in), not read as a return; save a filled-in sheet as explanations.csv",
            ),
            Skip::NotRegular => lang.t(
                "不是普通文件（文件夹、链接等），已跳过",
                "not a regular file (folder, link…), skipped",
            ),
        }
        .to_string(),
        Kind::Unreadable(u) => unreadable::unreadable(u, lang),
        Kind::NoFormSheet => lang
            .t(
                "未找到报表（没有含“指标名称”“本月数”表头的工作表）",
                "no sheet of the form found (no header with 指标名称 and 本月数)",
            )
            .to_string(),
        Kind::IndicatorNotFound => {
            let name = f
                .code
                .as_deref()
                .and_then(|c| config.indicator(c))
                .map(|i| i.name.clone())
                .unwrap_or_default();
            if zh {
                format!("报表中找不到指标“{name}”；按缺报处理")
            } else {
                format!("indicator \"{name}\" not found in the return; treated as missing")
            }
        }
        Kind::IndicatorFuzzy { typed } => {
            let name = f
                .code
                .as_deref()
                .and_then(|c| config.indicator(c))
                .map(|i| i.name.clone())
                .unwrap_or_default();
            if zh {
                format!("指标名称“{typed}”按近似匹配为“{name}”")
            } else {
                format!("indicator name \"{typed}\" matched approximately to \"{name}\"")
            }
        }
        Kind::UnknownRow { typed } => {
            if zh {
                format!("表中“{typed}”一行不是本表指标（或重复），未读取")
            } else {
                format!("row \"{typed}\" is not an indicator of the form (or a repeat); not read")
            }
        }
        Kind::TotalRow => lang
            .t(
                "合计行，不是指标，未读取",
                "a total row, not an indicator; not read",
            )
            .to_string(),
        Kind::SheetNotUsed {
            period,
            hidden,
            used,
        } => {
            let p = period
                .map(|p| p.to_string())
                .unwrap_or_else(|| lang.t("未知", "unknown").to_string());
            let h = if *hidden {
                lang.t("（隐藏）", " (hidden)")
            } else {
                ""
            };
            if zh {
                format!("工作表{h}也含本表指标（报告期 {p}），未使用；使用的是 {used}")
            } else {
                format!(
                    "this sheet{h} also holds the form (period {p}) and was not used; used: {}",
                    used.replace('、', ", ")
                )
            }
        }
        Kind::TownshipFuzzy { typed, matched } => {
            if zh {
                format!("填报单位“{typed}”不在名册中，按近似匹配为“{matched}”，请核实")
            } else {
                format!(
                    "unit \"{typed}\" is not on the roster; matched approximately to \"{matched}\""
                )
            }
        }
        Kind::TownshipNotOnRoster { typed } => {
            if zh {
                format!("填报单位“{typed}”不在乡镇名册中；该报表未计入")
            } else {
                format!("unit \"{typed}\" is not on the roster; the return is not counted")
            }
        }
        Kind::TownshipUnknown => lang
            .t(
                "无法确定填报单位（表内与文件名均未找到）；该报表未计入",
                "the township cannot be told (neither sheet nor file name); not counted",
            )
            .to_string(),
        Kind::PeriodUnknown => lang
            .t("无法确定报告期", "the period cannot be told")
            .to_string(),
        Kind::FileNameTownship { in_name, in_sheet } => {
            if zh {
                format!("文件名写的是“{in_name}”，表内填报单位是“{in_sheet}”；以表内为准")
            } else {
                format!(
                    "the file name says \"{in_name}\", the sheet \"{in_sheet}\"; the sheet wins"
                )
            }
        }
        Kind::FileNamePeriod { in_name, in_sheet } => {
            if zh {
                format!("文件名写的是 {in_name}，表内报告期是 {in_sheet}；以表内为准")
            } else {
                format!("the file name says {in_name}, the sheet {in_sheet}; the sheet wins")
            }
        }
        Kind::TownshipFromFileName => lang
            .t(
                "表内没有填报单位，按文件名确定",
                "no unit in the sheet; taken from the file name",
            )
            .to_string(),
        Kind::PeriodFromFileName => lang
            .t(
                "表内没有报告期，按文件名确定",
                "no period in the sheet; taken from the file name",
            )
            .to_string(),
        Kind::SheetsDisagree { what } => {
            let what = match what {
                Disagreement::Periods(periods) => format!(
                    "{} {}",
                    lang.t("报告期", "reporting period"),
                    periods
                        .iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join(" / ")
                ),
                Disagreement::Townships { used, other } => format!(
                    "{} {used} / {other}",
                    lang.t("填报单位", "reporting unit")
                ),
            };
            if zh {
                format!("同一工作簿的工作表不一致：{what}")
            } else {
                format!("the sheets of the workbook disagree: {what}")
            }
        }
        Kind::WrongPeriod { period, run } => {
            if zh {
                format!("报告期为 {period}，不是本次汇总的 {run}；未计入")
            } else {
                format!("the period is {period}, not the run's {run}; not counted")
            }
        }
        Kind::Superseded { winner, diffs, .. } => {
            let d: Vec<String> = diffs
                .iter()
                .take(8)
                .map(|d| {
                    format!(
                        "{} {}: {} → {}",
                        d.code,
                        column(d.column, lang),
                        d.superseded.map(|v| n(&v)).unwrap_or("—".into()),
                        d.winner.map(|v| n(&v)).unwrap_or("—".into())
                    )
                })
                .collect();
            let more = if diffs.len() > 8 {
                format!(" …(+{})", diffs.len() - 8)
            } else {
                String::new()
            };
            if zh {
                format!("同一乡镇的另一份报表“{winner}”填报日期更晚，以其为准；不同之处 {} 项：{}{more}", diffs.len(), d.join("；"))
            } else {
                format!(
                    "superseded by \"{winner}\" (filed later); {} values differ: {}{more}",
                    diffs.len(),
                    d.join("; ")
                )
            }
        }
        Kind::FeedbackWorkbook { township } => {
            if zh {
                format!("{township}的退回修改通知（反馈表），不是报表，未汇总")
            } else {
                format!("the feedback workbook sent to {township}, not a return; not counted")
            }
        }
        Kind::PeriodYearAssumed { period } => {
            if zh {
                format!("报告期只写了月份，按本次汇总的年份读作 {period}")
            } else {
                format!("the period gives a month without a year; read as {period}")
            }
        }
        Kind::TemplateTownship { typed, marked } => {
            if zh {
                format!("报表由“{marked}”的模板填写，填报单位却写作“{typed}”；按模板计入{marked}，请核实")
            } else {
                format!("made from the template for \"{marked}\" but the unit reads \"{typed}\"; counted for {marked}")
            }
        }
        Kind::Missing => lang.t("本期未报送", "no return this period").to_string(),
        Kind::NoFilingDate => lang.t("未找到填报日期", "no filing date found").to_string(),
        Kind::YtdColumnMissing => lang
            .t(
                "表中没有“本年累计”列；累计数按缺报处理",
                "the table has no 本年累计 column; year-to-date figures are missing",
            )
            .to_string(),
        Kind::ExplanationUnused {
            township,
            rule,
            code,
        } => {
            let code = code.as_deref().unwrap_or("");
            if zh {
                format!("审核说明（{township} {rule} {code}）没有对应的本期异常：请核对乡镇、规则和指标，或该异常已更正")
            } else {
                format!("the explanation for {township} {rule} {code} matches no finding of this period: check the township, rule and indicator, or the finding was corrected")
            }
        }
        Kind::FeedbackEdited { township, was, now } => {
            let was = if was.is_empty() { "（空）" } else { was.as_str() };
            if zh {
                format!("{township}的退回修改通知里此格由“{was}”改成了“{now}”：在反馈表上的修改不会被汇总")
            } else {
                format!("this cell of the feedback workbook sent to {township} was changed from “{was}” to “{now}”: changes made in a feedback workbook are not counted")
            }
        }
        Kind::FiledFromFileTime { modified } => {
            if zh {
                format!("表内没有填报日期，按文件修改日期 {modified} 判断是否按时报送")
            } else {
                format!("no filing date in the sheet; timeliness judged by the file's modification date {modified}")
            }
        }
        Kind::ExtensionMismatch { ext, actual } => {
            if zh {
                format!("扩展名 .{ext} 与内容（{actual}）不符，按内容读取")
            } else {
                format!("extension .{ext} but the content is {actual}; read as {actual}")
            }
        }
    }
}

/// The indicator a finding is about, as people know it: `C01 活产数` (`C01 Live births` in
/// English, the code alone where the form gives no English name).
pub fn indicator(f: &Finding, config: &Config, lang: Lang) -> Option<String> {
    let code = f.code.as_deref().or(match &f.kind {
        Kind::Check { values, .. } => values.first().map(|(c, _)| c.as_str()),
        _ => None,
    })?;
    let ind = config.indicator(code)?;
    let name = match lang {
        Lang::Zh => Some(ind.name.as_str()),
        Lang::En => ind.name_en.as_deref(),
    };
    Some(match name {
        Some(n) => format!("{code} {n}"),
        None => code.to_string(),
    })
}

/// One greppable line: `file:sheet!cell: RULE 严重程度 [乡镇] 指标: message`.
pub fn line(f: &Finding, config: &Config, lang: Lang) -> String {
    let place = if f.at.file.is_empty() {
        f.township.clone().unwrap_or_default()
    } else {
        f.at.to_string()
    };
    let who = match (&f.township, f.at.file.is_empty()) {
        (Some(t), false) => format!(" [{t}]"),
        _ => String::new(),
    };
    let what = indicator(f, config, lang)
        .map(|i| format!(" {i}"))
        .unwrap_or_default();
    // A finding of the whole run (a rule not evaluable) has no place to name.
    let place = if place.is_empty() {
        String::new()
    } else {
        format!("{place}: ")
    };
    format!(
        "{place}{} {}{who}{what}: {}",
        f.rule,
        severity(f.severity, lang),
        message(f, config, lang)
    )
}
