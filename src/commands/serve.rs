//! `huizong serve`: issues account secrets (`--issue`), or serves the workspace's month to
//! browsers until stopped. Prints the address and what to do; the server itself is `server/`.

use std::net::SocketAddr;
use std::path::Path;

use huizong::ledger::accounts::Account;
use huizong::ledger::Ledger;
use huizong::render::Lang;

use super::EXIT_OK;

type Res = Result<i32, Box<dyn std::error::Error>>;

pub fn serve(given: Option<&Path>, listen: SocketAddr, issue: Option<&str>, lang: Lang) -> Res {
    let ws = super::workspace::open(given, lang)?;
    let config = huizong::config::Config::load(&ws.config())?;
    if let Some(name) = issue {
        let township = if name == "admin" {
            None
        } else if config.townships.iter().any(|t| t.name() == name) {
            Some(name.to_string())
        } else {
            return Err(format!(
                "{}：{name}\n{}: {}",
                lang.t("名册中没有这个乡镇", "not on the roster"),
                lang.t("提示", "hint"),
                lang.t(
                    "账号是 admin 或名册中的乡镇名",
                    "an account is admin or a township of the roster"
                )
            )
            .into());
        };
        let secret = huizong::server::new_secret();
        let mut ledger = Ledger::open(&ws.ledger())?;
        ledger.set_account(&Account {
            name: name.to_string(),
            township,
            hash: huizong::server::hash_secret(&secret),
        })?;
        println!("{name}\t{secret}");
        eprintln!(
            "{}: {}",
            lang.t("提示", "hint"),
            lang.t(
                "把密钥当面或电话告诉对方；只显示这一次，台账只存它的哈希",
                "give the secret in person or by phone; it is shown once, the ledger keeps only its hash"
            )
        );
        return Ok(EXIT_OK);
    }
    let exe = std::env::current_exe()?;
    huizong::server::serve(
        huizong::server::Options {
            workspace: ws,
            config,
            listen,
            lang,
            exe,
        },
        |addr| {
            // The first line is the address: tests and scripts read it.
            println!("http://{addr}/");
            eprintln!(
                "{}: {}",
                lang.t("提示", "hint"),
                lang.t(
                    "用 huizong serve --issue admin 或 --issue 乡镇名 发放密钥；Ctrl+C 停止",
                    "issue secrets with huizong serve --issue admin or --issue TOWNSHIP; Ctrl+C stops"
                )
            );
        },
    )?;
    Ok(EXIT_OK)
}
