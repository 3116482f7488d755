//! `huizong watch`: every complete file in the inbox into the ledger, its findings printed at
//! once. On start, a version with errors left without its feedback workbook (a process killed
//! between the two) gets it. Ctrl-C (or SIGTERM) stops the watch between two files: it says so
//! and exits 0; a second Ctrl-C while a file is being taken ends the process at once (exit 1),
//! which is safe too, as every change is one ledger transaction.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

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
    for path in ingest::restore_missing_feedback(&ws, &ledger, &config, lang)? {
        println!(
            "{}: {}",
            lang.t(
                "补写退回修改通知（上次在写出前中断）",
                "feedback written (the last run stopped before writing it)"
            ),
            path.display()
        );
    }
    let stop = stop_on_signals()?;
    let opts = Options {
        poll: args.poll,
        once: args.once,
        ..Options::default()
    };
    let mut failed: Option<Box<dyn std::error::Error>> = None;
    watch::watch_until(&inbox, opts, &stop, |path: &Path| {
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
    if let Some(e) = failed {
        return Err(e);
    }
    if stop.load(Ordering::SeqCst) {
        println!(
            "{}\n{}",
            lang.t(
                "已停止监视：已入账的文件都已记录在账本中。",
                "watch stopped: every file taken is recorded in the ledger."
            ),
            lang.t(
                "提示: 再次运行 huizong watch 会接着处理停止期间放入收件箱的文件。",
                "hint: run huizong watch again; files dropped meanwhile are taken when it starts."
            )
        );
    }
    Ok(EXIT_OK)
}

/// A flag set by Ctrl-C (SIGINT) or SIGTERM; a second signal while it is set ends the process.
fn stop_on_signals() -> std::io::Result<Arc<AtomicBool>> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [SIGINT, SIGTERM] {
        // Registered first, so it sees the flag as the earlier signal left it.
        signal_hook::flag::register_conditional_shutdown(sig, 1, Arc::clone(&stop))?;
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
    }
    Ok(stop)
}
