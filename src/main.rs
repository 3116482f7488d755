//! The binary: parse the command line → run a command → render a fatal error → exit status.

mod cli;
mod commands;

use huizong::render::Lang;

// long-function: copies clap's parsed arguments into each command's Args, field by field; not yet split (issue 10)
fn main() {
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(m) => {
            let lang = if m.english { Lang::En } else { Lang::Zh };
            for line in huizong::render::usage_lines(&m.usage, m.command.as_deref(), lang) {
                eprintln!("{line}");
            }
            std::process::exit(commands::EXIT_FAILURE);
        }
    };
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
            all,
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
                all,
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
            all,
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
                    all,
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
            workspace,
            lang,
        } => {
            let lang = lang_of(lang);
            let args = commands::template::Args {
                period,
                townships,
                out,
                config,
                previous,
                workspace,
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
            // Once, in the reader's language, with what to do: never the chain of causes,
            // whose text the message already holds.
            for line in huizong::render::failure_lines(e.as_ref(), lang) {
                eprintln!("{line}");
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
