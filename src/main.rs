//! The binary: parse the command line → run a command → render a fatal error → exit status.

mod cli;
mod commands;

use huizong::render::Lang;

fn main() {
    let cli = cli::parse();
    let (lang, result) = match cli.command {
        cli::Command::Run {
            folder,
            workspace,
            config,
            period,
            out,
            json,
            feedback,
            history,
            lang,
            quiet,
        } => {
            let lang = lang_of(lang);
            let args = commands::run::Args {
                folder: folder.clone().unwrap_or_default(),
                config,
                period,
                out: out.clone().unwrap_or_else(|| "out".into()),
                json,
                feedback,
                history,
                lang,
                quiet,
            };
            match folder {
                Some(_) => (lang, commands::run::run(args)),
                None => (
                    lang,
                    commands::workspace::run(workspace.as_deref(), out, args),
                ),
            }
        }
        cli::Command::Check {
            files,
            config,
            period,
            history,
            lang,
        } => {
            let lang = lang_of(lang);
            (
                lang,
                commands::check::check(commands::check::Args {
                    files,
                    config,
                    period,
                    history,
                    lang,
                }),
            )
        }
        cli::Command::History {
            action:
                cli::HistoryAction::Build {
                    folders,
                    history,
                    config,
                    lang,
                },
        } => {
            let lang = lang_of(lang);
            let args = commands::history::Args {
                folders,
                config,
                history,
                lang,
            };
            (lang, commands::history::build(args))
        }
        cli::Command::Template {
            period,
            townships,
            out,
            config,
            previous,
            lang,
        } => {
            let lang = lang_of(lang);
            let args = commands::template::Args {
                period,
                townships,
                out,
                config,
                previous,
                lang,
            };
            (lang, commands::template::template(args))
        }
        cli::Command::Workspace(command) => commands::workspace::dispatch(command),
        cli::Command::Serve {
            workspace,
            listen,
            issue,
            lang,
        } => {
            let lang = lang_of(lang);
            (
                lang,
                commands::serve::serve(workspace.as_deref(), listen, issue.as_deref(), lang),
            )
        }
        cli::Command::Explain { rule, config, lang } => {
            let lang = lang_of(lang);
            (lang, commands::explain(&rule, config, lang))
        }
    };
    let code = match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("huizong: {}: {e}", lang.t("错误", "error"));
            let mut source = e.source();
            while let Some(s) = source {
                eprintln!("  {}: {s}", lang.t("原因", "caused by"));
                source = s.source();
            }
            commands::EXIT_FAILURE
        }
    };
    std::process::exit(code);
}

pub(crate) fn lang_of(arg: cli::LangArg) -> Lang {
    match arg {
        cli::LangArg::Zh => Lang::Zh,
        cli::LangArg::En => Lang::En,
    }
}
