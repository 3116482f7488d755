//! The `提示：`/`hint:` line of `huizong check` and the 处理要求 of feedback: what to do about a finding,
//! where a short hint helps. Words only.

use crate::config::Config;
use crate::findings::Finding;
use crate::findings::Kind;
use crate::locate::format_number;

use super::Lang;

/// What a township can do about a finding (the 处理要求 of its feedback workbook): the
/// county's advice where the township can follow it, else what the township itself can do
/// (it cannot edit the county's configuration).
pub fn township_hint(f: &Finding, config: &Config, lang: Lang) -> Option<String> {
    let zh = lang == Lang::Zh;
    Some(match &f.kind {
        Kind::TownshipFuzzy { matched, .. } => {
            if zh {
                format!("请在“填报单位”处填写县名册上的本单位名称“{matched}”")
            } else {
                format!("write the unit's name as the county's roster has it, \"{matched}\", in the reporting-unit field")
            }
        }
        Kind::TownshipNotOnRoster { .. } | Kind::TownshipUnknown => lang
            .t(
                "请在“填报单位”处填写县名册上的本单位名称",
                "write the unit's name as the county's roster has it in the reporting-unit field",
            )
            .into(),
        _ => return hint(f, config, lang),
    })
}

/// What to do about a finding, where a short hint helps (the `hint:` line of `check`).
pub fn hint(f: &Finding, config: &Config, lang: Lang) -> Option<String> {
    let zh = lang == Lang::Zh;
    Some(match &f.kind {
        Kind::Check { check, values } => {
            let (expr, must_hold) = config.checks.get(*check)?.expression()?;
            let mut expr = expr.to_string();
            let mut with_values = expr.clone();
            for (code, v) in values {
                // A rate is computed: shown to two decimals, as in the message.
                let shown = if (v * 100.0).fract().abs() > 1e-9 {
                    format!("{v:.2}")
                } else {
                    format_number(*v)
                };
                with_values = with_values.replace(code.as_str(), &shown);
            }
            // In English a rate is named by its English name (`Bed occupancy <= 105`).
            if !zh {
                for r in &config.rates {
                    if let Some(en) = &r.name_en {
                        expr = expr.replace(r.name.get_ref().as_str(), en);
                    }
                }
            }
            let expr = expr.as_str();
            match (must_hold, zh) {
                (true, true) => format!("应满足 {expr}，本表为 {with_values}"),
                (true, false) => format!("{expr} must hold; here {with_values}"),
                (false, true) => format!("{expr} 时须核实并说明，本表为 {with_values}"),
                (false, false) => format!("{expr} is always reviewed; here {with_values}"),
            }
        }
        Kind::Invalid(_) => lang
            .t("请填写数字（不带单位、百分号或公式），没有发生的填 0", "type a plain number (no unit, percent sign or formula); 0 where nothing happened")
            .into(),
        Kind::Blank => lang.t("没有发生的也要填 0", "write 0 where nothing happened").into(),
        Kind::YtdBelowMonth { .. } | Kind::JanuaryYtd { .. } => lang
            .t("本年累计 = 上月本年累计 + 本月数；请核对两栏是否填反", "year to date = last month's year to date + this month; check the two columns are not swapped")
            .into(),
        Kind::TownshipFuzzy { matched, .. } => if zh {
            format!("如“{matched}”已更名，请把新名称加入配置中该乡镇的 aliases")
        } else {
            format!("if \"{matched}\" was renamed, add the new name to its aliases in the configuration")
        },
        Kind::TownshipNotOnRoster { .. } => lang
            .t("请核对填报单位名称，或在配置的乡镇名册中加入", "check the unit's name, or add it to the roster in the configuration")
            .into(),
        Kind::WrongPeriod { run, .. } => if zh { format!("请报送 {run} 的报表") } else { format!("send the return for {run}") },
        Kind::FeedbackEdited { township, .. } => if zh {
            format!("请{township}在原报表文件上更正（可照反馈表标出的单元格改），另存后重新报送；反馈表只用来填写“说明”")
        } else {
            format!("ask {township} to correct its return file itself (the feedback marks the cells) and send it again; a feedback workbook carries explanations only")
        },
        Kind::FeedbackWorkbook { .. } => lang
            .t("这是县里发回的退回修改通知；请审核乡镇改好后重新报送的报表", "this is the county's feedback workbook; check the corrected return the township sends back")
            .into(),
        Kind::Skipped(crate::findings::Skip::NotSpreadsheet)
        | Kind::Unreadable(crate::findings::Unreadable::NotSpreadsheet(_)) => lang
            .t("请给出报表文件（.xlsx、.xls、.et、.ods…）", "give a returned workbook (.xlsx, .xls, .et, .ods…)")
            .into(),
        Kind::Unreadable(u) if super::unreadable::hint(u, lang).is_some() => {
            // Checked just above: a reason that has no hint of its own falls through.
            super::unreadable::hint(u, lang).unwrap_or_default().into()
        }
        Kind::NoFormSheet => lang
            .t("请使用统一下发的报表模板填报", "fill in the form's template")
            .into(),
        _ => return super::months::hint(f, lang),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;

    fn config() -> Config {
        Config::default_with("安平县", &["东岭乡", "白沙乡"]).expect("default form")
    }

    /// A township cannot edit the county's configuration: its advice never asks it to.
    #[test]
    fn a_townships_advice_is_something_it_can_do() {
        let config = config();
        let fuzzy = Finding::new(
            Kind::TownshipFuzzy {
                typed: "东领乡".into(),
                matched: "东岭乡".into(),
            },
            Location::file("东领乡10月.xlsx"),
        );
        let unknown = Finding::new(Kind::TownshipUnknown, Location::file("月报.xlsx"));
        assert_eq!(
            township_hint(&fuzzy, &config, Lang::Zh).as_deref(),
            Some("请在“填报单位”处填写县名册上的本单位名称“东岭乡”")
        );
        assert_eq!(
            township_hint(&fuzzy, &config, Lang::En).as_deref(),
            Some("write the unit's name as the county's roster has it, \"东岭乡\", in the reporting-unit field")
        );
        for f in [&fuzzy, &unknown] {
            for lang in [Lang::Zh, Lang::En] {
                let advice = township_hint(f, &config, lang).expect("advice");
                for county_only in ["配置", "aliases", "configuration", "名册中加入"] {
                    assert!(!advice.contains(county_only), "{advice}");
                }
            }
        }
        // The county's own hint (`huizong check`) still says how to fix the configuration.
        let county = hint(&fuzzy, &config, Lang::Zh).expect("hint");
        assert!(county.contains("aliases"), "{county}");
    }
}
