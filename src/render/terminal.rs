//! What the terminal shows of a run's findings: a line each (with the explanation and hint
//! under it), grouped per rule on large runs so that the summary stays in sight, and the
//! summary counts of every severity and rule. Words only; the commands print.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::findings::Finding;
use crate::model::Severity;

use super::Lang;

/// How the findings are listed.
#[derive(Debug, Clone, Copy)]
pub struct Listing<'a> {
    /// Every line, however many (`--all`).
    pub all: bool,
    /// A hint line under each finding that has one.
    pub hints: bool,
    /// Where the rest can be read (`汇总表“异常清单”`), when there is a workbook.
    pub see: Option<&'a str>,
}

/// Above this many findings, each rule shows its first [`PER_RULE`] lines and counts the rest.
pub const GROUP_ABOVE: usize = 60;
/// Lines shown of each rule on a large run.
pub const PER_RULE: usize = 5;

/// The lines for the findings, in their order (severity first); on a large run, grouped by
/// rule with the first few of each and the rest counted.
pub fn finding_lines(
    findings: &[&Finding],
    config: &Config,
    lang: Lang,
    how: Listing,
) -> Vec<String> {
    let mut out = Vec::new();
    if how.all || findings.len() <= GROUP_ABOVE {
        for f in findings {
            push_finding(&mut out, f, config, lang, how.hints);
        }
        return out;
    }
    // Rules in the order of their first finding (so errors come first), each with its lines.
    let mut order: Vec<&str> = Vec::new();
    let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        let group = by_rule.entry(f.rule.as_str()).or_default();
        if group.is_empty() {
            order.push(f.rule.as_str());
        }
        group.push(f);
    }
    for rule in order {
        let group = strongest_first(&by_rule[rule]);
        for f in group.iter().take(PER_RULE) {
            push_finding(&mut out, f, config, lang, how.hints);
        }
        if group.len() > PER_RULE {
            out.push(more(group.len() - PER_RULE, rule, how.see, lang));
        }
    }
    out
}

/// A rule's lines with the strongest first (R15 by how far the value lies beyond its limits),
/// so that the few lines shown of a large group are the ones to look at; ties and kinds
/// without a measure keep the run's order (a stable sort).
fn strongest_first<'f>(group: &[&'f Finding]) -> Vec<&'f Finding> {
    let mut ranked = group.to_vec();
    ranked.sort_by(|a, b| {
        let (a, b) = (a.kind.strength(), b.kind.strength());
        b.unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&a.unwrap_or(f64::NEG_INFINITY))
    });
    ranked
}

fn push_finding(out: &mut Vec<String>, f: &Finding, config: &Config, lang: Lang, hints: bool) {
    out.push(super::line(f, config, lang));
    if let Some(r) = &f.review {
        out.push(format!("  {}", super::review(r, lang)));
    }
    if hints {
        if let Some(h) = super::hint(f, config, lang) {
            out.push(format!("  {}{h}", super::hint_label(lang)));
        }
    }
}

/// `  … 另有 1,535 条 R15，见汇总表“异常清单”（--all 逐条打印）`.
fn more(n: usize, rule: &str, see: Option<&str>, lang: Lang) -> String {
    let n = thousands(n);
    match (lang, see) {
        (Lang::Zh, Some(s)) => format!("  … 另有 {n} 条 {rule}，见{s}（--all 逐条打印）"),
        (Lang::Zh, None) => format!("  … 另有 {n} 条 {rule}（--all 逐条打印）"),
        (Lang::En, Some(s)) => format!("  … {n} more {rule}, see {s} (--all prints every line)"),
        (Lang::En, None) => format!("  … {n} more {rule} (--all prints every line)"),
    }
}

/// `1535` → `1,535`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `问题: 错误 356  警示 0  核实 1,953  提示 12  记录 40（记录不逐条打印）`: every severity counted.
pub fn severity_counts(findings: &[Finding], lang: Lang) -> String {
    let all = [
        Severity::Error,
        Severity::Alert,
        Severity::Warning,
        Severity::Notice,
        Severity::Note,
    ];
    let counts = all
        .iter()
        .map(|s| {
            let n = findings.iter().filter(|f| f.severity == *s).count();
            format!("{} {}", super::severity(*s, lang), thousands(n))
        })
        .collect::<Vec<_>>()
        .join("  ");
    format!(
        "{}: {counts}{}",
        lang.t("问题", "findings"),
        lang.t("（记录不逐条打印）", " (notes are not printed)")
    )
}

/// `按规则: F10×1 R01×2 … R15×1,535`: every rule with a printed finding (notes left out).
pub fn rule_counts(findings: &[Finding], lang: Lang) -> String {
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.severity != Severity::Note) {
        *by_rule.entry(f.rule.as_str()).or_default() += 1;
    }
    let rules = by_rule
        .iter()
        .map(|(r, n)| format!("{r}×{}", thousands(*n)))
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "{}: {}",
        lang.t("按规则", "by rule"),
        if rules.is_empty() { "-".into() } else { rules }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Kind;
    use crate::model::Location;

    fn outlier(i: usize) -> Finding {
        let mut f = Finding::new(
            Kind::Outlier {
                value: 100.0,
                expected: 1.5,
                low: 1.0,
                high: 2.0,
                level: 0.998,
                z: 9.0,
                strong: true,
                method: crate::findings::OutlierMethod::Peers {
                    townships: 9,
                    model: crate::findings::PeerModel::Poisson,
                },
            },
            Location::default(),
        );
        f.township = Some(format!("乡{i}"));
        f
    }

    #[test]
    fn a_large_run_is_grouped_per_rule() {
        let config = Config::default_with("县", &[]).expect("config");
        let many: Vec<Finding> = (0..1540).map(outlier).collect();
        let refs: Vec<&Finding> = many.iter().collect();
        let how = Listing {
            all: false,
            hints: false,
            see: Some("汇总表“异常清单”"),
        };
        let lines = finding_lines(&refs, &config, Lang::Zh, how);
        assert_eq!(lines.len(), PER_RULE + 1);
        assert_eq!(
            lines[PER_RULE],
            "  … 另有 1,535 条 R15，见汇总表“异常清单”（--all 逐条打印）"
        );
        let en = finding_lines(
            &refs,
            &config,
            Lang::En,
            Listing {
                see: Some("the Findings sheet"),
                ..how
            },
        );
        assert_eq!(
            en[PER_RULE],
            "  … 1,535 more R15, see the Findings sheet (--all prints every line)"
        );
        let all = finding_lines(&refs, &config, Lang::Zh, Listing { all: true, ..how });
        assert_eq!(all.len(), 1540);
    }

    #[test]
    fn a_large_group_shows_its_strongest_outliers_first() {
        let config = Config::default_with("县", &[]).expect("config");
        // Township i lies at z = i (not strong), except 乡7, beyond the strong limits.
        let many: Vec<Finding> = (0..80)
            .map(|i| {
                let mut f = outlier(i);
                if let Kind::Outlier { z, strong, .. } = &mut f.kind {
                    *z = if i % 2 == 0 { i as f64 } else { -(i as f64) };
                    *strong = i == 7;
                }
                f
            })
            .collect();
        let refs: Vec<&Finding> = many.iter().collect();
        let how = Listing {
            all: false,
            hints: false,
            see: None,
        };
        let lines = finding_lines(&refs, &config, Lang::Zh, how);
        let shown: Vec<&str> = lines[..PER_RULE]
            .iter()
            .map(|l| l.split(':').next().unwrap_or(""))
            .collect();
        assert_eq!(shown, ["乡7", "乡79", "乡78", "乡77", "乡76"]);
    }

    #[test]
    fn a_long_polars_message_is_cut_to_its_first_line() {
        let config = Config::default_with("县", &[]).expect("config");
        let error = format!("column not found: X\n{}", "plan ".repeat(400));
        let f = Finding::new(
            Kind::CheckNotEvaluable { check: 0, error },
            Location::default(),
        );
        let line = super::super::line(&f, &config, Lang::Zh);
        assert!(
            line.ends_with("无法计算（不视为通过）：column not found: X…"),
            "{line}"
        );
    }

    #[test]
    fn every_severity_is_counted() {
        let many: Vec<Finding> = (0..1953).map(outlier).collect();
        assert_eq!(
            severity_counts(&many, Lang::Zh),
            "问题: 错误 0  警示 0  核实 1,953  提示 0  记录 0（记录不逐条打印）"
        );
        assert_eq!(
            severity_counts(&many, Lang::En),
            "findings: error 0  alert 0  warning 1,953  notice 0  note 0 (notes are not printed)"
        );
        assert_eq!(rule_counts(&many, Lang::Zh), "按规则: R15×1,953");
    }
}
