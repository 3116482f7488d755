//! The workspace commands: `init`, `status`, and `run` in a workspace (the decisions are
//! `decide.rs`). Each finds its workspace, says which one it uses (stderr), and prints for
//! people.

use std::io::Write;
use std::path::{Path, PathBuf};

use huizong::config::Config;
use huizong::ledger::{DecisionKind, Ledger};
use huizong::render::{self, Lang};
use huizong::workspace::ingest::{Ingested, NewReturn};
use huizong::workspace::status::{self, State};
use huizong::workspace::{self, Workspace};

use super::EXIT_OK;

type Res = Result<i32, Box<dyn std::error::Error>>;

/// The workspace `given`, or found from the current folder upwards; said on stderr.
pub fn open(given: Option<&Path>, lang: Lang) -> Result<Workspace, Box<dyn std::error::Error>> {
    let cwd = std::env::current_dir()?;
    let ws = workspace::find(given, &cwd).map_err(|_| {
        render::Failure::new(
            format!(
                "{}{}{}",
                lang.t(
                    "找不到工作区（含 .huizong 与 huizong.toml 的文件夹）",
                    "no workspace (a folder with .huizong and huizong.toml)"
                ),
                render::colon(lang),
                given.unwrap_or(&cwd).display(),
            ),
            lang.t(
                "先运行 huizong init 文件夹 --config 配置.toml，或用 --workspace 指定；只汇总一个文件夹时用 huizong run 文件夹",
                "run huizong init DIR --config FILE first, or give --workspace; to consolidate one folder, huizong run FOLDER",
            ),
        )
    })?;
    eprintln!("{}: {}", lang.t("工作区", "workspace"), ws.root().display());
    Ok(ws)
}

pub(super) fn config_of(ws: &Workspace) -> Result<Config, Box<dyn std::error::Error>> {
    Ok(Config::load(&ws.config())?)
}

pub fn init(dir: &Path, config: Option<&Path>, lang: Lang) -> Res {
    let done = workspace::init(dir, config)?;
    let ws = &done.workspace;
    println!(
        "{}: {}",
        lang.t("工作区已就绪", "workspace ready"),
        ws.root().display()
    );
    println!(
        "  {}  {}",
        workspace::CONFIG_FILE,
        lang.t("县名、乡镇名册、报表格式", "county, roster, form")
    );
    println!(
        "  {}/  {}",
        workspace::INBOX,
        lang.t(
            "把收到的报表放进来（可建子文件夹，文件名随意）",
            "drop returns here (sub-folders and any names)"
        )
    );
    println!(
        "  {}/  {}",
        workspace::OUTPUT,
        lang.t("汇总表与退回修改通知", "county workbooks and feedback")
    );
    println!(
        "  {}/  {}",
        workspace::STATE,
        lang.t(
            "台账、历史库、每一版报表的副本（勿手改）",
            "ledger, history, a copy of every version (do not edit)"
        )
    );
    if done.config_written {
        println!(
            "{}: {}",
            lang.t("提示", "hint"),
            lang.t(
                "huizong.toml 是空白的：请填写县名和乡镇名册",
                "huizong.toml is a blank: fill in the county and the roster"
            )
        );
    }
    println!(
        "{}: huizong watch   ({})",
        lang.t("下一步", "next"),
        lang.t(
            "监视收件箱，报表一到即审核",
            "watch the inbox and check each return as it lands"
        )
    );
    Ok(EXIT_OK)
}

/// Prints what became of one file, in the `check` format, with the diff for a new version.
pub fn print_ingested(name: &str, what: &Ingested, config: &Config, lang: Lang) {
    let stdout = std::io::stdout();
    let mut o = stdout.lock();
    let findings = match what {
        Ingested::Known => return,
        Ingested::Same { .. } => {
            let _ = writeln!(
                o,
                "{name}: {}",
                lang.t(
                    "与已收到的一版完全相同，不算新版本",
                    "same bytes as a version already received: no new version"
                )
            );
            return;
        }
        Ingested::NotCounted { status, findings } => {
            let _ = writeln!(
                o,
                "{name}: {} ({})",
                lang.t("未作为报表计入", "not taken as a return"),
                status.key()
            );
            findings
        }
        Ingested::OtherTownship { township } => {
            let _ = writeln!(
                o,
                "{name}: {}{township}{}",
                lang.t("是", "is the return of "),
                lang.t(
                    "的报表，上传者不是该乡镇，未收录",
                    ", uploaded by another township: not taken"
                )
            );
            return;
        }
        Ingested::New(r) => {
            print_version(&mut o, name, r, lang);
            &r.findings
        }
    };
    for f in findings {
        let _ = writeln!(o, "{}", render::line(f, config, lang));
        if let Some(h) = render::hint(f, config, lang) {
            let _ = writeln!(o, "  {}: {h}", lang.t("提示", "hint"));
        }
    }
    if let Ingested::New(r) = what {
        if let Some(p) = &r.feedback {
            let _ = writeln!(
                o,
                "{}: {}",
                lang.t("退回修改通知已写出", "feedback written"),
                p.display()
            );
        }
    }
    let _ = o.flush();
}

fn print_version(o: &mut impl Write, name: &str, r: &NewReturn, lang: Lang) {
    let v = &r.version;
    let _ = writeln!(
        o,
        "{name}: {} {} {}{}{} ({} {})",
        v.township,
        v.period,
        lang.t("第", "version "),
        v.version,
        lang.t("版", ""),
        lang.t("填报日期", "filed"),
        v.filled.as_deref().unwrap_or("-")
    );
    if r.previous.is_some() {
        for c in &r.changes {
            let show = |x: Option<f64>| x.map_or("-".to_string(), |x| x.to_string());
            let _ = writeln!(
                o,
                "  {} {} {} {}: {} → {}",
                lang.t("修改", "changed"),
                c.code,
                c.column,
                c.cell,
                show(c.before),
                show(c.after)
            );
        }
        for (label, list) in [
            (lang.t("已改正", "fixed"), &r.fixed),
            (lang.t("仍存在", "remaining"), &r.remaining),
            (lang.t("新出现", "new"), &r.new),
        ] {
            if !list.is_empty() {
                let _ = writeln!(o, "  {label}: {}", list.join(lang.t("；", "; ")));
            }
        }
    }
    if let Some(a) = r.accepted_earlier {
        let _ = writeln!(
            o,
            "  {}{a}{}",
            lang.t("注意：已通过的第", "note: version "),
            lang.t(
                "版仍计入汇总；新版本需再次通过（huizong accept 乡镇）才会取代它",
                " was accepted and still counts; accept the new one (huizong accept TOWNSHIP) to replace it"
            )
        );
    }
}

pub(super) fn period_of(
    ledger: &Ledger,
    given: Option<&str>,
    lang: Lang,
) -> Result<String, Box<dyn std::error::Error>> {
    if let Some(p) = super::parse_period(given, lang)? {
        return Ok(p.to_string());
    }
    ledger.periods()?.pop().ok_or_else(|| {
        lang.t(
            "台账中还没有任何报表：请把报表放进收件箱并运行 huizong watch",
            "the ledger holds no return yet: drop returns into the inbox and run huizong watch",
        )
        .into()
    })
}

pub fn status(given: Option<&Path>, period: Option<&str>, lang: Lang) -> Res {
    let ws = open(given, lang)?;
    let config = config_of(&ws)?;
    let ledger = Ledger::open(&ws.ledger())?;
    let period = period_of(&ledger, period, lang)?;
    let board = status::board(&ledger, &config, &period)?;
    println!("{} {period}", config.county);
    println!(
        "{}\t{}\t{}\t{}\t{}\t{}",
        lang.t("乡镇", "township"),
        lang.t("状态", "state"),
        lang.t("版本数", "versions"),
        lang.t("及时", "on time"),
        lang.t("错误", "errors"),
        lang.t("待说明", "warnings")
    );
    for r in &board {
        let on_time = match r.on_time {
            Some(true) => lang.t("按时", "yes"),
            Some(false) => lang.t("迟报", "late"),
            None => "-",
        };
        let mut line = format!(
            "{}\t{}\t{}\t{on_time}\t{}\t{}",
            r.township,
            render::workspace::state(r.state, lang),
            r.versions.len(),
            r.open_errors,
            r.open_warnings
        );
        if let Some(n) = r.newer_than_accepted {
            line.push_str(&format!(
                "\t{}{n}{}",
                lang.t("（第", "(version "),
                lang.t(
                    "版待审，已通过的一版仍计入）",
                    " waits; the accepted one counts)"
                )
            ));
        }
        println!("{line}");
    }
    let accepted = board.iter().filter(|r| r.state == State::Accepted).count();
    println!(
        "{}: {accepted}/{}",
        lang.t("已通过", "accepted"),
        board.len()
    );
    if let Some(text) = status::chase(&config.county, &period, &board, lang) {
        println!("\n{}", text.trim_end());
    }
    Ok(EXIT_OK)
}

/// `huizong run` in a workspace: the versions that count, laid out as a folder, run as a folder.
pub fn run(given: Option<&Path>, out: Option<PathBuf>, base: super::run::Args) -> Res {
    let lang = base.lang;
    let ws = open(given, lang)?;
    let config = config_of(&ws)?;
    let ledger = Ledger::open(&ws.ledger())?;
    let period = period_of(&ledger, base.period.as_deref(), lang)?;
    let board = status::board(&ledger, &config, &period)?;
    let counted = workspace::counted::lay_out(&ws, &period, &board)?;
    if counted.files.is_empty() {
        return Err(render::Failure::new(
            format!(
                "{period}{}{}",
                render::colon(lang),
                lang.t("没有可汇总的报表", "no returns to consolidate")
            ),
            lang.t(
                "把报表放入收件箱后运行 huizong watch --once（或 huizong watch）",
                "drop the returns into the inbox, then run huizong watch --once (or huizong watch)",
            ),
        )
        .into());
    }
    for (t, v, name) in &counted.files {
        eprintln!(
            "{} {t}: {}{v}{} ({name})",
            lang.t("计入", "counted"),
            lang.t("第", "version "),
            lang.t("版", "")
        );
    }
    // The folder holds this period's versions only: the folder run finds the period itself, as
    // `huizong run` on the same files does.
    super::run::run(super::run::Args {
        folder: counted.folder.clone(),
        config: Some(ws.config()),
        period: None,
        out: out.unwrap_or_else(|| ws.output()),
        history: Some(ws.history()),
        ..base
    })
}

/// Runs a workspace command; returns its language (for a fatal error's words) and result.
pub fn dispatch(command: crate::cli::WorkspaceCommand) -> (Lang, Res) {
    use crate::cli::WorkspaceCommand as C;
    use crate::lang_of;
    match command {
        C::Init { dir, config, lang } => {
            let lang = lang_of(lang);
            let dir = dir.unwrap_or_else(|| PathBuf::from("."));
            (lang, init(&dir, config.as_deref(), lang))
        }
        C::Watch {
            workspace,
            poll,
            once,
            lang,
        } => {
            let lang = lang_of(lang);
            let args = super::watch::Args {
                workspace,
                poll,
                once,
                lang,
            };
            (lang, super::watch::watch(args))
        }
        C::Status {
            workspace,
            period,
            lang,
        } => {
            let lang = lang_of(lang);
            (lang, status(workspace.as_deref(), period.as_deref(), lang))
        }
        C::Accept { township, common } => super::decide::decision(
            township,
            DecisionKind::Accept,
            None,
            None,
            String::new(),
            common,
        ),
        C::Return {
            township,
            reason,
            common,
        } => super::decide::decision(township, DecisionKind::Return, None, None, reason, common),
        C::Explanation {
            township,
            rule,
            code,
            text,
            send_back,
            common,
        } => {
            let kind = if send_back {
                DecisionKind::ExplanationReturn
            } else {
                DecisionKind::ExplanationAccept
            };
            super::decide::decision(township, kind, Some(rule), code, text, common)
        }
    }
}
