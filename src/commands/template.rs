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
use huizong::workspace::carried::{carried, Carried};

use super::EXIT_OK;

pub struct Args {
    pub period: String,
    pub townships: Vec<String>,
    pub out: PathBuf,
    pub config: Option<PathBuf>,
    pub previous: Option<PathBuf>,
    /// The workspace whose ledger gives last month's figures (else found from here upwards).
    pub workspace: Option<PathBuf>,
    pub lang: Lang,
}

/// Where last month's 本年累计 come from.
enum Source {
    /// Nothing to carry: January, or neither a run report nor a workspace.
    None,
    /// Last month's run report (`--previous`).
    Report(PathBuf, Previous),
    /// The workspace's ledger: last month's version that counts, township by township.
    Ledger(Period, BTreeMap<String, Carried>),
}

pub fn template(args: Args) -> Result<i32, Box<dyn std::error::Error>> {
    let lang = args.lang;
    let period = super::parse_period(Some(&args.period), lang)?
        .ok_or_else(|| super::period_failure(&args.period, lang))?;
    let (config, source) = source_of(&args, period)?;
    let chosen = pick(&config, &args.townships, lang)?;
    let stdout = std::io::stdout();
    let mut o = stdout.lock();
    for t in chosen {
        let (carried, words) = match &source {
            Source::None => (None, None),
            Source::Report(path, previous) => {
                let carried = previous.figures.get(t.name());
                let withheld = previous.withheld.get(t.name());
                let words = match carried {
                    Some(_) => source_words(path, &config, period, withheld, lang),
                    None => lang
                        .t(
                            "上月报告中无此乡镇，本年累计须手填",
                            "not in last month's report: year to date typed in by hand",
                        )
                        .to_string(),
                };
                (carried, Some(words))
            }
            Source::Ledger(before, all) => {
                let c = all.get(t.name());
                (c.map(|c| &c.figures), Some(ledger_words(*before, c, lang)))
            }
        };
        let bytes = report::template_workbook_noted(&config, t, period, carried, words.as_deref())?;
        let name = report::safe_file_name(&format!(
            "{}_{period}_{}.xlsx",
            t.name(),
            lang.t("报表", "form")
        ));
        let path = args.out.join(name);
        report::write_atomically(&path, &bytes)?;
        let line = match &words {
            Some(words) => format!("{} ({words})", path.display()),
            None => path.display().to_string(),
        };
        if writeln!(o, "{line}").is_err() {
            break; // a closed pipe is not a failure
        }
    }
    Ok(EXIT_OK)
}

/// The configuration and where 本年累计 come from: `--previous` when given; else the workspace
/// (`--workspace`, or found from here upwards), whose configuration is used unless `--config`
/// names another; else nothing. January carries nothing.
fn source_of(args: &Args, period: Period) -> Result<(Config, Source), Box<dyn std::error::Error>> {
    let lang = args.lang;
    let before = Period::new(period.year, period.month - 1).filter(|_| period.month != 1);
    if let Some(path) = &args.previous {
        let config = super::find_config(args.config.clone(), Path::new("."), lang)?;
        let previous = previous_figures(path, &config, period, lang)?;
        let source = match before {
            Some(_) => Source::Report(path.clone(), previous),
            None => Source::None,
        };
        return Ok((config, source));
    }
    let cwd = std::env::current_dir()?;
    let found = match &args.workspace {
        Some(_) => Some(super::workspace::open(args.workspace.as_deref(), lang)?),
        None => huizong::workspace::find(None, &cwd).ok().inspect(|ws| {
            eprintln!("{}: {}", lang.t("工作区", "workspace"), ws.root().display());
        }),
    };
    let Some(ws) = found else {
        let config = super::find_config(args.config.clone(), Path::new("."), lang)?;
        return Ok((config, Source::None));
    };
    let config = match &args.config {
        Some(p) => Config::load(p)?,
        None => Config::load(&ws.config())?,
    };
    let Some(before) = before else {
        return Ok((config, Source::None));
    };
    let ledger = huizong::ledger::Ledger::open(&ws.ledger())?;
    let all = carried(&ledger, &config, &before.to_string())?;
    Ok((config, Source::Ledger(before, all)))
}

/// Which of last month's versions a township's figures come from, and what was not carried.
fn ledger_words(before: Period, carried: Option<&Carried>, lang: Lang) -> String {
    let Some(c) = carried else {
        return match lang {
            Lang::Zh => format!("{before} 未收到此乡镇的报表，本年累计须手填"),
            Lang::En => {
                format!("no return of {before} from this township: year to date typed in by hand")
            }
        };
    };
    let mut words = match (lang, c.accepted) {
        (Lang::Zh, true) => format!("本年累计承自 {before} 第{}版（已通过）", c.version),
        (Lang::Zh, false) => format!(
            "本年累计承自 {before} 第{}版（最新版，尚未通过）",
            c.version
        ),
        (Lang::En, true) => format!(
            "year to date carried from {before} version {} (accepted)",
            c.version
        ),
        (Lang::En, false) => format!(
            "year to date carried from {before} version {} (the latest, not yet accepted)",
            c.version
        ),
    };
    words.push_str(&withheld_words(&c.withheld, lang));
    words
}

/// `；有错误的不承接，须手填：C05 R10、…`, or nothing when every figure was carried.
fn withheld_words(withheld: &BTreeMap<String, Vec<String>>, lang: Lang) -> String {
    if withheld.is_empty() {
        return String::new();
    }
    let list: Vec<String> = withheld
        .iter()
        .map(|(code, rules)| format!("{code} {}", rules.join("/")))
        .collect();
    match lang {
        Lang::Zh => format!("；上月有未改正错误的不承接，须手填：{}", list.join("、")),
        Lang::En => format!(
            "; not carried (an error stayed open last month), typed in by hand: {}",
            list.join(", ")
        ),
    }
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
    if let Some(w) = withheld {
        words.push_str(&withheld_words(w, lang));
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
