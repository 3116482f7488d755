//! Counts against their own months: a count per unit of another, a share of another, and a
//! count flow by the county's month-to-month dispersion. Where the months scatter no more than
//! chance does (Pearson's χ² within its 95%, as funnel plots test over-dispersion), chance's
//! exact law judges (binomial, or the predictive negative binomial); where they scatter more,
//! chance's variance times the dispersion, on Student's t. Numbers only.

use std::sync::OnceLock;

use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::super::median;
use super::{robust_sd, Expectation, Scale};
use crate::findings::HistoryLaw;

/// A count per unit of another (the audience of talks per talk), judged against this month's
/// units: see `ratio`; chance is Poisson, the predictive negative binomial of the months' rate
/// (Jeffreys: Gamma(Σy + ½, Σn), so that months mostly at 0 do not make 3 impossible).
pub fn expect_per(pairs: &[(f64, f64)], units: f64) -> Option<Expectation> {
    ratio(pairs, units, Chance::Poisson)
}

/// A count out of another (deliveries out of mothers), judged against this month's whole: see
/// `ratio`; chance is the binomial at the months' share (Jeffreys: (Σy + ½)/(Σn + 1), so that
/// months all at 100% do not make 9 of 10 impossible).
pub fn expect_share(pairs: &[(f64, f64)], whole: f64) -> Option<Expectation> {
    let capped: Vec<(f64, f64)> = pairs.iter().map(|&(y, n)| (y.min(n), n)).collect();
    ratio(&capped, whole, Chance::Binomial)
}

/// How a count of so many units varies by chance alone.
#[derive(Debug, Clone, Copy)]
pub(super) enum Chance {
    Poisson,
    Binomial,
}

impl Chance {
    /// Jeffreys' estimate of the rate from `events` in `trials`.
    fn rate(self, events: f64, trials: f64) -> f64 {
        match self {
            Self::Poisson => (events + 0.5) / trials,
            Self::Binomial => (events + 0.5) / (trials + 1.0),
        }
    }

    /// The variance of a count of `units` at `rate`.
    fn variance(self, rate: f64, units: f64) -> f64 {
        match self {
            Self::Poisson => rate * units,
            Self::Binomial => units * rate * (1.0 - rate),
        }
    }
}

/// A count judged by its rate per unit of another (`units` this month). The rate is the months'
/// pooled one (not their median: with months of a few events each the median of 1, 0.75, 1,
/// 0.67, 1 is 100%), without a month farther from the others than chance ever goes. The months
/// are then tested for over-dispersion, as funnel plots are (Spiegelhalter 2005): where their
/// Pearson χ² about the rate stays within chance's 95% (most townships, most shares), chance
/// judges by its exact law; where it does not, chance's variance times the dispersion φ = χ²/df,
/// on Student's t with df = months − 1.
pub(super) fn ratio(pairs: &[(f64, f64)], units: f64, chance: Chance) -> Option<Expectation> {
    let n = pairs.len();
    if n < 2 {
        return None;
    }
    let kept = without_mistyped(pairs, chance);
    let (events, trials) = totals(&kept);
    let rate = chance.rate(events, trials);
    // The rate's own uncertainty (estimated from `trials` units) adds to this month's noise.
    let variance = chance.variance(rate, units) * (1.0 + units / trials);
    let expected = rate * units;
    let df = (kept.len() - 1) as f64;
    let x2: f64 = kept
        .iter()
        .map(|(y, d)| (y - rate * d).powi(2) / chance.variance(rate, *d).max(0.5))
        .sum();
    let within_chance = x2 <= chi_squared_quantile(df, Coverage::Within);
    if within_chance {
        let (scale, law) = match chance {
            Chance::Poisson => (
                Scale::Counts {
                    total: events + 0.5,
                    months: trials / units,
                },
                HistoryLaw::Poisson,
            ),
            Chance::Binomial => (
                Scale::Binomial {
                    trials: units.round(),
                    share: rate,
                },
                HistoryLaw::Binomial,
            ),
        };
        return Some(Expectation {
            expected,
            variance,
            scale,
            months: n,
            df: f64::INFINITY,
            trend: false,
            law,
        });
    }
    Some(Expectation {
        expected,
        variance: variance * x2 / df,
        scale: Scale::Linear,
        months: n,
        df,
        trend: false,
        law: HistoryLaw::Dispersed,
    })
}

/// The months without the one farthest from the others' rate, when it is farther than chance
/// ever goes (z > 5, chance's spread widened by the months' robust dispersion: the median
/// squared Pearson residual over χ²₁'s median, 0.455): one mistyped month (81 for 812) must
/// not move the rate this month is judged by, nor pass for over-dispersion; a month of months
/// that all scatter widely is no mistake.
fn without_mistyped(pairs: &[(f64, f64)], chance: Chance) -> Vec<(f64, f64)> {
    let (events, trials) = totals(pairs);
    let residual = |&(y, n): &(f64, f64), rate: f64| {
        (y - rate * n).abs() / chance.variance(rate, n).max(0.25).sqrt()
    };
    let rate = chance.rate(events, trials);
    let squared: Vec<f64> = pairs.iter().map(|p| residual(p, rate).powi(2)).collect();
    let dispersion = (median(&squared) / 0.455).max(1.0);
    let distance = |p: &(f64, f64)| {
        let (rest_y, rest_n) = (events - p.0, trials - p.1);
        if rest_n <= 0.0 {
            return 0.0;
        }
        residual(p, chance.rate(rest_y, rest_n)) / dispersion.sqrt()
    };
    let farthest = (0..pairs.len())
        .map(|i| (distance(&pairs[i]), i))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match farthest {
        Some((z, i)) if z > 5.0 && pairs.len() > 2 => {
            let mut kept = pairs.to_vec();
            kept.remove(i);
            kept
        }
        _ => pairs.to_vec(),
    }
}

/// The county's month-to-month dispersion of a count flow: how much a township's rate itself
/// moves from month to month beyond Poisson noise, as the squared coefficient of variation κ
/// (variance μ + κμ²). Each township's months give (robust variance − mean)/mean²; their median
/// over the townships is κ (at least 0). A dozen months cannot tell one township's κ from
/// chance; two dozen townships' months can. `None` with fewer than `min_townships`.
pub fn month_dispersion(townships: &[Vec<f64>], min_townships: usize) -> Option<f64> {
    let each: Vec<f64> = townships
        .iter()
        .filter(|months| months.len() >= 2)
        .filter_map(|months| {
            let m = median(months);
            let sd = robust_sd(months);
            (m > 0.0).then(|| (sd * sd - m) / (m * m))
        })
        .collect();
    (each.len() >= min_townships.max(2)).then(|| median(&each).max(0.0))
}

/// A count flow by the county's dispersion κ: its months' mean (a month farther than chance
/// ever goes left out), and the negative binomial of mean μ and variance μ(1 + κμ)(1 + 1/n)
/// (this month's noise and the mean's). `None` where the township's own months scatter beyond
/// that law's 99% (Pearson χ²): it moves more than the county's townships do, and its own
/// spread judges it.
pub(super) fn over_dispersed(months: &[(f64, f64)], kappa: f64) -> Option<Expectation> {
    let kept = without_mistyped(months, Chance::Poisson);
    let k = kept.len() as f64;
    let mean = (kept.iter().map(|(y, _)| y).sum::<f64>() + 0.5) / k;
    let month = mean * (1.0 + kappa * mean);
    let x2: f64 = kept.iter().map(|(y, _)| (y - mean).powi(2) / month).sum();
    let typical = x2 <= chi_squared_quantile(k - 1.0, Coverage::Typical);
    if !typical {
        return None;
    }
    let variance = month * (1.0 + 1.0 / k);
    // Negative binomial of that mean and variance: r = μ²/(V − μ), p = μ/V, which is
    // `Scale::Counts` with total = r and months = p/(1 − p).
    let p = mean / variance;
    Some(Expectation {
        expected: mean,
        variance,
        scale: Scale::Counts {
            total: mean * mean / (variance - mean),
            months: p / (1.0 - p),
        },
        months: months.len(),
        df: f64::INFINITY,
        trend: false,
        law: if kappa > 0.0 {
            HistoryLaw::CountyMovement
        } else {
            HistoryLaw::Poisson
        },
    })
}

/// The months' events and units, summed.
fn totals(pairs: &[(f64, f64)]) -> (f64, f64) {
    pairs
        .iter()
        .fold((0.0, 0.0), |(e, t), (y, n)| (e + y, t + n))
}

/// Which quantile of Pearson's χ² a test reads.
#[derive(Clone, Copy)]
enum Coverage {
    /// 95%: the months scatter within chance (`ratio`).
    Within,
    /// 99%: the months scatter as the county's townships do (`over_dispersed`).
    Typical,
}

/// The χ² quantile on `df` degrees of freedom (∞ for fewer than one: nothing to test). Tabled
/// once for the degrees a window of months gives: statrs inverts the cdf numerically, and a
/// province's month asks for it for every township and count.
fn chi_squared_quantile(df: f64, coverage: Coverage) -> f64 {
    static TABLE: OnceLock<Vec<[f64; 2]>> = OnceLock::new();
    let exact = |df: f64, p: f64| ChiSquared::new(df).map_or(f64::INFINITY, |c| c.inverse_cdf(p));
    let column = coverage as usize;
    if df < 1.0 {
        return f64::INFINITY;
    }
    let table = TABLE.get_or_init(|| {
        (1..=60)
            .map(|d| [exact(d as f64, 0.95), exact(d as f64, 0.99)])
            .collect()
    });
    match table.get(df as usize - 1) {
        Some(row) if df.fract() == 0.0 => row[column],
        _ => exact(df, [0.95, 0.99][column]),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{expect, judge};
    use super::*;

    #[test]
    fn chi_squared_quantiles_from_the_table() {
        // Published: χ²(11) 95% = 19.675, 99% = 24.725; χ²(1) 95% = 3.841.
        assert!((chi_squared_quantile(11.0, Coverage::Within) - 19.675).abs() < 0.001);
        assert!((chi_squared_quantile(11.0, Coverage::Typical) - 24.725).abs() < 0.001);
        assert!((chi_squared_quantile(1.0, Coverage::Within) - 3.841).abs() < 0.001);
        assert_eq!(chi_squared_quantile(0.0, Coverage::Within), f64::INFINITY);
        // Beyond the table, computed.
        assert!((chi_squared_quantile(100.0, Coverage::Within) - 124.342).abs() < 0.01);
    }

    #[test]
    fn a_count_flow_moves_as_the_countys_townships_do() {
        // Townships whose months scatter 10% beyond Poisson (κ = 0.01).
        let townships: Vec<Vec<f64>> = (0..12)
            .map(|t| {
                let m = 20.0 + 40.0 * t as f64;
                (0..12)
                    .map(|i| {
                        (m + (m + 0.01 * m * m).sqrt() * [-1.2, 1.0, 0.3, -0.4][i % 4]).round()
                    })
                    .collect()
            })
            .collect();
        let kappa = month_dispersion(&townships, 8).expect("townships");
        assert!(kappa > 0.003 && kappa < 0.03, "{kappa}");
        assert_eq!(month_dispersion(&townships[..5], 8), None);
        // 20 a month: 52 (a pasted value) is beyond the limits, 30 is not; with κ the limits
        // are wider than Poisson's.
        let months = [
            20.0, 23.0, 18.0, 21.0, 19.0, 24.0, 17.0, 20.0, 22.0, 21.0, 18.0, 20.0,
        ];
        let e = expect(&months, false, 0, Some(kappa)).expect("months");
        assert!(
            judge(&e, 52.0, 0.998).3 && !judge(&e, 30.0, 0.998).3,
            "{e:?}"
        );
        let poisson = expect(&months, false, 0, Some(0.0)).expect("months");
        assert!(e.variance > poisson.variance, "{e:?} {poisson:?}");
        // κ = 0 is chance alone: the months' predictive negative binomial (243.5 events in 12).
        assert!(
            (poisson.expected - 243.5 / 12.0).abs() < 1e-9,
            "{poisson:?}"
        );
    }

    #[test]
    fn a_count_per_unit_follows_its_units() {
        // About 40 listeners a talk, 0–3 talks a month (a month without talks says nothing):
        // per talk 41, 39, 41.67, 37, 42, 39.67, no more scattered than chance (Qn 2.4 a talk),
        // so chance judges: 484 listeners at 12 talks, Jeffreys' rate 484.5/12, and 2 talks
        // expect 80.75, with the predictive negative binomial r = 484.5, p = 6/7. 0 listeners
        // or 800 are outliers, 95 is not.
        let pairs: Vec<(f64, f64)> = [
            (41.0, 1.0),
            (78.0, 2.0),
            (0.0, 0.0),
            (125.0, 3.0),
            (37.0, 1.0),
            (84.0, 2.0),
            (119.0, 3.0),
        ]
        .into_iter()
        .filter(|(_, d)| *d > 0.0)
        .collect();
        let e = expect_per(&pairs, 2.0).expect("months");
        assert_eq!(
            e.scale,
            Scale::Counts {
                total: 484.5,
                months: 6.0
            }
        );
        assert!((e.expected - 80.75).abs() < 1e-9, "{e:?}");
        assert!(!judge(&e, 95.0, 0.998).3);
        assert!(judge(&e, 0.0, 0.998).3 && judge(&e, 800.0, 0.998).3);
        // Months scattered far beyond chance (10 to 70 a talk): their own spread, on Student's t.
        // Pooled rate 230.5/6; Pearson χ² 70.4 on 5 df, far beyond chance's 95% (11.07): the
        // variance is 38.42 · (1 + 1/6) · 70.4/5, on Student's t with 5 df.
        let wide = [
            (10.0, 1.0),
            (70.0, 1.0),
            (20.0, 1.0),
            (60.0, 1.0),
            (40.0, 1.0),
            (30.0, 1.0),
        ];
        let e = expect_per(&wide, 1.0).expect("months");
        assert_eq!((e.scale, e.df), (Scale::Linear, 5.0));
        let rate: f64 = 230.5 / 6.0;
        let x2: f64 = wide.iter().map(|(y, _)| (y - rate).powi(2) / rate).sum();
        assert!(
            (e.variance - rate * 7.0 / 6.0 * x2 / 5.0).abs() < 1e-9,
            "{e:?}"
        );
        assert!(
            !judge(&e, 90.0, 0.998).3 && judge(&e, 300.0, 0.998).3,
            "{e:?}"
        );
    }

    #[test]
    fn a_share_follows_its_whole_with_at_least_binomial_noise() {
        // Deliveries of mothers, about 95%, the months no more scattered than chance: the
        // binomial of this month's 50 mothers at the pooled share (281 + ½)/(296 + 1) =
        // 0.94781: expected 47.391, variance 50 · 0.94781 · 0.05219 = 2.4732, times
        // 1 + 50/296 for the share's own uncertainty: 2.8910.
        let pairs = [
            (45.0, 48.0),
            (50.0, 52.0),
            (47.0, 50.0),
            (44.0, 46.0),
            (49.0, 51.0),
            (46.0, 49.0),
        ];
        let e = expect_share(&pairs, 50.0).expect("months");
        assert!((e.expected - 47.3906).abs() < 0.001, "{e:?}");
        assert!((e.variance - 2.8910).abs() < 0.0001, "{e:?}");
        // Last month mistyped (4 for 45 of 48): it is left out of the pool, so the share stays.
        let mut mistyped = pairs;
        mistyped[0].0 = 4.0;
        let left_out = expect_share(&mistyped, 50.0).expect("months");
        assert!(
            (left_out.expected - 50.0 * 236.5 / 249.0).abs() < 1e-9,
            "{left_out:?}"
        );
        // A few events a month, shares 1, 0.75, 0.67, 1, 1: the pool (not the median, 100%) is
        // the share, so 2 of 6 is unusual but not beyond the strong limits.
        let few = [
            (3.0, 3.0),
            (3.0, 4.0),
            (4.0, 6.0),
            (4.0, 4.0),
            (10.0, 10.0),
            (3.0, 3.0),
        ];
        let pooled = expect_share(&few, 6.0).expect("months");
        assert!(!judge(&pooled, 2.0, 0.99999).3, "{pooled:?}");
        assert!(!judge(&e, 44.0, 0.998).3 && judge(&e, 30.0, 0.998).3 && judge(&e, 5.0, 0.998).3);
        // Every month at 100%: 9 of 10 stays possible (Jeffreys' share 60.5/61: P(Y ≤ 9) =
        // 0.079), 5 does not.
        let e = expect_share(&[(10.0, 10.0); 6], 10.0).expect("months");
        assert!(!judge(&e, 9.0, 0.998).3 && judge(&e, 5.0, 0.998).3, "{e:?}");
        // 51 screenings typed 5 against a whole of 65, the months' share 0.7–0.98 (binomial
        // at about 50 mothers, their Qn a little wider): beyond the strong limits (99.999%).
        let months = [
            (45.0, 53.0),
            (44.0, 51.0),
            (39.0, 49.0),
            (46.0, 53.0),
            (48.0, 62.0),
            (41.0, 48.0),
            (50.0, 51.0),
            (29.0, 38.0),
            (45.0, 57.0),
            (31.0, 44.0),
            (34.0, 42.0),
            (48.0, 53.0),
        ];
        let e = expect_share(&months, 65.0).expect("months");
        let (_, _, z, beyond) = judge(&e, 5.0, 0.99999);
        assert!(beyond && z < -5.0, "{e:?} z {z}");
    }

    #[test]
    fn a_rare_count_per_unit_is_not_impossible_above_a_median_of_0() {
        // High-risk mothers of 1–3 mothers a month, 0 in most months: median 0, but 4 events
        // in 20 mothers: at 3 mothers the predictive negative binomial of 4.5 events at
        // 20/3 months, mean 0.675: 3 is not beyond the limits (it was, at z = ∞, with the
        // median's variance 0); 30 is.
        let pairs = [
            (0.0, 2.0),
            (1.0, 2.0),
            (0.0, 1.0),
            (0.0, 3.0),
            (2.0, 2.0),
            (0.0, 1.0),
            (0.0, 2.0),
            (1.0, 3.0),
            (0.0, 2.0),
            (0.0, 2.0),
        ];
        let e = expect_per(&pairs, 3.0).expect("months");
        assert!((e.expected - 0.675).abs() < 1e-12, "{e:?}");
        assert!(!judge(&e, 3.0, 0.998).3 && judge(&e, 30.0, 0.998).3);
    }
}
