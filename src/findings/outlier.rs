//! How R15 judged a value: against what (the township's own months, or its peers) and by which
//! law its limits were drawn. Data only: the words are in `render/months.rs`.

/// How an outlier was found (R15).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OutlierMethod {
    /// Against the township's own previous months: their level, or their steady trend (stocks);
    /// `season`: the county's seasonal factor of this month, when one was followed (flows with
    /// a year of months).
    History {
        months: usize,
        trend: bool,
        season: Option<f64>,
        law: HistoryLaw,
    },
    /// Against the other townships this month, by funnel limits or (amounts) modified z.
    Peers { townships: usize, model: PeerModel },
    /// Against the other townships' last month (a return checked on its own).
    PeersLastMonth { townships: usize, model: PeerModel },
}

/// The distribution a township's value is compared with across townships.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PeerModel {
    /// A count over the population: Poisson (with over-dispersion, negative binomial).
    Poisson,
    /// A count over another indicator that is not its whole (screenings of live births, high-risk
    /// mothers of mothers): Poisson on that base, `counts_per` in the configuration.
    CountPer,
    /// A count out of another (a proportion): binomial.
    Binomial,
    /// An amount per head, by the modified z-score.
    PerHead,
}

/// What a township's own months judged a value by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryLaw {
    /// Chance alone: the binomial of this month's whole at the months' share.
    Binomial,
    /// Chance alone: the predictive negative binomial of the months' Poisson rate.
    Poisson,
    /// A count flow: the negative binomial with the month-to-month movement of the county's
    /// townships.
    CountyMovement,
    /// Chance's variance times the months' dispersion (a share or count per unit whose months
    /// scatter more than chance).
    Dispersed,
    /// The months' own robust spread (stocks, amounts, flows that move more than the county's).
    OwnSpread,
}
