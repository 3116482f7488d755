//! Funnel limits (Spiegelhalter, "Funnel plots for comparing institutional performance",
//! Statistics in Medicine 2005): a township's count against the distribution it would follow
//! at the peers' rate given its own denominator, Poisson (a count over a population) or
//! binomial (a count out of another), with over-dispersion between townships estimated from
//! winsorised z-scores, multiplicatively (φ) or additively (τ², Paule-Mandel on z-scores
//! standardised by their whole variance). Numbers only: no findings, no words, no IO.

use statrs::distribution::{
    Binomial, ContinuousCDF, DiscreteCDF, NegativeBinomial, Normal, Poisson, StudentsT,
};

use crate::config::Dispersion;

/// The distribution of a count given its denominator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Model {
    Poisson,
    Binomial,
}

/// One township: its count and its denominator (population, or the count it is a share of).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    pub count: f64,
    pub size: f64,
}

/// The fitted funnel of one indicator in one month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Funnel {
    pub model: Model,
    /// The peers' rate (pooled, after the most extreme tenth at each end is left out).
    pub target: f64,
    /// Multiplicative over-dispersion (1 = none).
    pub phi: f64,
    /// Additive between-township variance of the rate (0 = none).
    pub tau2: f64,
    /// How many townships τ² was estimated from: the limits widen as a prediction interval
    /// does (Higgins, Thompson and Spiegelhalter 2009: Student's t with peers − 2 degrees of
    /// freedom), so that a dozen townships do not pass for certainty. Under 3: τ² as known.
    pub peers: usize,
}

/// A count against its limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Judged {
    pub expected: f64,
    pub low: f64,
    pub high: f64,
    /// How unusual as a normal z-score, signed.
    pub z: f64,
    pub beyond: bool,
}

/// A count's distribution at one denominator: exact when there is no over-dispersion
/// (Poisson, binomial), negative binomial for over-dispersed counts over a population (its
/// variance E + extra matches the funnel's), normal for over-dispersed proportions.
enum Law {
    Poisson(Poisson),
    NegBinomial(NegativeBinomial),
    Binomial(Binomial),
    Normal {
        mean: f64,
        sd: f64,
        max: f64,
    },
    /// Expected 0 with no spread: only 0 is ordinary.
    Zero,
}

fn standard() -> Normal {
    Normal::standard()
}

impl Funnel {
    /// `None` when there are fewer than two units with a denominator, or nothing to compare
    /// (a rate of 0, or a proportion of 1). A share above its whole (20 deliveries of 2
    /// mothers) is impossible under the binomial: it says nothing of the peers' rate and is
    /// left out of the fit (it is still judged, far beyond any limit).
    pub fn fit(
        units: &[Unit],
        model: Model,
        dispersion: Dispersion,
        winsorise: f64,
    ) -> Option<Self> {
        let units: Vec<Unit> = units
            .iter()
            .copied()
            .filter(|u| u.size > 0.0 && u.count.is_finite() && u.count >= 0.0)
            .filter(|u| model == Model::Poisson || u.count <= u.size)
            .collect();
        let n = units.len();
        if n < 2 {
            return None;
        }
        let trim = (n as f64 * winsorise).floor() as usize;
        let pooled = |us: &[Unit]| {
            us.iter().map(|u| u.count).sum::<f64>() / us.iter().map(|u| u.size).sum::<f64>()
        };
        let usable = |t: f64| t > 0.0 && t.is_finite() && (model == Model::Poisson || t < 1.0);
        let first = Self {
            model,
            target: pooled(&units),
            phi: 1.0,
            tau2: 0.0,
            peers: n,
        };
        if !usable(first.target) {
            return None;
        }
        // The target leaves out the most extreme `trim` units at each end, so that one typing
        // error in a large township does not move every other township's expectation.
        let mut by_z: Vec<Unit> = units.clone();
        by_z.sort_by(|a, b| first.z_normal(*a).total_cmp(&first.z_normal(*b)));
        let target = pooled(&by_z[trim..n - trim]);
        let mut funnel = Self {
            target: if usable(target) { target } else { first.target },
            ..first
        };
        let mut z: Vec<f64> = units.iter().map(|u| funnel.z_normal(*u)).collect();
        z.sort_by(f64::total_cmp);
        let (lo, hi) = (z[trim], z[n - 1 - trim]);
        // Winsorising shrinks the mean square of normal z-scores: divided by what it is for
        // them (1 for none), φ is 1 when townships differ by chance alone.
        let phi = z.iter().map(|v| v.clamp(lo, hi).powi(2)).sum::<f64>()
            / n as f64
            / winsorised_mean_square(trim as f64 / n as f64);
        match dispersion {
            Dispersion::None => {}
            Dispersion::Multiplicative => funnel.phi = phi.max(1.0),
            Dispersion::Additive => funnel.tau2 = funnel.paule_mandel(&units, trim),
        }
        Some(funnel)
    }

    /// τ² by Paule and Mandel's equation, made robust: the τ² at which the z-scores standardised
    /// by their whole variance (chance plus τ²), winsorised at `trim` units each tail, have the
    /// mean square of winsorised normal z-scores (Σ z² = n − 1 unwinsorised). Only so standardised
    /// are the z-scores alike, as the winsorised normal's correction assumes: winsorised at
    /// chance alone, the large townships, whose z-scores carry most of the spread between
    /// townships, are the ones pulled in, and τ² comes out a fraction of the true one
    /// (DerSimonian-Laird from those z-scores). Paule-Mandel is the estimator meta-analysts
    /// recommend over DerSimonian-Laird (Veroniki et al., Research Synthesis Methods 2016).
    fn paule_mandel(&self, units: &[Unit], trim: usize) -> f64 {
        let n = units.len();
        let correction = winsorised_mean_square(trim as f64 / n as f64);
        let excess = |tau2: f64| {
            let mut z: Vec<f64> = units
                .iter()
                .map(|u| {
                    (u.count / u.size - self.target) / (self.unit_variance() / u.size + tau2).sqrt()
                })
                .collect();
            z.sort_by(f64::total_cmp);
            let (lo, hi) = (z[trim], z[n - 1 - trim]);
            let q = z.iter().map(|v| v.clamp(lo, hi).powi(2)).sum::<f64>() / correction;
            q - (n as f64 - 1.0)
        };
        if excess(0.0) <= 0.0 {
            return 0.0;
        }
        // Σ z² falls as τ² grows: bracket the root by doubling, then halve the bracket.
        let mut hi = units
            .iter()
            .map(|u| (u.count / u.size - self.target).powi(2))
            .fold(f64::MIN_POSITIVE, f64::max);
        for _ in 0..64 {
            if excess(hi) <= 0.0 {
                break;
            }
            hi *= 2.0;
        }
        let mut lo = 0.0;
        for _ in 0..100 {
            let mid = (lo + hi) / 2.0;
            if excess(mid) > 0.0 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        (lo + hi) / 2.0
    }

    /// The variance of one unit's rate times its size under chance alone.
    fn unit_variance(&self) -> f64 {
        match self.model {
            Model::Poisson => self.target,
            Model::Binomial => self.target * (1.0 - self.target),
        }
    }

    /// Spiegelhalter's z on the rate scale, chance alone (for the estimates).
    fn z_normal(&self, u: Unit) -> f64 {
        (u.count / u.size - self.target) / (self.unit_variance() / u.size).sqrt()
    }

    /// The variance of a count at this denominator, over-dispersion included (τ² as estimated).
    pub fn count_variance(&self, size: f64) -> f64 {
        self.phi * self.unit_variance() * size + self.tau2 * size * size
    }

    /// τ² for limits at `coverage`: widened by (t / z)² at that coverage.
    fn tau2_at(&self, coverage: f64) -> f64 {
        if self.tau2 <= 0.0 || self.peers < 3 {
            return self.tau2;
        }
        let widen = widening(self.peers, coverage);
        self.tau2
            * if widen.is_finite() {
                widen.max(1.0)
            } else {
                1.0
            }
    }

    /// The law of a count at this denominator, with its standard deviation.
    fn law(&self, size: f64, coverage: f64) -> (Law, f64) {
        let mean = self.target * size;
        let tau2 = self.tau2_at(coverage);
        let var = self.phi * self.unit_variance() * size + tau2 * size * size;
        let chance_only = self.phi == 1.0 && tau2 == 0.0;
        if mean <= 0.0 {
            return (Law::Zero, 0.0);
        }
        let law = match self.model {
            Model::Poisson if chance_only => Poisson::new(mean).map_or(Law::Zero, Law::Poisson),
            Model::Poisson => NegativeBinomial::new(mean * mean / (var - mean), mean / var)
                .map_or(Law::Zero, Law::NegBinomial),
            Model::Binomial if chance_only => {
                Binomial::new(self.target, size.round() as u64).map_or(Law::Zero, Law::Binomial)
            }
            Model::Binomial => Law::Normal {
                mean,
                sd: var.sqrt(),
                max: size,
            },
        };
        (law, var.sqrt())
    }

    /// The limits of a count at this denominator with `coverage` between them (0.998).
    pub fn limits(&self, size: f64, coverage: f64) -> (f64, f64) {
        let (law, sd) = self.law(size, coverage);
        self.limits_of(&law, self.target * size, sd, coverage)
    }

    /// The limits under `law`; the exact quantiles are searched from the normal approximation's
    /// (`expected` ± z·`sd`), a few steps away.
    fn limits_of(&self, law: &Law, expected: f64, sd: f64, coverage: f64) -> (f64, f64) {
        let tail = (1.0 - coverage) / 2.0;
        let z = standard().inverse_cdf(1.0 - tail);
        let q = |d: &dyn DiscreteCDF<u64, f64>| {
            (
                quantile::inverse_cdf(d, tail, expected - z * sd) as f64,
                quantile::inverse_cdf(d, 1.0 - tail, expected + z * sd) as f64,
            )
        };
        match law {
            Law::Poisson(d) => q(d),
            Law::NegBinomial(d) => q(d),
            Law::Binomial(d) => q(d),
            Law::Normal { mean, sd, max } => {
                let half = z * sd;
                ((mean - half).max(0.0), (mean + half).min(*max))
            }
            Law::Zero => (0.0, 0.0),
        }
    }

    /// A count against the limits at `coverage`, with its tail as a z-score: for counts the
    /// exact tail beyond it (P(Y ≥ y) above the expected count, P(Y ≤ y) below).
    pub fn judge(&self, u: Unit, coverage: f64) -> Judged {
        let expected = self.target * u.size;
        // One law for the limits and the tail (it was made twice).
        let (law, sd) = self.law(u.size, coverage);
        let (low, high) = self.limits_of(&law, expected, sd, coverage);
        let y = u.count.round().max(0.0) as u64;
        let above = u.count > expected;
        let tail = |d: &dyn DiscreteCDF<u64, f64>| match (above, y) {
            (true, 0) => 1.0,
            (true, _) => d.sf(y - 1),
            (false, _) => d.cdf(y),
        };
        let p = match law {
            Law::Poisson(d) => tail(&d),
            Law::NegBinomial(d) => tail(&d),
            Law::Binomial(d) => tail(&d),
            Law::Normal { mean, sd, .. } => standard().cdf(-((u.count - mean) / sd).abs()),
            Law::Zero => {
                if u.count > 0.0 {
                    0.0
                } else {
                    1.0
                }
            }
        };
        let z = tail_z(p.min(0.5));
        Judged {
            expected,
            low,
            high,
            z: if above { z } else { -z },
            beyond: u.count < low || u.count > high,
        }
    }
}

/// (t / z)² at `coverage` for Student's t with `peers` − 2 degrees of freedom: the same few
/// (peers, coverage) pairs come back for every township, and t's quantile is costly, so each
/// is computed once a thread.
fn widening(peers: usize, coverage: f64) -> f64 {
    thread_local! {
        static KNOWN: std::cell::RefCell<Vec<(usize, u64, f64)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let key = (peers, coverage.to_bits());
    if let Some(w) = KNOWN.with_borrow(|k| k.iter().find(|(p, c, _)| (*p, *c) == key).map(|x| x.2))
    {
        return w;
    }
    let q = 1.0 - (1.0 - coverage) / 2.0;
    let t = StudentsT::new(0.0, 1.0, (peers - 2) as f64).map_or(f64::NAN, |t| t.inverse_cdf(q));
    let widen = (t / standard().inverse_cdf(q)).powi(2);
    KNOWN.with_borrow_mut(|k| {
        if k.len() >= 64 {
            k.clear();
        }
        k.push((key.0, key.1, widen));
    });
    widen
}

/// E[min(max(Z, −c), c)²] for a standard normal Z winsorised at `share` each tail
/// (c = Φ⁻¹(1 − share)): 1 − 2(c φ(c) + share) + 2 c² share.
pub fn winsorised_mean_square(share: f64) -> f64 {
    if share <= 0.0 {
        return 1.0;
    }
    let n = standard();
    let c = n.inverse_cdf(1.0 - share);
    let density = (-c * c / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
    1.0 - 2.0 * (c * density + share) + 2.0 * c * c * share
}

/// The |z| of the two-sided normal limits of `coverage` (1.96 for 0.95).
pub fn two_sided_z(coverage: f64) -> f64 {
    tail_z((1.0 - coverage) / 2.0)
}

/// The normal z with `p` beyond it (∞ for a tail of 0).
pub fn tail_z(p: f64) -> f64 {
    if p <= 0.0 {
        f64::INFINITY
    } else {
        -standard().inverse_cdf(p)
    }
}

mod quantile;
pub(super) use quantile::inverse_cdf;
#[cfg(test)]
mod tests;
