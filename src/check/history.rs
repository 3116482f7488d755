//! The rules that compare a month with the month before, from the history store: R11 (a flow's
//! 本年累计 is last month's 本年累计 plus 本月数; in January it is 本月数) and R12 (a stock moving by
//! more than its share from last month). Where last month is not known, the rule is reported as
//! not evaluable, for the run or for the township, never counted as passed.

use crate::config::{Builtin, Check, Config, IndicatorKind};
use crate::facts::FactTable;
use crate::findings::Finding;
use crate::findings::{Kind, NotEvaluable};
use crate::history::{Figures, Past};
use crate::model::{Column, Location, Period, Severity};

/// A rule's finding for the whole run (no township, no cell).
pub fn not_evaluable(check: &Check, why: NotEvaluable) -> Finding {
    Finding::new(Kind::NotEvaluable(why), Location::default())
        .with_rule(check.id(), Severity::Notice)
}

/// Last month's figures for the rule, or why there are none (already reported).
fn previous<'a>(
    check: &Check,
    past: &'a Past,
    period: Period,
    out: &mut Vec<Finding>,
) -> Option<&'a Figures> {
    if period.month == 1 && check.builtin == Some(Builtin::CarriedForward) {
        return None; // January needs no last month: handled by the caller.
    }
    if past.store.is_none() {
        out.push(not_evaluable(check, NotEvaluable::NoStore));
        return None;
    }
    if let Some(p) = &past.previous {
        return Some(p);
    }
    let why = match past.problems.first() {
        Some(problem) => NotEvaluable::StoreUnreadable(problem.clone()),
        None => NotEvaluable::NoPreviousMonth,
    };
    out.push(not_evaluable(check, why));
    None
}

fn township_not_in_previous(check: &Check, table: &FactTable, township: &str) -> Finding {
    let at = table
        .facts
        .iter()
        .find(|f| &*f.township == township)
        .map(|f| Location {
            file: f.at.file.clone(),
            sheet: None,
            cell: None,
        })
        .unwrap_or_default();
    not_evaluable(check, NotEvaluable::TownshipNotInPreviousMonth)
        .with_township(Some(township.to_string()))
        .with_at(at)
}

/// R11.
pub fn carried_forward(
    table: &FactTable,
    config: &Config,
    period: Period,
    past: &Past,
    out: &mut Vec<Finding>,
) {
    let Some(check) = config.builtin_check(Builtin::CarriedForward) else {
        return;
    };
    let january = period.month == 1;
    let prev = previous(check, past, period, out);
    if prev.is_none() && !january {
        return;
    }
    for (row, township) in table.townships.iter().enumerate() {
        if prev.is_some_and(|p| !p.has_township(township)) {
            out.push(township_not_in_previous(check, table, township));
            continue;
        }
        for ind in config
            .indicators
            .iter()
            .filter(|i| i.kind == IndicatorKind::Flow)
        {
            let code = ind.code();
            let (Some(month), Some(ytd)) = (
                table.value(row, code),
                table.value(row, &format!("{code}_ytd")),
            ) else {
                continue;
            };
            let previous_ytd = match prev {
                _ if january => None,
                Some(p) => match p.get(township, code, Column::Ytd) {
                    Some(v) => Some(v),
                    None => continue, // last month's value was not valid: nothing to compare
                },
                None => continue,
            };
            let expected = previous_ytd.unwrap_or(0.0) + month;
            let tolerance = 0.5 * 10f64.powi(-(ind.decimals as i32)) + check.tolerance;
            if (ytd - expected).abs() < tolerance {
                continue;
            }
            let kind = Kind::CarriedForward {
                month,
                ytd,
                previous_ytd,
            };
            out.push(super::at_cell(
                table,
                check,
                township,
                code,
                Column::Ytd,
                kind,
            ));
        }
    }
}

/// R12.
pub fn stock_change(
    table: &FactTable,
    config: &Config,
    period: Period,
    past: &Past,
    out: &mut Vec<Finding>,
) {
    let Some(check) = config.builtin_check(Builtin::StockChange) else {
        return;
    };
    let Some(prev) = previous(check, past, period, out) else {
        return;
    };
    for (row, township) in table.townships.iter().enumerate() {
        if !prev.has_township(township) {
            out.push(township_not_in_previous(check, table, township));
            continue;
        }
        for ind in config
            .indicators
            .iter()
            .filter(|i| i.kind == IndicatorKind::Stock)
        {
            let code = ind.code();
            let (Some(value), Some(previous)) = (
                table.value(row, code),
                prev.get(township, code, Column::Month),
            ) else {
                continue;
            };
            let share = ind.max_change.or(check.share).unwrap_or(0.2);
            // From nothing, any change is unmeasurable as a share: R15 looks at those.
            if previous <= 0.0 || (value - previous).abs() <= share * previous {
                continue;
            }
            let kind = Kind::StockChange {
                value,
                previous,
                share,
            };
            out.push(super::at_cell(
                table,
                check,
                township,
                code,
                Column::Month,
                kind,
            ));
        }
    }
}
