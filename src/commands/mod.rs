//! One thin file per subcommand: parse arguments into library calls, print for people.

pub mod check;
pub mod decide;
pub mod history;
pub mod run;
pub mod serve;
pub mod template;
pub mod watch;
pub mod workspace;

/// Exit statuses, as ruff: 0 clean, 1 errors or alerts found (outputs written), 2 failure.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_FAILURE: i32 = 2;

use std::path::{Path, PathBuf};

use huizong::config::Config;
use huizong::model::Period;
use huizong::render::{hint_label, Failure, Lang};

/// Finds a configuration when none is given: `huizong.toml` beside the returns or above them.
pub fn find_config(
    given: Option<PathBuf>,
    near: &Path,
    lang: Lang,
) -> Result<Config, Box<dyn std::error::Error>> {
    match config_file(given, near) {
        Some(p) => Ok(Config::load(&p)?),
        None => Err(Failure::new(
            format!(
                "{} {}",
                lang.t(
                    "没有配置文件：在这些文件夹中都没有 huizong.toml：",
                    "no configuration: no huizong.toml in"
                ),
                std::path::absolute(near)
                    .unwrap_or_else(|_| near.to_path_buf())
                    .ancestors()
                    .take(4)
                    .map(|d| d.display().to_string())
                    .collect::<Vec<_>>()
                    .join(lang.t("、", ", "))
            ),
            lang.t(
                "请用 --config 指定配置文件（至少写明县名 county 和乡镇名册 [[townships]]）",
                "give one with --config (at least the county and its roster [[townships]])",
            ),
        )
        .into()),
    }
}

/// The configuration file used: the one given, else `huizong.toml` beside or above `near`.
pub fn config_file(given: Option<PathBuf>, near: &Path) -> Option<PathBuf> {
    // `.` has no parent of its own: the folders above are found from its whole path.
    let near = std::path::absolute(near).unwrap_or_else(|_| near.to_path_buf());
    given.or_else(|| {
        near.ancestors()
            .take(4)
            .map(|d| d.join("huizong.toml"))
            .find(|p| p.is_file())
    })
}

/// Where a one-off command keeps the history store when `--history` is not given:
/// `历史库` beside the configuration file, or `HUIZONG_HISTORY` when set. The county's configuration
/// stays put from month to month while output folders change (a new one each month is common),
/// so next month's run finds this month's figures; the folder travels with the configuration
/// when it is copied to another PC. A workspace's configuration means the workspace's store
/// (`.huizong/history`).
pub fn default_history(config: Option<PathBuf>, near: &Path) -> PathBuf {
    let beside = config_file(config, near)
        .and_then(|f| f.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    // The workspace's own configuration: its store, which the ledger's runs fill.
    if let Ok(ws) = huizong::workspace::find(Some(&beside), &beside) {
        return ws.history();
    }
    if let Some(dir) = std::env::var_os("HUIZONG_HISTORY").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    std::path::absolute(&beside)
        .unwrap_or(beside)
        .join(HISTORY_FOLDER)
}

/// The one-off history store's folder name: the same in every language, so that `--lang en`
/// finds the months a Chinese run stored.
pub const HISTORY_FOLDER: &str = "历史库";

/// `--period YYYY-MM`.
pub fn parse_period(
    text: Option<&str>,
    lang: Lang,
) -> Result<Option<Period>, Box<dyn std::error::Error>> {
    match text {
        Some(p) => Ok(Some(
            Period::parse(p).ok_or_else(|| period_failure(p, lang))?,
        )),
        None => Ok(None),
    }
}

/// `--period` given in a form that is not a month.
pub fn period_failure(given: &str, lang: Lang) -> Failure {
    Failure::new(
        format!("--period {given}: {}", lang.t("不是报告期", "not a period")),
        lang.t(
            "报告期写作 年-月，如 --period 2026-10",
            "write the period as year-month, e.g. --period 2026-10",
        ),
    )
}

/// The county's explanations from the files found beside the returns. A file that cannot be
/// read is said on stderr, by name, and the run goes on without it.
pub fn load_explanations(
    files: &[PathBuf],
    config: &Config,
    lang: Lang,
) -> Vec<huizong::review::Explanation> {
    let mut out = Vec::new();
    for f in files {
        match huizong::review::load(f, &config.limits) {
            Ok(mut e) => out.append(&mut e),
            Err(e) => {
                eprintln!(
                    "{}{}{}{}",
                    lang.t(
                        "审核说明文件无法读取，本次未使用",
                        "explanations file not read"
                    ),
                    huizong::render::colon(lang),
                    f.display(),
                    huizong::render::bracketed(
                        &huizong::render::explanations_unread(e, lang),
                        lang
                    )
                );
                eprintln!(
                    "{}{}",
                    hint_label(lang),
                    lang.t(
                        "审核说明表须有“乡镇”“规则”“说明”三列表头；改好后重新运行",
                        "an explanations file needs the headers 乡镇 (township), 规则 (rule) and 说明 (explanation); correct it and run again",
                    )
                );
            }
        }
    }
    out
}

/// Whether the outcome makes the run exit with status 1: an error, or an alert nobody has
/// accepted an explanation for.
pub fn fails(outcome: &huizong::outcome::RunOutcome) -> bool {
    outcome
        .findings
        .iter()
        .any(huizong::findings::Finding::fails_run)
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
        None => Err(Failure::new(
            format!("{}: {rule}", lang.t("没有这条规则", "no such rule")),
            lang.t(
                "规则编号见汇总表“异常清单”的“规则”列，如 R01、F10、N05",
                "rule ids are in the 规则 (rule) column of the anomaly list, e.g. R01, F10, N05",
            ),
        )
        .into()),
    }
}
