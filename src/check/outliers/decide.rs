//! R15's decision: which values judged beyond their limits are flagged. Most values are looked
//! at twice, against the township's own months and against its peers. A typing error moves a
//! value away from both; chance rarely pushes both the same way. So a value beyond the limits
//! of one comparison is flagged when the other, where it judged the value, leans the same way
//! (beyond its corroborating limits, on the same side), or when it lies beyond the strong
//! limits of its own months. The peers are believed less than the months: a township far from
//! its peers may be no more than itself (a rate of its own that the spread between townships
//! did not allow for), which its months show and a typing error is not; so a flag against the
//! peers always needs the months, and the months must lean further (`corroborate_peers`, 95%)
//! than the peers must for a flag against the months (`corroborate`, 80%). No IO, no words.

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

/// The |z| the other comparison must reach on the same side.
#[derive(Debug, Clone, Copy)]
pub struct Corroboration {
    /// The peers', for a value beyond the limits of its own months.
    pub by_peers: f64,
    /// The own months', for a value beyond the limits of its peers.
    pub by_own_months: f64,
}

/// The values to flag, in the order they were judged (`None`: either comparison alone
/// suffices).
pub fn flagged(
    beyond: Vec<Beyond>,
    leanings: &Leanings,
    corroborate: Option<Corroboration>,
) -> impl Iterator<Item = Beyond> + '_ {
    beyond.into_iter().filter(move |b| {
        let j = &b.judgement;
        // Strong limits stand alone against the township's own months only.
        let alone = j.strong && b.by == Comparison::OwnMonths;
        let (Some(c), false) = (corroborate, alone) else {
            return true;
        };
        let needed = match b.by {
            Comparison::OwnMonths => c.by_peers,
            Comparison::Peers => c.by_own_months,
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
                    law: crate::findings::HistoryLaw::OwnSpread,
                },
            },
        }
    }

    #[test]
    fn a_value_is_flagged_when_the_other_comparison_leans_the_same_way() {
        let mut l = Leanings::new(1, 7);
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
        l.record(Comparison::Peers, 0, 6, 3.5);
        l.record(Comparison::OwnMonths, 0, 6, 1.5);
        let spec = [
            (Comparison::OwnMonths, 0, 3.3, false),
            (Comparison::OwnMonths, 1, 3.3, false),
            (Comparison::OwnMonths, 2, 3.3, false),
            (Comparison::Peers, 3, -5.0, true),
            (Comparison::Peers, 4, -3.2, false),
            (Comparison::OwnMonths, 5, -6.0, true),
        ];
        let rows =
            |c: Option<Corroboration>, judged: &[(Comparison, usize, f64, bool)]| -> Vec<usize> {
                let b = judged
                    .iter()
                    .map(|&(by, row, z, strong)| beyond(by, row, z, strong))
                    .collect();
                flagged(b, &l, c).map(|b| b.judgement.row).collect()
            };
        // 1.2816: the 80% limits, both ways.
        let both = |z| Corroboration {
            by_peers: z,
            by_own_months: z,
        };
        assert_eq!(rows(Some(both(1.2816)), &spec), [0, 2, 5]);
        assert_eq!(rows(None, &spec), [0, 1, 2, 3, 4, 5]);
        // Row 6 (recorded above): peers +3.5, own months +1.5: enough for a flag of the months
        // at 80%, not for one of the peers at 95% (1.96).
        let peers_flag = [(Comparison::Peers, 6, 3.5, false)];
        assert_eq!(rows(Some(both(1.2816)), &peers_flag), [6]);
        let asymmetric = Corroboration {
            by_peers: 1.2816,
            by_own_months: 1.96,
        };
        assert_eq!(rows(Some(asymmetric), &peers_flag), [] as [usize; 0]);
    }
}
