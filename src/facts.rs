//! Facts → polars tables: the long table (township, indicator, column, value, source cell) and
//! the wide table the checks and rates work on (one row a township; a column per indicator's
//! 本月数 named by its code, and per flow's 本年累计 named `{code}_ytd`). Every value keeps its
//! source cell, so a county figure can be traced back. No IO.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::config::{Config, IndicatorKind};
use crate::model::{Column as ValueColumn, Fact, Location};

/// The facts of a run as tables, with the source of every value.
pub struct FactTable {
    pub long: DataFrame,
    pub wide: DataFrame,
    /// Township names in the order of the wide table's rows.
    pub townships: Vec<String>,
    pub sources: BTreeMap<(String, String, ValueColumn), Location>,
}

/// The wide table's column for an indicator's value in a column of the form. A stock has no
/// 本年累计: its month-end value stands for it.
pub fn wide_name(code: &str, column: ValueColumn, kind: IndicatorKind) -> String {
    match (column, kind) {
        (ValueColumn::Ytd, IndicatorKind::Flow) => format!("{code}_ytd"),
        _ => code.to_string(),
    }
}

impl FactTable {
    pub fn build(facts: &[Fact], config: &Config) -> PolarsResult<Self> {
        let long = DataFrame::new_infer_height(vec![
            Column::new(
                "township".into(),
                facts
                    .iter()
                    .map(|f| f.township.as_str())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "code".into(),
                facts.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "column".into(),
                facts.iter().map(|f| f.column.key()).collect::<Vec<_>>(),
            ),
            Column::new(
                "value".into(),
                facts.iter().map(|f| f.value).collect::<Vec<_>>(),
            ),
            Column::new(
                "source".into(),
                facts.iter().map(|f| f.at.to_string()).collect::<Vec<_>>(),
            ),
        ])?;

        let mut townships: Vec<String> = facts.iter().map(|f| f.township.clone()).collect();
        townships.sort();
        townships.dedup();
        let row_of: BTreeMap<&str, usize> = townships
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i))
            .collect();
        let mut columns: BTreeMap<String, Vec<Option<f64>>> = BTreeMap::new();
        for ind in &config.indicators {
            columns.insert(ind.code().to_string(), vec![None; townships.len()]);
            if ind.kind == IndicatorKind::Flow {
                columns.insert(format!("{}_ytd", ind.code()), vec![None; townships.len()]);
            }
        }
        let mut sources = BTreeMap::new();
        for f in facts {
            let kind = config
                .indicator(&f.code)
                .map_or(IndicatorKind::Stock, |i| i.kind);
            let name = wide_name(&f.code, f.column, kind);
            if let (Some(col), Some(row)) =
                (columns.get_mut(&name), row_of.get(f.township.as_str()))
            {
                col[*row] = Some(f.value);
            }
            sources.insert((f.township.clone(), f.code.clone(), f.column), f.at.clone());
        }
        let mut cols = vec![Column::new("township".into(), townships.clone())];
        cols.extend(
            columns
                .into_iter()
                .map(|(name, values)| Column::new(name.into(), values)),
        );
        let wide = DataFrame::new(townships.len(), cols)?;
        Ok(Self {
            long,
            wide,
            townships,
            sources,
        })
    }

    /// The value of one cell of the wide table.
    pub fn value(&self, row: usize, column: &str) -> Option<f64> {
        let c = self.wide.column(column).ok()?;
        match c.get(row).ok()? {
            AnyValue::Float64(v) => Some(v),
            _ => None,
        }
    }
}
