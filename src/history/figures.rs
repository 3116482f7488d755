//! One period's figures in memory: a dense table of township × indicator with the 本月数 and
//! 本年累计 of each (NaN where there is none), names shared with the facts. A province's month is
//! 20,000 townships × 43 indicators; R15 holds twelve of them at once.

use std::collections::HashMap;
use std::sync::Arc;

use polars::prelude::*;

use crate::facts::FactTable;
use crate::model::{Column as ValueColumn, Period};

/// `(township, code, 本月数, 本年累计)`.
pub type Entry = (Arc<str>, Arc<str>, Option<f64>, Option<f64>);

/// `(township, code, column, value)`.
type Row<'a> = (&'a Arc<str>, &'a Arc<str>, ValueColumn, f64);

/// The figures of one period as stored: a township's month and year-to-date value of each code.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub period: Option<Period>,
    /// In name order.
    townships: Vec<Arc<str>>,
    township_index: HashMap<Arc<str>, u32>,
    /// In name order.
    codes: Vec<Arc<str>>,
    code_index: HashMap<Arc<str>, u32>,
    /// `[township × codes + code]`; NaN: no value.
    month: Vec<f64>,
    ytd: Vec<f64>,
}

/// Two stores hold the same figures when every value is the same (NaN equal to NaN).
impl PartialEq for Figures {
    fn eq(&self, other: &Self) -> bool {
        let same = |a: &[f64], b: &[f64]| {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
        };
        self.period == other.period
            && self.townships == other.townships
            && self.codes == other.codes
            && same(&self.month, &other.month)
            && same(&self.ytd, &other.ytd)
    }
}

impl Figures {
    /// The dense table from the names (townships in any order: ranked here; codes in name
    /// order) and the cells `(township index, code index, column, value)`.
    fn dense(
        period: Period,
        names: Vec<Arc<str>>,
        codes: Vec<Arc<str>>,
        cells: impl Iterator<Item = (usize, usize, ValueColumn, f64)>,
    ) -> Self {
        let mut order: Vec<usize> = (0..names.len()).collect();
        order.sort_by(|a, b| names[*a].cmp(&names[*b]));
        let mut rank = vec![0; names.len()];
        for (r, i) in order.iter().enumerate() {
            rank[*i] = r;
        }
        let townships: Vec<Arc<str>> = order.iter().map(|i| Arc::clone(&names[*i])).collect();
        let size = townships.len() * codes.len();
        let (mut month, mut ytd) = (vec![f64::NAN; size], vec![f64::NAN; size]);
        for (ti, ci, column, value) in cells {
            let i = rank[ti] * codes.len() + ci;
            match column {
                ValueColumn::Month => month[i] = value,
                ValueColumn::Ytd => ytd[i] = value,
            }
        }
        let index = |names: &[Arc<str>]| -> HashMap<Arc<str>, u32> {
            names
                .iter()
                .enumerate()
                .map(|(i, n)| (Arc::clone(n), i as u32))
                .collect()
        };
        Self {
            period: Some(period),
            township_index: index(&townships),
            code_index: index(&codes),
            townships,
            codes,
            month,
            ytd,
        }
    }

    /// Figures from `(township, code, column, value)` rows.
    fn from_rows<'a>(period: Period, rows: impl Iterator<Item = Row<'a>> + Clone) -> Self {
        // The distinct names first (a province's month has two million values, 20,000 names).
        let distinct = |pick: fn(&Row<'a>) -> &'a Arc<str>| -> HashMap<&'a Arc<str>, usize> {
            let mut at = HashMap::new();
            for r in rows.clone() {
                let n = at.len();
                at.entry(pick(&r)).or_insert(n);
            }
            at
        };
        let township_at = distinct(|r| r.0);
        let mut codes: Vec<Arc<str>> = distinct(|r| r.1).into_keys().cloned().collect();
        codes.sort();
        let code_at: HashMap<&Arc<str>, usize> =
            codes.iter().enumerate().map(|(i, c)| (c, i)).collect();
        let mut names = vec![Arc::<str>::from(""); township_at.len()];
        for (t, i) in &township_at {
            names[*i] = Arc::clone(t);
        }
        let cells: Vec<(usize, usize, ValueColumn, f64)> = rows
            .filter_map(|(t, c, column, value)| {
                Some((*township_at.get(t)?, *code_at.get(c)?, column, value))
            })
            .collect();
        Self::dense(period, names, codes, cells.into_iter())
    }

    /// The accepted figures of a run: its fact table (counted returns, valid values only).
    pub fn from_table(period: Period, table: &FactTable) -> Self {
        Self::from_rows(
            period,
            table
                .facts
                .iter()
                .map(|f| (&f.township, &f.code, f.column, f.value)),
        )
    }

    /// Figures from `(township, code, 本月数, 本年累计)` entries (the benchmark builds a history
    /// this way).
    pub fn from_entries(period: Period, entries: &[Entry]) -> Self {
        let rows: Vec<Row> = entries
            .iter()
            .flat_map(|(t, c, m, y)| {
                [(ValueColumn::Month, *m), (ValueColumn::Ytd, *y)]
                    .into_iter()
                    .filter_map(move |(col, v)| v.map(|v| (t, c, col, v)))
            })
            .collect();
        Self::from_rows(period, rows.iter().copied())
    }

    /// Every township and indicator with a value: `(township, code, 本月数, 本年累计)`.
    pub fn entries(&self) -> Vec<Entry> {
        let value = |v: f64| (!v.is_nan()).then_some(v);
        let mut out = Vec::new();
        for (ti, t) in self.townships.iter().enumerate() {
            for (ci, c) in self.codes.iter().enumerate() {
                let i = ti * self.codes.len() + ci;
                if !(self.month[i].is_nan() && self.ytd[i].is_nan()) {
                    out.push((
                        Arc::clone(t),
                        Arc::clone(c),
                        value(self.month[i]),
                        value(self.ytd[i]),
                    ));
                }
            }
        }
        out
    }

    fn index(&self, township: &str, code: &str) -> Option<usize> {
        let t = *self.township_index.get(township)? as usize;
        let c = *self.code_index.get(code)? as usize;
        Some(t * self.codes.len() + c)
    }

    /// A township's value of `code` in `column`.
    pub fn get(&self, township: &str, code: &str, column: ValueColumn) -> Option<f64> {
        let i = self.index(township, code)?;
        let v = match column {
            ValueColumn::Month => self.month[i],
            ValueColumn::Ytd => self.ytd[i],
        };
        (!v.is_nan()).then_some(v)
    }

    /// Whether the township had a counted return in this period.
    pub fn has_township(&self, township: &str) -> bool {
        self.township_index.contains_key(township)
    }

    /// The townships with figures, in name order.
    pub fn townships(&self) -> Vec<&str> {
        self.townships.iter().map(|t| &**t).collect()
    }

    /// How many township-indicator figures it holds.
    pub fn len(&self) -> usize {
        self.month
            .iter()
            .zip(&self.ytd)
            .filter(|(m, y)| !m.is_nan() || !y.is_nan())
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// One row a township and indicator with a value, in name order; each row carries its
    /// period and (when known) county, so that the store's files read as one dataset
    /// (`SELECT period, SUM(month) FROM 'history/*.parquet' GROUP BY period`).
    pub(super) fn to_frame(&self, county: Option<&str>) -> PolarsResult<DataFrame> {
        let entries = self.entries();
        let period = self.period.map(|p| p.to_string()).unwrap_or_default();
        let mut columns = vec![Column::new(
            "period".into(),
            vec![period.as_str(); entries.len()],
        )];
        if let Some(county) = county {
            columns.push(Column::new("county".into(), vec![county; entries.len()]));
        }
        columns.extend([
            Column::new(
                "township".into(),
                entries.iter().map(|e| &*e.0).collect::<Vec<_>>(),
            ),
            Column::new(
                "code".into(),
                entries.iter().map(|e| &*e.1).collect::<Vec<_>>(),
            ),
            Column::new(
                "month".into(),
                entries.iter().map(|e| e.2).collect::<Vec<_>>(),
            ),
            Column::new(
                "ytd".into(),
                entries.iter().map(|e| e.3).collect::<Vec<_>>(),
            ),
        ]);
        DataFrame::new_infer_height(columns)
    }

    pub(super) fn from_frame(period: Period, df: &DataFrame) -> PolarsResult<Self> {
        let t = df.column("township")?.str()?.clone();
        let c = df.column("code")?.str()?.clone();
        let m = df.column("month")?.cast(&DataType::Float64)?;
        let y = df.column("ytd")?.cast(&DataType::Float64)?;
        let (m, y) = (m.f64()?, y.f64()?);
        // The store writes rows by township then code: a township's rows come together, so its
        // name is looked up once, not once a row (a province's month is two million rows).
        let mut codes: Vec<&str> = (0..df.height())
            .filter_map(|i| c.get(i))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        codes.dedup();
        let code_at: HashMap<&str, usize> =
            codes.iter().enumerate().map(|(i, c)| (*c, i)).collect();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut names: Vec<&str> = Vec::new();
        let mut cells: Vec<(usize, usize, Option<f64>, Option<f64>)> =
            Vec::with_capacity(df.height());
        let mut last: Option<(&str, usize)> = None;
        for i in 0..df.height() {
            let (Some(ts), Some(cs)) = (t.get(i), c.get(i)) else {
                continue;
            };
            let ti = match last {
                Some((name, ti)) if name == ts => ti,
                _ => *seen.entry(ts).or_insert_with(|| {
                    names.push(ts);
                    names.len() - 1
                }),
            };
            last = Some((ts, ti));
            if let Some(ci) = code_at.get(cs) {
                let v = |x: Option<f64>| x.filter(|v| !v.is_nan());
                cells.push((ti, *ci, v(m.get(i)), v(y.get(i))));
            }
        }
        let names: Vec<Arc<str>> = names.into_iter().map(Arc::from).collect();
        let codes: Vec<Arc<str>> = codes.into_iter().map(Arc::from).collect();
        let cells = cells.into_iter().flat_map(|(ti, ci, m, y)| {
            [(ValueColumn::Month, m), (ValueColumn::Ytd, y)]
                .into_iter()
                .filter_map(move |(column, v)| Some((ti, ci, column, v?)))
        });
        Ok(Self::dense(period, names, codes, cells))
    }
}
