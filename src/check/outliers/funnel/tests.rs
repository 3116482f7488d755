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
    // Paule-Mandel: Σ (r − 0.25)² / (0.0025 + τ²) = 0.05 / (0.0025 + τ²) = n − 1 = 3 gives
    // τ² = 0.0141667 (= DerSimonian-Laird's (4·5 − 3)/1200 when all sizes are equal).
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

#[test]
fn additive_dispersion_by_paule_mandel() {
    // Unequal sizes, no winsorising: rates 0.005, 0.015, 0.005, 0.0125 over 1,000 … 8,000,
    // pooled 155/15,000 = 0.0103333. Σ (r − t)² / (t/size + τ²) = 3 at τ² = 2.23603e-5
    // (solved by bisection in Python, apart from this code; DerSimonian-Laird: 2.0607e-5).
    let u = units(&[
        (5.0, 1000.0),
        (30.0, 2000.0),
        (20.0, 4000.0),
        (100.0, 8000.0),
    ]);
    let f = Funnel::fit(&u, Model::Poisson, Dispersion::Additive, 0.0).expect("fit");
    assert!(close(f.tau2, 2.23603e-5, 1e-9), "{f:?}");
    // Winsorised at 25% each tail: the z-scores standardised by chance plus τ² and winsorised
    // have Σ z² / E[winsorised Z²] = n − 1, as Paule-Mandel's equation asks.
    let f = Funnel::fit(&u, Model::Poisson, Dispersion::Additive, 0.25).expect("fit");
    let mut z: Vec<f64> = u
        .iter()
        .map(|u| (u.count / u.size - f.target) / (f.target / u.size + f.tau2).sqrt())
        .collect();
    z.sort_by(f64::total_cmp);
    let q: f64 =
        z.iter().map(|v| v.clamp(z[1], z[2]).powi(2)).sum::<f64>() / winsorised_mean_square(0.25);
    assert!(f.tau2 > 0.0 && close(q, 3.0, 1e-6), "{f:?} {q}");
    // No spread beyond chance: τ² = 0.
    let even = units(&[
        (10.0, 1000.0),
        (20.0, 2000.0),
        (41.0, 4000.0),
        (79.0, 8000.0),
    ]);
    let f = Funnel::fit(&even, Model::Poisson, Dispersion::Additive, 0.0).expect("fit");
    assert_eq!(f.tau2, 0.0);
}

#[test]
fn a_share_above_its_whole_is_left_out_of_the_fit_and_found() {
    // Nine townships deliver 90 of 100 mothers; one typed 20 deliveries of 2 mothers.
    let mut pairs = vec![(90.0, 100.0); 9];
    pairs.push((20.0, 2.0));
    let f = Funnel::fit(&units(&pairs), Model::Binomial, Dispersion::Additive, 0.1).expect("fit");
    assert!(close(f.target, 0.9, 1e-12), "{f:?}");
    let j = f.judge(
        Unit {
            count: 20.0,
            size: 2.0,
        },
        0.998,
    );
    assert!(j.beyond && j.z.is_infinite() && j.high == 2.0, "{j:?}");
}
