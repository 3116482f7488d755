//! R15's decision: which values judged beyond their limits are flagged. Most values are looked
//! at twice, against the township's own months and against its peers. A typing error moves a
//! value away from both; chance rarely pushes both the same way. So a value beyond the limits
//! of one comparison is flagged when the other, where it judged the value, leans the same way
//! (beyond its `corroborate` limits, on the same side), or when it lies beyond the strong
//! limits of its own months (not of its peers: a township far from its peers month after
//! month differs, it is not mistyped). No IO, no words.

use super::Judgement;

/// Which comparison judged a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    OwnMonths,
    Peers,
}

/// Each comparison's signed z of every value it judged, by indicator and township row (NaN
/// where it did not judge it): two floats a value, so a province's month stays small.
pub struct Leanings {
    rows: usize,
    own_months: Vec<f32>,
    peers: Vec<f32>,
}

impl Leanings {
    pub fn new(indicators: usize, rows: usize) -> Self {
        Self {
            rows,
            own_months: vec![f32::NAN; indicators * rows],
            peers: vec![f32::NAN; indicators * rows],
        }
    }

    pub fn record(&mut self, by: Comparison, indicator: usize, row: usize, z: f64) {
        let i = indicator * self.rows + row;
        match by {
            Comparison::OwnMonths => self.own_months[i] = z as f32,
            Comparison::Peers => self.peers[i] = z as f32,
        }
    }

    /// The other comparison's z of the same value, where it judged it.
    fn other(&self, by: Comparison, indicator: usize, row: usize) -> Option<f64> {
        let i = indicator * self.rows + row;
        let z = match by {
            Comparison::OwnMonths => self.peers[i],
            Comparison::Peers => self.own_months[i],
        };
        (!z.is_nan()).then_some(z as f64)
    }
}

/// A value beyond the limits of one comparison.
pub struct Beyond {
    pub indicator: usize,
    pub by: Comparison,
    pub judgement: Judgement,
}

/// The values to flag, in the order they were judged. `corroborate`: the |z| the other
/// comparison must reach on the same side (`None`: either comparison alone suffices).
pub fn flagged(
    beyond: Vec<Beyond>,
    leanings: &Leanings,
    corroborate: Option<f64>,
) -> impl Iterator<Item = Beyond> + '_ {
    beyond.into_iter().filter(move |b| {
        let j = &b.judgement;
        // Strong limits stand alone against the township's own months only: beyond its peers,
        // however far, a township may be no more than itself (a rate of its own that the
        // spread between townships did not allow for), which its months show and a typing
        // error is not; so the peers always need its months to lean the same way.
        let alone = j.strong && b.by == Comparison::OwnMonths;
        let (Some(needed), false) = (corroborate, alone) else {
            return true;
        };
        match leanings.other(b.by, b.indicator, j.row) {
            None => true,
            Some(other) => other * j.z.signum() >= needed,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::OutlierMethod;

    fn beyond(by: Comparison, row: usize, z: f64, strong: bool) -> Beyond {
        Beyond {
            indicator: 0,
            by,
            judgement: Judgement {
                row,
                value: 0.0,
                expected: 0.0,
                limits: (0.0, 0.0),
                z,
                strong,
                method: OutlierMethod::History {
                    months: 12,
                    trend: false,
                    season: None,
                },
            },
        }
    }

    #[test]
    fn a_value_is_flagged_when_the_other_comparison_leans_the_same_way() {
        let mut l = Leanings::new(1, 6);
        // Row 0: own months 3.3, peers 2.0 (same side): flagged.
        l.record(Comparison::OwnMonths, 0, 0, 3.3);
        l.record(Comparison::Peers, 0, 0, 2.0);
        // Row 1: own months 3.3, peers −0.4: chance on one side only.
        l.record(Comparison::OwnMonths, 0, 1, 3.3);
        l.record(Comparison::Peers, 0, 1, -0.4);
        // Row 2: own months 3.3, no peer comparison: it stands alone.
        l.record(Comparison::OwnMonths, 0, 2, 3.3);
        // Row 3: peers −5.0 strong, own months +0.5: a township apart from its peers, its
        // months unmoved: not flagged, however far from the peers.
        l.record(Comparison::Peers, 0, 3, -5.0);
        l.record(Comparison::OwnMonths, 0, 3, 0.5);
        // Row 4: peers −3.2, own months −1.0: not far enough the same way.
        l.record(Comparison::Peers, 0, 4, -3.2);
        l.record(Comparison::OwnMonths, 0, 4, -1.0);
        // Row 5: own months −6.0 strong, peers −0.2: the township against itself suffices.
        l.record(Comparison::OwnMonths, 0, 5, -6.0);
        l.record(Comparison::Peers, 0, 5, -0.2);
        let spec = [
            (Comparison::OwnMonths, 0, 3.3, false),
            (Comparison::OwnMonths, 1, 3.3, false),
            (Comparison::OwnMonths, 2, 3.3, false),
            (Comparison::Peers, 3, -5.0, true),
            (Comparison::Peers, 4, -3.2, false),
            (Comparison::OwnMonths, 5, -6.0, true),
        ];
        let rows = |c: Option<f64>, judged: &[(Comparison, usize, f64, bool)]| -> Vec<usize> {
            let b = judged
                .iter()
                .map(|&(by, row, z, strong)| beyond(by, row, z, strong))
                .collect();
            flagged(b, &l, c).map(|b| b.judgement.row).collect()
        };
        // 1.2816: the 80% limits.
        assert_eq!(rows(Some(1.2816), &spec), [0, 2, 5]);
        assert_eq!(rows(None, &spec), [0, 1, 2, 3, 4, 5]);
    }
}
