//! `huizong run`: consolidate a folder, write the county workbook (and JSON), print a summary.

use std::io::Write;
use std::path::PathBuf;

use huizong::model::Severity;
use huizong::pipeline;
use huizong::render::{self, Lang};
use huizong::report;
use huizong::returns::Status;

use super::{EXIT_FINDINGS, EXIT_OK};

pub struct Args {
    pub folder: PathBuf,
    pub config: Option<PathBuf>,
    pub period: Option<String>,
    pub out: PathBuf,
    pub json: Option<PathBuf>,
    pub feedback: Option<PathBuf>,
    /// The history store; `历史库` beside the configuration when not given.
    pub history: Option<PathBuf>,
    pub lang: Lang,
    pub quiet: bool,
    /// Every finding's line, however many.
    pub all: bool,
}

// long-function: the run command's steps in order (config, read, check, write, print); not yet split (issue 10)
pub fn run(args: Args) -> Result<i32, Box<dyn std::error::Error>> {
    let lang = args.lang;
    let config = super::find_config(args.config.clone(), &args.folder, lang)?;
    let period = super::parse_period(args.period.as_deref(), lang)?;
    let started = std::time::Instant::now();
    // Two runs on one output folder must not interleave: hold its lock for the whole run.
    let _lock = report::lock_output(&args.out)?;
    let found = huizong::discover::discover(&args.folder)?;
    let store = huizong::history::Store::new(
        args.history
            .clone()
            .unwrap_or_else(|| super::default_history(args.config.clone(), &args.folder)),
    )
    .with_county(&config.county);
    let context = pipeline::Context {
        period,
        history: Some(store.clone()),
        explanations: super::load_explanations(&found.explanations, &config, lang),
    };
    let bar = progress_bar(found.files.len() as u64, args.quiet, lang);
    let tick = |n: usize| {
        // Shown only for runs that last: drawn once half a second has passed.
        if started.elapsed().as_secs_f64() > 0.5 && bar.is_hidden() && !args.quiet {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        bar.inc(n as u64);
    };
    let outcome = pipeline::run_discovered(
        found,
        &args.folder.display().to_string(),
        &config,
        &context,
        &tick,
    )?;
    bar.finish_and_clear();

    let name = format!(
        "{}_{}_{}.xlsx",
        report::safe_file_name(render::county(&config, lang)),
        outcome.period,
        lang.t("汇总", "summary")
    );
    let path = args.out.join(name);
    // Outputs never overwrite a return being read.
    let inputs: Vec<&str> = outcome
        .assembly
        .returns
        .iter()
        .map(|r| r.file.as_str())
        .collect();
    report::refuse_input(&path, &args.folder, &inputs)?;
    if let Some(json_path) = &args.json {
        report::refuse_input(json_path, &args.folder, &inputs)?;
    }
    // The JSON report is streamed on the other core while the workbook is built.
    let (workbook, json) = std::thread::scope(|scope| {
        let json = args
            .json
            .as_deref()
            .map(|json_path| scope.spawn(|| write_json(json_path, &outcome, &config, lang)));
        let workbook = report::county_workbook(&outcome, &config, lang, Some(&args.folder))
            .map_err(report::ReportError::from)
            .and_then(|bytes| report::write_atomically(&path, &bytes));
        let json = json.map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        (workbook, json)
    });
    workbook?;
    json.transpose()?;

    // The month's accepted figures go to the history store, replacing an earlier run's; a month
    // with no counted return is not a month of zeros, and is not stored.
    let counted_any = outcome
        .assembly
        .returns
        .iter()
        .any(|r| r.status == Status::Counted);
    if counted_any {
        store.save(&huizong::history::Figures::from_table(
            outcome.period,
            &outcome.table,
        ))?;
    }
    let fill_in = write_fill_in(&args.out, &outcome, &config, lang)?;

    let feedback_written = match &args.feedback {
        Some(dir) => write_feedback(dir, &args.folder, &outcome, &config, lang)?,
        None => 0,
    };

    let stdout = std::io::stdout();
    let mut o = stdout.lock();
    if !args.quiet {
        let shown: Vec<&huizong::findings::Finding> = outcome
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Note)
            .collect();
        let see = lang.t("汇总表“异常清单”", "the workbook's Findings sheet");
        let how = render::terminal::Listing {
            all: args.all,
            hints: false,
            see: Some(see),
        };
        for line in render::terminal::finding_lines(&shown, &config, lang, how) {
            // A closed pipe (`| head`) is not a failure.
            if writeln!(o, "{line}").is_err() {
                return Ok(exit_status(&outcome));
            }
        }
    }
    let counted = outcome
        .assembly
        .returns
        .iter()
        .filter(|r| r.status == Status::Counted)
        .count();
    let _ = writeln!(o, "{}", lang.t("—— 汇总完成 ——", "—— done ——"));
    let _ = writeln!(
        o,
        "{}: {}  {}: {}/{}  {}: {}  {}: {}",
        lang.t("报告期", "period"),
        outcome.period,
        lang.t("已汇总", "counted"),
        counted,
        config.townships.len(),
        lang.t("文件", "files"),
        outcome.assembly.returns.len() + outcome.assembly.skipped.len(),
        lang.t("未报送", "missing"),
        if outcome.assembly.missing.is_empty() {
            "-".to_string()
        } else {
            outcome.assembly.missing.join("、")
        }
    );
    let _ = writeln!(
        o,
        "{}",
        render::terminal::severity_counts(&outcome.findings, lang)
    );
    let _ = writeln!(
        o,
        "{}",
        render::terminal::rule_counts(&outcome.findings, lang)
    );
    // The store's whole path, so next month's run can be pointed at the same one.
    let store_path = std::path::absolute(store.dir()).unwrap_or_else(|_| store.dir().to_path_buf());
    if outcome.past.previous.is_none() {
        let config_shown = args.config.as_ref().map(|c| c.display().to_string());
        let _ = writeln!(
            o,
            "{}",
            render::workspace::previous_month_missing(
                &outcome.period.to_string(),
                &previous_month(outcome.period),
                &store_path.display().to_string(),
                config_shown.as_deref(),
                lang
            )
        );
    }
    let _ = writeln!(
        o,
        "{}: {}{}",
        lang.t("历史库", "history"),
        store_path.display(),
        if counted_any {
            ""
        } else {
            lang.t(
                "（本月没有计入的报表，未存入）",
                " (no return counted this month: nothing stored)",
            )
        }
    );
    if let Some(path) = &fill_in {
        let _ = writeln!(
            o,
            "{}: {}",
            lang.t("审核说明待填表", "explanations to fill in"),
            path.display()
        );
    }
    if let Some(dir) = &args.feedback {
        let _ = writeln!(
            o,
            "{}: {feedback_written} → {}",
            lang.t("退回修改通知", "feedback workbooks"),
            dir.display()
        );
    }
    let _ = writeln!(
        o,
        "{}: {}  ({:.2} s)",
        lang.t("汇总表", "workbook"),
        path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(exit_status(&outcome))
}

/// Writes the run report to `path` whole or not at all; a failure to write is the file's.
fn write_json(
    path: &std::path::Path,
    outcome: &pipeline::RunOutcome,
    config: &huizong::config::Config,
    lang: Lang,
) -> Result<(), report::ReportError> {
    report::write_atomically_with(path, |w| {
        report::write_run_json(w, outcome, config, lang).map_err(|e| {
            if e.is_io() {
                report::ReportError::Io {
                    path: path.display().to_string(),
                    source: e.into(),
                }
            } else {
                report::ReportError::Json(e)
            }
        })
    })
}

/// A labelled progress bar on stderr, hidden until a run has lasted half a second; indicatif
/// draws nothing when stderr is not a terminal, and `--quiet` keeps it hidden.
fn progress_bar(files: u64, quiet: bool, lang: Lang) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(files),
        indicatif::ProgressDrawTarget::hidden(),
    );
    if !quiet {
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} {elapsed}")
        {
            bar.set_style(style);
        }
        bar.set_message(lang.t("读取报表", "reading returns"));
    }
    bar
}

/// One feedback workbook (退回修改通知) per counted township with findings; named from the roster.
fn write_feedback(
    dir: &std::path::Path,
    folder: &std::path::Path,
    outcome: &huizong::outcome::RunOutcome,
    config: &huizong::config::Config,
    lang: Lang,
) -> Result<usize, Box<dyn std::error::Error>> {
    let mut written = 0;
    for r in outcome
        .assembly
        .returns
        .iter()
        .filter(|r| r.status == Status::Counted)
    {
        let Some(township) = &r.township else {
            continue;
        };
        let findings: Vec<_> = outcome
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Note && *f.at.file == *r.file)
            .collect();
        if findings.is_empty() {
            continue;
        }
        let sheets = match huizong::read::read_workbook(&folder.join(&r.file), &config.limits) {
            Ok(wb) => wb.sheets,
            Err(_) => Vec::new(), // the list of findings is still worth sending
        };
        let bytes =
            report::feedback_workbook(config, township, outcome.period, &sheets, &findings, lang)?;
        let name = format!(
            "{}_{}_{}.xlsx",
            report::safe_file_name(township),
            outcome.period,
            lang.t("退回修改通知", "feedback")
        );
        report::write_atomically(&dir.join(name), &bytes)?;
        written += 1;
    }
    Ok(written)
}

/// The findings that may stand with an explanation, as a CSV the statistician fills in and saves
/// beside the returns as `审核说明.csv` (UTF-8 with BOM, so that Excel opens it in Chinese).
fn write_fill_in(
    out: &std::path::Path,
    outcome: &huizong::outcome::RunOutcome,
    config: &huizong::config::Config,
    lang: Lang,
) -> Result<Option<PathBuf>, Box<dyn std::error::Error>> {
    let rows = huizong::review::template_rows(&outcome.findings, outcome.period);
    if rows.is_empty() {
        return Ok(None);
    }
    let mut w = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
    // English headers and words with --lang en: the reader takes either.
    let en = lang == Lang::En;
    if en {
        w.write_record([
            "township",
            "period",
            "rule",
            "code",
            "column",
            "values",
            "explanation",
            "state",
            "by",
            "date",
        ])?;
    } else {
        w.write_record(huizong::review::TEMPLATE_HEADER)?;
    }
    let word = |t: &str| -> String {
        match (en, t) {
            (true, "本月数") => "month".into(),
            (true, "本年累计") => "ytd".into(),
            (true, "接受") => "accepted".into(),
            (true, "打回") => "sent back".into(),
            _ => t.to_string(),
        }
    };
    // Text that a spreadsheet would run as a formula is written with a leading quote.
    let safe = |t: &String| {
        if t.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{t}")
        } else {
            t.clone()
        }
    };
    for r in &rows {
        w.write_record(r.iter().map(|t| safe(&word(t))))?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    let name = format!(
        "{}_{}_{}.csv",
        report::safe_file_name(render::county(config, lang)),
        outcome.period,
        lang.t("审核说明待填", "explanations_to_fill_in")
    );
    let path = out.join(name);
    report::write_atomically(&path, &bytes)?;
    Ok(Some(path))
}

fn exit_status(outcome: &huizong::outcome::RunOutcome) -> i32 {
    if super::fails(outcome) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// The month before `period` (`2026-09` for 2026-10).
fn previous_month(period: huizong::model::Period) -> String {
    let (y, m) = match period.month {
        1 => (period.year - 1, 12),
        m => (period.year, m - 1),
    };
    format!("{y:04}-{m:02}")
}
