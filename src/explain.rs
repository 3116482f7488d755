//! What each rule checks and why, for `huizong explain RULE`: the configured checks from the
//! configuration (expression, columns, severity, message), the built-in rules and the file and
//! value notes from the table below. Words only; no IO.

use crate::config::{Builtin, Columns, Config};
use crate::render::Lang;

/// (id, what it checks in Chinese, in English, why `中文 / English`) for the rules not in the
/// configuration. Which ids exist, and their severities, come from `findings::rule_ids` (the
/// findings' own table); a test keeps every id explained.
const BUILT_IN: &[(&str, &str, &str, &str)] = &[
    ("R10", "流量指标的本年累计不得小于本月数（未配置 R11 时，还查1月的本年累计应等于本月数）。", "A flow's year-to-date figure is never below the month's (and, where R11 is not configured, in January the two are equal).", "本年累计是1月至本月之和，小于本月数只可能是填反或漏填。/ A year-to-date total below the month is two columns swapped or a slip."),
    ("R11", "流量指标的本年累计应等于上月报送的本年累计加本月数；1月等于本月数。需要历史库中上月的数据，没有时报告“无法评估”。", "A flow's year to date equals last month's year to date plus this month (in January, this month). Needs last month in the history store; without it the rule is reported as not evaluable.", "累计数断档说明某月漏报、重报或改了上月数而没告诉县里。/ A break in the running total means a month was missed, counted twice, or changed without notice."),
    ("R12", "时点指标（在管人数、床位等）较上月变动超过配置的比例（默认 20%）。", "A stock (people under management, beds…) moved by more than its configured share (20% by default) from last month.", "存量指标逐月变化缓慢，突变多为录入错误或口径变化，须核实说明。/ Stocks move slowly; a jump is usually a typo or a change of definition, to be explained."),
    ("R15", "离群值：与同期其他乡镇比较用漏斗图控制限（计数按常住人口取泊松分布、比例取二项分布，计入乡镇间差异）；与本乡镇前 12 个月（至少 6 个月）比较时，时点数按稳定变动趋势，计数按其随机波动（比例取二项分布，流量计入全县各乡镇逐月的正常起伏），不因正常波动报出；金额类按人均值的对数与其他乡镇比较（修正 z 分数 ≥ 3.5）。超出一方 99.8% 控制限、另一方同向偏离的才报出（超出本乡镇历史的严重偏离单独报出）。罕见事件（死亡）由 R09 处理。", "Outliers: against the other townships by funnel limits (counts per head as Poisson, shares as binomial, allowing for real differences between townships); against the township's previous 12 months (at least 6), a stock by its steady change, counts by their chance variation (shares as binomial, flows with the month-to-month movement the county's townships show), never for ordinary movement; amounts against their peers by the modified z-score of the log per head (≥ 3.5). A value is flagged beyond the 99.8% limits of one comparison when the other leans the same way (strongly beyond its own months' limits, alone). Rare events (deaths) go through R09.", "多打一个 0、填错单位、填成累计数，在合计里看不出来，在分布里一眼可见；而小乡镇的小计数本来就波动大，按人均直接比会误报。/ A digit too many, a wrong unit or a cumulative figure in the month column hides in a total but stands out in a distribution; small townships' small counts vary widely by chance, and comparing them per head alone raises false alarms."),
    ("R13", "数值无效：负数、人数带小数、计数栏填百分数、非数字文字、没有保存结果的公式、错误值（#DIV/0! 等）。", "Invalid values: negatives, fractions in head-counts, percentages in counts, text, formulas without a stored result, error values.", "这些值无法计入合计，不更正会使全县数字偏小。/ They cannot be summed; left as they are, the county figure is too low."),
    ("R14", "必填单元格为空。没有发生的须填 0。", "A required cell left blank; 0 must be written as 0.", "空白是缺报，不是 0：无法区分“没有”和“没填”。/ A blank is missing, not zero."),
    ("F01", "文件夹中不是报表的文件（Excel/WPS 临时文件、隐藏文件、系统文件、非表格文件、文件夹或链接），已跳过并列出。", "A file of the folder that is not a return (owner file, hidden or system file, not a spreadsheet, folder or link): skipped and listed.", "跳过的文件也要列出，以免漏掉报错了格式的报表。/ Skipped files are listed so that a return saved in an odd format is not lost."),
    ("F02", "文件无法读取：空文件、损坏、加密、超过大小限制或不是表格。", "The file cannot be read: empty, damaged, encrypted, over a cap or not a spreadsheet.", "该乡镇按未报送处理，须重新报送。/ The township counts as not returned until it sends a readable file."),
    ("F03", "工作簿中没有找到本表（没有含“指标名称”“本月数”表头的工作表）。", "No sheet of the form in the workbook (no header with 指标名称 and 本月数).", "多半用错了模板或报错了文件。/ Usually the wrong template or the wrong file."),
    ("F04", "报表中找不到某个指标，按缺报处理。", "An indicator of the form is not in the return; treated as missing.", "删行或改名会使合计少算。/ A deleted or renamed row leaves the total short."),
    ("F05", "指标名称只是近似匹配。", "An indicator's name matched only approximately.", "请核对该行确是该指标。/ Check the row is that indicator."),
    ("F06", "表头下有一行不是本表指标（或重复）却有数字，未读取。", "A row under the header that is no indicator of the form (or a repeat) holds numbers; not read.", "多出的行里的数字不会计入，须确认没有放错行。/ Its numbers are not counted: check nothing was typed on the wrong row."),
    ("F07", "合计行，不是指标，未读取。", "A total row, not an indicator; not read.", "合计由县里重新计算。/ The county recomputes totals."),
    ("F08", "另一张工作表也含本表指标，未使用。", "Another sheet also holds the form and was not used.", "说明用的是哪一张，以免用错月份的副本。/ Says which copy was used, so the wrong month's copy is not."),
    ("F09", "填报单位不在名册中，按近似匹配确定乡镇。", "The unit is not on the roster; matched approximately to a township.", "请县里核实；乡镇更名的，在配置的 aliases 中加入新名称。/ The county checks; a renamed township gets its new name in the configuration's aliases."),
    ("F10", "填报单位不在乡镇名册中，该报表未计入。", "The unit is not on the roster; the return is not counted.", "名册外的单位不能计入全县合计。/ A unit off the roster cannot count in the county's total."),
    ("F11", "表内和文件名都看不出是哪个乡镇，未计入。", "Neither the sheet nor the file name tells the township; not counted.", "请填写“填报单位”。/ Fill in 填报单位."),
    ("F12", "表内和文件名都看不出报告期。", "Neither the sheet nor the file name tells the period.", "请填写“报告期”。/ Fill in 报告期."),
    ("F13", "文件名中的乡镇与表内填报单位不同，以表内为准。", "The file name names another township than the sheet; the sheet wins.", "可能报错了文件。/ Possibly the wrong file was sent."),
    ("F14", "文件名中的月份与表内报告期不同，以表内为准。", "The file name gives another period than the sheet; the sheet wins.", "可能报错了月份。/ Possibly the wrong month was sent."),
    ("F15", "表内没有填报单位，按文件名确定。", "No unit in the sheet; taken from the file name.", "请在表内填写填报单位。/ Fill in 填报单位 in the sheet."),
    ("F16", "表内没有报告期，按文件名确定。", "No period in the sheet; taken from the file name.", "请在表内填写报告期。/ Fill in 报告期 in the sheet."),
    ("F17", "同一工作簿的工作表给出不同的乡镇或报告期。", "The sheets of one workbook give different townships or periods.", "无法确定报表属于谁、哪个月。/ Whose return, and which month, cannot be told."),
    ("F18", "报告期不是本次汇总的月份，未计入。", "The return is for another period than the run's; not counted.", "请报送本月的报表。/ Send this month's return."),
    ("F19", "同一乡镇报了两份，填报日期较早的一份不计入，并列出两份的不同之处。", "A township sent two returns; the earlier-filed one is not counted, and what differs is listed.", "只能计入一份，且须看得出改了什么。/ Only one counts, and what changed must be visible."),
    ("F20", "名册中的乡镇本期没有报送。", "A roster township sent no return this period.", "全县合计缺这一乡镇，须催报。/ The county total lacks this township."),
    ("F21", "没有找到填报日期。", "No filing date found.", "无法判断是否按时报送。/ Timeliness cannot be judged."),
    ("F22", "表中没有“本年累计”列，累计数按缺报处理。", "The table has no 本年累计 (year to date) column; year-to-date figures are missing.", "全县累计会少算。/ The county's year-to-date total falls short."),
    ("F23", "扩展名与内容不符（如 HTML 存成 .xls），按内容读取。", "The extension says another format than the content (HTML saved as .xls…); read by content.", "记录读法，供核对。/ Recorded so the reading can be checked."),
    ("F24", "配置的审核规则无法计算，不视为通过。", "A configured check could not be evaluated; not counted as passed.", "未能审核的不能当作审核通过。/ What was not checked has not passed."),
    ("F25", "县里发出的退回修改通知被放回了报表文件夹，不是报表，未汇总。", "A feedback workbook the county sent out, dropped back among the returns: not a return, not counted.", "反馈表中的说明会被读取，数字不计入。/ Its explanations are read; its figures are not counted."),
    ("F26", "报告期只写了月份，按本次汇总的年份读取。", "The period gives a month without a year; the run's year is taken.", "记录读法，供核对。/ Recorded so the reading can be checked."),
    ("F27", "报表由某乡镇的模板填写，填报单位却写作另一名称；按模板计入。", "Made from one township's template but the unit reads otherwise; counted for the template's township.", "请核实是否用了别的乡镇的模板。/ Check another township's template was not used."),
    ("F28", "表内没有填报日期，按文件修改日期判断是否按时报送。", "No filing date in the sheet; timeliness judged by the file's modification date.", "文件时间可能因复制而改变，仅供参考。/ A file's time changes when it is copied; indicative only."),
    ("F29", "审核说明没有对应的本期异常（乡镇、规则或指标写错，或异常已更正）。", "An explanation that matches no finding of this period (a typo in township, rule or indicator, or the finding was corrected).", "说明不会被悄悄丢弃。/ An explanation is never dropped silently."),
    ("F30", "退回修改通知的报表页里有单元格被改过：反馈表不作为报表读取，改动未计入。", "A cell of a feedback workbook's copied sheets was changed: the feedback is not read as a return, so the change is not counted.", "请在原报表上更正后重新报送。/ Correct the return itself and send it again."),
    ("N01", "数字以文本形式填写，已按数字读取。", "A number typed as text, read as a number.", "记录读法，供核对。/ Recorded so the reading can be checked."),
    ("N02", "全角数字（１２３），已按半角读取。", "Full-width digits, read as ordinary digits.", "记录读法。/ Recorded."),
    ("N03", "带千分位分隔符（1,234），已去掉分隔符读取。", "Thousands separators removed.", "记录读法。/ Recorded."),
    ("N04", "数字后带单位（12人），已去掉单位读取。", "A unit after the number, removed.", "记录读法。/ Recorded."),
    ("N05", "带“万”字（1.2万），已乘以 10000；单位已是万元的单元格写“万”会报 R13。", "A 万 multiplier applied (×10,000); in a 万元 cell it is R13 instead.", "“万”改变数量级，须让填报人知道。/ 万 changes the order of magnitude."),
    ("N06", "以“—”“/”“无”代替 0，已读作 0。", "A dash, slash or 无 typed for zero, read as 0.", "按惯例读作 0，但应直接填 0。/ Read as 0 by custom; 0 should be typed."),
    ("N08", "配置中声明为特殊含义的值（如 -2 表示未开展），不是数量，不计入合计。", "A value the form declares as a state (e.g. -2 for 未开展): not an amount, not summed.", "把“未开展”当作负数或 0 计入都会歪曲合计。/ Summing a state as a number distorts the total."),
    ("N07", "公式，取其保存的结果。", "A formula; its stored result counts.", "记录读法。/ Recorded."),
];

type Row = (&'static str, &'static str, &'static str, &'static str);

fn builtin_row(id: &str) -> Option<&'static Row> {
    BUILT_IN.iter().find(|r| r.0.eq_ignore_ascii_case(id))
}

/// The explanation of a rule, or None when no rule has that id.
pub fn explain(id: &str, config: &Config, lang: Lang) -> Option<String> {
    let zh = lang == Lang::Zh;
    let mut out = Vec::new();
    for check in config
        .checks
        .iter()
        .filter(|c| c.id().eq_ignore_ascii_case(id))
    {
        let columns = match check.columns {
            Columns::Month => lang.t("本月数", "month"),
            Columns::Ytd => lang.t("本年累计", "year to date"),
            Columns::Both => lang.t("本月数与本年累计", "month and year to date"),
        };
        let what = match (check.expression(), check.builtin) {
            (Some((e, true)), _) => format!("{}{e}", lang.t("须满足：", "must hold: ")),
            (Some((e, false)), _) => format!("{}{e}", lang.t("出现即报告：", "reported when: ")),
            (None, Some(b)) => {
                let key = match b {
                    Builtin::YtdConsistent => "R10",
                    Builtin::InvalidValue => "R13",
                    Builtin::RequiredBlank => "R14",
                    Builtin::CarriedForward => "R11",
                    Builtin::StockChange => "R12",
                    Builtin::Outlier => "R15",
                };
                builtin_row(key)
                    .map(|r| if zh { r.1 } else { r.2 }.to_string())
                    .unwrap_or_default()
            }
            _ => String::new(),
        };
        let message = if zh {
            check.message.clone()
        } else {
            check.message_en.clone().or(check.message.clone())
        };
        out.push(format!(
            "{} ({})  {}\n  {}: {columns}\n  {}: {}",
            check.id(),
            crate::render::severity(check.severity, lang),
            what,
            lang.t("栏目", "columns"),
            lang.t("提示语", "message"),
            message.unwrap_or_default()
        ));
    }
    let known = crate::findings::rule_ids()
        .into_iter()
        .find(|(rule, _)| rule.eq_ignore_ascii_case(id));
    if let (Some(r), Some((_, severity))) = (builtin_row(id), known) {
        if out.is_empty() {
            out.push(format!(
                "{} ({})  {}",
                r.0,
                crate::render::severity(severity, lang),
                if zh { r.1 } else { r.2 }
            ));
        }
        // The reason is written `中文 / English`.
        let (why_zh, why_en) = r.3.split_once("/ ").unwrap_or((r.3, r.3));
        let why_zh = why_zh.trim_end();
        out.push(format!(
            "  {}: {}",
            lang.t("为什么", "why"),
            lang.t(why_zh, why_en)
        ));
    } else if !out.is_empty() {
        out.push(format!(
            "  {}",
            lang.t(
                "来自配置文件的审核规则；强制性（error）须更正，核实性（warning）可附说明，警示（alert）每例须评审。",
                "A check of the configuration: errors must be corrected, warnings may stand with an explanation, alerts are always reviewed."
            )
        ));
    }
    (!out.is_empty()).then(|| out.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_configured_and_built_in_rules() {
        let c = Config::default_with("县", &[]).expect("config");
        let r01 = explain("R01", &c, Lang::Zh).expect("R01");
        assert!(r01.contains("C01 = C02 + C03"), "{r01}");
        let r02 = explain("r02", &c, Lang::En).expect("R02");
        assert_eq!(r02.matches("must hold").count(), 3, "{r02}");
        let r10 = explain("R10", &c, Lang::Zh).expect("R10");
        assert!(r10.contains("本年累计不得小于本月数"), "{r10}");
        let r11 = explain("R11", &c, Lang::Zh).expect("R11");
        assert!(r11.contains("上月报送的本年累计加本月数"), "{r11}");
        let r15 = explain("R15", &c, Lang::En).expect("R15");
        assert!(r15.contains("modified z-score"), "{r15}");
        assert!(explain("N05", &c, Lang::Zh).is_some());
        assert!(explain("X99", &c, Lang::Zh).is_none());
    }

    #[test]
    fn every_rule_the_tool_can_emit_is_explained() {
        let c = Config::default_with("县", &[]).expect("config");
        for (id, _) in crate::findings::rule_ids() {
            for lang in [Lang::Zh, Lang::En] {
                let text = explain(id, &c, lang).unwrap_or_else(|| panic!("{id} not explained"));
                assert!(text.contains(lang.t("为什么", "why")), "{id}: {text}");
            }
        }
        // Every row of the table is a rule the tool emits (no stale ids).
        for row in BUILT_IN {
            assert!(
                crate::findings::rule_ids()
                    .iter()
                    .any(|(id, _)| *id == row.0),
                "{} is not emitted",
                row.0
            );
        }
        assert_eq!(
            explain("F10", &c, Lang::Zh).expect("F10"),
            "F10 (错误)  填报单位不在乡镇名册中，该报表未计入。\n  为什么: 名册外的单位不能计入全县合计。"
        );
        assert_eq!(
            explain("F10", &c, Lang::En).expect("F10"),
            "F10 (error)  The unit is not on the roster; the return is not counted.\n  why: A unit off the roster cannot count in the county's total."
        );
    }
}
