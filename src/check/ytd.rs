//! R10: a flow's 本年累计 is never below its 本月数 (and, when R11 is not configured, in January
//! the two are equal).

use crate::config::{Builtin, Config, IndicatorKind};
use crate::facts::FactTable;
use crate::findings::Finding;
use crate::findings::Kind;
use crate::model::{Column, Period};

pub fn evaluate(table: &FactTable, config: &Config, period: Period, out: &mut Vec<Finding>) {
    let Some(check) = config.builtin_check(Builtin::YtdConsistent) else {
        return;
    };
    // In January 本年累计 = 本月数 is R11's first month when R11 is configured.
    let january_here = period.month == 1 && config.builtin_check(Builtin::CarriedForward).is_none();
    for ind in config
        .indicators
        .iter()
        .filter(|i| i.kind == IndicatorKind::Flow)
    {
        let code = ind.code();
        for (row, township) in table.townships.iter().enumerate() {
            let (Some(month), Some(ytd)) = (
                table.value(row, code),
                table.value(row, &format!("{code}_ytd")),
            ) else {
                continue;
            };
            let tolerance = 0.5 * 10f64.powi(-(ind.decimals as i32));
            let kind = if january_here && (ytd - month).abs() >= tolerance {
                Kind::JanuaryYtd { month, ytd }
            } else if ytd + tolerance <= month {
                Kind::YtdBelowMonth { month, ytd }
            } else {
                continue;
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
