//! Quantiles of the funnel's count distributions, found from the expected count outwards:
//! statrs' `DiscreteCDF::inverse_cdf` bisects from 0 and evaluates the cdf (an incomplete beta
//! or gamma function) about six times a step, which made R15 two thirds of a province's run.
//! Same answer, the smallest count whose cdf reaches `p`, with a handful of evaluations.
//! Numbers only.

use statrs::distribution::DiscreteCDF;

/// The smallest `x` with `cdf(x) ≥ p` (statrs' definition: `min` when `p ≤ cdf(min)`, `max`
/// when `p ≥ 1`), searched from `guess` by doubling steps, then bisection.
pub(in crate::check::outliers) fn inverse_cdf(
    d: &dyn DiscreteCDF<u64, f64>,
    p: f64,
    guess: f64,
) -> u64 {
    let (min, max) = (d.min(), d.max());
    if p <= d.cdf(min) {
        return min;
    }
    if p >= 1.0 {
        return max;
    }
    let start = if guess.is_finite() && guess > 0.0 {
        (guess.round() as u64).clamp(min, max)
    } else {
        min
    };
    // Bracket: cdf(low) < p ≤ cdf(high).
    let (mut low, mut high);
    if d.cdf(start) >= p {
        // start > min, since cdf(min) < p.
        high = start;
        let mut step = 1u64;
        loop {
            let x = high.saturating_sub(step).max(min);
            if x == min || d.cdf(x) < p {
                low = x;
                break;
            }
            high = x;
            step = step.saturating_mul(2);
        }
    } else {
        low = start;
        let mut step = 1u64;
        loop {
            let x = low.saturating_add(step).min(max);
            if x == max || d.cdf(x) >= p {
                high = x;
                break;
            }
            low = x;
            step = step.saturating_mul(2);
        }
    }
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        if d.cdf(mid) >= p {
            high = mid;
        } else {
            low = mid;
        }
    }
    high
}

#[cfg(test)]
mod tests {
    use statrs::distribution::{Binomial, DiscreteCDF, NegativeBinomial, Poisson};

    use super::inverse_cdf;

    /// The same quantiles as statrs over the funnel's range of means and coverages, from guesses
    /// near and far.
    #[test]
    fn agrees_with_statrs() {
        let ps = [0.001, 0.025, 0.5, 0.975, 0.999, 1e-9, 1.0 - 1e-9];
        for mean in [0.01, 0.3, 1.0, 4.5, 17.0, 250.0, 8_000.0, 1.0e6] {
            let poisson = Poisson::new(mean).expect("poisson");
            let nb = NegativeBinomial::new(mean * mean / (2.0 * mean), 0.5).expect("nb");
            for p in ps {
                for guess in [mean, 0.0, mean * 3.0 + 50.0, f64::NAN] {
                    let want = poisson.inverse_cdf(p);
                    assert_eq!(inverse_cdf(&poisson, p, guess), want, "poisson {mean} {p}");
                    let want = nb.inverse_cdf(p);
                    assert_eq!(inverse_cdf(&nb, p, guess), want, "nb {mean} {p}");
                }
            }
        }
        for (rate, n) in [(0.02, 50), (0.5, 7), (0.93, 4_000), (0.999, 120)] {
            let b = Binomial::new(rate, n).expect("binomial");
            for p in ps {
                let want = b.inverse_cdf(p);
                assert_eq!(
                    inverse_cdf(&b, p, rate * n as f64),
                    want,
                    "binomial {rate} {n} {p}"
                );
                assert_eq!(inverse_cdf(&b, p, 0.0), want, "binomial {rate} {n} {p}");
            }
        }
    }
}
