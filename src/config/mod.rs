//! Configuration: TOML → a validated [`Config`] (form, indicators, rates, checks, roster).
//!
//! The default form is built in (`default_form.toml`); a file that gives only `county` and
//! `[[townships]]` uses it. A mistake is a [`ConfigError`] naming its key and line. This module
//! reads no returns and knows nothing of spreadsheets.

mod checks;
pub mod expr;
pub mod quality;
mod validate;

use serde::Deserialize;
use std::path::Path;
use toml::Spanned;

pub use checks::{Builtin, Check, Columns, Dispersion, Missing, OutlierParams};
pub use validate::ConfigError;

use crate::model::Severity;

/// The built-in default form, as TOML.
pub const DEFAULT_FORM: &str = include_str!("default_form.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IndicatorKind {
    Stock,
    Flow,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    pub code: Vec<String>,
    pub name: Vec<String>,
    #[serde(default)]
    pub unit: Vec<String>,
    pub month: Vec<String>,
    pub ytd: Vec<String>,
    /// Words that make a header a cumulative column (`1-10月累计`).
    #[serde(default)]
    pub ytd_contains: Vec<String>,
    /// Words that make a header last year's, not this year's (`上年同期`).
    #[serde(default)]
    pub not_current: Vec<String>,
    pub township: Vec<String>,
    pub period: Vec<String>,
    pub filed: Vec<String>,
    #[serde(default)]
    pub total_row: Vec<String>,
    #[serde(default)]
    pub township_suffixes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Form {
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default = "default_scan_rows")]
    pub header_scan_rows: u32,
    #[serde(default = "default_fuzzy")]
    pub fuzzy_threshold: f64,
    /// Returns are due by this day of the following month (填报日期 on or before it is on time).
    #[serde(default = "default_deadline")]
    pub deadline_day: u32,
    /// Values the form gives a meaning (`-2` for 未开展): never summed, never checked, noted.
    #[serde(default)]
    pub sentinels: Vec<Sentinel>,
    pub labels: Labels,
}

/// A value that stands for a state, not an amount.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sentinel {
    pub value: f64,
    pub meaning: String,
    #[serde(default)]
    pub meaning_en: Option<String>,
}

fn default_scan_rows() -> u32 {
    30
}
fn default_fuzzy() -> f64 {
    0.6
}
fn default_deadline() -> u32 {
    5
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub code: Spanned<String>,
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    pub unit: String,
    pub kind: IndicatorKind,
    #[serde(default)]
    pub decimals: u32,
    #[serde(default)]
    pub sheet: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Whether a blank 本月数 is an R14 error (default true).
    #[serde(default = "yes")]
    pub required: bool,
    /// Whether R15 looks for outliers in it (rare events such as deaths go through R09).
    #[serde(default = "yes")]
    pub outliers: bool,
    /// A stock's largest ordinary change from last month (R12), instead of the check's `share`.
    #[serde(default)]
    pub max_change: Option<f64>,
}

fn yes() -> bool {
    true
}

impl Indicator {
    pub fn code(&self) -> &str {
        self.code.get_ref()
    }

    /// Head-counts and other counted units take whole numbers only.
    pub fn is_count(&self) -> bool {
        self.decimals == 0
    }

    /// Whether the unit is already in 万 (so a typed 万 is ambiguous).
    pub fn unit_is_wan(&self) -> bool {
        self.unit.starts_with('万')
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    pub name: Spanned<String>,
    #[serde(default)]
    pub name_en: Option<String>,
    pub numerator: Spanned<String>,
    pub denominator: Spanned<String>,
    #[serde(default = "hundred")]
    pub scale: f64,
    #[serde(default = "percent")]
    pub unit: String,
    #[serde(default)]
    pub denominator_times_days: bool,
    /// Drawn in the county workbook's charts (a bar per township, the county as a line).
    #[serde(default)]
    pub chart: bool,
}

impl Rate {
    /// The rate from summed parts: Σ numerator / Σ (denominator × days) × scale, None over a
    /// zero denominator. The one formula aggregate/ (county and townships) and the trend use;
    /// check/frame.rs writes the same as a polars expression, cell by cell.
    pub fn value(&self, sum_numerator: f64, sum_scaled_denominator: f64) -> Option<f64> {
        (sum_scaled_denominator != 0.0).then(|| sum_numerator / sum_scaled_denominator * self.scale)
    }

    /// Whether a flow is among its parts (and so the rate has a 本年累计 of its own): the one
    /// rule aggregate/ and check/ both use.
    pub fn has_flow(&self, config: &Config) -> bool {
        [&self.numerator, &self.denominator].iter().any(|c| {
            config
                .indicator(c.get_ref())
                .is_some_and(|i| i.kind == IndicatorKind::Flow)
        })
    }

    /// What the denominator is multiplied by in `column` of `period`: the days of the month, or
    /// since 1 January, for a rate over bed-days; 1 otherwise.
    pub fn days(&self, period: crate::model::Period, column: crate::model::Column) -> f64 {
        if !self.denominator_times_days {
            return 1.0;
        }
        f64::from(match column {
            crate::model::Column::Month => period.days_in_month(),
            crate::model::Column::Ytd => period.days_year_to_date(),
        })
    }
}

fn hundred() -> f64 {
    100.0
}
fn percent() -> String {
    "%".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Township {
    pub name: Spanned<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl Township {
    pub fn name(&self) -> &str {
        self.name.get_ref()
    }
}

/// A whole configuration file as written: every part of the form may be left to the default.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    county: String,
    #[serde(default)]
    county_en: Option<String>,
    #[serde(default)]
    townships: Vec<Township>,
    #[serde(default)]
    form: Option<Form>,
    #[serde(default)]
    indicators: Option<Vec<Indicator>>,
    #[serde(default)]
    rates: Option<Vec<Rate>>,
    #[serde(default)]
    checks: Option<Vec<Check>>,
    /// A county's own rules, added to the form's checks (built-in or given).
    #[serde(default)]
    more_checks: Vec<Check>,
    #[serde(default)]
    limits: crate::read::Limits,
    #[serde(default)]
    quality: quality::Quality,
}

/// The form part alone (the built-in default).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FormConfig {
    form: Form,
    indicators: Vec<Indicator>,
    rates: Vec<Rate>,
    checks: Vec<Check>,
}

/// A validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub county: String,
    pub county_en: Option<String>,
    pub townships: Vec<Township>,
    pub form: Form,
    pub indicators: Vec<Indicator>,
    pub rates: Vec<Rate>,
    pub checks: Vec<Check>,
    /// Caps on the work one file may cost.
    pub limits: crate::read::Limits,
    /// Targets of the data-quality figures (`[quality]`).
    pub quality: quality::Quality,
}

impl Config {
    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let bytes = std::fs::read(path).map_err(|e| ConfigError::Io {
            path: path.display().to_string(),
            source: e,
        })?;
        let text = validate::decode(&bytes).map_err(|encoding| ConfigError::Encoding {
            path: path.display().to_string(),
            encoding,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses and validates configuration text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, ConfigError> {
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| validate::toml_error(origin, text, &e))?;
        let needs_default = raw.form.is_none()
            || raw.indicators.is_none()
            || raw.rates.is_none()
            || raw.checks.is_none();
        let default: Option<FormConfig> = if needs_default {
            Some(
                toml::from_str(DEFAULT_FORM)
                    .map_err(|e| validate::toml_error("<built-in form>", DEFAULT_FORM, &e))?,
            )
        } else {
            None
        };
        // Parts taken from the built-in form are validated against its own text.
        let sources = validate::Sources {
            indicators: raw.indicators.is_none(),
            rates: raw.rates.is_none(),
            checks: if raw.checks.is_none() {
                default.as_ref().map_or(0, |d| d.checks.len())
            } else {
                0
            },
        };
        let missing = || ConfigError::Internal("built-in form not parsed".into());
        let form = match raw.form {
            Some(f) => f,
            None => default
                .as_ref()
                .map(|d| d.form.clone())
                .ok_or_else(missing)?,
        };
        let indicators = match raw.indicators {
            Some(i) => i,
            None => default
                .as_ref()
                .map(|d| d.indicators.clone())
                .ok_or_else(missing)?,
        };
        let rates = match raw.rates {
            Some(r) => r,
            None => default
                .as_ref()
                .map(|d| d.rates.clone())
                .ok_or_else(missing)?,
        };
        let mut checks = match raw.checks {
            Some(c) => c,
            None => default
                .as_ref()
                .map(|d| d.checks.clone())
                .ok_or_else(missing)?,
        };
        checks.extend(raw.more_checks);
        let config = Config {
            county: raw.county,
            county_en: raw.county_en,
            townships: raw.townships,
            form,
            indicators,
            rates,
            checks,
            limits: raw.limits,
            quality: raw.quality,
        };
        validate::validate(&config, origin, text, &sources)?;
        Ok(config)
    }

    /// The built-in form with a county and roster given in code (used by tests and `explain`).
    pub fn default_with(county: &str, townships: &[&str]) -> Result<Self, ConfigError> {
        let mut text = format!("county = \"{county}\"\n");
        for t in townships {
            text.push_str(&format!("[[townships]]\nname = \"{t}\"\n"));
        }
        Self::parse(&text, "<built-in>")
    }

    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.code() == code)
    }

    pub fn severity_of_builtin(&self, builtin: Builtin) -> Option<Severity> {
        self.checks
            .iter()
            .find(|c| c.builtin == Some(builtin))
            .map(|c| c.severity)
    }

    /// A check's expression read into references and operators (see [`expr::parse`]).
    pub fn expression(&self, text: &str) -> expr::Expression {
        let rates: Vec<&str> = self
            .rates
            .iter()
            .map(|r| r.name.get_ref().as_str())
            .collect();
        expr::parse(text, &rates, &|c| self.indicator(c).is_some())
    }

    pub fn builtin_check(&self, builtin: Builtin) -> Option<&Check> {
        self.checks.iter().find(|c| c.builtin == Some(builtin))
    }
}

#[cfg(test)]
mod tests;
