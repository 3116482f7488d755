//! The checks of a form as configured: expression checks (`assert` / `fail_if`), built-in
//! rules, which columns they apply to, what a missing value does, and R15's parameters. Data
//! only; `check/` evaluates them.

use serde::Deserialize;
use toml::Spanned;

use crate::model::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Columns {
    Month,
    Ytd,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Builtin {
    /// R10: 本年累计 ≥ 本月数.
    YtdConsistent,
    /// R13.
    InvalidValue,
    /// R14.
    RequiredBlank,
    /// R11: 本年累计 = last month's 本年累计 + 本月数 (January: = 本月数).
    CarriedForward,
    /// R12: a stock moving by more than `share` of last month's value.
    StockChange,
    /// R15: outliers against the township's own history and against its peers.
    Outlier,
}

/// What a missing value does to an expression check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Missing {
    /// The check is skipped for that township (the blank is reported by R14).
    #[default]
    Skip,
    /// A missing value counts as 0.
    Zero,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub id: Spanned<String>,
    pub severity: Severity,
    /// An expression that must hold.
    #[serde(default)]
    pub assert: Option<Spanned<String>>,
    /// An expression that is the failing condition.
    #[serde(default)]
    pub fail_if: Option<Spanned<String>>,
    #[serde(default)]
    pub builtin: Option<Builtin>,
    #[serde(default = "both")]
    pub columns: Columns,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub message_en: Option<String>,
    /// Rounding tolerance of the comparisons (0.01 for 万元 with two decimals): a comparison
    /// that misses by no more than this holds (`fail_if`: fails only beyond it).
    #[serde(default)]
    pub tolerance: f64,
    /// What a missing value does: skip the check there (default) or count as 0.
    #[serde(default)]
    pub missing: Missing,
    /// R12: the share of last month's value a stock may move by (default 0.2).
    #[serde(default)]
    pub share: Option<f64>,
    /// R15 parameters (`[checks.outlier]`); see `default_form.toml`.
    #[serde(default)]
    pub outlier: OutlierParams,
}

/// R15: funnel limits against the peers of the month (Spiegelhalter 2005) and count-aware,
/// trend-aware limits against the township's own months; modified z-scores for amounts that
/// are not counts (money, kilograms).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutlierParams {
    /// Coverage of the limits beyond which a value is an outlier (0.998: the 99.8% limits).
    #[serde(default = "level")]
    pub level: f64,
    /// Coverage beyond which it is a strong one.
    #[serde(default = "strong_level")]
    pub strong_level: f64,
    /// How the spread between townships beyond chance is allowed for.
    #[serde(default)]
    pub dispersion: Dispersion,
    /// Share of z-scores pulled in at each tail before over-dispersion is estimated.
    #[serde(default = "winsorise")]
    pub winsorise: f64,
    /// Amounts (not counts): |modified z| at or above which a value is an outlier.
    #[serde(default = "z_warn")]
    pub z: f64,
    /// Amounts: |modified z| at or above which it is a strong one.
    #[serde(default = "z_strong")]
    pub z_strong: f64,
    /// How many previous months the township's own history looks at.
    #[serde(default = "window")]
    pub window: usize,
    /// How many of them it needs.
    #[serde(default = "min_months")]
    pub min_months: usize,
    /// How many townships the peer comparison needs.
    #[serde(default = "min_peers")]
    pub min_peers: usize,
    /// A count's deviation smaller than this is never an outlier, so that small counts are
    /// not flagged for moving from 0 to 1 (amounts with decimals are not floored).
    #[serde(default = "min_deviation")]
    pub min_deviation: f64,
    /// The denominator of counts compared across townships (resident population).
    #[serde(default)]
    pub population: Option<String>,
    /// Counts that are a share of another indicator (code → its denominator code), compared
    /// as proportions (binomial) instead of per head.
    #[serde(default)]
    pub proportions: std::collections::BTreeMap<String, String>,
    /// Counts of another count's units that are not a share of it (code → its denominator:
    /// the audience of talks per talk), compared as a count per unit (Poisson), against the
    /// peers and against the township's own months.
    #[serde(default)]
    pub counts_per: std::collections::BTreeMap<String, String>,
    /// Indicators drawn as a funnel chart in the county workbook.
    #[serde(default)]
    pub funnel_charts: Vec<String>,
    /// A township whose previous months (the window), pooled, lie beyond the peers' limits at
    /// this coverage on the same side differs from the rest as a rule, not by a typing error
    /// this month: its peer comparison is left to its own months (0 turns this off). Lower than
    /// `level`: it only decides which comparison to believe, and a township wrongly set apart
    /// is still judged against its own months.
    #[serde(default = "standing_level")]
    pub standing_level: f64,
    /// A value beyond the `level` limits of its own months but not the strong ones is flagged
    /// only when its peers, where they judged it, lean the same way beyond their limits at this
    /// coverage (0 turns this and `corroborate_peers` off).
    #[serde(default = "corroborate")]
    pub corroborate: f64,
    /// A value beyond the `level` limits of its peers is flagged only when its own months,
    /// where they judged it, lean the same way beyond their limits at this coverage. Higher
    /// than `corroborate`: a township apart from its peers may be no more than itself.
    #[serde(default = "corroborate_peers")]
    pub corroborate_peers: f64,
}

/// Over-dispersion between townships (Spiegelhalter 2005, section 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Dispersion {
    /// Chance alone (Poisson or binomial).
    None,
    /// Variance times φ, the mean squared winsorised z-score.
    Multiplicative,
    /// A random-effects variance τ² added (Paule-Mandel, robust: from winsorised z-scores
    /// standardised by their whole variance).
    #[default]
    Additive,
}

impl OutlierParams {
    /// Whether `code` is judged per unit of another indicator (`proportions`, `counts_per`),
    /// not as a flow of its own.
    pub fn per_unit(&self, code: &str) -> bool {
        self.proportions.contains_key(code) || self.counts_per.contains_key(code)
    }
}

impl Default for OutlierParams {
    fn default() -> Self {
        Self {
            level: level(),
            strong_level: strong_level(),
            dispersion: Dispersion::default(),
            winsorise: winsorise(),
            z: z_warn(),
            z_strong: z_strong(),
            window: window(),
            min_months: min_months(),
            min_peers: min_peers(),
            min_deviation: min_deviation(),
            population: None,
            proportions: Default::default(),
            counts_per: Default::default(),
            funnel_charts: Vec::new(),
            standing_level: standing_level(),
            corroborate: corroborate(),
            corroborate_peers: corroborate_peers(),
        }
    }
}

fn level() -> f64 {
    0.998
}
fn strong_level() -> f64 {
    0.99999
}
fn winsorise() -> f64 {
    0.1
}
fn z_warn() -> f64 {
    3.5
}
fn z_strong() -> f64 {
    5.0
}
fn window() -> usize {
    12
}
fn min_months() -> usize {
    6
}
fn min_peers() -> usize {
    8
}
fn corroborate() -> f64 {
    0.8
}
fn corroborate_peers() -> f64 {
    0.95
}
fn standing_level() -> f64 {
    0.95
}
fn min_deviation() -> f64 {
    3.0
}

fn both() -> Columns {
    Columns::Both
}

impl Check {
    pub fn id(&self) -> &str {
        self.id.get_ref()
    }

    /// The expression as written, and whether it must hold (`true`) or is the failure (`false`).
    pub fn expression(&self) -> Option<(&str, bool)> {
        match (&self.assert, &self.fail_if) {
            (Some(a), None) => Some((a.get_ref(), true)),
            (None, Some(f)) => Some((f.get_ref(), false)),
            _ => None,
        }
    }
}
