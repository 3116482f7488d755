//! An upload: one file, streamed to a temporary file under the workspace's state folder with
//! the size capped as it arrives and the whole body given a time limit; then the workspace's
//! one `ingest` path (content sniffing and `[limits]` before any parsing) off the async threads.
//! The client's file name is kept only as text (a name carrying a path is refused); the stored
//! copy is named by its hash (`ingest`).

use std::io::Write;

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::pages::township_url;
use super::views::{refused_page, Refusal};
use super::{auth, Shared, UPLOAD_TIME};
use crate::render::web::Refused;
use crate::workspace::ingest::{self, Ingested};

/// What arrived: the CSRF token, the file (in a temporary file) and its name.
struct Arrived {
    csrf: String,
    file: Option<(tempfile::NamedTempFile, String)>,
}

// long-function: one request's steps in order (auth, read body, ingest, answer); issue 16's code
pub async fn upload(
    State(app): State<Shared>,
    headers: HeaderMap,
    Path(township): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, Refusal> {
    let l = app.lang;
    let refuse = |r: Refused, status: StatusCode| Refusal::Upload(r, status, l);
    let cap = app.config.limits.max_file_mb.saturating_mul(1024 * 1024);
    let s = match auth::require_township(&app, &headers, &township) {
        Ok(s) => s,
        Err(refusal) => {
            // Read and drop the body (bounded, as for an upload over the cap), so that the
            // client is still listening when the refusal comes.
            let _ = tokio::time::timeout(UPLOAD_TIME, drain(&mut multipart, cap.saturating_mul(2)))
                .await;
            return Err(refusal);
        }
    };
    let arrived = match tokio::time::timeout(UPLOAD_TIME, receive(&app, &mut multipart, cap)).await
    {
        Err(_) => return Err(refuse(Refused::Slow, StatusCode::REQUEST_TIMEOUT)),
        Ok(Err(refusal)) => {
            // Whatever was refused, the client is still sending: read the rest (bounded).
            let _ = tokio::time::timeout(UPLOAD_TIME, drain(&mut multipart, cap.saturating_mul(2)))
                .await;
            return Err(refusal);
        }
        Ok(Ok(arrived)) => arrived,
    };
    auth::check_csrf(&s, &arrived.csrf)?;
    let Some((file, name)) = arrived.file else {
        return Err(refuse(Refused::NoFile, StatusCode::BAD_REQUEST));
    };
    let _permit = app
        .checks
        .acquire()
        .await
        .map_err(|e| Refusal::Internal(e.to_string()))?;
    let a = app.clone();
    let who = s.user.clone();
    let uploader = township.clone();
    let taken = tokio::task::spawn_blocking(move || -> Result<(Ingested, Option<i64>), Refusal> {
        let mut ledger = a.ledger()?;
        let what = ingest::ingest_for(
            &a.ws,
            &mut ledger,
            &a.config,
            file.path(),
            &name,
            a.lang,
            Some(&uploader),
        );
        let outcome = match &what {
            Ok(Ingested::New(r)) => {
                let _ = super::grid::remember_hints(&a, r.version.id, &r.findings);
                format!("version {} of {}", r.version.version, r.version.township)
            }
            Ok(Ingested::Same { .. }) | Ok(Ingested::Known) => "same bytes".into(),
            Ok(Ingested::NotCounted { status, .. }) => status.key().to_string(),
            Ok(Ingested::OtherTownship { township }) => format!("refused: a return of {township}"),
            Err(e) => format!("failed: {e}"),
        };
        ledger.log_event("upload", &format!("{who}: {name}: {outcome}"))?;
        let what = what.map_err(|e| Refusal::Internal(e.to_string()))?;
        let same = match &what {
            Ingested::Same { .. } | Ingested::Known => same_version(&ledger, &uploader, &file)?,
            _ => None,
        };
        drop(file);
        Ok((what, same))
    });
    let taken = tokio::time::timeout(UPLOAD_TIME, taken)
        .await
        .map_err(|_| refuse(Refused::Slow, StatusCode::REQUEST_TIMEOUT))?
        .map_err(|e| Refusal::Internal(e.to_string()))??;
    let (taken, same) = taken;
    Ok(match taken {
        Ingested::New(r) => Redirect::to(&format!(
            "{}/v/{}",
            township_url(&r.version.township),
            r.version.version
        ))
        .into_response(),
        // Bytes sent before: their version's page, or, if they never made one (refused then),
        // said so, rather than a silent return to the township's page.
        Ingested::Same { .. } | Ingested::Known => match same {
            Some(n) => Redirect::to(&format!("{}/v/{n}", township_url(&township))).into_response(),
            None => refused_page(&Refused::SeenBefore, StatusCode::CONFLICT, l, Vec::new()),
        },
        Ingested::OtherTownship { township: other } => refused_page(
            &Refused::OtherTownship(other),
            StatusCode::FORBIDDEN,
            l,
            Vec::new(),
        ),
        Ingested::NotCounted { findings, .. } => {
            let lines = findings
                .iter()
                .map(|f| {
                    let mut line = crate::render::line(f, &app.config, l);
                    if let Some(h) = crate::render::hint(f, &app.config, l) {
                        line.push_str(&format!("\n  {}: {h}", l.t("提示", "hint")));
                    }
                    line
                })
                .collect();
            refused_page(
                &Refused::NotAReturn,
                StatusCode::UNPROCESSABLE_ENTITY,
                l,
                lines,
            )
        }
    })
}

/// The number of the township's version with the same bytes as `file`, in any period.
fn same_version(
    ledger: &crate::ledger::Ledger,
    township: &str,
    file: &tempfile::NamedTempFile,
) -> Result<Option<i64>, Refusal> {
    let bytes = std::fs::read(file.path()).map_err(|e| Refusal::Internal(e.to_string()))?;
    let hash = ingest::hash_of(&bytes);
    for period in ledger.periods()?.into_iter().rev() {
        if let Some(v) = ledger
            .versions(township, &period)?
            .into_iter()
            .find(|v| v.hash == hash)
        {
            return Ok(Some(v.version));
        }
    }
    Ok(None)
}

/// Reads a form's fields and drops them, up to `limit` bytes in all.
async fn drain(form: &mut Multipart, limit: u64) {
    let mut read = 0u64;
    while let Ok(Some(mut field)) = form.next_field().await {
        while let Ok(Some(chunk)) = field.chunk().await {
            read += chunk.len() as u64;
            if read > limit {
                return;
            }
        }
    }
}

/// Reads the form: the token, and exactly one file written to disk as it streams in.
async fn receive(app: &Shared, form: &mut Multipart, cap: u64) -> Result<Arrived, Refusal> {
    let l = app.lang;
    let refuse = |r: Refused, status: StatusCode| Refusal::Upload(r, status, l);
    let too_large = || {
        refuse(
            Refused::TooLarge(app.config.limits.max_file_mb),
            StatusCode::PAYLOAD_TOO_LARGE,
        )
    };
    let mut out = Arrived {
        csrf: String::new(),
        file: None,
    };
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            // The body limit cut the request: it was larger than the cap.
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(_) => return Err(refuse(Refused::NoFile, StatusCode::BAD_REQUEST)),
        };
        let part = field.name().unwrap_or("").to_string();
        match part.as_str() {
            "csrf" => {
                out.csrf = field
                    .text()
                    .await
                    .map_err(|_| refuse(Refused::Csrf, StatusCode::BAD_REQUEST))?;
            }
            "file" => {
                let name = field.file_name().unwrap_or("").to_string();
                if name.is_empty() {
                    continue;
                }
                if out.file.is_some() {
                    return Err(refuse(Refused::OneFile, StatusCode::BAD_REQUEST));
                }
                let name = plain_name(&name)
                    .ok_or_else(|| refuse(Refused::PathName, StatusCode::BAD_REQUEST))?;
                match to_disk(app, field, cap).await {
                    Ok(tmp) => out.file = Some((tmp, name)),
                    Err(Stream::TooLarge) => {
                        // Read the rest and drop it, so that the browser sees the refusal page
                        // rather than a cut connection (the body limit bounds this).
                        while let Ok(Some(mut rest)) = form.next_field().await {
                            while let Ok(Some(_)) = rest.chunk().await {}
                        }
                        return Err(too_large());
                    }
                    Err(Stream::Failed(e)) => return Err(Refusal::Internal(e)),
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

enum Stream {
    TooLarge,
    Failed(String),
}

async fn to_disk(
    app: &Shared,
    mut field: axum::extract::multipart::Field<'_>,
    cap: u64,
) -> Result<tempfile::NamedTempFile, Stream> {
    let dir = app.ws.state().join("uploads");
    std::fs::create_dir_all(&dir).map_err(|e| Stream::Failed(e.to_string()))?;
    let mut tmp =
        tempfile::NamedTempFile::new_in(&dir).map_err(|e| Stream::Failed(e.to_string()))?;
    let mut size = 0u64;
    loop {
        let chunk = match field.chunk().await {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(Stream::TooLarge),
            Err(e) => return Err(Stream::Failed(e.to_string())),
        };
        size += chunk.len() as u64;
        if size > cap {
            drop(tmp);
            while let Ok(Some(_)) = field.chunk().await {}
            return Err(Stream::TooLarge);
        }
        tmp.write_all(&chunk)
            .map_err(|e| Stream::Failed(e.to_string()))?;
    }
    tmp.flush().map_err(|e| Stream::Failed(e.to_string()))?;
    Ok(tmp)
}

/// The client's name if it is a plain file name: no path, no control characters.
fn plain_name(name: &str) -> Option<String> {
    let bad = name.contains(['/', '\\'])
        || name == "."
        || name == ".."
        || name.chars().any(char::is_control)
        || name.chars().count() > 200;
    (!bad).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::plain_name;

    #[test]
    fn names_with_a_path_are_refused() {
        assert_eq!(
            plain_name("青石镇10月.xlsx").as_deref(),
            Some("青石镇10月.xlsx")
        );
        for bad in ["../x.xlsx", "a/b.xlsx", "..\\x.xlsx", "..", "a\nb.xlsx"] {
            assert_eq!(plain_name(bad), None, "{bad}");
        }
    }
}
