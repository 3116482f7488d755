//! R15 against a township's own months: what they lead to expect this month, and limits that
//! respect count noise. A flow is expected at the median of its months; a stock at its last
//! months carried forward by its steady monthly change (median change). The spread is the
//! larger of the months' own robust spread and, for counts, Poisson noise at the expected
//! level; when it is estimated from the months, the limits follow Student's t on their number,
//! so a dozen months do not pass for certainty. Numbers only: no findings, no words, no IO.

use statrs::distribution::{ContinuousCDF, DiscreteCDF, Poisson, StudentsT};

use super::funnel::tail_z;
use super::median;

/// What the months lead to expect, and how far ordinary values stray from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Expectation {
    pub expected: f64,
    /// Variance of this month's value around `expected`, on `scale`.
    pub variance: f64,
    pub scale: Scale,
    /// Months it was estimated from.
    pub months: usize,
    /// Whether a stock's steady change was followed.
    pub trend: bool,
}

/// Where the spread is measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// Poisson noise of a count (`variance` = `expected`).
    Poisson,
    /// The value itself.
    Linear,
    /// ln(1 + value).
    Log,
}

/// Robust standard deviation (1.4826 · MAD; with MAD 0, 1.2533 · mean absolute deviation).
fn robust_sd(values: &[f64], centre: f64) -> f64 {
    let dev: Vec<f64> = values.iter().map(|v| (v - centre).abs()).collect();
    let mad = median(&dev);
    if mad > 0.0 {
        1.4826 * mad
    } else {
        1.2533 * dev.iter().sum::<f64>() / dev.len().max(1) as f64
    }
}

/// `oldest_first`: the months before this one. `None` with fewer than two.
pub fn expect(oldest_first: &[f64], stock: bool, count: bool) -> Option<Expectation> {
    let n = oldest_first.len();
    if n < 2 {
        return None;
    }
    if !stock {
        return Some(flow(oldest_first, count));
    }
    // A stock moves by its month's comings and goings: the last three months carried forward
    // by the median monthly change (three, so one wrong month does not lead).
    let changes: Vec<f64> = oldest_first.windows(2).map(|w| w[1] - w[0]).collect();
    let drift = median(&changes);
    let recent: Vec<f64> = (1..=n.min(3))
        .map(|k| oldest_first[n - k] + k as f64 * drift)
        .collect();
    // One month's movement plus the uncertainty of the level projected from them.
    let sd = robust_sd(&changes, drift);
    let floor = if count { drift.abs().max(1.0) } else { 0.0 };
    Some(Expectation {
        expected: median(&recent).max(0.0),
        variance: (2.0 * sd * sd).max(floor),
        scale: Scale::Linear,
        months: n,
        trend: drift != 0.0,
    })
}

/// A flow: Poisson around the months' median when they vary no more than chance; else on the
/// log scale (ln(1 + y)), where a lost digit and a digit too many are equally far, with the
/// months' robust spread, and for counts at least Poisson noise (variance 1/(1 + μ) there).
fn flow(oldest_first: &[f64], count: bool) -> Expectation {
    let n = oldest_first.len();
    let level = median(oldest_first).max(0.0);
    let sd = robust_sd(oldest_first, level);
    if count && sd * sd * (1.0 + 1.0 / n as f64) <= level {
        return Expectation {
            expected: level,
            variance: level,
            scale: Scale::Poisson,
            months: n,
            trend: false,
        };
    }
    let logs: Vec<f64> = oldest_first.iter().map(|v| v.max(0.0).ln_1p()).collect();
    let centre = median(&logs);
    let sd = robust_sd(&logs, centre);
    let floor = if count { 1.0 / (1.0 + level) } else { 0.0 };
    Expectation {
        expected: level,
        variance: (sd * sd * (1.0 + 1.0 / n as f64)).max(floor),
        scale: Scale::Log,
        months: n,
        trend: false,
    }
}

/// A value against the expectation: limits at `coverage` and its tail as a signed z.
/// Returns (low, high, z, beyond).
pub fn judge(e: &Expectation, value: f64, coverage: f64) -> (f64, f64, f64, bool) {
    let tail = (1.0 - coverage) / 2.0;
    let above = value > e.expected;
    if e.scale == Scale::Poisson {
        let y = value.round().max(0.0) as u64;
        let Ok(d) = Poisson::new(e.expected.max(1e-9)) else {
            return (0.0, 0.0, f64::INFINITY, value > 0.0);
        };
        let (low, high) = (d.inverse_cdf(tail) as f64, d.inverse_cdf(1.0 - tail) as f64);
        let p = match (above, y) {
            (true, 0) => 1.0,
            (true, _) => d.sf(y - 1),
            (false, _) => d.cdf(y),
        };
        let z = tail_z(p.min(0.5));
        return (low, high, if above { z } else { -z }, value < low || value > high);
    }
    // Spread estimated from the months: Student's t with one degree fewer than months
    // (a count's Poisson floor keeps it at least as wide as chance).
    let df = (e.months.max(2) - 1) as f64;
    let t = StudentsT::new(0.0, 1.0, df).expect("df ≥ 1");
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
    let half = t.inverse_cdf(1.0 - tail) * sd;
    let (low, high) = (back(centre - half).max(0.0), back(centre + half));
    let p = t.cdf(-((x - centre) / sd).abs());
    let z = tail_z(p);
    (low, high, if above { z } else { -z }, value < low || value > high)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_count_moves_like_chance_and_a_lost_digit_is_found() {
        // Months of 3, 5, 4, 2, 6, 4: level 4, spread below Poisson → Poisson(4) limits 0 … 11.
        let e = expect(&[3.0, 5.0, 4.0, 2.0, 6.0, 4.0], false, true).expect("months");
        assert!(e.scale == Scale::Poisson && e.expected == 4.0, "{e:?}");
        let (low, high, _, beyond) = judge(&e, 9.0, 0.998);
        assert_eq!((low, high, beyond), (0.0, 11.0, false));
        // Cervical screenings 13–42 in past months, 2 typed for 29: found.
        let months = [13.0, 42.0, 25.0, 31.0, 18.0, 36.0, 22.0, 29.0, 40.0, 15.0, 33.0, 27.0];
        let e = expect(&months, false, true).expect("months");
        let (_, _, z, beyond) = judge(&e, 2.0, 0.998);
        assert!(beyond && z < -3.0, "{e:?} z {z}");
        // And 290 (a digit too many) too; 40 is ordinary.
        assert!(judge(&e, 290.0, 0.998).3);
        assert!(!judge(&e, 40.0, 0.998).3);
    }

    #[test]
    fn a_stock_follows_its_steady_change() {
        // +20 a month with a little noise: expected 5240 after 5220; 5245 ordinary, 5420 not.
        let months = [5000.0, 5021.0, 5039.0, 5061.0, 5080.0, 5099.0, 5121.0, 5140.0, 5160.0, 5181.0, 5199.0, 5220.0];
        let e = expect(&months, true, true).expect("months");
        assert!(e.trend && (e.expected - 5240.0).abs() <= 1.0, "{e:?}");
        assert!(!judge(&e, 5245.0, 0.998).3);
        assert!(judge(&e, 5420.0, 0.998).3);
        // Just above last year's range is no outlier for a growing stock.
        assert!(!judge(&e, 5236.0, 0.998).3);
    }

    #[test]
    fn the_t_limits_by_hand() {
        // Amounts 10, 12, …, 20 (not counts, median 15) on the log scale, centred at ln 16 =
        // 2.77259: ln(1 + y) has MAD 0.18974, so sd = 1.4826 · 0.18974 · √(1 + 1/6) = 0.30386;
        // Student's t with 5 df at 99.9% is 5.8934: limits e^(2.77259 ∓ 1.79075) − 1 = 1.669 … 94.90.
        let e = expect(&[10.0, 12.0, 14.0, 16.0, 18.0, 20.0], false, false).expect("months");
        assert_eq!((e.scale, e.expected), (Scale::Log, 15.0));
        let (low, high, _, beyond) = judge(&e, 1.5, 0.998);
        assert!((low - 1.669).abs() < 0.01 && (high - 94.90).abs() < 0.1, "{low} {high}");
        assert!(beyond && !judge(&e, 90.0, 0.998).3);
    }
}
