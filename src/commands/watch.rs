//! `huizong watch`: every complete file in the inbox into the ledger, its findings printed at
//! once. Ctrl-C ends the process; every change is one ledger transaction, so nothing is half
//! recorded.

use std::path::{Path, PathBuf};

use huizong::config::Config;
use huizong::ledger::Ledger;
use huizong::render::Lang;
use huizong::watch::{self, Options};
use huizong::workspace::ingest;

use super::EXIT_OK;

pub struct Args {
    pub workspace: Option<PathBuf>,
    pub poll: bool,
    pub once: bool,
    pub lang: Lang,
}

pub fn watch(args: Args) -> Result<i32, Box<dyn std::error::Error>> {
    let lang = args.lang;
    let ws = super::workspace::open(args.workspace.as_deref(), lang)?;
    let config = Config::load(&ws.config())?;
    let mut ledger = Ledger::open(&ws.ledger())?;
    let inbox = ws.inbox();
    std::fs::create_dir_all(&inbox)?;
    if !args.once {
        println!(
            "{}: {}  ({})",
            lang.t("正在监视收件箱", "watching the inbox"),
            inbox.display(),
            lang.t("按 Ctrl-C 停止", "Ctrl-C stops")
        );
    }
    let opts = Options {
        poll: args.poll,
        once: args.once,
        ..Options::default()
    };
    let mut failed: Option<Box<dyn std::error::Error>> = None;
    watch::watch(&inbox, opts, |path: &Path| {
        let name = path
            .strip_prefix(&inbox)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        match ingest::ingest(&ws, &mut ledger, &config, path, &name, lang) {
            Ok(what) => super::workspace::print_ingested(&name, &what, &config, lang),
            // A file that vanished between the event and the read is not a failure of the run.
            Err(ingest::IngestError::Io { path, source }) => eprintln!("{path}: {source}"),
            Err(e) => {
                failed = Some(e.into());
                return false;
            }
        }
        true
    })?;
    match failed {
        Some(e) => Err(e),
        None => Ok(EXIT_OK),
    }
}
