//! What each rule checks and why, for `huizong explain RULE`: the configured checks from the
//! configuration (expression, columns, severity, message), the built-in rules and the file and
//! value notes from the table below. Words only; no IO.

use crate::config::{Builtin, Columns, Config};
use crate::render::Lang;

/// (id, severity, what it checks, why) in Chinese and English, for the rules not in the config.
const BUILT_IN: &[(&str, &str, &str, &str, &str)] = &[
    ("R10", "error", "流量指标的本年累计不得小于本月数（未配置 R11 时，还查1月的本年累计应等于本月数）。", "A flow's year-to-date figure is never below the month's (and, where R11 is not configured, in January the two are equal).", "本年累计是1月至本月之和，小于本月数只可能是填反或漏填。/ A year-to-date total below the month is two columns swapped or a slip."),
    ("R11", "error", "流量指标的本年累计应等于上月报送的本年累计加本月数；1月等于本月数。需要历史库中上月的数据，没有时报告“无法评估”。", "A flow's year to date equals last month's year to date plus this month (in January, this month). Needs last month in the history store; without it the rule is reported as not evaluable.", "累计数断档说明某月漏报、重报或改了上月数而没告诉县里。/ A break in the running total means a month was missed, counted twice, or changed without notice."),
    ("R12", "warning", "时点指标（在管人数、床位等）较上月变动超过配置的比例（默认 20%）。", "A stock (people under management, beds…) moved by more than its configured share (20% by default) from last month.", "存量指标逐月变化缓慢，突变多为录入错误或口径变化，须核实说明。/ Stocks move slowly; a jump is usually a typo or a change of definition, to be explained."),
    ("R15", "warning", "离群值：与同期其他乡镇比较用漏斗图控制限（计数按常住人口取泊松分布、比例取二项分布，计入乡镇间差异），超出 99.8% 控制限的报出；与本乡镇前 12 个月（至少 6 个月）比较时，时点数按稳定变动趋势、流量按中位数，小计数按计数的随机波动，不因正常波动报出；金额类按常住人口折算的修正 z 分数 ≥ 3.5。罕见事件（死亡）由 R09 处理。", "Outliers: against the other townships by funnel limits (counts per head as Poisson, shares as binomial, allowing for real differences between townships), flagged beyond the 99.8% limits; against the township's previous 12 months (at least 6), a stock by its steady change and a flow by its median, small counts by their chance variation, never for ordinary movement; amounts by the modified z-score per head (≥ 3.5). Rare events (deaths) go through R09.", "多打一个 0、填错单位、填成累计数，在合计里看不出来，在分布里一眼可见；而小乡镇的小计数本来就波动大，按人均直接比会误报。/ A digit too many, a wrong unit or a cumulative figure in the month column hides in a total but stands out in a distribution; small townships' small counts vary widely by chance, and comparing them per head alone raises false alarms."),
    ("R13", "error", "数值无效：负数、人数带小数、计数栏填百分数、非数字文字、没有保存结果的公式、错误值（#DIV/0! 等）。", "Invalid values: negatives, fractions in head-counts, percentages in counts, text, formulas without a stored result, error values.", "这些值无法计入合计，不更正会使全县数字偏小。/ They cannot be summed; left as they are, the county figure is too low."),
    ("R14", "error", "必填单元格为空。没有发生的须填 0。", "A required cell left blank; 0 must be written as 0.", "空白是缺报，不是 0：无法区分“没有”和“没填”。/ A blank is missing, not zero."),
    ("N01", "note", "数字以文本形式填写，已按数字读取。", "A number typed as text, read as a number.", "记录读法，供核对。/ Recorded so the reading can be checked."),
    ("N02", "note", "全角数字（１２３），已按半角读取。", "Full-width digits, read as ordinary digits.", "记录读法。/ Recorded."),
    ("N03", "note", "带千分位分隔符（1,234），已去掉分隔符读取。", "Thousands separators removed.", "记录读法。/ Recorded."),
    ("N04", "note", "数字后带单位（12人），已去掉单位读取。", "A unit after the number, removed.", "记录读法。/ Recorded."),
    ("N05", "notice", "带“万”字（1.2万），已乘以 10000；单位已是万元的单元格写“万”会报 R13。", "A 万 multiplier applied (×10,000); in a 万元 cell it is R13 instead.", "“万”改变数量级，须让填报人知道。/ 万 changes the order of magnitude."),
    ("N06", "notice", "以“—”“/”“无”代替 0，已读作 0。", "A dash, slash or 无 typed for zero, read as 0.", "按惯例读作 0，但应直接填 0。/ Read as 0 by custom; 0 should be typed."),
    ("N08", "note", "配置中声明为特殊含义的值（如 -2 表示未开展），不是数量，不计入合计。", "A value the form declares as a state (e.g. -2 for 未开展): not an amount, not summed.", "把“未开展”当作负数或 0 计入都会歪曲合计。/ Summing a state as a number distorts the total."),
    ("N07", "note", "公式，取其保存的结果。", "A formula; its stored result counts.", "记录读法。/ Recorded."),
];

fn builtin_row(
    id: &str,
) -> Option<&'static (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
)> {
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
                    .map(|r| if zh { r.2 } else { r.3 }.to_string())
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
            check.severity.key(),
            what,
            lang.t("栏目", "columns"),
            lang.t("提示语", "message"),
            message.unwrap_or_default()
        ));
    }
    if let Some(r) = builtin_row(id) {
        if out.is_empty() {
            out.push(format!("{} ({})  {}", r.0, r.1, if zh { r.2 } else { r.3 }));
        }
        // The reason is written `中文 / English`.
        let mut why = r.4.split(" / ");
        let (why_zh, why_en) = (why.next().unwrap_or(""), why.next().unwrap_or(""));
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
}
