//! `huizong template --period YYYY-MM [--township NAME]… --out DIR [--previous RUN.json]`: one
//! blank return a township, `{township}_{YYYY-MM}_报表.xlsx`, written atomically; 本年累计 of
//! flows carried on from last month's run report. Arguments and printing only: the workbook is
//! built by `huizong::report`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use huizong::config::{Config, Township};
use huizong::model::Period;
use huizong::render::{Failure, Lang};
use huizong::report;

use super::EXIT_OK;

pub struct Args {
    pub period: String,
    pub townships: Vec<String>,
    pub out: PathBuf,
    pub config: Option<PathBuf>,
    pub previous: Option<PathBuf>,
    pub lang: Lang,
}

pub fn template(args: Args) -> Result<i32, Box<dyn std::error::Error>> {
    let lang = args.lang;
    let config = super::find_config(args.config, Path::new("."), lang)?;
    let period = super::parse_period(Some(&args.period), lang)?
        .ok_or_else(|| super::period_failure(&args.period, lang))?;
    let chosen = pick(&config, &args.townships, lang)?;
    let previous = match &args.previous {
        Some(p) => previous_figures(p, &config, period, lang)?,
        None => BTreeMap::new(),
    };
    let stdout = std::io::stdout();
    let mut o = stdout.lock();
    for t in chosen {
        let carried = previous.get(t.name());
        let bytes = report::template_workbook(&config, t, period, carried)?;
        let name = report::safe_file_name(&format!(
            "{}_{period}_{}.xlsx",
            t.name(),
            lang.t("报表", "form")
        ));
        let path = args.out.join(name);
        report::write_atomically(&path, &bytes)?;
        let line = match (args.previous.is_some() && period.month != 1, carried) {
            (true, None) => format!(
                "{} {}",
                path.display(),
                lang.t(
                    "（上月报告中无此乡镇，本年累计须手填）",
                    "(not in last month's report: year to date typed in by hand)"
                )
            ),
            _ => path.display().to_string(),
        };
        if writeln!(o, "{line}").is_err() {
            break; // a closed pipe is not a failure
        }
    }
    Ok(EXIT_OK)
}

/// The townships asked for, in roster order; all of them when none is named.
fn pick<'a>(
    config: &'a Config,
    names: &[String],
    lang: Lang,
) -> Result<Vec<&'a Township>, Box<dyn std::error::Error>> {
    if let Some(unknown) = names
        .iter()
        .find(|n| !config.townships.iter().any(|t| t.name() == n.trim()))
    {
        return Err(Failure::new(
            format!(
                "--township {unknown}: {}",
                lang.t("不在名册中", "not on the roster")
            ),
            lang.t(
                "请写名册（配置文件的 [[townships]]）中的乡镇名称",
                "give a township's name as the roster ([[townships]] of the configuration) spells it",
            ),
        )
        .into());
    }
    Ok(config
        .townships
        .iter()
        .filter(|t| names.is_empty() || names.iter().any(|n| n.trim() == t.name()))
        .collect())
}

/// Township → code → 本年累计 from last month's run report (`huizong run --json`). The report
/// must be the county's and the month before `period`; in January nothing is carried on.
fn previous_figures(
    path: &Path,
    config: &Config,
    period: Period,
    lang: Lang,
) -> Result<BTreeMap<String, BTreeMap<String, f64>>, Box<dyn std::error::Error>> {
    let shown = path.display();
    let hint = lang.t(
        "--previous 应为上月 huizong run --json 写出的 JSON 文件",
        "--previous takes the JSON file last month's huizong run --json wrote",
    );
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::new(
            format!(
                "{shown}{}{}",
                huizong::render::colon(lang),
                huizong::render::io_words(&e, lang)
            ),
            hint,
        )
    })?;
    let not_report = || {
        format!(
            "{shown}: {}",
            lang.t(
                "不是 huizong run --json 写出的运行报告",
                "not a run report written by huizong run --json"
            )
        )
    };
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|_| Failure::new(not_report(), hint))?;
    let (Some(county), Some(reported), Some(townships)) = (
        json["county"].as_str(),
        json["period"].as_str().and_then(Period::parse),
        json["townships"].as_object(),
    ) else {
        return Err(Failure::new(not_report(), hint).into());
    };
    if period.month == 1 {
        return Ok(BTreeMap::new());
    }
    let before = Period::new(period.year, period.month - 1).ok_or_else(not_report)?;
    if county != config.county || reported != before {
        let expected = format!("{} {before}", config.county);
        let message = match lang {
            Lang::Zh => format!(
                "{shown}: 这是 {county} {reported} 的运行报告，应为 {expected}（--period 的上月）"
            ),
            Lang::En => format!(
                "{shown}: the run report of {county} {reported}; expected {expected} \
                 (the month before --period)"
            ),
        };
        return Err(Failure::new(message, hint).into());
    }
    Ok(townships
        .iter()
        .map(|(t, codes)| {
            let ytd = codes
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(code, v)| Some((code.clone(), v["ytd"].as_f64()?)))
                .collect();
            (t.clone(), ytd)
        })
        .collect())
}
