//! What the pages show: askama templates (`templates/`, checked at compile time, HTML escaped by
//! default, so cell text from a return is always text) and refusals as pages with a status.

use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::render::web::{refused, Refused};
use crate::render::Lang;

/// Renders a template as a page (a template error is the tool failing: a 500 that says so).
pub fn page(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => Refusal::Internal(e.to_string()).into_response(),
    }
}

/// The parts every page has.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub county: String,
    pub user: Option<String>,
    pub admin: bool,
    pub csrf: String,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub c: Chrome,
    pub l: Lang,
    /// A refusal of the last attempt and its hint (empty: none).
    pub what: String,
    pub hint: String,
}

#[derive(Template)]
#[template(path = "refused.html")]
pub struct RefusedPage {
    pub c: Chrome,
    pub l: Lang,
    pub what: String,
    pub hint: String,
    /// Findings that explain the refusal (an unreadable file), as printed.
    pub lines: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct BoardRow {
    pub township: String,
    pub state: String,
    pub class: &'static str,
    pub versions: usize,
    pub on_time: String,
    pub errors: usize,
    pub warnings: usize,
    pub latest: Option<i64>,
}

#[derive(Template)]
#[template(path = "board.html")]
pub struct BoardPage {
    pub c: Chrome,
    pub l: Lang,
    pub period: String,
    pub rows: Vec<BoardRow>,
    pub accepted: usize,
    pub chase: Option<String>,
}

#[derive(Template)]
#[template(path = "board_rows.html")]
pub struct BoardRows {
    pub l: Lang,
    pub rows: Vec<BoardRow>,
}

#[derive(Debug, Clone)]
pub struct VersionView {
    pub n: i64,
    pub file_name: String,
    pub received_at: String,
    pub filled: String,
}

#[derive(Debug, Clone)]
pub struct DecisionView {
    pub version: i64,
    pub what: String,
    pub text: String,
    pub by: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "township.html")]
pub struct TownshipPage {
    pub c: Chrome,
    pub l: Lang,
    pub township: String,
    pub period: String,
    pub state: String,
    pub versions: Vec<VersionView>,
    pub decisions: Vec<DecisionView>,
    pub returned_because: Option<String>,
    pub max_mb: u64,
}

#[derive(Debug, Clone)]
pub struct FindingView {
    pub n: usize,
    pub class: &'static str,
    pub cell: String,
    pub anchor: String,
    pub rule: String,
    /// The indicator code ("" for none).
    pub code: String,
    /// The finding as printed, from its rule on (the severity is in it once).
    pub text: String,
    pub hint: Option<String>,
    /// A finding to verify (核实性) the township may explain.
    pub explainable: bool,
    pub explanations: Vec<ExplanationView>,
}

/// An explanation written by the township and the county's word on it.
#[derive(Debug, Clone)]
pub struct ExplanationView {
    pub id: i64,
    pub rule: String,
    pub code: String,
    pub text: String,
    pub by: String,
    pub at: String,
    /// 待县里确认 / 说明接受 / 说明打回.
    pub state: String,
    pub pending: bool,
}

#[derive(Debug, Clone)]
pub struct GridCell {
    pub id: String,
    pub text: String,
    pub class: &'static str,
    pub marks: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct GridRow {
    pub n: u32,
    pub cells: Vec<GridCell>,
}

#[derive(Debug, Clone)]
pub struct GridSheet {
    pub name: String,
    pub cols: Vec<String>,
    pub rows: Vec<GridRow>,
}

#[derive(Debug, Clone)]
pub struct ChangeView {
    pub code: String,
    pub column: String,
    pub cell: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "version.html")]
pub struct VersionPage {
    pub c: Chrome,
    pub l: Lang,
    pub township: String,
    pub period: String,
    pub version: VersionView,
    pub previous: Option<i64>,
    pub findings: Vec<FindingView>,
    pub sheets: Vec<GridSheet>,
    pub changes: Vec<ChangeView>,
    pub versions: Vec<VersionView>,
}

/// A refusal: the page says what and what to do, with the fitting status.
#[derive(Debug)]
pub enum Refusal {
    Login,
    BadLogin,
    Throttled,
    Forbidden,
    NotFound,
    Csrf,
    CrossOrigin,
    Upload(Refused, StatusCode, Lang),
    Internal(String),
    /// Anything else refused, in the server's language.
    Said(Refused, StatusCode, Lang),
}

impl From<crate::ledger::LedgerError> for Refusal {
    fn from(e: crate::ledger::LedgerError) -> Self {
        Refusal::Internal(e.to_string())
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        // The words come in the server's language where it is known; Chinese otherwise.
        let (r, status, l) = match self {
            Refusal::Login => return Redirect::to("/login").into_response(),
            Refusal::BadLogin => (Refused::BadLogin, StatusCode::UNAUTHORIZED, Lang::Zh),
            Refusal::Throttled => (Refused::Throttled, StatusCode::TOO_MANY_REQUESTS, Lang::Zh),
            Refusal::Forbidden => (Refused::Forbidden, StatusCode::FORBIDDEN, Lang::Zh),
            Refusal::NotFound => (Refused::NotFound, StatusCode::NOT_FOUND, Lang::Zh),
            Refusal::Csrf => (Refused::Csrf, StatusCode::FORBIDDEN, Lang::Zh),
            Refusal::CrossOrigin => (Refused::CrossOrigin, StatusCode::FORBIDDEN, Lang::Zh),
            Refusal::Internal(e) => (
                Refused::Internal(e),
                StatusCode::INTERNAL_SERVER_ERROR,
                Lang::Zh,
            ),
            Refusal::Upload(r, s, l) | Refusal::Said(r, s, l) => (r, s, l),
        };
        refused_page(&r, status, l, Vec::new())
    }
}

/// A refusal page with the lines that explain it.
pub fn refused_page(r: &Refused, status: StatusCode, l: Lang, lines: Vec<String>) -> Response {
    let (what, hint) = refused(r, l);
    let p = RefusedPage {
        c: Chrome {
            county: String::new(),
            user: None,
            admin: false,
            csrf: String::new(),
        },
        l,
        what,
        hint,
        lines,
    };
    let mut resp = page(&p);
    *resp.status_mut() = status;
    resp
}

/// A file sent as an attachment (never shown inline).
pub fn attachment(bytes: Vec<u8>, name: &str, kind: &'static str) -> Response {
    // RFC 5987 form for a name that is not ASCII; the plain form falls back to ASCII.
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"download\"; filename*=UTF-8''{encoded}");
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}
