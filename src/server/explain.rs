//! Explanations (审核说明) on the web: a township writes one for a finding to verify (核实性) of
//! its own version; the statistician accepts it or sends it back. The text is kept by the ledger
//! (`ledger/explanations.rs`); the county's word is a decision, as `huizong explain` records it,
//! so the board, `status` and `run` read it the same way. No SQL and no words here.

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::auth;
use super::pages::{blocking, find_version, township_url, VersionPath};
use super::views::{ExplanationView, Refusal};
use super::{App, Shared};
use crate::ledger::explanations::Explanation;
use crate::ledger::{DecisionKind, Ledger, NewDecision, Version};
use crate::render::web::Refused;

/// The longest explanation taken, in characters (a cell of the 审核说明 sheet, not a letter).
pub const MAX_CHARS: usize = 500;

/// The explanations of a version with the county's word on each: the last decision on the same
/// finding with the same text, made after it was written.
pub fn views(app: &App, ledger: &Ledger, v: &Version) -> Result<Vec<ExplanationView>, Refusal> {
    let l = app.lang;
    let decisions = ledger.decisions(&v.township, &v.period)?;
    Ok(ledger
        .explanations(v.id)?
        .into_iter()
        .map(|e| {
            let word = decisions
                .iter()
                .filter(|d| {
                    d.version_id == v.id
                        && d.rule.as_deref() == Some(e.rule.as_str())
                        && d.code == e.code
                        && d.text == e.text
                        && d.at >= e.at
                })
                .filter_map(|d| match d.kind {
                    DecisionKind::ExplanationAccept => Some(true),
                    DecisionKind::ExplanationReturn => Some(false),
                    _ => None,
                })
                .next_back();
            ExplanationView {
                id: e.id,
                code: e.code.clone().unwrap_or_default(),
                rule: e.rule,
                text: e.text,
                by: e.by,
                at: e.at,
                state: match word {
                    None => l.t("待县里确认", "waiting for the county"),
                    Some(true) => l.t("说明接受", "explanation accepted"),
                    Some(false) => l.t("说明打回", "explanation sent back"),
                }
                .to_string(),
                pending: word.is_none(),
            }
        })
        .collect())
}

#[derive(Deserialize)]
pub struct ExplainForm {
    #[serde(default)]
    csrf: String,
    rule: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    text: String,
}

/// A township writes an explanation for a finding of its own version.
pub async fn explain(
    State(app): State<Shared>,
    headers: HeaderMap,
    Path(p): Path<VersionPath>,
    Form(f): Form<ExplainForm>,
) -> Result<Response, Refusal> {
    let s = auth::require_township(&app, &headers, &p.township)?;
    auth::check_csrf(&s, &f.csrf)?;
    // The township writes; the county decides (its own explanations go by `huizong explain`).
    if s.is_admin() {
        return Err(Refusal::Forbidden);
    }
    let l = app.lang;
    let text = f.text.trim().to_string();
    // A stock phrase (已核实, 数据无误) explains nothing: `review` refuses it from a file too.
    if text.is_empty() || text.chars().count() > MAX_CHARS || crate::review::is_stock_phrase(&text)
    {
        return Err(Refusal::Said(
            Refused::NeedExplanation(MAX_CHARS),
            StatusCode::BAD_REQUEST,
            l,
        ));
    }
    let (t, n) = (p.township.clone(), p.version);
    blocking(&app, move |_, ledger| {
        let (_, v) = find_version(ledger, &t, n)?;
        let rows = ledger.explainable(v.id)?;
        let row = rows
            .iter()
            .find(|r| r.get(2) == Some(&f.rule) && r.get(3) == Some(&f.code))
            .ok_or(Refusal::Said(
                Refused::NotExplainable,
                StatusCode::BAD_REQUEST,
                l,
            ))?;
        ledger.add_explanation(&Explanation {
            id: 0,
            version_id: v.id,
            rule: f.rule.clone(),
            code: Some(f.code.clone()).filter(|c| !c.is_empty()),
            column: row.get(4).cloned(),
            values: row.get(5).cloned(),
            text,
            by: s.user.clone(),
            at: String::new(),
        })?;
        Ok(())
    })
    .await?;
    Ok(Redirect::to(&format!("{}/v/{}", township_url(&p.township), p.version)).into_response())
}

#[derive(Deserialize)]
pub struct JudgeForm {
    #[serde(default)]
    csrf: String,
    id: i64,
    kind: String,
}

/// The statistician accepts or sends back an explanation.
pub async fn judge(
    State(app): State<Shared>,
    headers: HeaderMap,
    Path(p): Path<VersionPath>,
    Form(f): Form<JudgeForm>,
) -> Result<Response, Refusal> {
    let s = auth::require_admin(&app, &headers)?;
    auth::check_csrf(&s, &f.csrf)?;
    let kind = match f.kind.as_str() {
        "accept" => DecisionKind::ExplanationAccept,
        "return" => DecisionKind::ExplanationReturn,
        _ => return Err(Refusal::NotFound),
    };
    let (t, n) = (p.township.clone(), p.version);
    blocking(&app, move |_, ledger| {
        let (_, v) = find_version(ledger, &t, n)?;
        let e = ledger
            .explanations(v.id)?
            .into_iter()
            .find(|e| e.id == f.id)
            .ok_or(Refusal::NotFound)?;
        ledger.decide(&NewDecision {
            version_id: v.id,
            kind,
            rule: Some(e.rule),
            code: e.code,
            column: e.column,
            values: e.values,
            text: e.text,
            by: s.user.clone(),
        })?;
        Ok(())
    })
    .await?;
    Ok(Redirect::to(&format!("{}/v/{}", township_url(&p.township), p.version)).into_response())
}
