//! The funnel limits against hand-computed values: Poisson and binomial, exact and with
//! over-dispersion (multiplicative φ and additive τ²).

use super::*;

fn units(pairs: &[(f64, f64)]) -> Vec<Unit> {
    pairs
        .iter()
        .map(|&(count, size)| Unit { count, size })
        .collect()
}

fn close(a: f64, b: f64, eps: f64) -> bool {
    (a - b).abs() < eps
}

#[test]
fn poisson_limits_are_exact_quantiles() {
    // The township: 8,000 people at 5 per 10,000 expect 4 cases. Poisson(4):
    // P(Y ≤ 10) = 0.99716, P(Y ≤ 11) = 0.99908 → 99.8% upper limit 11; P(Y = 0) = 0.0183.
    let f = Funnel {
        model: Model::Poisson,
        target: 0.0005,
        phi: 1.0,
        tau2: 0.0,
        peers: 0,
    };
    assert_eq!(f.limits(8000.0, 0.998), (0.0, 11.0));
    // 95%: P(Y ≤ 0) = 0.0183 < 0.025 ≤ P(Y ≤ 1) = 0.0916; P(Y ≤ 7) = 0.9489 < 0.975 ≤ 0.9786.
    assert_eq!(f.limits(8000.0, 0.95), (1.0, 8.0));
    // 9 cases: P(Y ≥ 9) = 1 − 0.97864 = 0.02136 (once in about fifty months): z 2.03, inside.
    let j = f.judge(
        Unit {
            count: 9.0,
            size: 8000.0,
        },
        0.998,
    );
    assert!(!j.beyond && close(j.expected, 4.0, 1e-12), "{j:?}");
    assert!(close(j.z, 2.026, 0.002), "{j:?}");
    // 12 is beyond: P(Y ≥ 12) = 0.00092.
    let j = f.judge(
        Unit {
            count: 12.0,
            size: 8000.0,
        },
        0.998,
    );
    assert!(j.beyond && close(j.z, 3.11, 0.01), "{j:?}");
    // Below: 0 of an expected 4 is ordinary (P = 0.0183).
    let j = f.judge(
        Unit {
            count: 0.0,
            size: 8000.0,
        },
        0.998,
    );
    assert!(!j.beyond && close(j.z, -2.09, 0.01), "{j:?}");
}

#[test]
fn binomial_limits_exact_and_with_additive_dispersion() {
    // Binomial(10, 0.5): P(X ≤ 0) = 0.000977 < 0.001 ≤ P(X ≤ 1) = 0.0107 → limits 1 and 9.
    let f = Funnel {
        model: Model::Binomial,
        target: 0.5,
        phi: 1.0,
        tau2: 0.0,
        peers: 0,
    };
    assert_eq!(f.limits(10.0, 0.998), (1.0, 9.0));
    let j = f.judge(
        Unit {
            count: 10.0,
            size: 10.0,
        },
        0.998,
    );
    assert!(j.beyond && close(j.z, 3.097, 0.002), "{j:?}");
    // With τ² = 0.01 (taken as known) at n = 100: variance 100·0.25 + 0.01·100² = 125,
    // sd 11.180; 99.8%: 50 ± 3.0902·11.180 = 15.45 … 84.55.
    let f = Funnel { tau2: 0.01, ..f };
    let (low, high) = f.limits(100.0, 0.998);
    assert!(
        close(low, 15.45, 0.01) && close(high, 84.55, 0.01),
        "{low} {high}"
    );
    // Estimated from 12 townships: τ² widened by (t₁₀ / z)² at 99.9% = (4.1437 / 3.0902)²,
    // variance 25 + 100·1.79805 = 204.80, sd 14.311: 50 ± 3.0902·14.311 = 5.78 … 94.22.
    let f = Funnel { peers: 12, ..f };
    let (low, high) = f.limits(100.0, 0.998);
    assert!(
        close(low, 5.78, 0.02) && close(high, 94.22, 0.02),
        "{low} {high}"
    );
}

#[test]
fn over_dispersion_from_z_scores_multiplicative_and_additive() {
    // Rates 0.1, 0.2, 0.3, 0.4 over 100 each: target 0.25, z = −3, −1, 1, 3 (sd 0.05), φ = 5.
    let u = units(&[(10.0, 100.0), (20.0, 100.0), (30.0, 100.0), (40.0, 100.0)]);
    let m = Funnel::fit(&u, Model::Poisson, Dispersion::Multiplicative, 0.0).expect("fit");
    assert!(
        close(m.target, 0.25, 1e-12) && close(m.phi, 5.0, 1e-9),
        "{m:?}"
    );
    // DerSimonian-Laird: w = 400 each, Σw − Σw²/Σw = 1200, τ² = (4·5 − 3)/1200 = 0.0141667.
    let a = Funnel::fit(&u, Model::Poisson, Dispersion::Additive, 0.0).expect("fit");
    assert!(close(a.tau2, 17.0 / 1200.0, 1e-12) && a.phi == 1.0, "{a:?}");
    // Count variance at 100: 25 (Poisson) + 0.0141667·100² = 166.67; limits wider than chance.
    assert!(close(a.count_variance(100.0), 25.0 + 17.0 / 0.12, 1e-9));
    let chance = Funnel::fit(&u, Model::Poisson, Dispersion::None, 0.0).expect("fit");
    let (cl, ch) = chance.limits(100.0, 0.998);
    let (al, ah) = a.limits(100.0, 0.998);
    assert!(al < cl && ah > ch, "{al}–{ah} vs {cl}–{ch}");
    // Winsorised at 25% each tail (one of four): z pulled in to −1 … 1, mean square 1, over
    // the winsorised normal's 1 − 2(0.6745 · 0.31778 + 0.25) + 2 · 0.6745² · 0.25 = 0.29875.
    assert!(close(winsorised_mean_square(0.25), 0.29875, 1e-4));
    let w = Funnel::fit(&u, Model::Poisson, Dispersion::Multiplicative, 0.25).expect("fit");
    assert!(close(w.phi, 1.0 / 0.29875, 1e-3), "{w:?}");
}

#[test]
fn one_typing_error_moves_neither_target_nor_dispersion() {
    // Ten townships at 1 per 100; the largest typed ten times its count.
    let mut pairs: Vec<(f64, f64)> = (1..=10)
        .map(|i| (i as f64 * 10.0, i as f64 * 1000.0))
        .collect();
    pairs[9].0 *= 10.0;
    let f = Funnel::fit(&units(&pairs), Model::Poisson, Dispersion::Additive, 0.1).expect("fit");
    assert!(close(f.target, 0.01, 1e-12), "{f:?}");
    let j = f.judge(
        Unit {
            count: pairs[9].0,
            size: pairs[9].1,
        },
        0.998,
    );
    assert!(j.beyond && j.z > 10.0, "{j:?}");
    for &(count, size) in &pairs[..9] {
        assert!(!f.judge(Unit { count, size }, 0.998).beyond);
    }
}
