//! Who is asking: secrets issued as random strings and kept as argon2 hashes (in the ledger),
//! sessions in memory behind an HttpOnly SameSite=Strict cookie, a CSRF token per session checked
//! on every form, an Origin check on every POST, and login throttling per account.

use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::Request;
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::views::Refusal;
use super::App;

pub const COOKIE: &str = "hz";
/// Failed logins allowed per account in `WINDOW` before it is held for the rest of it.
const MAX_FAILURES: u32 = 5;
const WINDOW: Duration = Duration::from_secs(300);

/// A logged-in person: the admin (no township) or a township.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: String,
    pub township: Option<String>,
    pub csrf: String,
}

impl Session {
    pub fn is_admin(&self) -> bool {
        self.township.is_none()
    }
    /// Whether this session may see `township`'s pages and files.
    pub fn may_see(&self, township: &str) -> bool {
        self.township.as_deref().is_none_or(|t| t == township)
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Failures {
    count: u32,
    since: Instant,
}

/// Random bytes as hex (getrandom: the operating system's generator).
fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf).expect("the operating system's random generator");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new secret for an account: 128 random bits, read out as 32 hex digits.
pub fn new_secret() -> String {
    random_hex(16)
}

/// The argon2 (default parameters) PHC hash of `secret`, with a random salt.
pub fn hash_secret(secret: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).expect("the operating system's random generator");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes encode");
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .expect("argon2 with default parameters")
        .to_string()
}

fn verify(secret: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(secret.as_bytes(), &h)
            .is_ok()
    })
}

/// Whether `user` is held after too many failures.
pub fn throttled(app: &App, user: &str) -> bool {
    let mut f = app.failures.lock().expect("failures lock");
    match f.get(user) {
        Some(x) if x.since.elapsed() > WINDOW => {
            f.remove(user);
            false
        }
        Some(x) => x.count >= MAX_FAILURES,
        None => false,
    }
}

fn failed(app: &App, user: &str) {
    let mut f = app.failures.lock().expect("failures lock");
    let e = f.entry(user.to_string()).or_insert(Failures {
        count: 0,
        since: Instant::now(),
    });
    e.count += 1;
}

/// Checks a login (argon2 off the async threads); a new session's cookie token on success.
pub async fn log_in(app: &super::Shared, user: &str, secret: &str) -> Result<String, Refusal> {
    if throttled(app, user) {
        return Err(Refusal::Throttled);
    }
    let a = app.clone();
    let (u, s) = (user.to_string(), secret.to_string());
    let account = tokio::task::spawn_blocking(move || {
        let mut ledger = a.ledger()?;
        let found = ledger.account(&u)?.filter(|acc| verify(&s, &acc.hash));
        let kind = if found.is_some() {
            "login"
        } else {
            "login_failed"
        };
        ledger.log_event(kind, &u)?;
        Ok::<_, crate::ledger::LedgerError>(found)
    })
    .await
    .map_err(|e| Refusal::Internal(e.to_string()))??;
    let Some(account) = account else {
        failed(app, user);
        return Err(Refusal::BadLogin);
    };
    let token = random_hex(32);
    let session = Session {
        user: account.name,
        township: account.township,
        csrf: random_hex(16),
    };
    app.sessions
        .lock()
        .expect("sessions lock")
        .insert(token.clone(), session);
    Ok(token)
}

fn token_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

/// The session of a request, if any.
pub fn session(app: &App, headers: &HeaderMap) -> Option<Session> {
    let token = token_of(headers)?;
    app.sessions
        .lock()
        .expect("sessions lock")
        .get(&token)
        .cloned()
}

pub fn log_out(app: &App, headers: &HeaderMap) {
    if let Some(t) = token_of(headers) {
        app.sessions.lock().expect("sessions lock").remove(&t);
    }
}

/// The session, refused unless logged in (`Refusal::Login` sends to the login page).
pub fn require(app: &App, headers: &HeaderMap) -> Result<Session, Refusal> {
    session(app, headers).ok_or(Refusal::Login)
}

/// The session, refused unless it may see `township`.
pub fn require_township(
    app: &App,
    headers: &HeaderMap,
    township: &str,
) -> Result<Session, Refusal> {
    let s = require(app, headers)?;
    if s.may_see(township) {
        Ok(s)
    } else {
        Err(Refusal::Forbidden)
    }
}

pub fn require_admin(app: &App, headers: &HeaderMap) -> Result<Session, Refusal> {
    let s = require(app, headers)?;
    if s.is_admin() {
        Ok(s)
    } else {
        Err(Refusal::Forbidden)
    }
}

/// The form's CSRF token must be the session's.
pub fn check_csrf(s: &Session, given: &str) -> Result<(), Refusal> {
    if !given.is_empty() && given == s.csrf {
        Ok(())
    } else {
        Err(Refusal::Csrf)
    }
}

/// Refuses a POST whose Origin (else Referer) is not this server: a form on another site
/// cannot act for a logged-in statistician.
pub async fn same_origin(req: Request, next: Next) -> Response {
    if req.method() == Method::POST && !origin_ok(req.headers()) {
        return Refusal::CrossOrigin.into_response();
    }
    next.run(req).await
}

fn origin_ok(h: &HeaderMap) -> bool {
    let Some(host) = h.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let ours = |v: &str| v == format!("http://{host}") || v == format!("https://{host}");
    if let Some(o) = h.get(header::ORIGIN) {
        return o.to_str().is_ok_and(ours);
    }
    if let Some(r) = h.get(header::REFERER).and_then(|v| v.to_str().ok()) {
        // The origin part of the referer: scheme://host, up to the path.
        let origin: String = match r.find("://") {
            Some(i) => {
                let rest = &r[i + 3..];
                let end = rest.find('/').unwrap_or(rest.len());
                r[..i + 3 + end].to_string()
            }
            None => return false,
        };
        return ours(&origin);
    }
    // Neither header (not a browser): the CSRF token still guards every form.
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_verify_only_themselves() {
        let s = new_secret();
        assert_eq!(s.len(), 32);
        let h = hash_secret(&s);
        assert!(h.starts_with("$argon2id$"));
        assert!(verify(&s, &h));
        assert!(!verify("wrong", &h));
        assert!(!verify(&s, "not a hash"));
    }

    #[test]
    fn origin_must_be_this_host() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "127.0.0.1:8080".parse().expect("v"));
        assert!(origin_ok(&h));
        h.insert(header::ORIGIN, "http://127.0.0.1:8080".parse().expect("v"));
        assert!(origin_ok(&h));
        h.insert(header::ORIGIN, "http://evil.example".parse().expect("v"));
        assert!(!origin_ok(&h));
        h.remove(header::ORIGIN);
        h.insert(header::REFERER, "http://evil.example/x".parse().expect("v"));
        assert!(!origin_ok(&h));
        h.insert(
            header::REFERER,
            "http://127.0.0.1:8080/board".parse().expect("v"),
        );
        assert!(origin_ok(&h));
    }
}
