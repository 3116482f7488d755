//! The binary: parse the command line → run a command → render a fatal error → exit status.

mod cli;
mod commands;

use huizong::render::Lang;

fn main() {
    let cli = cli::parse();
    let code = match cli.command {
        cli::Command::Run {
            folder,
            config,
            period,
            out,
            json,
            lang,
            quiet,
        } => {
            let lang = match lang {
                cli::LangArg::Zh => Lang::Zh,
                cli::LangArg::En => Lang::En,
            };
            let args = commands::run::Args {
                folder,
                config,
                period,
                out,
                json,
                lang,
                quiet,
            };
            match commands::run::run(args) {
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
            }
        }
    };
    std::process::exit(code);
}
