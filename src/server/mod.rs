//! `huizong serve`: the county's month in a browser. **The only code that knows HTTP** (axum,
//! tower-http); pages are askama templates (`templates/`, checked at compile time), assets are
//! embedded (`assets.rs`), the board is pushed by server-sent events.
//!
//! It holds no statistics and no SQL: uploads take the workspace's one `ingest` path, the board
//! is `workspace::status`, every state change is the ledger's. Parsing runs off the async
//! threads (`spawn_blocking`) under the same `[limits]` as the command line. Sessions live in
//! memory (a restart logs everyone out); accounts are argon2 hashes in the ledger (`auth.rs`).

mod assets;
mod auth;
mod downloads;
mod explain;
mod grid;
mod pages;
mod upload;
mod views;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{header, HeaderValue};
use axum::routing::{get, post};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::config::Config;
use crate::ledger::{Ledger, LedgerError};
use crate::render::Lang;
use crate::workspace::Workspace;

pub use auth::{hash_secret, new_secret};

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("{0}: {1}")]
    Bind(String, std::io::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// What `serve` needs.
pub struct Options {
    pub workspace: Workspace,
    pub config: Config,
    pub listen: SocketAddr,
    pub lang: Lang,
    /// The huizong executable, run for the county workbook (byte-equal to `huizong run`).
    pub exe: std::path::PathBuf,
}

/// The server's shared state.
pub(crate) struct App {
    pub ws: Workspace,
    pub config: Config,
    pub lang: Lang,
    pub exe: std::path::PathBuf,
    pub sessions: Mutex<HashMap<String, auth::Session>>,
    pub failures: Mutex<HashMap<String, auth::Failures>>,
    /// The newest event id of the ledger, watched by a thread: the board changes when it does.
    pub events: tokio::sync::watch::Receiver<i64>,
    /// The hints of versions seen, by version id (`grid.rs`).
    pub hints: Mutex<HashMap<i64, Arc<grid::Hints>>>,
    /// Checks running at once (the machine's cores): more uploads wait, none is refused.
    pub checks: tokio::sync::Semaphore,
}

pub(crate) type Shared = Arc<App>;

impl App {
    pub fn ledger(&self) -> Result<Ledger, LedgerError> {
        Ledger::open(&self.ws.ledger())
    }
}

/// Upload caps beyond `[limits]`: the whole request, and how long it may take to arrive.
const UPLOAD_SLACK: usize = 64 * 1024;
const UPLOAD_TIME: Duration = Duration::from_secs(60);

/// Serves until the process ends; `ready` is told the address bound (port 0 picks one).
pub fn serve(opts: Options, ready: impl FnOnce(SocketAddr)) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(opts.listen)
            .await
            .map_err(|e| ServerError::Bind(opts.listen.to_string(), e))?;
        let addr = listener.local_addr()?;
        let first = opts.workspace.clone();
        let (tx, rx) = tokio::sync::watch::channel(Ledger::open(&first.ledger())?.last_event_id()?);
        std::thread::spawn(move || watch_events(first, tx));
        // Up to twice the cap is read (and dropped) so that a browser sees the refusal page;
        // beyond that the connection is cut.
        let max_body = (opts.config.limits.max_file_mb as usize)
            .saturating_mul(2 * 1024 * 1024)
            .saturating_add(UPLOAD_SLACK);
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let app = Arc::new(App {
            ws: opts.workspace,
            config: opts.config,
            lang: opts.lang,
            exe: opts.exe,
            sessions: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
            hints: Mutex::new(HashMap::new()),
            events: rx,
            checks: tokio::sync::Semaphore::new(cores),
        });
        ready(addr);
        axum::serve(listener, router(app, max_body)).await?;
        Ok::<(), ServerError>(())
    })
}

fn router(app: Shared, max_body: usize) -> Router {
    let headers = [
        (header::CONTENT_SECURITY_POLICY, "default-src 'self'"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
    ];
    let mut r = Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login_page).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/board", get(pages::board))
        .route("/board/rows", get(pages::board_rows_page))
        .route("/events", get(pages::events))
        .route("/county.xlsx", get(downloads::county_workbook))
        .route("/report.json", get(downloads::report_json))
        .route("/t/{township}/feedback.xlsx", get(downloads::feedback))
        .route("/t/{township}", get(pages::township))
        .route(
            "/t/{township}/upload",
            post(upload::upload).layer(axum::extract::DefaultBodyLimit::max(max_body)),
        )
        .route("/t/{township}/decide", post(pages::decide))
        .route("/t/{township}/v/{version}", get(pages::version))
        .route("/t/{township}/v/{version}/file", get(pages::stored_file))
        .route("/t/{township}/v/{version}/explain", post(explain::explain))
        .route(
            "/t/{township}/v/{version}/explanation",
            post(explain::judge),
        )
        .route("/assets/{name}", get(assets::asset))
        .layer(axum::middleware::from_fn(auth::same_origin))
        .with_state(app);
    for (name, value) in headers {
        r = r.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ));
    }
    r
}

/// Watches the ledger's event log (uploads here, files the watcher took, decisions from the
/// command line): one source of truth for the board, whoever changed it.
fn watch_events(ws: Workspace, tx: tokio::sync::watch::Sender<i64>) {
    let Ok(ledger) = Ledger::open(&ws.ledger()) else {
        return;
    };
    while !tx.is_closed() {
        std::thread::sleep(Duration::from_millis(250));
        if let Ok(id) = ledger.last_event_id() {
            tx.send_if_modified(|old| std::mem::replace(old, id) != id);
        }
    }
}
