//! The `[quality]` table of the configuration: the targets the data-quality figures are held
//! against (WHO's: completeness 90%, timeliness 75%). Values only; reads no returns.

use serde::{Deserialize, Deserializer};

/// Targets for the data-quality figures, as fractions (0.90 = 90%).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quality {
    /// Returns received / roster, and required cells filled / required cells.
    #[serde(default = "default_completeness", deserialize_with = "fraction")]
    pub completeness: f64,
    /// Returns on time / returns received.
    #[serde(default = "default_timeliness", deserialize_with = "fraction")]
    pub timeliness: f64,
}

impl Default for Quality {
    fn default() -> Self {
        Self {
            completeness: default_completeness(),
            timeliness: default_timeliness(),
        }
    }
}

fn default_completeness() -> f64 {
    0.90
}

fn default_timeliness() -> f64 {
    0.75
}

/// A target between 0 and 1; `90` for 90% is refused with a word on why.
fn fraction<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let v = f64::deserialize(d)?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(serde::de::Error::custom(format!(
            "{v} is not a fraction between 0 and 1 (write 0.90 for 90%)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    const ROSTER: &str = "county = \"安平县\"\n[[townships]]\nname = \"青石镇\"\n";

    #[test]
    fn defaults_are_whos_targets() {
        let c = Config::parse(ROSTER, "t.toml").expect("valid");
        assert_eq!(c.quality.completeness, 0.90);
        assert_eq!(c.quality.timeliness, 0.75);
    }

    #[test]
    fn targets_are_read_and_one_may_be_left_out() {
        let c = Config::parse(&format!("{ROSTER}[quality]\ntimeliness = 0.8\n"), "t.toml")
            .expect("valid");
        assert_eq!(c.quality.timeliness, 0.8);
        assert_eq!(c.quality.completeness, 0.90);
    }

    #[test]
    fn a_percentage_or_an_unknown_key_names_the_line() {
        let text = format!("{ROSTER}[quality]\ncompleteness = 90\n");
        let e = Config::parse(&text, "t.toml").unwrap_err().to_string();
        assert!(e.starts_with("t.toml:5:"), "{e}");
        assert!(e.contains("0.90"), "{e}");
        let text = format!("{ROSTER}[quality]\ncompletenes = 0.9\n");
        let e = Config::parse(&text, "t.toml").unwrap_err().to_string();
        assert!(e.contains("completenes"), "{e}");
    }
}
