//! Facts → polars tables: the long table (township row, indicator index, whether 本年累计,
//! value, and the index of the fact, whose source cell the table keeps) and the wide table the checks and rates work on
//! (one row a township; a column per indicator's 本月数 named by its code, and per flow's
//! 本年累计 named `{code}_ytd`). Every value keeps its source cell, so a county figure can be
//! traced back. No IO.

use std::collections::HashMap;

use polars::prelude::*;

use crate::config::{Config, IndicatorKind};
use crate::model::{Column as ValueColumn, Fact, Location};

/// The facts of a run as tables, with the source of every value.
pub struct FactTable {
    pub long: DataFrame,
    pub wide: DataFrame,
    /// Township names in the order of the wide table's rows.
    pub townships: Vec<String>,
    /// The facts themselves (the long table's `fact` column indexes them).
    pub facts: Vec<Fact>,
    /// (township row, indicator index, column) → index into `facts` (`u32::MAX`: none).
    slots: Vec<u32>,
    codes: HashMap<String, u16>,
    rows: HashMap<String, u32>,
    /// The wide table's value columns as plain vectors, by name: the rules that walk township
    /// by township read them here rather than through polars, cell by cell.
    by_name: HashMap<String, usize>,
    plain: Vec<Vec<Option<f64>>>,
}

/// The wide table's column for an indicator's value in a column of the form. A stock has no
/// 本年累计: its month-end value stands for it.
pub fn wide_name(code: &str, column: ValueColumn, kind: IndicatorKind) -> String {
    match (column, kind) {
        (ValueColumn::Ytd, IndicatorKind::Flow) => format!("{code}_ytd"),
        _ => code.to_string(),
    }
}

fn slot_index(row: u32, code: u16, ytd: bool, n_codes: usize) -> usize {
    (row as usize * n_codes + code as usize) * 2 + usize::from(ytd)
}

impl FactTable {
    // long-function: builds the fact frame's columns in one pass over the facts; not yet split (issue 10)
    pub fn build(facts: Vec<Fact>, config: &Config) -> PolarsResult<Self> {
        let mut townships: Vec<String> = facts.iter().map(|f| f.township.to_string()).collect();
        townships.sort();
        townships.dedup();
        let rows: HashMap<String, u32> = townships
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();
        let codes: HashMap<String, u16> = config
            .indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| (ind.code().to_string(), i as u16))
            .collect();
        let mut columns: Vec<(String, Vec<Option<f64>>)> = Vec::new();
        let mut column_of: HashMap<String, usize> = HashMap::new();
        for ind in &config.indicators {
            for column in [ValueColumn::Month, ValueColumn::Ytd] {
                let name = wide_name(ind.code(), column, ind.kind);
                if !column_of.contains_key(&name) {
                    column_of.insert(name.clone(), columns.len());
                    columns.push((name, vec![None; townships.len()]));
                }
            }
        }
        let n_codes = codes.len();
        let mut slots = vec![u32::MAX; townships.len() * n_codes * 2];
        // The long table: integer keys (township row, indicator index), not names.
        let (mut l_row, mut l_code, mut l_ytd, mut l_value, mut l_fact) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (i, f) in facts.iter().enumerate() {
            let (Some(row), Some(code)) = (rows.get(&*f.township), codes.get(&*f.code)) else {
                continue;
            };
            let kind = config.indicators[*code as usize].kind;
            if let Some(c) = column_of.get(&wide_name(&f.code, f.column, kind)) {
                columns[*c].1[*row as usize] = Some(f.value);
            }
            let ytd = f.column == ValueColumn::Ytd;
            if let Some(slot) = slots.get_mut(slot_index(*row, *code, ytd, n_codes)) {
                *slot = i as u32;
            }
            l_row.push(*row);
            l_code.push(*code as u32);
            l_ytd.push(ytd);
            l_value.push(f.value);
            l_fact.push(i as u32);
        }
        let long = DataFrame::new_infer_height(vec![
            Column::new("township".into(), l_row),
            Column::new("code".into(), l_code),
            Column::new("ytd".into(), l_ytd),
            Column::new("value".into(), l_value),
            Column::new("fact".into(), l_fact),
        ])?;
        let by_name: HashMap<String, usize> = columns
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (name.clone(), i))
            .collect();
        let plain: Vec<Vec<Option<f64>>> = columns.iter().map(|(_, v)| v.clone()).collect();
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
            facts,
            slots,
            codes,
            rows,
            by_name,
            plain,
        })
    }

    /// The value of one cell of the wide table.
    pub fn value(&self, row: usize, column: &str) -> Option<f64> {
        *self.plain.get(*self.by_name.get(column)?)?.get(row)?
    }

    /// A whole column of the wide table, a value a township row: for writers that walk every
    /// township, so a column is looked up once, not once a cell.
    pub fn column_values(&self, column: &str) -> Option<&[Option<f64>]> {
        self.plain
            .get(*self.by_name.get(column)?)
            .map(Vec::as_slice)
    }

    /// The cell a township's value of an indicator was read from.
    pub fn source(&self, township: &str, code: &str, column: ValueColumn) -> Option<&Location> {
        let index = slot_index(
            *self.rows.get(township)?,
            *self.codes.get(code)?,
            column == ValueColumn::Ytd,
            self.codes.len(),
        );
        let i = *self.slots.get(index)?;
        self.facts.get(i as usize).map(|f| &f.at)
    }
}
