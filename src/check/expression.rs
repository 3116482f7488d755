//! Configured expression checks, parsed by polars' SQL expression parser and evaluated on the
//! check frame (`frame.rs`): a row whose expression is null (a value missing) is skipped, never
//! counted as passed; a check that cannot be evaluated at all is reported as such.

use std::sync::Arc;

use polars::prelude::*;

use super::frame::{previous_column, rate_column};
use crate::config::expr::Ref;
use crate::config::{Columns, Config, IndicatorKind, Missing};
use crate::facts::{wide_name, FactTable};
use crate::findings::Finding;
use crate::findings::{Kind, NotEvaluable};
use crate::model::{Column as ValueColumn, Location};

/// The frame's column a reference reads in a column of the form.
fn column_of(config: &Config, r: &Ref, column: ValueColumn) -> Option<String> {
    match r {
        Ref::Code(c) => Some(wide_name(c, column, config.indicator(c)?.kind)),
        Ref::Previous(c) => Some(previous_column(c, column, config.indicator(c)?.kind)),
        Ref::Rate(i) => {
            let flow = config.rates.get(*i)?.has_flow(config);
            Some(rate_column(
                *i,
                if flow { column } else { ValueColumn::Month },
            ))
        }
        Ref::Unknown(_) => None,
    }
}

/// A reference's label in messages and explanations: the code, `A05@-1`, or the rate's name.
pub fn label(config: &Config, r: &Ref) -> String {
    match r {
        Ref::Code(c) | Ref::Unknown(c) => c.clone(),
        Ref::Previous(c) => format!("{c}@-1"),
        Ref::Rate(i) => config
            .rates
            .get(*i)
            .map(|r| r.name.get_ref().clone())
            .unwrap_or_default(),
    }
}

pub fn evaluate(
    table: &FactTable,
    frame: &DataFrame,
    config: &Config,
    index: usize,
    has_previous: bool,
    out: &mut Vec<Finding>,
) {
    let check = &config.checks[index];
    let Some((text, must_hold)) = check.expression() else {
        return;
    };
    let expression = config.expression(text);
    if !has_previous
        && expression
            .refs
            .iter()
            .any(|r| matches!(r, Ref::Previous(_)))
    {
        out.push(
            Finding::new(
                Kind::NotEvaluable(NotEvaluable::NoPreviousMonth),
                Location::default(),
            )
            .with_rule(check.id(), crate::model::Severity::Notice),
        );
        return;
    }
    let has_flow = expression.refs.iter().any(|r| match r {
        Ref::Code(c) | Ref::Previous(c) => config
            .indicator(c)
            .is_some_and(|i| i.kind == IndicatorKind::Flow),
        Ref::Rate(i) => config.rates.get(*i).is_some_and(|r| r.has_flow(config)),
        Ref::Unknown(_) => false,
    });
    let columns: &[ValueColumn] = match check.columns {
        Columns::Month => &[ValueColumn::Month],
        Columns::Ytd => &[ValueColumn::Ytd],
        Columns::Both if has_flow => &[ValueColumn::Month, ValueColumn::Ytd],
        Columns::Both => &[ValueColumn::Month],
    };
    for column in columns {
        // The one rewrite: each reference as its column of the frame.
        let sql = expression.render(|r| column_of(config, r, *column));
        let used: Vec<String> = expression
            .refs
            .iter()
            .filter_map(|r| column_of(config, r, *column))
            .collect();
        match failing_rows(
            frame,
            &sql,
            must_hold,
            check.tolerance,
            check.missing,
            &used,
        ) {
            Ok(rows) => {
                for row in rows {
                    out.push(finding(
                        table,
                        frame,
                        config,
                        index,
                        &expression.refs,
                        *column,
                        row,
                    ));
                }
            }
            Err(e) => {
                let kind = Kind::CheckNotEvaluable {
                    check: index,
                    error: e.to_string(),
                };
                out.push(Finding::new(kind, Location::default()).with_column(Some(*column)));
            }
        }
    }
}

/// Comparisons read with a rounding tolerance: values within `t` of each other are equal.
/// Every comparison in the expression is rewritten, wherever it sits (under AND, OR, NOT).
fn tolerate(e: Expr, t: f64) -> Expr {
    let original = e.clone();
    e.try_map_expr(|node| {
        Ok(match node {
            Expr::BinaryExpr { left, op, right } => {
                let (l, r) = (Arc::unwrap_or_clone(left), Arc::unwrap_or_clone(right));
                let d = || l.clone() - r.clone();
                match op {
                    Operator::Eq | Operator::EqValidity => {
                        d().lt_eq(lit(t)).and(d().gt_eq(lit(-t)))
                    }
                    Operator::NotEq | Operator::NotEqValidity => d().gt(lit(t)).or(d().lt(lit(-t))),
                    Operator::Lt => d().lt(lit(-t)),
                    Operator::LtEq => d().lt_eq(lit(t)),
                    Operator::Gt => d().gt(lit(t)),
                    Operator::GtEq => d().gt_eq(lit(-t)),
                    op => Expr::BinaryExpr {
                        left: Arc::new(l),
                        op,
                        right: Arc::new(r),
                    },
                }
            }
            other => other,
        })
    })
    .unwrap_or(original)
}

/// Rows of the frame where the check fails.
fn failing_rows(
    frame: &DataFrame,
    sql: &str,
    must_hold: bool,
    tolerance: f64,
    missing: Missing,
    used: &[String],
) -> PolarsResult<Vec<usize>> {
    if frame.height() == 0 {
        return Ok(Vec::new());
    }
    let mut e = polars::sql::sql_expr(sql)?;
    if tolerance > 0.0 {
        e = tolerate(e, tolerance);
    }
    let mut lazy = frame.clone().lazy();
    if missing == Missing::Zero {
        lazy = lazy.with_columns(
            used.iter()
                .map(|c| col(c.as_str()).fill_null(lit(0.0)).alias(c.as_str()))
                .collect::<Vec<_>>(),
        );
    }
    let result = lazy
        .select([e.cast(DataType::Boolean).alias("ok")])
        .collect()?;
    let ok = result.column("ok")?.bool()?.clone();
    Ok((0..ok.len())
        .map(|i| (i, ok.get(i)))
        .filter_map(|(i, v)| match v {
            Some(holds) if holds != must_hold => Some(i),
            _ => None,
        })
        .collect())
}

fn frame_value(frame: &DataFrame, row: usize, column: &str) -> Option<f64> {
    match frame.column(column).ok()?.get(row).ok()? {
        AnyValue::Float64(v) => Some(v),
        _ => None,
    }
}

fn finding(
    table: &FactTable,
    frame: &DataFrame,
    config: &Config,
    index: usize,
    refs: &[Ref],
    column: ValueColumn,
    row: usize,
) -> Finding {
    let check = &config.checks[index];
    let township = table.townships.get(row).cloned().unwrap_or_default();
    let values: Vec<(String, f64)> = refs
        .iter()
        .filter_map(|r| {
            let name = column_of(config, r, column)?;
            Some((label(config, r), frame_value(frame, row, &name)?))
        })
        .collect();
    // The finding points at the first indicator the check names (its left-hand side); a rate
    // points at its numerator.
    let first = match refs.first() {
        Some(Ref::Code(c) | Ref::Previous(c)) => c.clone(),
        Some(Ref::Rate(i)) => config
            .rates
            .get(*i)
            .map(|r| r.numerator.get_ref().clone())
            .unwrap_or_default(),
        _ => String::new(),
    };
    let first_column = match config.indicator(&first).map(|i| i.kind) {
        Some(IndicatorKind::Flow) => column,
        _ => ValueColumn::Month,
    };
    let at = table
        .source(&township, &first, first_column)
        .cloned()
        .unwrap_or_default();
    Finding::new(
        Kind::Check {
            check: index,
            values,
        },
        at,
    )
    .with_rule(check.id(), check.severity)
    .with_township(Some(township))
    .with_code(Some(first))
    .with_column(Some(column))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holds(sql: &str, a: f64, b: f64, t: f64) -> Option<bool> {
        let df = df!("a" => [a], "b" => [b]).expect("frame");
        let e = tolerate(polars::sql::sql_expr(sql).expect("sql"), t);
        let out = df.lazy().select([e.alias("ok")]).collect().expect("eval");
        out.column("ok").expect("ok").bool().expect("bool").get(0)
    }

    #[test]
    fn tolerance_makes_near_values_equal() {
        assert_eq!(holds("a = b", 10.004, 10.0, 0.01), Some(true));
        assert_eq!(holds("a = b", 10.02, 10.0, 0.01), Some(false));
        assert_eq!(holds("a <= b", 10.01, 10.0, 0.01), Some(true));
        assert_eq!(holds("a > b", 10.01, 10.0, 0.01), Some(false));
        assert_eq!(holds("a > b AND b > 0", 10.5, 10.0, 0.01), Some(true));
        assert_eq!(holds("a <> b", 10.005, 10.0, 0.01), Some(false));
    }
}
