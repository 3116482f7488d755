//! One thin file per subcommand: parse arguments into library calls, print for people.

pub mod check;
pub mod run;
pub mod template;

/// Exit statuses, as ruff: 0 clean, 1 errors or alerts found (outputs written), 2 failure.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_FAILURE: i32 = 2;

use std::path::{Path, PathBuf};

use huizong::config::Config;
use huizong::model::Period;
use huizong::render::Lang;

/// Finds a configuration when none is given: `huizong.toml` beside the returns or above them.
pub fn find_config(
    given: Option<PathBuf>,
    near: &Path,
    lang: Lang,
) -> Result<Config, Box<dyn std::error::Error>> {
    let found = given.or_else(|| {
        near.ancestors()
            .take(4)
            .map(|d| d.join("huizong.toml"))
            .find(|p| p.is_file())
    });
    match found {
        Some(p) => Ok(Config::load(&p)?),
        None => Err(lang
            .t(
                "缺少配置文件：请用 --config 指定（至少写明县名和乡镇名册）",
                "no configuration: give --config (at least the county and its roster)",
            )
            .into()),
    }
}

/// `--period YYYY-MM`.
pub fn parse_period(
    text: Option<&str>,
    lang: Lang,
) -> Result<Option<Period>, Box<dyn std::error::Error>> {
    match text {
        Some(p) => Ok(Some(Period::parse(p).ok_or_else(|| {
            format!(
                "--period {p}: {}",
                lang.t("应为 YYYY-MM", "expected YYYY-MM")
            )
        })?)),
        None => Ok(None),
    }
}

/// `huizong explain RULE`: what a rule checks and why (the built-in form without `--config`).
pub fn explain(
    rule: &str,
    config: Option<PathBuf>,
    lang: Lang,
) -> Result<i32, Box<dyn std::error::Error>> {
    let config = match config {
        Some(p) => Config::load(&p)?,
        None => Config::default_with("-", &[])?,
    };
    match huizong::explain::explain(rule, &config, lang) {
        Some(text) => {
            println!("{text}");
            Ok(EXIT_OK)
        }
        None => Err(format!("{}: {rule}", lang.t("没有这条规则", "no such rule")).into()),
    }
}
