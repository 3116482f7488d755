//! `huizong run`: consolidate a folder, write the county workbook (and JSON), print a summary.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use huizong::config::Config;
use huizong::model::{Period, Severity};
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
    pub lang: Lang,
    pub quiet: bool,
}

/// Finds a configuration when none is given: `huizong.toml` in the folder or its parent.
fn default_config(folder: &Path) -> Option<PathBuf> {
    [
        folder.join("huizong.toml"),
        folder.join("../huizong.toml"),
        folder.join("../../huizong.toml"),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

pub fn run(args: Args) -> Result<i32, Box<dyn std::error::Error>> {
    let lang = args.lang;
    let config = match args.config.clone().or_else(|| default_config(&args.folder)) {
        Some(p) => Config::load(&p)?,
        None => {
            return Err(lang
                .t(
                    "缺少配置文件：请用 --config 指定（至少写明县名和乡镇名册）",
                    "no configuration: give --config (at least the county and its roster)",
                )
                .into())
        }
    };
    let period = match &args.period {
        Some(p) => Some(Period::parse(p).ok_or_else(|| {
            format!(
                "--period {p}: {}",
                lang.t("应为 YYYY-MM", "expected YYYY-MM")
            )
        })?),
        None => None,
    };
    let started = std::time::Instant::now();
    // Two runs on one output folder must not interleave: hold its lock for the whole run.
    let _lock = report::lock_output(&args.out).map_err(|e| -> Box<dyn std::error::Error> {
        match e {
            report::ReportError::Locked(p) => format!(
                "{}（{p}）",
                lang.t(
                    "另一个 huizong 正在使用该输出文件夹，请等它结束后再运行",
                    "another huizong run is using this output folder; wait for it to finish"
                )
            )
            .into(),
            e => e.into(),
        }
    })?;
    let outcome = pipeline::run(&args.folder, &config, period)?;

    let name = format!(
        "{}_{}_{}.xlsx",
        report::safe_file_name(&config.county),
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
    let bytes = report::county_workbook(&outcome, &config, lang)?;
    report::write_atomically(&path, &bytes)?;
    if let Some(json_path) = &args.json {
        let v = report::run_json(&outcome, &config, lang);
        report::write_atomically(json_path, serde_json::to_string_pretty(&v)?.as_bytes())?;
    }

    let stdout = std::io::stdout();
    let mut o = stdout.lock();
    if !args.quiet {
        for f in outcome
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Note)
        {
            // A closed pipe (`| head`) is not a failure.
            if writeln!(o, "{}", render::line(f, &config, lang)).is_err() {
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
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for f in outcome.findings.iter().filter(|f| f.severity.fails_run()) {
        *by_rule.entry(f.rule.as_str()).or_default() += 1;
    }
    let rules = by_rule
        .iter()
        .map(|(r, n)| format!("{r}×{n}"))
        .collect::<Vec<_>>()
        .join(" ");
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
        "{}: {}",
        lang.t("错误与警示（按规则）", "errors and alerts by rule"),
        if rules.is_empty() { "-".into() } else { rules }
    );
    let _ = writeln!(
        o,
        "{}: {}  ({:.2} s)",
        lang.t("汇总表", "workbook"),
        path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(exit_status(&outcome))
}

fn exit_status(outcome: &pipeline::RunOutcome) -> i32 {
    if outcome.findings.iter().any(|f| f.severity.fails_run()) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
