//! County and township figures. Totals are sums (a flow's 本月数 and 本年累计, a stock's
//! month-end value); a rate is recomputed from summed numerators and denominators over the
//! townships where both are valid, never averaged, with the number of townships it covers.
//! Tables in, figures out; no IO.

mod trend;

pub use trend::{trend, Trend};

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::config::{Config, IndicatorKind, Rate};
use crate::facts::{wide_name, FactTable};
use crate::model::{Column as ValueColumn, Period};

/// A county total of one indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Total {
    pub code: String,
    pub month: Option<f64>,
    pub ytd: Option<f64>,
    /// Townships with a valid 本月数 (and 本年累计).
    pub townships: usize,
    pub townships_ytd: usize,
}

/// A rate: its value (already scaled: 93.1 for 93.1%) and the townships it covers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RateValue {
    pub month: Option<f64>,
    pub ytd: Option<f64>,
    pub townships: usize,
    pub townships_ytd: usize,
}

pub struct Aggregates {
    /// In the configuration's order of indicators.
    pub totals: Vec<Total>,
    /// In the configuration's order of rates.
    pub rates: Vec<RateValue>,
    /// Township → its rates, in the configuration's order.
    pub township_rates: BTreeMap<String, Vec<RateValue>>,
}

// long-function: one lazy polars plan (sums, rates, county totals) read top to bottom; not yet split (issue 10)
pub fn aggregate(table: &FactTable, config: &Config, period: Period) -> PolarsResult<Aggregates> {
    let sums = table
        .long
        .clone()
        .lazy()
        .group_by([col("code"), col("ytd")])
        .agg([
            col("value").sum().alias("sum"),
            col("value").count().cast(DataType::UInt64).alias("n"),
        ])
        .collect()?;
    // (indicator index, 本年累计) → (sum, townships).
    let mut by_key: BTreeMap<(usize, bool), (f64, usize)> = BTreeMap::new();
    let codes = sums.column("code")?.u32()?.clone();
    let ytd = sums.column("ytd")?.bool()?.clone();
    let values = sums.column("sum")?.f64()?.clone();
    let counts = sums.column("n")?.u64()?.clone();
    for i in 0..sums.height() {
        if let (Some(c), Some(y), Some(v), Some(n)) =
            (codes.get(i), ytd.get(i), values.get(i), counts.get(i))
        {
            by_key.insert((c as usize, y), (v, n as usize));
        }
    }
    let totals = config
        .indicators
        .iter()
        .enumerate()
        .map(|(index, ind)| {
            let m = by_key.get(&(index, false));
            let y = match ind.kind {
                IndicatorKind::Flow => by_key.get(&(index, true)),
                IndicatorKind::Stock => None,
            };
            Total {
                code: ind.code().to_string(),
                month: m.map(|x| x.0),
                ytd: y.map(|x| x.0),
                townships: m.map_or(0, |x| x.1),
                townships_ytd: y.map_or(0, |x| x.1),
            }
        })
        .collect();
    let mut rates = Vec::new();
    let mut township_rates: BTreeMap<String, Vec<RateValue>> = table
        .townships
        .iter()
        .map(|t| (t.clone(), Vec::new()))
        .collect();
    for rate in &config.rates {
        let month = rate_parts(table, config, rate, ValueColumn::Month, period)?;
        let ytd = if rate.has_flow(config) {
            Some(rate_parts(table, config, rate, ValueColumn::Ytd, period)?)
        } else {
            None
        };
        rates.push(RateValue {
            month: month.county,
            ytd: ytd.as_ref().and_then(|y| y.county),
            townships: month.covered,
            townships_ytd: ytd.as_ref().map_or(0, |y| y.covered),
        });
        for (i, t) in table.townships.iter().enumerate() {
            let m = month.per_row.get(i).copied().flatten();
            let y = ytd
                .as_ref()
                .and_then(|y| y.per_row.get(i).copied().flatten());
            if let Some(list) = township_rates.get_mut(t) {
                list.push(RateValue {
                    month: m,
                    ytd: y,
                    townships: usize::from(m.is_some()),
                    townships_ytd: usize::from(y.is_some()),
                });
            }
        }
    }
    Ok(Aggregates {
        totals,
        rates,
        township_rates,
    })
}

struct Parts {
    county: Option<f64>,
    covered: usize,
    per_row: Vec<Option<f64>>,
}

fn rate_parts(
    table: &FactTable,
    config: &Config,
    rate: &Rate,
    column: ValueColumn,
    period: Period,
) -> PolarsResult<Parts> {
    let name = |code: &str| {
        let kind = config
            .indicator(code)
            .map_or(IndicatorKind::Stock, |i| i.kind);
        wide_name(code, column, kind)
    };
    let num = name(rate.numerator.get_ref());
    let den = name(rate.denominator.get_ref());
    let days = rate.days(period, column);
    let valid = col(num.as_str())
        .is_not_null()
        .and(col(den.as_str()).is_not_null());
    let scaled_den = col(den.as_str()) * lit(days);
    let frame = table
        .wide
        .clone()
        .lazy()
        .select([
            when(valid.clone())
                .then(col(num.as_str()))
                .otherwise(lit(NULL))
                .alias("num"),
            when(valid)
                .then(scaled_den)
                .otherwise(lit(NULL))
                .alias("den"),
        ])
        .collect()?;
    let nums = frame.column("num")?.cast(&DataType::Float64)?;
    let dens = frame.column("den")?.cast(&DataType::Float64)?;
    let (nums, dens) = (nums.f64()?, dens.f64()?);
    let mut per_row = Vec::with_capacity(frame.height());
    let (mut sum_num, mut sum_den, mut covered) = (0.0, 0.0, 0usize);
    for (n, d) in (0..frame.height()).map(|i| (nums.get(i), dens.get(i))) {
        match (n, d) {
            (Some(n), Some(d)) => {
                covered += 1;
                sum_num += n;
                sum_den += d;
                per_row.push(rate.value(n, d));
            }
            _ => per_row.push(None),
        }
    }
    let county = if covered > 0 {
        rate.value(sum_num, sum_den)
    } else {
        None
    };
    Ok(Parts {
        county,
        covered,
        per_row,
    })
}
