//! The statistician's downloads: the county workbook, the JSON run report and a township's
//! feedback workbook (退回修改通知), each made by running this huizong's own `run` in the
//! workspace into a folder of its own, so the bytes are the command line's. Sent as attachments.

use std::path::{Path as FsPath, PathBuf};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::auth;
use super::pages::blocking;
use super::views::{attachment, Refusal};
use super::{App, Shared};
use crate::render::web::Refused;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// What a run in a temporary folder left: `out/` (the county workbook), `report.json`,
/// `feedback/` (one workbook per township with findings).
struct Ran {
    dir: tempfile::TempDir,
}

impl Ran {
    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }
    fn json(&self) -> PathBuf {
        self.dir.path().join("report.json")
    }
    fn feedback(&self) -> PathBuf {
        self.dir.path().join("feedback")
    }
}

/// `huizong run` in the workspace with every output asked for (the server's language).
fn run(app: &App) -> Result<Ran, Refusal> {
    let internal = |e: std::io::Error| Refusal::Internal(e.to_string());
    let ran = Ran {
        dir: tempfile::tempdir().map_err(internal)?,
    };
    let done = std::process::Command::new(&app.exe)
        .arg("run")
        .arg("--workspace")
        .arg(app.ws.root())
        .arg("--out")
        .arg(ran.out())
        .arg("--json")
        .arg(ran.json())
        .arg("--feedback")
        .arg(ran.feedback())
        .arg("--lang")
        .arg(app.lang.t("zh", "en"))
        .arg("-q")
        .output()
        .map_err(internal)?;
    // 0: clean, 1: findings; 2 is a refusal (no return yet).
    if done.status.code() == Some(2) {
        return Err(Refusal::Said(
            Refused::NoReturns,
            StatusCode::CONFLICT,
            app.lang,
        ));
    }
    Ok(ran)
}

/// The one file in `dir` whose name passes `pick`, with its name.
fn file_in(dir: &FsPath, pick: impl Fn(&str) -> bool) -> Option<(Vec<u8>, String)> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter_map(|p| Some((p.file_name()?.to_string_lossy().to_string(), p)))
        .find(|(name, _)| pick(name))
        .and_then(|(name, p)| Some((std::fs::read(p).ok()?, name)))
}

/// The county workbook of the newest period.
pub async fn county_workbook(
    State(app): State<Shared>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    auth::require_admin(&app, &headers)?;
    let l = app.lang;
    let (bytes, name) = blocking(&app, move |a, _| {
        let ran = run(a)?;
        file_in(&ran.out(), |n| n.ends_with(".xlsx")).ok_or(Refusal::Said(
            Refused::NoReturns,
            StatusCode::CONFLICT,
            l,
        ))
    })
    .await?;
    Ok(attachment(bytes, &name, XLSX))
}

/// The run report as JSON (`huizong run --json`).
pub async fn report_json(
    State(app): State<Shared>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    auth::require_admin(&app, &headers)?;
    let bytes = blocking(&app, move |a, _| {
        let ran = run(a)?;
        std::fs::read(ran.json()).map_err(|e| Refusal::Internal(e.to_string()))
    })
    .await?;
    Ok(attachment(bytes, "report.json", "application/json"))
}

/// A township's feedback workbook of the month's run (`huizong run --feedback`): the county's,
/// and the township's own.
pub async fn feedback(
    State(app): State<Shared>,
    headers: HeaderMap,
    Path(township): Path<String>,
) -> Result<Response, Refusal> {
    auth::require_township(&app, &headers, &township)?;
    if !app.config.townships.iter().any(|t| t.name() == township) {
        return Err(Refusal::NotFound);
    }
    let l = app.lang;
    let prefix = format!("{}_", crate::report::safe_file_name(&township));
    let (bytes, name) = blocking(&app, move |a, _| {
        let ran = run(a)?;
        file_in(&ran.feedback(), |n| n.starts_with(&prefix)).ok_or(Refusal::Said(
            Refused::NoFeedback,
            StatusCode::NOT_FOUND,
            l,
        ))
    })
    .await?;
    Ok(attachment(bytes, &name, XLSX))
}
