//! R15: values far from what is expected, by the modified z-score (Iglewicz and Hoaglin), both
//! against the township's own previous months (from the history store) and against the other
//! townships of the same month (per head of population). Rare events (deaths) are left to R09:
//! an indicator with `outliers = false` is not looked at.

use crate::config::{Builtin, Check, Config, OutlierParams};
use crate::facts::FactTable;
use crate::findings::{Kind, NotEvaluable, OutlierMethod};
use crate::history::Past;
use crate::model::{Column, Finding};

use super::history::not_evaluable;

/// The centre and spread of a set of values for the modified z-score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Robust {
    pub median: f64,
    /// Median absolute deviation, or (when that is 0) the mean absolute deviation.
    pub spread: f64,
    /// 0.6745 with the median absolute deviation, 0.7979 with the mean.
    pub factor: f64,
}

impl Robust {
    /// `None` when every value is the same (no spread at all).
    pub fn of(values: &[f64]) -> Option<Self> {
        if values.is_empty() {
            return None;
        }
        let median = median(values);
        let deviations: Vec<f64> = values.iter().map(|v| (v - median).abs()).collect();
        let mad = median_of(deviations.clone());
        if mad > 0.0 {
            return Some(Self {
                median,
                spread: mad,
                factor: 0.6745,
            });
        }
        let mean = deviations.iter().sum::<f64>() / deviations.len() as f64;
        (mean > 0.0).then_some(Self {
            median,
            spread: mean,
            factor: 0.7979,
        })
    }

    pub fn z(&self, x: f64) -> f64 {
        self.factor * (x - self.median).abs() / self.spread
    }

    /// The values whose z stays under `z`.
    pub fn range(&self, z: f64) -> (f64, f64) {
        let half = z * self.spread / self.factor;
        (self.median - half, self.median + half)
    }
}

pub fn median(values: &[f64]) -> f64 {
    median_of(values.to_vec())
}

fn median_of(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => v[n / 2],
        _ => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

pub fn evaluate(table: &FactTable, config: &Config, past: &Past, out: &mut Vec<Finding>) {
    let Some(check) = config.builtin_check(Builtin::Outlier) else {
        return;
    };
    own_history(table, config, check, past, out);
    peers(table, config, check, past, out);
}

fn own_history(
    table: &FactTable,
    config: &Config,
    check: &Check,
    past: &Past,
    out: &mut Vec<Finding>,
) {
    let p: &OutlierParams = &check.outlier;
    if past.store.is_none() {
        out.push(not_evaluable(check, NotEvaluable::NoStore));
        return;
    }
    let months = past.recent.len().min(p.window);
    if months < p.min_months {
        out.push(not_evaluable(
            check,
            NotEvaluable::TooFewMonths {
                have: months,
                need: p.min_months,
            },
        ));
        return;
    }
    let recent = &past.recent[..months];
    for (row, township) in table.townships.iter().enumerate() {
        let have = recent.iter().filter(|f| f.has_township(township)).count();
        if have < p.min_months {
            out.push(
                not_evaluable(
                    check,
                    NotEvaluable::TooFewMonths {
                        have,
                        need: p.min_months,
                    },
                )
                .with_township(Some(township.clone())),
            );
            continue;
        }
        for ind in config.indicators.iter().filter(|i| i.outliers) {
            let code = ind.code();
            let Some(x) = table.value(row, code) else {
                continue;
            };
            let series: Vec<f64> = recent
                .iter()
                .filter_map(|f| f.get(township, code, Column::Month))
                .collect();
            if series.len() < p.min_months {
                continue;
            }
            let centre = median(&series);
            let deviation = (x - centre).abs();
            if deviation < p.min_deviation {
                continue;
            }
            // No spread at all (the same value every month): any real move is an outlier.
            let (z, (low, high)) = match Robust::of(&series) {
                Some(r) => (r.z(x), r.range(p.z)),
                None => (f64::INFINITY, (centre, centre)),
            };
            if z < p.z {
                continue;
            }
            let kind = Kind::Outlier {
                value: x,
                low: low.min(centre - p.min_deviation).max(0.0),
                high: high.max(centre + p.min_deviation),
                z,
                strong: z >= p.z_strong,
                method: OutlierMethod::History {
                    months: series.len(),
                },
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

/// The peers a month is compared with: this run's townships when there are enough of them;
/// else (one return checked as it arrives) last month's other townships from the store.
enum PeerSource<'a> {
    ThisMonth,
    LastMonth(&'a crate::history::Figures),
}

fn peers(table: &FactTable, config: &Config, check: &Check, past: &Past, out: &mut Vec<Finding>) {
    let p: &OutlierParams = &check.outlier;
    let Some(population) = p.population.as_deref() else {
        return;
    };
    let n = table.townships.len();
    let others = |prev: &crate::history::Figures| {
        prev.townships()
            .into_iter()
            .filter(|t| !table.townships.iter().any(|own| own == t))
            .count()
    };
    let source = match &past.previous {
        _ if n >= p.min_peers => PeerSource::ThisMonth,
        Some(prev) if others(prev) >= p.min_peers => PeerSource::LastMonth(prev),
        _ => {
            out.push(not_evaluable(
                check,
                NotEvaluable::TooFewPeers {
                    have: n,
                    need: p.min_peers,
                },
            ));
            return;
        }
    };
    for ind in config
        .indicators
        .iter()
        .filter(|i| i.outliers && i.code() != population)
    {
        let code = ind.code();
        let rows: Vec<(usize, f64, f64)> = (0..n)
            .filter_map(|row| {
                let x = table.value(row, code)?;
                let pop = table.value(row, population).filter(|v| *v > 0.0)?;
                Some((row, x, pop))
            })
            .collect();
        // Per head of population: this month's townships, or last month's others.
        let reference: Vec<f64> = match source {
            PeerSource::ThisMonth => rows.iter().map(|(_, x, pop)| x / pop).collect(),
            PeerSource::LastMonth(prev) => prev
                .townships()
                .into_iter()
                .filter(|t| !table.townships.iter().any(|own| own == t))
                .filter_map(|t| {
                    let x = prev.get(t, code, Column::Month)?;
                    let pop = prev
                        .get(t, population, Column::Month)
                        .filter(|v| *v > 0.0)?;
                    Some(x / pop)
                })
                .collect(),
        };
        if reference.len() < p.min_peers {
            continue;
        }
        let Some(r) = Robust::of(&reference) else {
            continue;
        };
        for (row, x, pop) in &rows {
            if (x - r.median * pop).abs() < p.min_deviation {
                continue;
            }
            let z = r.z(x / pop);
            if z < p.z {
                continue;
            }
            let (low, high) = r.range(p.z);
            let kind = Kind::Outlier {
                value: *x,
                low: (low * pop).max(0.0),
                high: high * pop,
                z,
                strong: z >= p.z_strong,
                method: match source {
                    PeerSource::ThisMonth => OutlierMethod::Peers {
                        townships: reference.len(),
                    },
                    PeerSource::LastMonth(_) => OutlierMethod::PeersLastMonth {
                        townships: reference.len(),
                    },
                },
            };
            out.push(super::at_cell(
                table,
                check,
                &table.townships[*row],
                code,
                Column::Month,
                kind,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modified_z_with_mad_and_with_mean_deviation() {
        let r = Robust::of(&[10.0, 11.0, 12.0, 13.0, 14.0]).expect("spread");
        assert_eq!((r.median, r.spread, r.factor), (12.0, 1.0, 0.6745));
        assert!((r.z(30.0) - 0.6745 * 18.0).abs() < 1e-12);
        // Most values equal: MAD is 0, the mean absolute deviation takes over.
        let r = Robust::of(&[5.0, 5.0, 5.0, 5.0, 5.0, 8.0]).expect("spread");
        assert_eq!((r.median, r.factor), (5.0, 0.7979));
        assert!((r.spread - 0.5).abs() < 1e-12);
        assert_eq!(Robust::of(&[2.0, 2.0, 2.0]), None);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
    }
}
