//! Words for the findings of the rules that look beyond one return: R11 and R12 (last month),
//! R15 (outliers), rules that could not be evaluated, and sentinel values. Words only.

use crate::findings::Finding;
use crate::findings::{HistoryLaw, Kind, NotEvaluable, OutlierMethod, PeerModel};
use crate::locate::format_number;

use super::Lang;

fn n(v: f64) -> String {
    format_number(v)
}

fn z_text(z: f64) -> String {
    if z.is_finite() {
        format!("{z:.1}")
    } else {
        "∞".into()
    }
}

// long-function: one match arm per month-to-month Kind: each kind's words in one place
pub fn message(f: &Finding, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match &f.kind {
        Kind::CarriedForward {
            month,
            ytd,
            previous_ytd: Some(p),
        } => {
            let expected = n(p + month);
            if zh {
                format!(
                    "本年累计 {} ≠ 上月本年累计 {} + 本月数 {}（应为 {expected}）",
                    n(*ytd),
                    n(*p),
                    n(*month)
                )
            } else {
                format!(
                    "year to date {} ≠ last month's {} + this month {} (expected {expected})",
                    n(*ytd),
                    n(*p),
                    n(*month)
                )
            }
        }
        Kind::CarriedForward { month, ytd, .. } => {
            if zh {
                format!("1月本年累计 {} 应等于本月数 {}", n(*ytd), n(*month))
            } else {
                format!(
                    "in January the year to date {} must equal the month {}",
                    n(*ytd),
                    n(*month)
                )
            }
        }
        Kind::StockChange {
            value,
            previous,
            share,
        } => {
            let pct = (value - previous) / previous * 100.0;
            if zh {
                format!(
                    "时点数由上月 {} 变为 {}（{pct:+.1}%），超过 ±{:.0}%",
                    n(*previous),
                    n(*value),
                    share * 100.0
                )
            } else {
                format!(
                    "month-end count moved from {} to {} ({pct:+.1}%), more than ±{:.0}%",
                    n(*previous),
                    n(*value),
                    share * 100.0
                )
            }
        }
        Kind::Outlier {
            value,
            expected,
            low,
            high,
            level,
            z,
            strong,
            method,
        } => outlier(
            *value,
            *expected,
            (*low, *high),
            *level,
            *z,
            *strong,
            method,
            zh,
        ),
        Kind::NotEvaluable(why) => {
            let (zh_why, en_why) = match why {
                NotEvaluable::NoStore => (
                    "未指定历史库（--history），跨月规则不评估".to_string(),
                    "no history store given (--history): the cross-month rule is not evaluated".to_string(),
                ),
                NotEvaluable::NoPreviousMonth => (
                    "历史库中没有上月数据".to_string(),
                    "the history store has no figures for last month".to_string(),
                ),
                NotEvaluable::TownshipNotInPreviousMonth => (
                    "该乡镇上月没有汇总的报表".to_string(),
                    "the township had no counted return last month".to_string(),
                ),
                NotEvaluable::StoreUnreadable(e) => (format!("历史库文件无法读取：{e}"), format!("a history file cannot be read: {e}")),
                NotEvaluable::TooFewMonths { have, need } => (
                    format!("与本乡镇历史比较需至少 {need} 个月，历史库只有 {have} 个月"),
                    format!("comparing with the township's own history needs {need} months; the store has {have}"),
                ),
                NotEvaluable::TooFewPeers { have, need } => (
                    format!("与同期乡镇比较需至少 {need} 个乡镇，本次只有 {have} 个"),
                    format!("comparing with peers needs {need} townships; this run has {have}"),
                ),
            };
            if zh {
                format!("无法评估（不视为通过）：{zh_why}")
            } else {
                format!("not evaluable (not counted as passed): {en_why}")
            }
        }
        Kind::Sentinel { value, meaning } => {
            if zh {
                format!("{} 表示“{meaning}”，不计入合计", n(*value))
            } else {
                format!("{} stands for \"{meaning}\", not summed", n(*value))
            }
        }
        _ => String::new(),
    }
}

/// What to do about a finding of these rules.
pub fn hint(f: &Finding, lang: Lang) -> Option<String> {
    Some(match &f.kind {
        Kind::CarriedForward { .. } => lang
            .t("本年累计 = 上月报送的本年累计 + 本月数；如上月数有误，请一并更正", "year to date = last month's year to date + this month; if last month's was wrong, correct both")
            .into(),
        Kind::StockChange { .. } => lang
            .t("请核实变动原因（如建档清理、人员迁移），确有其事的请在说明栏写明", "check why it moved (records cleaned, people moved); if it is real, write the reason in the explanation column")
            .into(),
        Kind::Outlier { .. } => lang
            .t("请核对是否多打或少打一位、单位是否有误；确有其事的请写明原因", "check for a digit too many or too few, or a wrong unit; if it is real, write the reason")
            .into(),
        _ => return None,
    })
}

/// The state of an explanation, in a word or two.
pub fn review_state(s: crate::model::ReviewState, lang: Lang) -> &'static str {
    use crate::model::ReviewState::*;
    match s {
        Accepted => lang.t("已接受", "accepted"),
        Pending => lang.t("待审", "awaiting review"),
        SentBack => lang.t("已打回", "sent back"),
        Stale => lang.t("已过期（数值已变）", "stale (the values changed)"),
        StockPhrase => lang.t("套话，不予采纳", "a stock phrase, not accepted"),
        NotExplainable => lang.t(
            "强制性错误须更正，不能以说明了结",
            "an error must be corrected, not explained",
        ),
    }
}

/// `审核说明（已接受，王统计 2026-11-08）：…` / `explanation (accepted, 王统计 2026-11-08): …`
pub fn review(r: &crate::model::Review, lang: Lang) -> String {
    let mut state = vec![review_state(r.state, lang).to_string()];
    let who: Vec<&str> = [r.by.as_deref(), r.on.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if !who.is_empty() {
        state.push(who.join(" "));
    }
    match lang {
        Lang::Zh => format!("审核说明（{}）：{}", state.join("，"), r.text),
        Lang::En => format!("explanation ({}): {}", state.join(", "), r.text),
    }
}

/// A figure as a statistician reads it: one decimal under 100, whole above.
fn about(v: f64) -> String {
    if v.abs() < 100.0 {
        n((v * 10.0).round() / 10.0)
    } else {
        n(v.round())
    }
}

/// The law a township's own months judged a value by, in words.
fn history_law(law: HistoryLaw, zh: bool) -> &'static str {
    match (law, zh) {
        (HistoryLaw::Binomial, true) => "按所占比例，二项分布",
        (HistoryLaw::Poisson, true) => "按计数的随机波动，泊松分布",
        (HistoryLaw::CountyMovement, true) => "负二项分布，计入全县各乡镇逐月的正常起伏",
        (HistoryLaw::Dispersed, true) => "各月波动大于随机波动，控制限按其离散程度放宽",
        (HistoryLaw::OwnSpread, true) => "按各月自身的波动",
        (HistoryLaw::Binomial, false) => "as a proportion, binomial",
        (HistoryLaw::Poisson, false) => "by chance variation of a count, Poisson",
        (HistoryLaw::CountyMovement, false) => {
            "negative binomial, with the month-to-month movement of the county's townships"
        }
        (HistoryLaw::Dispersed, false) => {
            "its months scatter more than chance: limits widened by their dispersion"
        }
        (HistoryLaw::OwnSpread, false) => "by the months' own spread",
    }
}

/// R15 in words: the value, what was expected, the limits, the method and how unusual.
#[allow(clippy::too_many_arguments)] // one finding's fields, named rather than bundled
                                     // long-function: one sentence per outlier method (zh and en side by side), read top to bottom
fn outlier(
    value: f64,
    expected: f64,
    (low, high): (f64, f64),
    level: f64,
    z: f64,
    strong: bool,
    method: &OutlierMethod,
    zh: bool,
) -> String {
    let pct = format!("{}%", n((level * 1000.0).round() / 10.0));
    let (value, expected, range, z) = (
        n(value),
        about(expected),
        format!("{}–{}", about(low), about(high)),
        z_text(z),
    );
    let model = |m: &PeerModel| {
        match (m, zh) {
        (PeerModel::Poisson, true) => "按常住人口计的计数（泊松分布，已计入乡镇间差异）",
        (PeerModel::CountPer, true) => "按其基数指标计的计数（泊松分布，已计入乡镇间差异）",
        (PeerModel::Binomial, true) => "按所占比例（二项分布，已计入乡镇间差异）",
        (PeerModel::PerHead, true) => "按人均值的对数（修正 z 分数）",
        (PeerModel::Poisson, false) => "as a count per head of population (Poisson, allowing for differences between townships)",
        (PeerModel::CountPer, false) => "as a count per unit of its base indicator (Poisson, allowing for differences between townships)",
        (PeerModel::Binomial, false) => "as a proportion (binomial, allowing for differences between townships)",
        (PeerModel::PerHead, false) => "per head of population, on the log scale (modified z-score)",
    }
    };
    let against = match (method, zh) {
        (
            OutlierMethod::History {
                months,
                trend: true,
                ..
            },
            true,
        ) => format!("与本乡镇前 {months} 个月的变动趋势相比"),
        (
            OutlierMethod::History {
                months,
                trend: false,
                ..
            },
            true,
        ) => format!("与本乡镇前 {months} 个月相比"),
        (
            OutlierMethod::Peers {
                townships,
                model: m,
            },
            true,
        ) => format!("{}与同期 {townships} 个乡镇相比", model(m)),
        (
            OutlierMethod::PeersLastMonth {
                townships,
                model: m,
            },
            true,
        ) => format!("{}与上月 {townships} 个其他乡镇相比", model(m)),
        (
            OutlierMethod::History {
                months,
                trend: true,
                ..
            },
            false,
        ) => format!("against the trend of the township's previous {months} months"),
        (
            OutlierMethod::History {
                months,
                trend: false,
                ..
            },
            false,
        ) => format!("against the township's previous {months} months"),
        (
            OutlierMethod::Peers {
                townships,
                model: m,
            },
            false,
        ) => format!("against {townships} townships this month, {}", model(m)),
        (
            OutlierMethod::PeersLastMonth {
                townships,
                model: m,
            },
            false,
        ) => format!(
            "against {townships} other townships last month, {}",
            model(m)
        ),
    };
    let against = match method {
        OutlierMethod::History { season, law, .. } => {
            let mut notes = vec![history_law(*law, zh).to_string()];
            if let Some(s) = season {
                notes.push(if zh {
                    format!("按全县去年同月的季节系数 {s:.2} 调整")
                } else {
                    format!(
                        "adjusted by the county's seasonal factor of this month last year, {s:.2}"
                    )
                });
            }
            if zh {
                format!("{against}（{}）", notes.join("；"))
            } else {
                format!("{against} ({})", notes.join("; "))
            }
        }
        _ => against,
    };
    // Amounts by the modified z-score have an ordinary range, not limits of a distribution.
    let per_head = matches!(
        method,
        OutlierMethod::Peers {
            model: PeerModel::PerHead,
            ..
        } | OutlierMethod::PeersLastMonth {
            model: PeerModel::PerHead,
            ..
        }
    );
    match (zh, per_head) {
        (true, false) => {
            let how = if strong { "严重偏离" } else { "偏离" };
            format!("{value} {how}：{against}，预期 {expected}，{pct} 控制限 {range}，超出控制限（z = {z}）")
        }
        (true, true) => {
            let how = if strong { "严重偏离" } else { "偏离" };
            format!(
                "{value} {how}：{against}，预期 {expected}，常见范围 {range}（修正 z 分数 {z}）"
            )
        }
        (false, false) => {
            let how = if strong { "very far" } else { "far" };
            format!("{value} is {how} from what is expected {against}: expected {expected}, {pct} limits {range}, beyond them (z = {z})")
        }
        (false, true) => {
            let how = if strong { "very far" } else { "far" };
            format!("{value} is {how} from what is expected {against}: expected {expected}, ordinary range {range} (modified z {z})")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seasonal_expectation_says_its_law_and_its_factor() {
        let method = OutlierMethod::History {
            months: 12,
            trend: false,
            season: Some(1.15),
            law: HistoryLaw::CountyMovement,
        };
        let zh = outlier(52.0, 30.0, (18.0, 44.0), 0.998, 3.6, false, &method, true);
        assert_eq!(
            zh,
            "52 偏离：与本乡镇前 12 个月相比（负二项分布，计入全县各乡镇逐月的正常起伏；\
             按全县去年同月的季节系数 1.15 调整），预期 30，99.8% 控制限 18–44，超出控制限（z = 3.6）"
        );
        let en = outlier(52.0, 30.0, (18.0, 44.0), 0.998, 3.6, false, &method, false);
        assert!(
            en.contains(
                "against the township's previous 12 months (negative binomial, with the \
                 month-to-month movement of the county's townships; adjusted by the county's \
                 seasonal factor of this month last year, 1.15)"
            ),
            "{en}"
        );
        // Every law says itself, in both languages.
        for law in [
            HistoryLaw::Binomial,
            HistoryLaw::Poisson,
            HistoryLaw::CountyMovement,
            HistoryLaw::Dispersed,
            HistoryLaw::OwnSpread,
        ] {
            let m = OutlierMethod::History {
                months: 12,
                trend: false,
                season: None,
                law,
            };
            let zh = outlier(52.0, 30.0, (18.0, 44.0), 0.998, 3.6, false, &m, true);
            assert!(
                zh.contains(&format!("相比（{}）", history_law(law, true))),
                "{zh}"
            );
            let en = outlier(52.0, 30.0, (18.0, 44.0), 0.998, 3.6, false, &m, false);
            assert!(
                en.contains(&format!("months ({})", history_law(law, false))),
                "{en}"
            );
        }
    }

    /// A count judged over another indicator (screenings of live births) does not claim to be
    /// per head of population.
    #[test]
    fn a_count_over_its_base_is_not_said_per_head() {
        let method = OutlierMethod::Peers {
            townships: 13,
            model: PeerModel::CountPer,
        };
        let zh = outlier(2.0, 29.0, (15.0, 44.0), 0.998, -5.0, true, &method, true);
        assert!(
            zh.contains("按其基数指标计的计数") && !zh.contains("常住人口"),
            "{zh}"
        );
        let en = outlier(2.0, 29.0, (15.0, 44.0), 0.998, -5.0, true, &method, false);
        assert!(
            en.contains("its base indicator") && !en.contains("population"),
            "{en}"
        );
    }
}
