//! `huizong check FILE…`: single returns as they arrive, their findings printed at once, one
//! line each (`file:sheet!cell: RULE 严重程度 [乡镇] 指标: message`) with a `提示：` line; a path
//! that is no return (a folder, nothing, a feedback workbook, a document) is said as such.

use std::io::Write;
use std::path::PathBuf;

use huizong::findings::Kind;
use huizong::model::Severity;
use huizong::pipeline;
use huizong::render::{self, Lang};

use super::{EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK};

pub struct Args {
    pub files: Vec<PathBuf>,
    pub config: Option<PathBuf>,
    pub period: Option<String>,
    /// The history store for the cross-month rules (default: `历史库` beside the configuration).
    pub history: Option<PathBuf>,
    pub lang: Lang,
    /// Every finding's line, however many.
    pub all: bool,
}

pub fn check(args: Args) -> Result<i32, Box<dyn std::error::Error>> {
    let lang = args.lang;
    let near = args
        .files
        .first()
        .and_then(|f| f.parent())
        .map(|p| p.to_path_buf())
        .unwrap_or_default();
    let config = super::find_config(args.config.clone(), &near, lang)?;
    let period = super::parse_period(args.period.as_deref(), lang)?;
    let explanations = huizong::discover::explanations_in(&near);
    let context = pipeline::Context {
        period,
        history: Some(huizong::history::Store::new(
            args.history
                .clone()
                .unwrap_or_else(|| super::default_history(args.config.clone(), &near)),
        )),
        explanations: super::load_explanations(&explanations, &config, lang),
    };
    // A path that is no file is said at once, and the others are still checked.
    let (files, not_files): (Vec<&PathBuf>, Vec<&PathBuf>) =
        args.files.iter().partition(|f| f.is_file());
    for f in &not_files {
        for line in render::failure_lines(&not_a_file(f, lang), lang) {
            eprintln!("{line}");
        }
    }
    if files.is_empty() {
        return Ok(EXIT_FAILURE);
    }
    let files: Vec<PathBuf> = files.into_iter().cloned().collect();
    let outcome = pipeline::run_files(&files, &config, &context)?;
    // Townships that did not send these files are not this check's business; a file that is
    // not a return (a feedback workbook, a document) is said even where a run only notes it.
    let shown: Vec<&huizong::findings::Finding> = outcome
        .findings
        .iter()
        .filter(|f| !matches!(f.kind, Kind::Missing))
        .filter(|f| f.severity != Severity::Note || not_a_return(&f.kind))
        .collect();
    let failing = shown.iter().any(|f| not_a_return(&f.kind) || f.fails_run());
    let stdout = std::io::stdout();
    let mut o = stdout.lock();
    let how = render::terminal::Listing {
        all: args.all,
        hints: true,
        see: None,
    };
    for line in render::terminal::finding_lines(&shown, &config, lang, how) {
        if writeln!(o, "{line}").is_err() {
            break; // a closed pipe is not a failure
        }
    }
    Ok(if !not_files.is_empty() {
        EXIT_FAILURE
    } else if failing {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

/// A file given to `check` that holds no return to check.
fn not_a_return(kind: &Kind) -> bool {
    matches!(kind, Kind::FeedbackWorkbook { .. } | Kind::Skipped(_))
}

/// What was given instead of a file: a folder, or nothing at that path.
fn not_a_file(path: &std::path::Path, lang: Lang) -> render::Failure {
    let shown = path.display();
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => render::Failure::new(
            format!(
                "{shown} {}",
                lang.t("是文件夹，不是报表文件", "is a folder, not a return")
            ),
            format!(
                "{} huizong run {shown}",
                lang.t("汇总整个文件夹请用", "to consolidate a whole folder, use")
            ),
        ),
        Ok(_) => render::Failure::new(
            format!(
                "{shown} {}",
                lang.t("不是普通文件", "is not a regular file")
            ),
            lang.t(
                "请给出报表文件（.xlsx、.xls、.et、.ods…）",
                "give a returned workbook (.xlsx, .xls, .et, .ods…)",
            ),
        ),
        Err(e) => render::Failure::new(
            format!(
                "{shown}{}{}",
                render::colon(lang),
                render::io_words(&e, lang)
            ),
            lang.t(
                "请检查文件名和路径是否写对（含空格的路径请加英文引号）",
                "check the file's name and path (quote a path with spaces)",
            ),
        ),
    }
}
