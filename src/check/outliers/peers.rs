//! R15 against the other townships: which model and denominator an indicator is compared by
//! (`peer_model`), the funnel of a month or, for one return checked alone, of last month's
//! other townships, and a township's standing difference from its peers over its previous
//! months (`stood_apart`), which leaves the judging to its own months. Amounts that are not
//! counts by the modified z-score per head. No IO, no words.

use super::*;

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
pub(super) fn peers(
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
            let step = 10f64.powi(-(ind.decimals as i32));
            per_head(check, (index, step), &rows, &reference, method, judged);
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
pub(super) fn last_month(
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
pub(super) fn over_months(
    last: Funnel,
    months: &[Figures],
    code: &str,
    den: &str,
) -> Option<Funnel> {
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
pub(super) fn stood_apart(
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

/// Amounts that are not counts: the modified z-score of the amount per head on the log scale.
/// Money and weight vary between townships by factors, not by sums (one spends 1.3 times the
/// other per head), so the spread is symmetric in the logarithm, and a lost digit and a digit
/// too many are equally far. Half a typed `step` is added so that an amount of 0 has a log.
fn per_head(
    check: &Check,
    (index, step): (usize, f64),
    rows: &[(usize, f64, f64)],
    reference: &[Unit],
    method: OutlierMethod,
    judged: &mut Judged,
) {
    let p = &check.outlier;
    let log = |amount: f64, size: f64| ((amount.max(0.0) + step / 2.0) / size).ln();
    let back = |l: f64, size: f64| (l.exp() * size - step / 2.0).max(0.0);
    let logs: Vec<f64> = reference.iter().map(|u| log(u.count, u.size)).collect();
    let Some(r) = Robust::of(&logs) else {
        return;
    };
    let (low, high) = r.range(p.z);
    for &(row, x, pop) in rows {
        let l = log(x, pop);
        let z = r.z(l);
        let j = Judgement {
            row,
            value: x,
            expected: back(r.median, pop),
            limits: (back(low, pop), back(high, pop)),
            z: if l < r.median { -z } else { z },
            strong: z >= p.z_strong,
            method,
        };
        judged.add(Comparison::Peers, index, j, z >= p.z);
    }
}
