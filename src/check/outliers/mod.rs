//! R15: values far from what is expected, against the township's own previous months (from
//! the history store, `own_history.rs`: count-aware and trend-aware limits) and against the
//! other townships of the same month (`funnel.rs`: funnel limits for counts, Poisson over the
//! population or binomial out of another count, with over-dispersion between townships);
//! amounts that are not counts (money, kilograms) by the modified z-score per head (Iglewicz
//! and Hoaglin). Rare events (deaths) are left to R09: an indicator with `outliers = false` is
//! not looked at. No IO, no words.

mod decide;
mod funnel;
mod own_history;

use decide::{Beyond, Comparison, Leanings};

pub use funnel::{Funnel, Model, Unit};

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
    peers(table, config, check, past, &mut judged, out);
    let p = &check.outlier;
    let corroborate = (p.corroborate > 0.0).then(|| funnel::two_sided_z(p.corroborate));
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
    let seasons: Vec<Option<f64>> = config
        .indicators
        .iter()
        .filter(|i| i.outliers)
        .map(|ind| season(ind, recent, p))
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
        judge_own_months(table, config, p, (row, township), recent, &seasons, judged);
    }
}

/// One township's values against its own months (`seasons`: each outlier indicator's
/// seasonal factor, in order).
fn judge_own_months(
    table: &FactTable,
    config: &Config,
    p: &OutlierParams,
    (row, township): (usize, &str),
    recent: &[Figures],
    seasons: &[Option<f64>],
    judged: &mut Judged,
) {
    for ((index, ind), season) in config
        .indicators
        .iter()
        .enumerate()
        .filter(|(_, i)| i.outliers)
        .zip(seasons)
    {
        let code = ind.code();
        let Some(x) = table.value(row, code) else {
            continue;
        };
        let Some(mut e) = expectation(table, row, township, ind, recent, p) else {
            continue;
        };
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
    let per_unit = p.counts_per.contains_key(code) || p.proportions.contains_key(code);
    if ind.kind == IndicatorKind::Stock || per_unit || recent.len() < 12 {
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

/// What the township's months lead to expect of `ind` this month (`None`: too few months).
fn expectation(
    table: &FactTable,
    row: usize,
    township: &str,
    ind: &crate::config::Indicator,
    recent: &[Figures],
    p: &OutlierParams,
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
    own_history::expect(&series, ind.kind == IndicatorKind::Stock, ind.decimals)
}

/// The peers a month is compared with: this run's townships when there are enough of them;
/// else (one return checked as it arrives) last month's other townships from the store.
#[derive(Clone, Copy)]
enum PeerSource<'a> {
    ThisMonth,
    LastMonth(&'a Figures),
}

/// How an indicator is compared across townships, and by which denominator.
pub fn peer_model<'c>(
    config: &'c Config,
    p: &'c OutlierParams,
    code: &str,
) -> Option<(PeerModel, &'c str)> {
    let ind = config.indicators.iter().find(|i| i.code() == code)?;
    if let Some(den) = p.proportions.get(code) {
        return Some((PeerModel::Binomial, den.as_str()));
    }
    if let Some(den) = p.counts_per.get(code) {
        return Some((PeerModel::CountPer, den.as_str()));
    }
    let population = p.population.as_deref()?;
    if code == population {
        return None;
    }
    let model = if ind.is_count() {
        PeerModel::Poisson
    } else {
        PeerModel::PerHead
    };
    Some((model, population))
}

/// This month's (row, value, denominator) of an indicator, where both are there and the
/// denominator is above 0.
pub fn peer_rows(table: &FactTable, code: &str, denominator: &str) -> Vec<(usize, f64, f64)> {
    (0..table.townships.len())
        .filter_map(|row| {
            let x = table.value(row, code)?;
            let d = table.value(row, denominator).filter(|v| *v > 0.0)?;
            Some((row, x, d))
        })
        .collect()
}

/// The funnel of a count indicator over this month's townships (also drawn as a chart).
pub fn funnel_of(table: &FactTable, config: &Config, code: &str) -> Option<Funnel> {
    let p = &config.builtin_check(Builtin::Outlier)?.outlier;
    let (model, den) = peer_model(config, p, code)?;
    let rows = peer_rows(table, code, den);
    let units: Vec<Unit> = rows
        .iter()
        .map(|&(_, count, size)| Unit { count, size })
        .collect();
    fit(model, &units, p)
}

fn fit(model: PeerModel, units: &[Unit], p: &OutlierParams) -> Option<Funnel> {
    let model = match model {
        PeerModel::Poisson | PeerModel::CountPer => Model::Poisson,
        PeerModel::Binomial => Model::Binomial,
        PeerModel::PerHead => return None,
    };
    if units.len() < p.min_peers {
        return None;
    }
    Funnel::fit(units, model, p.dispersion, p.winsorise)
}

// long-function: the three peer models (population, proportions, counts per) share one loop over townships; not yet split (issue 10)
fn peers(
    table: &FactTable,
    config: &Config,
    check: &Check,
    past: &Past,
    judged: &mut Judged,
    out: &mut Vec<Finding>,
) {
    let p: &OutlierParams = &check.outlier;
    if p.population.is_none() && p.proportions.is_empty() && p.counts_per.is_empty() {
        return;
    }
    let n = table.townships.len();
    let others = |prev: &Figures| {
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
    for (index, ind) in config
        .indicators
        .iter()
        .enumerate()
        .filter(|(_, i)| i.outliers)
    {
        let code = ind.code();
        let Some((model, den)) = peer_model(config, p, code) else {
            continue;
        };
        let rows = peer_rows(table, code, den);
        // This month's townships, or last month's others.
        let reference: Vec<Unit> = match source {
            PeerSource::ThisMonth => rows
                .iter()
                .map(|&(_, count, size)| Unit { count, size })
                .collect(),
            PeerSource::LastMonth(prev) => prev
                .townships()
                .into_iter()
                .filter(|t| !table.townships.iter().any(|own| own == t))
                .filter_map(|t| {
                    let count = prev.get(t, code, Column::Month)?;
                    let size = prev.get(t, den, Column::Month).filter(|v| *v > 0.0)?;
                    Some(Unit { count, size })
                })
                .collect(),
        };
        if reference.len() < p.min_peers {
            continue;
        }
        let method = match source {
            PeerSource::ThisMonth => OutlierMethod::Peers {
                townships: reference.len(),
                model,
            },
            PeerSource::LastMonth(_) => OutlierMethod::PeersLastMonth {
                townships: reference.len(),
                model,
            },
        };
        if model == PeerModel::PerHead {
            per_head(check, index, &rows, &reference, method, judged);
            continue;
        }
        let Some(funnel) = fit(model, &reference, p) else {
            continue;
        };
        let window = &past.recent[..past.recent.len().min(p.window)];
        let standing = match (source, &past.previous) {
            (PeerSource::ThisMonth, Some(prev)) if p.standing_level > 0.0 => {
                last_month(prev, code, den, model, p)
                    .and_then(|f| over_months(f, window, code, den))
            }
            _ => None,
        };
        for &(row, count, size) in &rows {
            let u = Unit { count, size };
            let j = funnel.judge(u, p.level);
            let township = &table.townships[row];
            if let Some(months) = &standing {
                // Its standing difference says nothing of this month: the peers are no
                // evidence either way, its own months judge it.
                if stood_apart(months, window, township, code, den, j.z, p.standing_level) {
                    continue;
                }
            }
            let beyond = j.beyond;
            let j = Judgement {
                row,
                value: count,
                expected: j.expected,
                limits: (j.low, j.high),
                z: j.z,
                strong: funnel.judge(u, p.strong_level).beyond,
                method,
            };
            judged.add(Comparison::Peers, index, j, beyond);
        }
    }
}

/// Last month's funnel of an indicator over the store's townships.
fn last_month(
    prev: &Figures,
    code: &str,
    den: &str,
    model: PeerModel,
    p: &OutlierParams,
) -> Option<Funnel> {
    let units: Vec<Unit> = prev
        .townships()
        .into_iter()
        .filter_map(|t| {
            let count = prev.get(t, code, Column::Month)?;
            let size = prev.get(t, den, Column::Month).filter(|v| *v > 0.0)?;
            Some(Unit { count, size })
        })
        .collect();
    fit(model, &units, p)
}

/// A township's count and denominator summed over `months` (where both are there).
fn pooled(months: &[Figures], township: &str, code: &str, den: &str) -> Option<Unit> {
    let (count, size) = months
        .iter()
        .filter_map(|f| {
            let count = f.get(township, code, Column::Month)?;
            let size = f.get(township, den, Column::Month).filter(|v| *v > 0.0)?;
            Some((count, size))
        })
        .fold((0.0, 0.0), |(c, s), (count, size)| (c + count, s + size));
    (size > 0.0).then_some(Unit { count, size })
}

/// The funnel of the months before this one: the county's rate over them all (so that a
/// season does not set a township apart), with last month's spread between townships, which
/// belongs to each township's own rate and so does not shrink as its months add up.
fn over_months(last: Funnel, months: &[Figures], code: &str, den: &str) -> Option<Funnel> {
    let units: Vec<Unit> = months
        .iter()
        .flat_map(|f| f.townships())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter_map(|t| pooled(months, t, code, den))
        .collect();
    let size: f64 = units.iter().map(|u| u.size).sum();
    let target = units.iter().map(|u| u.count).sum::<f64>() / size;
    let usable =
        target > 0.0 && target.is_finite() && (last.model == Model::Poisson || target < 1.0);
    usable.then_some(Funnel { target, ..last })
}

/// Whether the township's months before this one, pooled, lie beyond the funnel of those
/// months at `level` on the side of `z`: a standing difference from its peers (a rate of its
/// own), which this month's typing error is not. Pooled, a dozen months of a small township
/// tell its rate far better than last month alone.
fn stood_apart(
    funnel: &Funnel,
    months: &[Figures],
    township: &str,
    code: &str,
    den: &str,
    z: f64,
    level: f64,
) -> bool {
    let Some(unit) = pooled(months, township, code, den) else {
        return false;
    };
    let then = funnel.judge(unit, level);
    then.beyond && then.z.signum() == z.signum()
}

/// Amounts that are not counts: the modified z-score of the amount per head.
fn per_head(
    check: &Check,
    index: usize,
    rows: &[(usize, f64, f64)],
    reference: &[Unit],
    method: OutlierMethod,
    judged: &mut Judged,
) {
    let p = &check.outlier;
    let rates: Vec<f64> = reference.iter().map(|u| u.count / u.size).collect();
    let Some(r) = Robust::of(&rates) else {
        return;
    };
    for &(row, x, pop) in rows {
        let z = r.z(x / pop);
        let (low, high) = r.range(p.z);
        let j = Judgement {
            row,
            value: x,
            expected: r.median * pop,
            limits: ((low * pop).max(0.0), high * pop),
            z: if x / pop < r.median { -z } else { z },
            strong: z >= p.z_strong,
            method,
        };
        judged.add(Comparison::Peers, index, j, z >= p.z);
    }
}

#[cfg(test)]
mod tests {
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
