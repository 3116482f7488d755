//! The pages and their forms: login, the board (with its live rows and events), a township's
//! page, a return version's page (grid, findings, diff), decisions, downloads. Each handler
//! checks who asks before it reads anything.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use futures_util::stream::Stream;
use serde::Deserialize;

use super::auth::{self, Session};
use super::views::*;
use super::{App, Shared};
use crate::ledger::{DecisionKind, Ledger, NewDecision};
use crate::render::web::Refused;
use crate::render::{self, Lang};
use crate::workspace::status::{self, Row, State as RowState};

pub fn chrome(app: &App, s: Option<&Session>) -> Chrome {
    Chrome {
        county: app.config.county.clone(),
        user: s.map(|s| s.user.clone()),
        admin: s.is_some_and(Session::is_admin),
        csrf: s.map(|s| s.csrf.clone()).unwrap_or_default(),
    }
}

/// Runs ledger work off the async threads.
pub async fn blocking<T: Send + 'static>(
    app: &Shared,
    f: impl FnOnce(&App, &mut Ledger) -> Result<T, Refusal> + Send + 'static,
) -> Result<T, Refusal> {
    let a = app.clone();
    tokio::task::spawn_blocking(move || {
        let mut ledger = a.ledger()?;
        f(&a, &mut ledger)
    })
    .await
    .map_err(|e| Refusal::Internal(e.to_string()))?
}

pub async fn home(State(app): State<Shared>, headers: HeaderMap) -> Response {
    match auth::session(&app, &headers) {
        None => Redirect::to("/login").into_response(),
        Some(s) => match &s.township {
            None => Redirect::to("/board").into_response(),
            Some(t) => Redirect::to(&township_url(t)).into_response(),
        },
    }
}

/// A township's page address, its name percent-encoded.
pub fn township_url(t: &str) -> String {
    format!("/t/{}", encode(t))
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub async fn login_page(State(app): State<Shared>) -> Response {
    page(&LoginPage {
        c: chrome(&app, None),
        l: app.lang,
        what: String::new(),
        hint: String::new(),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    user: String,
    secret: String,
}

pub async fn login(State(app): State<Shared>, Form(f): Form<LoginForm>) -> Response {
    match auth::log_in(&app, f.user.trim(), f.secret.trim()).await {
        Ok(token) => {
            let cookie = format!(
                "{}={token}; HttpOnly; SameSite=Strict; Path=/",
                auth::COOKIE
            );
            ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
        }
        Err(r) => {
            let (key, status) = match r {
                Refusal::Throttled => (Refused::Throttled, StatusCode::TOO_MANY_REQUESTS),
                Refusal::BadLogin => (Refused::BadLogin, StatusCode::UNAUTHORIZED),
                other => return other.into_response(),
            };
            let (what, hint) = render::web::refused(&key, app.lang);
            let mut resp = page(&LoginPage {
                c: chrome(&app, None),
                l: app.lang,
                what,
                hint,
            });
            *resp.status_mut() = status;
            resp
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Result<Response, Refusal> {
    let s = auth::require(&app, &headers)?;
    auth::check_csrf(&s, &f.csrf)?;
    auth::log_out(&app, &headers);
    let cookie = format!("{}=; Max-Age=0; Path=/", auth::COOKIE);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    period: Option<String>,
}

/// The period asked for, else the newest the ledger holds.
fn period_of(ledger: &Ledger, asked: Option<String>) -> Result<Option<String>, Refusal> {
    if let Some(p) = asked.and_then(|p| crate::model::Period::parse(&p)) {
        return Ok(Some(p.to_string()));
    }
    Ok(ledger.periods()?.pop())
}

fn board_rows(app: &App, rows: &[Row]) -> Vec<BoardRow> {
    let l = app.lang;
    rows.iter()
        .map(|r| BoardRow {
            township: r.township.clone(),
            state: render::workspace::state(r.state, l).to_string(),
            class: state_class(r.state),
            versions: r.versions.len(),
            on_time: match r.on_time {
                Some(true) => l.t("按时", "yes").into(),
                Some(false) => l.t("迟报", "late").into(),
                None => "-".into(),
            },
            errors: r.open_errors,
            warnings: r.open_warnings,
            latest: r.versions.last().map(|v| v.version),
        })
        .collect()
}

fn state_class(s: RowState) -> &'static str {
    match s {
        RowState::Missing => "s-missing",
        RowState::Errors => "s-errors",
        RowState::Returned => "s-returned",
        RowState::Resubmitted => "s-resubmitted",
        RowState::ExplanationPending => "s-pending",
        RowState::Clean => "s-clean",
        RowState::Accepted => "s-accepted",
    }
}

async fn board_of(app: &Shared, asked: Option<String>) -> Result<(String, Vec<Row>), Refusal> {
    blocking(app, move |a, ledger| {
        let Some(period) = period_of(ledger, asked)? else {
            // No return yet: every township is missing, for no period.
            return Ok((String::new(), status::board(ledger, &a.config, "")?));
        };
        let rows = status::board(ledger, &a.config, &period)?;
        Ok((period, rows))
    })
    .await
}

pub async fn board(
    State(app): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, Refusal> {
    let s = auth::require_admin(&app, &headers)?;
    let (period, rows) = board_of(&app, q.period).await?;
    let accepted = rows
        .iter()
        .filter(|r| r.state == RowState::Accepted)
        .count();
    let chase = status::chase(&app.config.county, &period, &rows, app.lang);
    Ok(page(&BoardPage {
        c: chrome(&app, Some(&s)),
        l: app.lang,
        period,
        rows: board_rows(&app, &rows),
        accepted,
        chase,
    }))
}

pub async fn board_rows_page(
    State(app): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, Refusal> {
    auth::require_admin(&app, &headers)?;
    let (_, rows) = board_of(&app, q.period).await?;
    Ok(page(&BoardRows {
        l: app.lang,
        rows: board_rows(&app, &rows),
    }))
}

/// Server-sent events: `board` whenever the ledger's event log grows.
pub async fn events(
    State(app): State<Shared>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Refusal> {
    auth::require_admin(&app, &headers)?;
    let rx = app.events.clone();
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.changed().await.ok()?;
        let id = *rx.borrow_and_update();
        Some((Ok(Event::default().event("board").data(id.to_string())), rx))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

fn decision_word(k: DecisionKind, l: Lang) -> String {
    match k {
        DecisionKind::Accept => l.t("通过", "accepted"),
        DecisionKind::Return => l.t("打回", "sent back"),
        DecisionKind::ExplanationAccept => l.t("说明接受", "explanation accepted"),
        DecisionKind::ExplanationReturn => l.t("说明打回", "explanation sent back"),
    }
    .to_string()
}

pub fn version_view(v: &crate::ledger::Version) -> VersionView {
    VersionView {
        n: v.version,
        file_name: v.file_name.clone(),
        received_at: v.received_at.clone(),
        filled: v.filled.clone().unwrap_or_else(|| "-".into()),
    }
}

pub async fn township(
    State(app): State<Shared>,
    headers: HeaderMap,
    Path(township): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, Refusal> {
    let s = auth::require_township(&app, &headers, &township)?;
    if !app.config.townships.iter().any(|t| t.name() == township) {
        return Err(Refusal::NotFound);
    }
    let t = township.clone();
    let (period, row) = blocking(&app, move |a, ledger| {
        let period = period_of(ledger, q.period)?.unwrap_or_default();
        let rows = status::board(ledger, &a.config, &period)?;
        Ok((period, rows.into_iter().find(|r| r.township == t)))
    })
    .await?;
    let row = row.ok_or(Refusal::NotFound)?;
    let l = app.lang;
    Ok(page(&TownshipPage {
        c: chrome(&app, Some(&s)),
        l,
        township,
        period,
        state: render::workspace::state(row.state, l).to_string(),
        versions: row.versions.iter().map(version_view).collect(),
        decisions: row
            .decisions
            .iter()
            .map(|d| DecisionView {
                version: d.version,
                what: decision_word(d.kind, l),
                text: d.text.clone(),
                by: d.by.clone(),
                at: d.at.clone(),
            })
            .collect(),
        returned_because: row.returned_because.clone(),
        max_mb: app.config.limits.max_file_mb,
    }))
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    csrf: String,
    kind: String,
    #[serde(default)]
    reason: String,
}

/// 通过 or 打回 on the township's latest version (the statistician only).
pub async fn decide(
    State(app): State<Shared>,
    headers: HeaderMap,
    Path(township): Path<String>,
    Form(f): Form<DecideForm>,
) -> Result<Response, Refusal> {
    let s = auth::require_admin(&app, &headers)?;
    auth::check_csrf(&s, &f.csrf)?;
    let kind = match f.kind.as_str() {
        "accept" => DecisionKind::Accept,
        "return" => DecisionKind::Return,
        _ => return Err(Refusal::NotFound),
    };
    let l = app.lang;
    if kind == DecisionKind::Return && f.reason.trim().is_empty() {
        return Err(Refusal::Said(
            Refused::NeedReason,
            StatusCode::BAD_REQUEST,
            l,
        ));
    }
    let t = township.clone();
    blocking(&app, move |a, ledger| {
        let Some(period) = ledger.periods()?.pop() else {
            return Err(Refusal::NotFound);
        };
        let rows = status::board(ledger, &a.config, &period)?;
        let row = rows
            .iter()
            .find(|r| r.township == t)
            .ok_or(Refusal::NotFound)?;
        let latest = row.versions.last().ok_or(Refusal::NotFound)?;
        if kind == DecisionKind::Accept && row.open_errors > 0 {
            return Err(Refusal::Said(
                Refused::OpenErrors(row.open_errors),
                StatusCode::CONFLICT,
                l,
            ));
        }
        ledger.decide(&NewDecision {
            version_id: latest.id,
            kind,
            rule: None,
            code: None,
            column: None,
            values: None,
            text: f.reason.trim().to_string(),
            by: s.user.clone(),
        })?;
        if kind == DecisionKind::Return {
            // The township's feedback workbook carries the reason, as `huizong return` writes it.
            crate::workspace::ingest::feedback_again(
                &a.ws,
                &a.config,
                latest.clone(),
                Some(f.reason.trim()),
                l,
            )
            .map_err(|e| Refusal::Internal(e.to_string()))?;
        }
        Ok(())
    })
    .await?;
    Ok(Redirect::to(&township_url(&township)).into_response())
}

#[derive(Deserialize)]
pub struct VersionPath {
    pub township: String,
    pub version: i64,
}

/// The version `n` of a township's return in the newest period that has it.
pub fn find_version(
    ledger: &Ledger,
    township: &str,
    n: i64,
) -> Result<(Vec<crate::ledger::Version>, crate::ledger::Version), Refusal> {
    for period in ledger.periods()?.into_iter().rev() {
        let all = ledger.versions(township, &period)?;
        if let Some(v) = all.iter().find(|v| v.version == n).cloned() {
            return Ok((all, v));
        }
    }
    Err(Refusal::NotFound)
}

pub async fn version(
    State(app): State<Shared>,
    headers: HeaderMap,
    Path(p): Path<VersionPath>,
) -> Result<Response, Refusal> {
    let s = auth::require_township(&app, &headers, &p.township)?;
    let t = p.township.clone();
    let mut shown = blocking(&app, move |a, ledger| {
        let (all, v) = find_version(ledger, &t, p.version)?;
        super::grid::version_page(a, ledger, all, v)
    })
    .await?;
    shown.c = chrome(&app, Some(&s));
    Ok(page(&shown))
}

/// The stored copy of a version, as an attachment under the name it was sent with.
pub async fn stored_file(
    State(app): State<Shared>,
    headers: HeaderMap,
    Path(p): Path<VersionPath>,
) -> Result<Response, Refusal> {
    auth::require_township(&app, &headers, &p.township)?;
    let t = p.township.clone();
    let (bytes, name) = blocking(&app, move |a, ledger| {
        let (_, v) = find_version(ledger, &t, p.version)?;
        let bytes = std::fs::read(a.ws.state().join(&v.stored))
            .map_err(|e| Refusal::Internal(e.to_string()))?;
        Ok((bytes, v.file_name))
    })
    .await?;
    Ok(attachment(bytes, &name, "application/octet-stream"))
}
