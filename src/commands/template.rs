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
        None => Previous::default(),
    };
    let stdout = std::io::stdout();
    let mut o = stdout.lock();
    for t in chosen {
        let carried = previous.figures.get(t.name());
        let withheld = previous.withheld.get(t.name());
        let source = args
            .previous
            .as_deref()
            .filter(|_| period.month != 1)
            .map(|p| source_words(p, &config, period, withheld, lang));
        let bytes =
            report::template_workbook_noted(&config, t, period, carried, source.as_deref())?;
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
            _ => match &source {
                Some(source) => format!("{} ({source})", path.display()),
                None => path.display().to_string(),
            },
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

/// What last month's report gives: township → code → 本年累计, and the figures withheld because
/// an error stayed open on them (township → code → rules).
#[derive(Default)]
struct Previous {
    figures: BTreeMap<String, BTreeMap<String, f64>>,
    withheld: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

/// Where the carried figures came from, and which were not carried, in words.
fn source_words(
    path: &Path,
    config: &Config,
    period: Period,
    withheld: Option<&BTreeMap<String, Vec<String>>>,
    lang: Lang,
) -> String {
    let before = Period::new(period.year, period.month - 1)
        .map(|p| p.to_string())
        .unwrap_or_default();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut words = match lang {
        Lang::Zh => format!("本年累计承自 {} {before} 的运行报告 {name}", config.county),
        Lang::En => format!(
            "year to date carried from {} {before} run report {name}",
            config.county
        ),
    };
    if let Some(w) = withheld.filter(|w| !w.is_empty()) {
        let list: Vec<String> = w
            .iter()
            .map(|(code, rules)| format!("{code} {}", rules.join("/")))
            .collect();
        words.push_str(&match lang {
            Lang::Zh => format!("；上月有未改正错误的不承接，须手填：{}", list.join("、")),
            Lang::En => format!(
                "; not carried (an error stayed open last month), typed in by hand: {}",
                list.join(", ")
            ),
        });
    }
    words
}

/// Township → code → 本年累计 from last month's run report (`huizong run --json`), less the
/// figures an open error was found on (R10, R11, …: the tool said they were wrong, so they are
/// not carried forward). The report must be the county's and the month before `period`; in
/// January nothing is carried on.
// long-function: reads, checks and filters the previous run report in one pass; not yet split (issue 10)
fn previous_figures(
    path: &Path,
    config: &Config,
    period: Period,
    lang: Lang,
) -> Result<Previous, Box<dyn std::error::Error>> {
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
        return Ok(Previous::default());
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
    let mut withheld: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for f in json["anomalies"].as_array().into_iter().flatten() {
        if let ("error", Some(t), Some(code), Some(rule)) = (
            f["severity"].as_str().unwrap_or(""),
            f["township"].as_str(),
            f["indicator"].as_str(),
            f["rule"].as_str(),
        ) {
            let rules = withheld
                .entry(t.to_string())
                .or_default()
                .entry(code.to_string())
                .or_default();
            if !rules.iter().any(|r| r == rule) {
                rules.push(rule.to_string());
            }
        }
    }
    let figures = townships
        .iter()
        .map(|(t, codes)| {
            let open = withheld.get(t);
            let ytd = codes
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(code, _)| !open.is_some_and(|o| o.contains_key(*code)))
                .filter_map(|(code, v)| Some((code.clone(), v["ytd"].as_f64()?)))
                .collect();
            (t.clone(), ytd)
        })
        .collect();
    Ok(Previous { figures, withheld })
}
