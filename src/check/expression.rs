//! Configured expression checks, evaluated by polars' SQL expression parser on the wide table:
//! a row whose expression is null (a value missing) is skipped, never counted as passed.

use polars::prelude::*;
use regex::Regex;
use std::sync::OnceLock;

use crate::config::{expr, Columns, Config, IndicatorKind};
use crate::facts::{wide_name, FactTable};
use crate::findings::Kind;
use crate::model::{Column as ValueColumn, Finding, Location};

/// Rewrites the codes of an expression into the wide table's column names for `column`.
fn for_column(sql: &str, config: &Config, column: ValueColumn) -> String {
    static IDENT: OnceLock<Regex> = OnceLock::new();
    let re =
        IDENT.get_or_init(|| Regex::new(r"\b[A-Za-z_][A-Za-z0-9_]*\b").expect("constant regex"));
    re.replace_all(sql, |c: &regex::Captures| {
        let id = &c[0];
        match config.indicator(id) {
            Some(ind) => wide_name(id, column, ind.kind),
            None => id.to_string(),
        }
    })
    .into_owned()
}

pub fn evaluate(table: &FactTable, config: &Config, index: usize, out: &mut Vec<Finding>) {
    let check = &config.checks[index];
    let Some((text, must_hold)) = check.expression() else {
        return;
    };
    let codes = expr::identifiers(text);
    let has_flow = codes.iter().any(|c| {
        config
            .indicator(c)
            .is_some_and(|i| i.kind == IndicatorKind::Flow)
    });
    let columns: &[ValueColumn] = match check.columns {
        Columns::Month => &[ValueColumn::Month],
        Columns::Ytd => &[ValueColumn::Ytd],
        Columns::Both if has_flow => &[ValueColumn::Month, ValueColumn::Ytd],
        Columns::Both => &[ValueColumn::Month],
    };
    for column in columns {
        let sql = for_column(&expr::to_sql(text), config, *column);
        match failing_rows(table, &sql, must_hold) {
            Ok(rows) => {
                for row in rows {
                    out.push(finding(table, config, index, &codes, *column, row));
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

/// Rows of the wide table where the check fails.
fn failing_rows(table: &FactTable, sql: &str, must_hold: bool) -> PolarsResult<Vec<usize>> {
    if table.wide.height() == 0 {
        return Ok(Vec::new());
    }
    let e = polars::sql::sql_expr(sql)?;
    let result = table
        .wide
        .clone()
        .lazy()
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

fn finding(
    table: &FactTable,
    config: &Config,
    index: usize,
    codes: &[String],
    column: ValueColumn,
    row: usize,
) -> Finding {
    let check = &config.checks[index];
    let township = table.townships.get(row).cloned().unwrap_or_default();
    let values: Vec<(String, f64)> = codes
        .iter()
        .filter_map(|c| {
            let kind = config.indicator(c)?.kind;
            Some((c.clone(), table.value(row, &wide_name(c, column, kind))?))
        })
        .collect();
    // The finding points at the first indicator the check names (its left-hand side).
    let first = codes.first().cloned().unwrap_or_default();
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
