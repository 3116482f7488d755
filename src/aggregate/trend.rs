//! The county's rates month by month: the months the history store holds before the run, then
//! the run itself. Each month's rate is recomputed from that month's summed parts, as the run's
//! own are (never an average of townships' rates), from 本月数: a year-to-date rate climbs
//! through the year by construction and says nothing month to month.

use super::Aggregates;
use crate::config::Config;
use crate::history::Past;
use crate::model::{Column, Period};

/// Periods oldest first, and for each rate (in the configuration's order) its 本月 value in each.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    pub periods: Vec<Period>,
    pub rates: Vec<Vec<Option<f64>>>,
}

pub fn trend(past: &Past, current: &Aggregates, period: Period, config: &Config) -> Trend {
    let mut months: Vec<&crate::history::Figures> = past
        .recent
        .iter()
        .filter(|f| f.period.is_some_and(|p| p < period))
        .collect();
    months.sort_by_key(|f| f.period);
    let mut periods: Vec<Period> = months.iter().filter_map(|f| f.period).collect();
    periods.push(period);
    let rates = config
        .rates
        .iter()
        .enumerate()
        .map(|(i, rate)| {
            let mut series: Vec<Option<f64>> = months
                .iter()
                .map(|f| {
                    let p = f.period?;
                    let days = rate.days(p, Column::Month);
                    let (mut num, mut den, mut any) = (0.0, 0.0, false);
                    for t in f.townships() {
                        let n = f.get(t, rate.numerator.get_ref(), Column::Month);
                        let d = f.get(t, rate.denominator.get_ref(), Column::Month);
                        if let (Some(n), Some(d)) = (n, d) {
                            num += n;
                            den += d * days;
                            any = true;
                        }
                    }
                    if any {
                        rate.value(num, den)
                    } else {
                        None
                    }
                })
                .collect();
            series.push(current.rates.get(i).and_then(|r| r.month));
            series
        })
        .collect();
    Trend { periods, rates }
}
