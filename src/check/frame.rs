//! The frame expression checks are evaluated on: the wide fact table, plus every rate computed
//! from its parts for each township (`rate__3`, `rate__3_ytd`), plus last month's values from the
//! history store (`A05__p1`, `A05_ytd__p1`) when the store has the previous month.

use polars::prelude::*;

use crate::config::{Config, IndicatorKind};
use crate::facts::{wide_name, FactTable};
use crate::history::Past;
use crate::model::{Column as ValueColumn, Period};

/// The suffix of last month's column of a code.
const PREVIOUS: &str = "__p1";
/// The prefix of a rate's column.
const RATE: &str = "rate__";

/// The frame's column for a rate in a column of the form.
pub fn rate_column(index: usize, column: ValueColumn) -> String {
    match column {
        ValueColumn::Month => format!("{RATE}{index}"),
        ValueColumn::Ytd => format!("{RATE}{index}_ytd"),
    }
}

/// The frame's column for last month's value of an indicator.
pub fn previous_column(code: &str, column: ValueColumn, kind: IndicatorKind) -> String {
    format!("{}{PREVIOUS}", wide_name(code, column, kind))
}

pub fn build(
    table: &FactTable,
    config: &Config,
    period: Period,
    past: &Past,
) -> PolarsResult<DataFrame> {
    let mut df = table.wide.clone();
    // Last month's columns only for the codes some check names as `CODE@-1`.
    let named: std::collections::BTreeSet<String> = config
        .checks
        .iter()
        .filter_map(|c| c.expression())
        .flat_map(|(e, _)| config.expression(e).refs)
        .filter_map(|r| match r {
            crate::config::expr::Ref::Previous(code) => Some(code),
            _ => None,
        })
        .collect();
    if let Some(previous) = &past.previous {
        for ind in config
            .indicators
            .iter()
            .filter(|i| named.contains(i.code()))
        {
            let columns: &[ValueColumn] = match ind.kind {
                IndicatorKind::Flow => &[ValueColumn::Month, ValueColumn::Ytd],
                IndicatorKind::Stock => &[ValueColumn::Month],
            };
            for column in columns {
                let values: Vec<Option<f64>> = table
                    .townships
                    .iter()
                    .map(|t| previous.get(t, ind.code(), *column))
                    .collect();
                let name = previous_column(ind.code(), *column, ind.kind);
                df.with_column(Column::new(name.into(), values))?;
            }
        }
    }
    let mut rates = Vec::new();
    for (i, rate) in config.rates.iter().enumerate() {
        for column in [ValueColumn::Month, ValueColumn::Ytd] {
            let part = |code: &str| {
                let kind = config
                    .indicator(code)
                    .map_or(IndicatorKind::Stock, |i| i.kind);
                col(wide_name(code, column, kind).as_str()).cast(DataType::Float64)
            };
            let days = rate.days(period, column);
            let den = part(rate.denominator.get_ref()) * lit(days);
            // Rate::value as an expression: the same formula, cell by cell.
            let value = when(den.clone().neq(lit(0.0)))
                .then(part(rate.numerator.get_ref()) / den * lit(rate.scale))
                .otherwise(lit(NULL).cast(DataType::Float64));
            rates.push(value.alias(rate_column(i, column).as_str()));
        }
    }
    df.lazy().with_columns(rates).collect()
}
