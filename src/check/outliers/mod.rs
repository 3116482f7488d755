//! R15: values far from what is expected, against the township's own previous months (from
//! the history store, `own_history.rs`: count-aware and trend-aware limits) and against the
//! other townships of the same month (`peers.rs`, with `funnel.rs`: funnel limits for counts, Poisson over the
//! population or binomial out of another count, with over-dispersion between townships);
//! amounts that are not counts (money, kilograms) by the modified z-score per head (Iglewicz
//! and Hoaglin). Rare events (deaths) are left to R09: an indicator with `outliers = false` is
//! not looked at. No IO, no words.

mod decide;
mod funnel;
mod own_history;
mod peers;

use decide::{Beyond, Comparison, Leanings};

pub use funnel::{Funnel, Model, Unit};
pub use peers::{funnel_of, peer_model, peer_rows};

use crate::config::{Builtin, Check, Config, IndicatorKind, OutlierParams};
use crate::facts::FactTable;
use crate::findings::Finding;
use crate::findings::{Kind, NotEvaluable, OutlierMethod, PeerModel};
use crate::history::{Figures, Past};
use crate::model::Column;

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
    let mut judged = Judged {
        leanings: Leanings::new(config.indicators.len(), table.townships.len()),
        beyond: Vec::new(),
    };
    own_history(table, config, check, past, &mut judged, out);
    peers::peers(table, config, check, past, &mut judged, out);
    let p = &check.outlier;
    let corroborate = (p.corroborate > 0.0).then(|| decide::Corroboration {
        by_peers: funnel::two_sided_z(p.corroborate),
        by_own_months: funnel::two_sided_z(p.corroborate_peers),
    });
    for b in decide::flagged(judged.beyond, &judged.leanings, corroborate) {
        let ind = &config.indicators[b.indicator];
        push(table, check, ind, b.judgement, out);
    }
}

/// What the two comparisons made of this month's values: every value's z (for corroboration)
/// and the values beyond the limits (to be decided).
struct Judged {
    leanings: Leanings,
    beyond: Vec<Beyond>,
}

impl Judged {
    fn add(&mut self, by: Comparison, indicator: usize, judgement: Judgement, beyond: bool) {
        self.leanings
            .record(by, indicator, judgement.row, judgement.z);
        if beyond {
            self.beyond.push(Beyond {
                indicator,
                by,
                judgement,
            });
        }
    }
}

/// A finding at the township's cell of `code`, from a value judged at the configured levels.
struct Judgement {
    row: usize,
    value: f64,
    expected: f64,
    limits: (f64, f64),
    z: f64,
    strong: bool,
    method: OutlierMethod,
}

fn push(
    table: &FactTable,
    check: &Check,
    ind: &crate::config::Indicator,
    j: Judgement,
    out: &mut Vec<Finding>,
) {
    let p = &check.outlier;
    // A count deviating by less than the floor is never an outlier (a count moving from 0 to
    // 1). The floor is in whole units, so it says nothing of an amount with decimals: 0.6 万元
    // typed for 0.06 is ten times the value, though 0.54 apart.
    if ind.is_count() && (j.value - j.expected).abs() < p.min_deviation {
        return;
    }
    let code = ind.code();
    let kind = Kind::Outlier {
        value: j.value,
        expected: j.expected,
        low: j.limits.0,
        high: j.limits.1,
        level: p.level,
        z: j.z,
        strong: j.strong,
        method: j.method,
    };
    let township = &table.townships[j.row];
    out.push(super::at_cell(
        table,
        check,
        township,
        code,
        Column::Month,
        kind,
    ));
}

fn own_history(
    table: &FactTable,
    config: &Config,
    check: &Check,
    past: &Past,
    judged: &mut Judged,
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
    let county: Vec<County> = config
        .indicators
        .iter()
        .filter(|i| i.outliers)
        .map(|ind| County {
            season: season(ind, recent, p),
            dispersion: dispersion(ind, recent, p),
        })
        .collect();
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
        judge_own_months(table, config, p, (row, township), recent, &county, judged);
    }
}

/// What the county's townships' months say of an indicator, for judging each township's.
struct County {
    /// The seasonal factor of this month.
    season: Option<f64>,
    /// A count flow's month-to-month dispersion κ (`own_history::month_dispersion`).
    dispersion: Option<f64>,
}

/// One township's values against its own months (`county`: each outlier indicator's, in
/// order).
fn judge_own_months(
    table: &FactTable,
    config: &Config,
    p: &OutlierParams,
    (row, township): (usize, &str),
    recent: &[Figures],
    county: &[County],
    judged: &mut Judged,
) {
    for ((index, ind), county) in config
        .indicators
        .iter()
        .enumerate()
        .filter(|(_, i)| i.outliers)
        .zip(county)
    {
        let code = ind.code();
        let Some(x) = table.value(row, code) else {
            continue;
        };
        let Some(mut e) = expectation(table, row, township, ind, recent, p, county.dispersion)
        else {
            continue;
        };
        let season = &county.season;
        if let Some(s) = season {
            e = e.with_season(*s);
        }
        let (low, high, z, beyond) = own_history::judge(&e, x, p.level);
        let j = Judgement {
            row,
            value: x,
            expected: e.expected,
            limits: (low, high),
            z,
            strong: own_history::judge(&e, x, p.strong_level).3,
            method: OutlierMethod::History {
                months: e.months,
                trend: e.trend,
                season: *season,
                law: e.law,
            },
        };
        judged.add(Comparison::OwnMonths, index, j, beyond);
    }
}

/// The county's seasonal factor of a flow this month, from the store's townships with a year
/// of months (`recent` newest first: the same month last year is the twelfth); none for stocks,
/// counts per unit and shares (their expectation already moves with this month's units).
fn season(ind: &crate::config::Indicator, recent: &[Figures], p: &OutlierParams) -> Option<f64> {
    let code = ind.code();
    if ind.kind == IndicatorKind::Stock || p.per_unit(code) || recent.len() < 12 {
        return None;
    }
    let year = &recent[..12];
    let pairs: Vec<(f64, Vec<f64>)> = year[11]
        .townships()
        .into_iter()
        .filter_map(|t| {
            let same = year[11].get(t, code, Column::Month)?;
            let months: Vec<f64> = year
                .iter()
                .filter_map(|f| f.get(t, code, Column::Month))
                .collect();
            (months.len() >= p.min_months).then_some((same, months))
        })
        .collect();
    own_history::seasonal_factor(&pairs, p.min_peers)
}

/// The county's month-to-month dispersion of a count flow (none for stocks, amounts, counts
/// per unit and shares), from each township's months in `recent`.
fn dispersion(
    ind: &crate::config::Indicator,
    recent: &[Figures],
    p: &OutlierParams,
) -> Option<f64> {
    let code = ind.code();
    if ind.kind == IndicatorKind::Stock || !ind.is_count() || p.per_unit(code) {
        return None;
    }
    let newest = recent.first()?;
    let series: Vec<Vec<f64>> = newest
        .townships()
        .into_iter()
        .map(|t| {
            recent
                .iter()
                .rev()
                .filter_map(|f| f.get(t, code, Column::Month))
                .collect::<Vec<f64>>()
        })
        .filter(|months| months.len() >= p.min_months)
        .collect();
    own_history::month_dispersion(&series, p.min_peers)
}

/// What the township's months lead to expect of `ind` this month (`None`: too few months).
/// `dispersion`: the county's, for a count flow.
fn expectation(
    table: &FactTable,
    row: usize,
    township: &str,
    ind: &crate::config::Indicator,
    recent: &[Figures],
    p: &OutlierParams,
    dispersion: Option<f64>,
) -> Option<own_history::Expectation> {
    let code = ind.code();
    // `recent` is newest first; the expectation reads the months in order.
    let months = recent.iter().rev();
    // A count per unit of another, or a share of it: judged against this month's units.
    let per = p.counts_per.get(code).map(|den| (den, false));
    if let Some((den, share)) = per.or_else(|| p.proportions.get(code).map(|den| (den, true))) {
        let units = table.value(row, den).filter(|d| *d > 0.0)?;
        let pairs: Vec<(f64, f64)> = months
            .filter_map(|f| {
                let y = f.get(township, code, Column::Month)?;
                let d = f.get(township, den, Column::Month).filter(|d| *d > 0.0)?;
                Some((y, d))
            })
            .collect();
        let expect = if share {
            own_history::expect_share
        } else {
            own_history::expect_per
        };
        return (pairs.len() >= p.min_months)
            .then(|| expect(&pairs, units))
            .flatten();
    }
    let series: Vec<f64> = months
        .filter_map(|f| f.get(township, code, Column::Month))
        .collect();
    if series.len() < p.min_months {
        return None;
    }
    own_history::expect(
        &series,
        ind.kind == IndicatorKind::Stock,
        ind.decimals,
        dispersion,
    )
}

#[cfg(test)]
mod tests {
    use super::peers::{last_month, over_months, stood_apart};
    use super::*;
    use std::sync::Arc;

    /// `(township, code, 本月数, 本年累计)`, as the history store holds a figure.
    type Entry = (Arc<str>, Arc<str>, Option<f64>, Option<f64>);

    #[test]
    fn a_township_apart_over_its_months_is_standing_not_mistyped() {
        // Twelve months of ten townships: nine deliver 19 of 20 mothers, 东关 15 of 20 every
        // month (a rate of its own). Pooled over the months 东关 is 180 of 240 against the
        // county's 186/200 = 0.93: far below the 95% limits; 西河 (228 of 240) is not.
        let names = [
            "东关", "西河", "南山", "北塘", "青龙", "白马", "石门", "金沙", "柳林", "桃花",
        ];
        let month = |m: u32| {
            let entries: Vec<Entry> = names
                .iter()
                .flat_map(|t| {
                    let x = if *t == "东关" { 15.0 } else { 19.0 };
                    [
                        (Arc::from(*t), Arc::from("X"), Some(x), None),
                        (Arc::from(*t), Arc::from("N"), Some(20.0), None),
                    ]
                })
                .collect();
            Figures::from_entries(
                crate::model::Period {
                    year: 2026,
                    month: m,
                },
                &entries,
            )
        };
        let months: Vec<Figures> = (1..=12).rev().map(month).collect();
        let p = OutlierParams::default();
        let last = last_month(&months[0], "X", "N", PeerModel::Binomial, &p).expect("funnel");
        let f = over_months(last, &months, "X", "N").expect("funnel of the months");
        assert!((f.target - 0.93).abs() < 1e-12, "{f:?}");
        assert!(stood_apart(&f, &months, "东关", "X", "N", -4.0, 0.95));
        // Apart below, not above: a value too high this month is still for the peers to judge.
        assert!(!stood_apart(&f, &months, "东关", "X", "N", 4.0, 0.95));
        assert!(!stood_apart(&f, &months, "西河", "X", "N", -4.0, 0.95));
    }

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
