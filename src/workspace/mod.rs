//! A county workspace: a folder a statistician understands at a glance.
//!
//! ```text
//! huizong.toml     the county, its roster, the form
//! 收件箱/           returns are dropped here (sub-folders and any names allowed)
//! 输出/             county workbooks; 退回修改通知/ the feedback workbooks
//! .huizong/        ledger.sqlite, history/ (Parquet), store/<hash>/<name> (every version),
//!                  counted/<period>/ (the versions that count, as the county workbook links them)
//! ```
//!
//! This module lays the folder out (`init`), finds it from the current folder upwards or from
//! `--workspace` (`find`), takes files into the ledger (`ingest.rs`, the one path for a file
//! dropped into the inbox and a file uploaded), computes the board (`status.rs`) and lays out the
//! versions that count for a run (`counted.rs`). It writes no SQL (the ledger does) and no
//! spreadsheets (report/ does); words for people are the commands' business.

pub mod carried;
pub mod counted;
pub mod ingest;
pub mod status;

use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "huizong.toml";
pub const INBOX: &str = "收件箱";
pub const OUTPUT: &str = "输出";
pub const STATE: &str = ".huizong";
pub const FEEDBACK: &str = "退回修改通知";

#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error("{0}")]
    NotFound(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// A workspace's folders.
#[derive(Debug, Clone)]
pub struct Workspace {
    root: PathBuf,
}

impl Workspace {
    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn config(&self) -> PathBuf {
        self.root.join(CONFIG_FILE)
    }
    pub fn inbox(&self) -> PathBuf {
        self.root.join(INBOX)
    }
    pub fn output(&self) -> PathBuf {
        self.root.join(OUTPUT)
    }
    pub fn feedback(&self) -> PathBuf {
        self.output().join(FEEDBACK)
    }
    pub fn state(&self) -> PathBuf {
        self.root.join(STATE)
    }
    pub fn ledger(&self) -> PathBuf {
        self.state().join("ledger.sqlite")
    }
    pub fn history(&self) -> PathBuf {
        self.state().join("history")
    }
    pub fn store(&self) -> PathBuf {
        self.state().join("store")
    }
    pub fn counted(&self, period: &str) -> PathBuf {
        self.state().join("counted").join(period)
    }

    /// Whether `dir` is a workspace: its state folder and configuration are there.
    fn is_at(dir: &Path) -> bool {
        dir.join(STATE).is_dir() && dir.join(CONFIG_FILE).is_file()
    }
}

/// The workspace `given`, or the first folder from `start` upwards that is one.
pub fn find(given: Option<&Path>, start: &Path) -> Result<Workspace, WorkspaceError> {
    if let Some(dir) = given {
        return if Workspace::is_at(dir) {
            Ok(Workspace {
                root: absolute(dir),
            })
        } else {
            Err(WorkspaceError::NotFound(dir.display().to_string()))
        };
    }
    let start = absolute(start);
    start
        .ancestors()
        .find(|d| Workspace::is_at(d))
        .map(|d| Workspace {
            root: d.to_path_buf(),
        })
        .ok_or_else(|| WorkspaceError::NotFound(start.display().to_string()))
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// What `init` did.
#[derive(Debug)]
pub struct Initialised {
    pub workspace: Workspace,
    /// Whether `huizong.toml` was written now (else it was there, or copied from `config`).
    pub config_written: bool,
    pub config_copied: bool,
}

/// A starting configuration: the county and roster to fill in (the form is built in).
pub const STARTER_CONFIG: &str =
    "# huizong 配置：填写县名和乡镇名册后即可使用（报表格式已内置）。\n\
# huizong configuration: fill in the county and its roster (the default form is built in).\n\
county = \"\"\n\n\
# 每个乡镇一段 / one block a township:\n\
# [[townships]]\n\
# name = \"青石镇\"\n\
# code = \"01\"\n\
# aliases = []\n";

/// Lays out a workspace in `dir` (created if needed); keeps what is there. `config` is copied
/// in as `huizong.toml` when given and none is there yet.
pub fn init(dir: &Path, config: Option<&Path>) -> Result<Initialised, WorkspaceError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| WorkspaceError::Io { path, source }
    };
    let ws = Workspace {
        root: absolute(dir),
    };
    for d in [ws.inbox(), ws.feedback(), ws.history(), ws.store()] {
        std::fs::create_dir_all(&d).map_err(io(&d))?;
    }
    let target = ws.config();
    let mut out = Initialised {
        workspace: ws.clone(),
        config_written: false,
        config_copied: false,
    };
    if !target.exists() {
        match config {
            Some(src) => {
                let text = std::fs::read(src).map_err(io(src))?;
                std::fs::write(&target, text).map_err(io(&target))?;
                out.config_copied = true;
            }
            None => {
                std::fs::write(&target, STARTER_CONFIG).map_err(io(&target))?;
                out.config_written = true;
            }
        }
    }
    // The ledger is created now, so that a mistake in the folder shows at once.
    crate::ledger::Ledger::open(&ws.ledger())
        .map_err(|e| WorkspaceError::NotFound(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_then_find_from_below() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("安平县2026");
        let done = init(&root, None).expect("init");
        assert!(done.config_written);
        assert!(root.join(INBOX).is_dir() && root.join(".huizong/ledger.sqlite").is_file());
        let below = root.join(INBOX).join("十月");
        std::fs::create_dir_all(&below).expect("mkdir");
        let found = find(None, &below).expect("found upwards");
        assert_eq!(found.root(), absolute(&root));
        assert!(find(Some(&below), &below).is_err());
        assert!(find(None, dir.path()).is_err());
        // A second init keeps the configuration.
        std::fs::write(root.join(CONFIG_FILE), "county = \"x\"").expect("write");
        let again = init(&root, None).expect("again");
        assert!(!again.config_written);
        assert_eq!(
            std::fs::read_to_string(root.join(CONFIG_FILE)).expect("read"),
            "county = \"x\""
        );
    }
}
