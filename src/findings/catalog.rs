//! The catalogue of rule ids: one example kind of each, from which `huizong explain` and its
//! test learn which ids (F, N, R) a run can emit and their default severities, through
//! [`Kind::rule`] itself. No IO, no words.

use super::{Invalid, Kind, NotEvaluable, OutlierMethod, ReadHow, Skip, Unreadable};
use crate::model::{Date, Period, Severity};

/// One kind of each rule id, for the catalogue of rules (`huizong explain`): the rule ids and
/// default severities a run can emit are read from [`Kind::rule`] itself, so the two never
/// disagree. Configured checks (`R00` here) take their id from the configuration.
// long-function: a table: one example of each Kind, one after another
pub fn examples() -> Vec<Kind> {
    let period = Period {
        year: 2026,
        month: 1,
    };
    let date = Date {
        year: 2026,
        month: 1,
        day: 1,
    };
    let s = String::new;
    let mut kinds: Vec<Kind> = [
        ReadHow::TextNumber,
        ReadHow::FullWidth,
        ReadHow::Thousands,
        ReadHow::UnitSuffix,
        ReadHow::Wan,
        ReadHow::ZeroWord,
        ReadHow::FormulaResult,
    ]
    .into_iter()
    .map(|how| Kind::ReadAs { how, value: 0.0 })
    .collect();
    kinds.extend([
        Kind::Invalid(Invalid::Negative),
        Kind::Blank,
        Kind::YtdBelowMonth {
            month: 0.0,
            ytd: 0.0,
        },
        Kind::JanuaryYtd {
            month: 0.0,
            ytd: 0.0,
        },
        Kind::Check {
            check: 0,
            values: Vec::new(),
        },
        Kind::Skipped(Skip::NotSpreadsheet),
        Kind::Unreadable(Unreadable::Empty),
        Kind::NoFormSheet,
        Kind::IndicatorNotFound,
        Kind::IndicatorFuzzy { typed: s() },
        Kind::UnknownRow { typed: s() },
        Kind::TotalRow,
        Kind::SheetNotUsed {
            period: None,
            hidden: false,
            used: s(),
        },
        Kind::TownshipFuzzy {
            typed: s(),
            matched: s(),
        },
        Kind::TownshipNotOnRoster { typed: s() },
        Kind::TownshipUnknown,
        Kind::PeriodUnknown,
        Kind::FileNameTownship {
            in_name: s(),
            in_sheet: s(),
        },
        Kind::FileNamePeriod {
            in_name: s(),
            in_sheet: period,
        },
        Kind::TownshipFromFileName,
        Kind::PeriodFromFileName,
        Kind::SheetsDisagree {
            what: crate::findings::Disagreement::Townships {
                used: s(),
                other: s(),
            },
        },
        Kind::WrongPeriod {
            period,
            run: period,
        },
        Kind::Superseded {
            winner: s(),
            diffs: Vec::new(),
            filed: None,
        },
        Kind::Missing,
        Kind::NoFilingDate,
        Kind::CheckNotEvaluable {
            check: 0,
            error: s(),
        },
        Kind::TemplateTownship {
            typed: s(),
            marked: s(),
        },
        Kind::PeriodYearAssumed { period },
        Kind::FeedbackWorkbook { township: s() },
        Kind::ExtensionMismatch {
            ext: s(),
            actual: s(),
        },
        Kind::YtdColumnMissing,
        Kind::CarriedForward {
            month: 0.0,
            ytd: 0.0,
            previous_ytd: None,
        },
        Kind::StockChange {
            value: 0.0,
            previous: 0.0,
            share: 0.0,
        },
        Kind::Outlier {
            value: 0.0,
            expected: 0.0,
            low: 0.0,
            high: 0.0,
            level: 0.998,
            z: 0.0,
            strong: false,
            method: OutlierMethod::History {
                months: 0,
                trend: false,
                season: None,
                law: crate::findings::HistoryLaw::OwnSpread,
            },
        },
        Kind::NotEvaluable(NotEvaluable::NoStore),
        Kind::Sentinel {
            value: 0.0,
            meaning: s(),
        },
        Kind::FiledFromFileTime { modified: date },
        Kind::ExplanationUnused {
            township: s(),
            rule: s(),
            code: None,
        },
        Kind::FeedbackEdited {
            township: s(),
            was: s(),
            now: s(),
        },
    ]);
    kinds
}

/// Every rule id a finding of the tool itself can carry (not the configured checks), with its
/// default severity, in id order.
pub fn rule_ids() -> Vec<(&'static str, Severity)> {
    let mut ids: Vec<(&'static str, Severity)> = examples()
        .iter()
        .map(Kind::rule)
        .filter(|(id, _)| *id != "R00")
        .collect();
    ids.sort_by_key(|(id, _)| *id);
    ids.dedup_by_key(|(id, _)| *id);
    ids
}

/// The position of a kind's variant: exhaustive on purpose, so that a new variant does not
/// compile until it is numbered here, and the test below fails until it has an example.
#[cfg(test)]
fn variant(k: &Kind) -> usize {
    use Kind::*;
    match k {
        ReadAs { .. } => 0,
        Invalid(_) => 1,
        Blank => 2,
        YtdBelowMonth { .. } => 3,
        JanuaryYtd { .. } => 4,
        Check { .. } => 5,
        Skipped(_) => 6,
        Unreadable(_) => 7,
        NoFormSheet => 8,
        IndicatorNotFound => 9,
        IndicatorFuzzy { .. } => 10,
        UnknownRow { .. } => 11,
        TotalRow => 12,
        SheetNotUsed { .. } => 13,
        TownshipFuzzy { .. } => 14,
        TownshipNotOnRoster { .. } => 15,
        TownshipUnknown => 16,
        PeriodUnknown => 17,
        FileNameTownship { .. } => 18,
        FileNamePeriod { .. } => 19,
        TownshipFromFileName => 20,
        PeriodFromFileName => 21,
        SheetsDisagree { .. } => 22,
        WrongPeriod { .. } => 23,
        Superseded { .. } => 24,
        Missing => 25,
        NoFilingDate => 26,
        CheckNotEvaluable { .. } => 27,
        TemplateTownship { .. } => 28,
        PeriodYearAssumed { .. } => 29,
        FeedbackWorkbook { .. } => 30,
        ExtensionMismatch { .. } => 31,
        YtdColumnMissing => 32,
        CarriedForward { .. } => 33,
        StockChange { .. } => 34,
        Outlier { .. } => 35,
        NotEvaluable(_) => 36,
        Sentinel { .. } => 37,
        FiledFromFileTime { .. } => 38,
        ExplanationUnused { .. } => 39,
        FeedbackEdited { .. } => 40,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_an_example() {
        let seen: std::collections::BTreeSet<usize> = examples().iter().map(variant).collect();
        assert_eq!(seen, (0..=40).collect());
        let ids: Vec<&str> = rule_ids().iter().map(|(id, _)| *id).collect();
        assert!(ids.contains(&"F10") && ids.contains(&"N08") && ids.contains(&"R15"));
        assert_eq!(ids.iter().filter(|id| id.starts_with('F')).count(), 30);
    }
}
