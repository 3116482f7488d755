//! `huizong check FILE…`: single returns as they arrive, their findings printed at once, one
//! line each (`file:sheet!cell: RULE severity: message`) with a `hint:` line.

use std::io::Write;
use std::path::PathBuf;

use huizong::findings::Kind;
use huizong::model::Severity;
use huizong::pipeline;
use huizong::render::{self, Lang};

use super::{EXIT_FINDINGS, EXIT_OK};

pub struct Args {
    pub files: Vec<PathBuf>,
    pub config: Option<PathBuf>,
    pub period: Option<String>,
    /// The history store for the cross-month rules (default `out/history`).
    pub history: Option<PathBuf>,
    pub lang: Lang,
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
                .unwrap_or_else(|| PathBuf::from("out").join("history")),
        )),
        explanations: super::load_explanations(&explanations, &config, lang),
    };
    let outcome = pipeline::run_files(&args.files, &config, &context)?;
    let stdout = std::io::stdout();
    let mut o = stdout.lock();
    let mut failing = false;
    // Townships that did not send these files are not this check's business.
    for f in outcome
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Note && !matches!(f.kind, Kind::Missing))
    {
        failing |= f.severity.fails_run() && f.review.as_ref().is_none_or(|r| r.state.is_open());
        let mut text = render::line(f, &config, lang);
        if let Some(r) = &f.review {
            text.push_str(&format!("\n  {}", render::review(r, lang)));
        }
        if let Some(h) = render::hint(f, &config, lang) {
            text.push_str(&format!("\n  hint: {h}"));
        }
        if writeln!(o, "{text}").is_err() {
            break; // a closed pipe is not a failure
        }
    }
    Ok(if failing { EXIT_FINDINGS } else { EXIT_OK })
}
