//! R15 against a township's own months: what they lead to expect this month, and limits that
//! respect count noise. A stock is expected at its last months carried forward by its steady
//! monthly change (median change), with the months' robust spread on Student's t. Counts (a
//! count flow, a share of another count, a count per unit of it) are judged by chance's exact
//! law where their months scatter no more than chance and the county's townships do
//! (`counts.rs`); otherwise, like amounts, by their months' own spread on Student's t (for a
//! flow on the log scale, where a lost digit and a digit too many are equally far), so a dozen
//! months do not pass for certainty. Numbers only: no findings, no words, no IO.

use statrs::distribution::{Binomial, ContinuousCDF, DiscreteCDF, NegativeBinomial, StudentsT};

use super::funnel::{inverse_cdf, tail_z};
use super::median;
use crate::findings::HistoryLaw;

mod counts;

pub use counts::{expect_per, expect_share, month_dispersion};
use counts::{over_dispersed, ratio, Chance};

/// What the months lead to expect, and how far ordinary values stray from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Expectation {
    pub expected: f64,
    /// Variance of this month's value around `expected`, on `scale`.
    pub variance: f64,
    pub scale: Scale,
    /// Months it was estimated from.
    pub months: usize,
    /// Degrees of freedom of the spread (Student's t of the limits).
    pub df: f64,
    /// Whether a stock's steady change was followed.
    pub trend: bool,
    /// The law the limits come from (said in the finding).
    pub law: HistoryLaw,
}

/// Where the spread is measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// A count that varies as chance does: the predictive negative binomial of `total`
    /// events over `months`.
    Counts { total: f64, months: f64 },
    /// A count out of `trials` at `share` (binomial).
    Binomial { trials: f64, share: f64 },
    /// The value itself.
    Linear,
    /// ln(1 + value).
    Log,
}

/// Robust standard deviation: Rousseeuw and Croux's Qn (2.2219 × the k-th smallest of the
/// pairwise distances, k = C(⌊n/2⌋ + 1, 2), with their small-sample factors). Unlike the MAD
/// it is 82% efficient, so a dozen months give a usable spread; one wrong month does not move it.
fn robust_sd(values: &[f64]) -> f64 {
    let n = values.len();
    if n < 2 {
        return 0.0;
    }
    let mut pairs: Vec<f64> = (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .map(|(i, j)| (values[i] - values[j]).abs())
        .collect();
    pairs.sort_by(f64::total_cmp);
    let h = n / 2 + 1;
    let k = (h * (h - 1) / 2).clamp(1, pairs.len());
    let small = [0.399, 0.994, 0.512, 0.844, 0.611, 0.857, 0.669, 0.872];
    let factor = match n {
        2..=9 => small[n - 2],
        _ if n % 2 == 1 => n as f64 / (n as f64 + 1.4),
        _ => n as f64 / (n as f64 + 3.8),
    };
    2.2219 * factor * pairs[k - 1]
}

/// Degrees of freedom of a spread from `n` values by Qn: its efficiency (82%) times n − 1.
fn degrees_of_freedom(n: usize) -> f64 {
    (0.82 * (n.max(2) - 1) as f64).max(1.0)
}

impl Expectation {
    /// The expectation of a flow moved by a seasonal factor: the level times the factor; on
    /// the log scale the spread stays, a count's predictive distribution keeps its events and
    /// scales its rate, a linear spread scales with the level.
    pub fn with_season(self, factor: f64) -> Self {
        let expected = self.expected * factor;
        match self.scale {
            Scale::Counts { total, months } => {
                let months = months / factor;
                Self {
                    expected: total / months,
                    variance: total / months * (months + 1.0) / months,
                    scale: Scale::Counts { total, months },
                    ..self
                }
            }
            // Never given a season (its expectation follows this month's whole already).
            Scale::Binomial { .. } => self,
            Scale::Log => Self { expected, ..self },
            Scale::Linear => Self {
                expected,
                variance: self.variance * factor * factor,
                ..self
            },
        }
    }
}

/// The county's seasonal factor of a flow this month: the townships' same month last year
/// (`year_ago`) against their year's median (`years`: each township's months of that year),
/// pooled over townships so that one township's noise makes no season. `None` with fewer than
/// `min_townships`, or when the factor does not stand clear of the townships' own scatter
/// (two standard errors of the log ratio): a season is followed only where there is one.
pub fn seasonal_factor(pairs: &[(f64, Vec<f64>)], min_townships: usize) -> Option<f64> {
    let mut same = 0.0;
    let mut level = 0.0;
    let mut logs = Vec::new();
    for (year_ago, year) in pairs {
        let m = median(year);
        if m <= 0.0 || *year_ago < 0.0 {
            continue;
        }
        same += year_ago;
        level += m;
        logs.push(((year_ago + 0.5) / (m + 0.5)).ln());
    }
    if logs.len() < min_townships.max(2) || level <= 0.0 || same <= 0.0 {
        return None;
    }
    let factor = same / level;
    // The plain standard deviation, not a robust one: a township's typing error last year
    // widens it, so a doubtful season is not followed (robust spreads can read two clusters
    // of townships as no scatter at all).
    let n = logs.len() as f64;
    let mean = logs.iter().sum::<f64>() / n;
    let sd = (logs.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let se = sd / n.sqrt();
    (factor.ln().abs() > 2.0 * se).then_some(factor)
}

/// `oldest_first`: the months before this one; `decimals`: how the value is typed (0: a
/// count). `None` with fewer than two months.
pub fn expect(
    oldest_first: &[f64],
    stock: bool,
    decimals: u32,
    dispersion: Option<f64>,
) -> Option<Expectation> {
    let n = oldest_first.len();
    if n < 2 {
        return None;
    }
    let count = decimals == 0;
    // An amount typed to two decimals is known to half a step: months that mostly tie at one
    // typed value (0.06 万元 in eight months of twelve) make the robust spread 0, which only
    // says the spread is under a step. One step is the least spread an amount is given.
    let step = 10f64.powi(-(decimals as i32));
    if !stock {
        return Some(flow(oldest_first, count, step, dispersion));
    }
    // A stock moves by its month's comings and goings: the last three months carried forward
    // by the median monthly change (three, so one wrong month does not lead).
    let changes: Vec<f64> = oldest_first.windows(2).map(|w| w[1] - w[0]).collect();
    let drift = median(&changes);
    let recent: Vec<f64> = (1..=n.min(3))
        .map(|k| oldest_first[n - k] + k as f64 * drift)
        .collect();
    // One month's movement plus the uncertainty of the level projected from them.
    let sd = robust_sd(&changes);
    let floor = if count {
        drift.abs().max(1.0)
    } else {
        step * step
    };
    Some(Expectation {
        expected: median(&recent).max(0.0),
        variance: (2.0 * sd * sd).max(floor),
        scale: Scale::Linear,
        months: n,
        df: degrees_of_freedom(n - 1),
        trend: drift != 0.0,
        law: HistoryLaw::OwnSpread,
    })
}

/// A flow: a count that varies no more than chance (by the test in `ratio`) by its predictive
/// distribution; else on the
/// log scale (ln(1 + y)), where a lost digit and a digit too many are equally far, with the
/// months' robust spread, and for counts at least Poisson noise (variance 1/(1 + μ) there), for
/// amounts at least one typed `step` (step/(1 + μ) there).
fn flow(oldest_first: &[f64], count: bool, step: f64, dispersion: Option<f64>) -> Expectation {
    let n = oldest_first.len();
    let level = median(oldest_first).max(0.0);
    if count {
        let months: Vec<(f64, f64)> = oldest_first.iter().map(|v| (v.max(0.0), 1.0)).collect();
        let judged = match dispersion {
            Some(kappa) => over_dispersed(&months, kappa),
            // Chance alone, where the months scatter no more than it (see `ratio`: a month a
            // unit): the predictive negative binomial of their Poisson rate.
            None => ratio(&months, 1.0, Chance::Poisson)
                .filter(|e| matches!(e.scale, Scale::Counts { .. })),
        };
        if let Some(e) = judged {
            return e;
        }
    }
    let logs: Vec<f64> = oldest_first.iter().map(|v| v.max(0.0).ln_1p()).collect();
    let sd = robust_sd(&logs);
    let floor = if count {
        1.0 / (1.0 + level)
    } else {
        (step / (1.0 + level)).powi(2)
    };
    // The floor is no known variance here: a flow's rate itself moves from month to month
    // (more than Poisson), so the months' spread keeps Student's t even where the floor binds.
    Expectation {
        expected: level,
        variance: (sd * sd * (1.0 + 1.0 / n as f64)).max(floor),
        scale: Scale::Log,
        months: n,
        df: degrees_of_freedom(n),
        trend: false,
        law: HistoryLaw::OwnSpread,
    }
}

/// A value against the expectation: limits at `coverage` and its tail as a signed z.
/// Returns (low, high, z, beyond).
pub fn judge(e: &Expectation, value: f64, coverage: f64) -> (f64, f64, f64, bool) {
    let tail = (1.0 - coverage) / 2.0;
    let above = value > e.expected;
    if let Some(p) = chance_tail(e, value, tail, above) {
        return p;
    }
    // Spread estimated from the months: Student's t on its degrees of freedom; the normal
    // where chance alone sets it (statrs' t quantile does not take infinite freedom).
    let t = StudentsT::new(0.0, 1.0, e.df.min(1e6)).expect("df ≥ 1");
    let sd = e.variance.sqrt();
    let (centre, x) = match e.scale {
        Scale::Log => (e.expected.ln_1p(), value.max(0.0).ln_1p()),
        _ => (e.expected, value),
    };
    let back = |v: f64| match e.scale {
        Scale::Log => v.exp_m1(),
        _ => v,
    };
    if sd <= 0.0 {
        let off = value != e.expected;
        let z = if off { f64::INFINITY } else { 0.0 };
        return (e.expected, e.expected, if above { z } else { -z }, off);
    }
    let known = e.df > 1e6;
    let quantile = if known {
        tail_z(tail)
    } else {
        t.inverse_cdf(1.0 - tail)
    };
    let half = quantile * sd;
    let (low, high) = (back(centre - half).max(0.0), back(centre + half));
    let off = ((x - centre) / sd).abs();
    let z = if known { off } else { tail_z(t.cdf(-off)) };
    (
        low,
        high,
        if above { z } else { -z },
        value < low || value > high,
    )
}

/// A count judged by chance alone (`Scale::Counts`, `Scale::Binomial`): exact limits and the
/// exact tail beyond the value. `None` for the other scales.
fn chance_tail(
    e: &Expectation,
    value: f64,
    tail: f64,
    above: bool,
) -> Option<(f64, f64, f64, bool)> {
    let y = value.round().max(0.0) as u64;
    let tails = |d: &dyn DiscreteCDF<u64, f64>| {
        let sd = e.variance.sqrt();
        let z = tail_z(tail);
        let low = inverse_cdf(d, tail, e.expected - z * sd) as f64;
        let high = inverse_cdf(d, 1.0 - tail, e.expected + z * sd) as f64;
        let p = match (above, y) {
            (true, 0) => 1.0,
            (true, _) => d.sf(y - 1),
            (false, _) => d.cdf(y),
        };
        let z = tail_z(p.min(0.5));
        (
            low,
            high,
            if above { z } else { -z },
            value < low || value > high,
        )
    };
    // A law statrs refuses (no events, no units) leaves only 0 possible.
    let impossible = (0.0, 0.0, f64::INFINITY, value > 0.0);
    match e.scale {
        Scale::Counts { total, months } => Some(
            NegativeBinomial::new(total, months / (months + 1.0)).map_or(impossible, |d| tails(&d)),
        ),
        Scale::Binomial { trials, share } => {
            Some(Binomial::new(share, trials as u64).map_or(impossible, |d| tails(&d)))
        }
        Scale::Linear | Scale::Log => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_count_moves_like_chance_and_a_lost_digit_is_found() {
        // Months of 3, 5, 4, 2, 6, 4: spread below Poisson (Pearson χ² 3.53 on 5 df). 24
        // events in 6 months: negative binomial r = 24.5, p = 6/7, mean 4.083, variance 4.764;
        // its 99.9% quantile is 13 (P(Y ≤ 12) = 0.99891, P(Y ≤ 13) = 0.99959): 9 is ordinary.
        let e = expect(&[3.0, 5.0, 4.0, 2.0, 6.0, 4.0], false, 0, None).expect("months");
        assert_eq!(
            e.scale,
            Scale::Counts {
                total: 24.5,
                months: 6.0
            }
        );
        assert!((e.expected - 24.5 / 6.0).abs() < 1e-12, "{e:?}");
        let (low, high, _, beyond) = judge(&e, 9.0, 0.998);
        assert_eq!((low, high, beyond), (0.0, 13.0, false));
        // Cervical screenings 13–42 in past months, 2 typed for 29: found.
        let months = [
            13.0, 42.0, 25.0, 31.0, 18.0, 36.0, 22.0, 29.0, 40.0, 15.0, 33.0, 27.0,
        ];
        // On its own, or where the county's townships move 10% or 30% a month (κ = 0.01, 0.09:
        // the months scatter beyond the first, so their own spread judges them).
        for county in [None, Some(0.01), Some(0.09)] {
            let e = expect(&months, false, 0, county).expect("months");
            let (_, _, z, beyond) = judge(&e, 2.0, 0.998);
            assert!(beyond && z < -3.0, "{county:?}: {e:?} z {z}");
            // And 290 (a digit too many) too; 40 is ordinary.
            assert!(judge(&e, 290.0, 0.998).3);
            assert!(!judge(&e, 40.0, 0.998).3);
        }
    }

    #[test]
    fn a_stock_follows_its_steady_change() {
        // +20 a month with a little noise: expected 5240 after 5220; 5245 ordinary, 5420 not.
        let months = [
            5000.0, 5021.0, 5039.0, 5061.0, 5080.0, 5099.0, 5121.0, 5140.0, 5160.0, 5181.0, 5199.0,
            5220.0,
        ];
        let e = expect(&months, true, 0, None).expect("months");
        assert!(e.trend && (e.expected - 5240.0).abs() <= 1.0, "{e:?}");
        assert!(!judge(&e, 5245.0, 0.998).3);
        assert!(judge(&e, 5420.0, 0.998).3);
        // Just above last year's range is no outlier for a growing stock.
        assert!(!judge(&e, 5236.0, 0.998).3);
    }

    #[test]
    fn an_amount_is_given_at_least_one_typed_step() {
        // 0.06 万元 in most months: the robust spread of the months is 0, which says only that
        // it is under a step (0.01). With a step as the spread 0.07 and 0.09 are ordinary;
        // 0.6 (typed ten times) is not.
        let months = [
            0.06, 0.06, 0.05, 0.06, 0.07, 0.06, 0.06, 0.05, 0.06, 0.07, 0.06, 0.06,
        ];
        assert_eq!(robust_sd(&months.map(|v: f64| v.ln_1p())), 0.0);
        let e = expect(&months, false, 2, None).expect("months");
        assert!(
            !judge(&e, 0.07, 0.998).3 && !judge(&e, 0.09, 0.998).3,
            "{e:?}"
        );
        assert!(judge(&e, 0.6, 0.998).3, "{e:?}");
    }

    #[test]
    fn the_t_limits_by_hand() {
        // Amounts 10, 12, …, 20 (not counts, median 15) on the log scale, centred at ln 16 =
        // 2.77259. Qn: the 6th smallest (k = C(4, 2)) of the 15 distances between ln(1 + y) is
        // ln(21/17) = 0.21131; sd = 2.2219 · 0.611 · 0.21131 = 0.28687, times √(1 + 1/6) =
        // 0.30985. Student's t with 0.82 · 5 = 4.1 df at 99.9% is 6.9986: limits
        // e^(2.77259 ∓ 2.16850) − 1 = 0.8295 … 138.93.
        let e = expect(&[10.0, 12.0, 14.0, 16.0, 18.0, 20.0], false, 2, None).expect("months");
        assert_eq!((e.scale, e.expected), (Scale::Log, 15.0));
        let (low, high, _, beyond) = judge(&e, 0.5, 0.998);
        assert!(
            (low - 0.8295).abs() < 0.001 && (high - 138.93).abs() < 0.05,
            "{low} {high}"
        );
        assert!(beyond && !judge(&e, 90.0, 0.998).3);
    }

    #[test]
    fn a_season_is_followed_only_where_the_county_shows_one() {
        // Ten townships, a year at levels 50..140 (median m), each 30% above it in the same
        // month last year: pooled factor Σ1.3m / Σm = 1.3, every log ratio alike.
        let year = |m: f64| vec![m; 12];
        let clear: Vec<(f64, Vec<f64>)> = (0..10)
            .map(|i| {
                let m = 50.0 + 10.0 * i as f64;
                (1.3 * m, year(m))
            })
            .collect();
        let f = seasonal_factor(&clear, 8).expect("a season");
        assert!((f - 1.3).abs() < 1e-12, "{f}");
        // Same total, but townships scattered both ways (±60%): no season stands out.
        let scattered: Vec<(f64, Vec<f64>)> = (0..10)
            .map(|i| {
                let m = 100.0;
                let r = if i % 2 == 0 { 1.9 } else { 0.7 };
                (r * m, year(m))
            })
            .collect();
        assert_eq!(seasonal_factor(&scattered, 8), None);
        // Too few townships to tell.
        assert_eq!(seasonal_factor(&clear[..5], 8), None);
    }

    #[test]
    fn a_seasonal_expectation_moves_the_level_and_keeps_count_noise() {
        let e = expect(&[3.0, 5.0, 4.0, 2.0, 6.0, 4.0], false, 0, None).expect("months");
        let s = e.with_season(1.5);
        // 24.5 events over 6 months at 1.5 × the rate: mean 6.125, NB p = m'/(m' + 1).
        assert!((s.expected - 6.125).abs() < 1e-9, "{}", s.expected);
        let m = 6.0 / 1.5;
        assert!((s.variance - 6.125 * (m + 1.0) / m).abs() < 1e-9);
        let log = flow(&[100.0, 140.0, 90.0, 160.0, 120.0, 70.0], false, 0.01, None);
        let s = log.with_season(1.2);
        assert_eq!((s.expected, s.variance), (log.expected * 1.2, log.variance));
    }
}
