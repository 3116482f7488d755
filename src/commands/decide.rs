//! The decisions on a township's return, from the command line: `accept` (通过), `return`
//! (打回, which writes the feedback workbook again with the reason) and `explanation` (审核说明
//! accepted or sent back). Each is recorded in the workspace's ledger and said for people.

use std::path::PathBuf;

use huizong::config::Config;
use huizong::ledger::{DecisionKind, Ledger, NewDecision};
use huizong::render::{self, Lang};
use huizong::workspace::status;
use huizong::workspace::Workspace;

use super::workspace::{config_of, open, period_of};
use super::EXIT_OK;

type Res = Result<i32, Box<dyn std::error::Error>>;

/// A decision as the command line gives it.
pub struct Decide {
    pub workspace: Option<PathBuf>,
    pub township: String,
    pub period: Option<String>,
    pub kind: DecisionKind,
    pub rule: Option<String>,
    pub code: Option<String>,
    pub text: String,
    pub by: Option<String>,
    pub lang: Lang,
}

// long-function: one command's steps in order (open, decide, record, lay out, print); issue 12's code, left whole
pub fn decide(d: Decide) -> Res {
    let lang = d.lang;
    let ws = open(d.workspace.as_deref(), lang)?;
    let config = config_of(&ws)?;
    let mut ledger = Ledger::open(&ws.ledger())?;
    let period = period_of(&ledger, d.period.as_deref(), lang)?;
    let township = config
        .townships
        .iter()
        .map(|t| t.name())
        .find(|n| *n == d.township)
        .ok_or_else(|| {
            render::Failure::new(
                format!(
                    "{}{}{}",
                    lang.t("名册中没有这个乡镇", "not on the roster"),
                    render::colon(lang),
                    d.township
                ),
                lang.t(
                    "用 huizong status 查看名册中的乡镇名称",
                    "huizong status lists the roster's townships",
                ),
            )
        })?
        .to_string();
    let board = status::board(&ledger, &config, &period)?;
    let row = board.iter().find(|r| r.township == township);
    let Some(latest) = row.and_then(|r| r.versions.last()).cloned() else {
        return Err(render::Failure::new(
            format!(
                "{township} {period}{}{}",
                render::colon(lang),
                lang.t("还没有收到报表", "no return received yet")
            ),
            lang.t(
                "收到报表（放入收件箱）后再作决定；huizong status 显示各乡镇的状态",
                "decide once its return is in the inbox; huizong status shows each township's state",
            ),
        )
        .into());
    };
    let open_errors = row.map_or(0, |r| r.open_errors);
    if d.kind == DecisionKind::Accept && open_errors > 0 {
        return Err(render::Failure::new(
            format!(
                "{township} {period} {}{}{}{}{open_errors} {}",
                lang.t("第", "version "),
                latest.version,
                lang.t("版", ""),
                render::colon(lang),
                lang.t("条错误未改，不能通过", "errors open; it cannot be accepted"),
            ),
            format!(
                "{}huizong return {township} --reason …",
                lang.t("退回修改：", "send it back: ")
            ),
        )
        .into());
    }
    let mut new = NewDecision {
        version_id: latest.id,
        kind: d.kind,
        rule: None,
        code: None,
        column: None,
        values: None,
        text: d.text.clone(),
        by: d.by.clone().unwrap_or_else(who),
    };
    if let Some(rule) = &d.rule {
        // An explanation is tied to the finding's values as the version gave them.
        let rows = ledger.explainable(latest.id)?;
        let found = rows.iter().find(|r| {
            r.get(2) == Some(rule) && d.code.as_ref().is_none_or(|c| r.get(3) == Some(c))
        });
        let Some(found) = found else {
            return Err(render::Failure::new(
                format!(
                    "{township} {period} {rule}{}{}",
                    render::colon(lang),
                    lang.t(
                        "该版本没有可说明的这条问题",
                        "no finding of this rule to explain in the latest version"
                    )
                ),
                lang.t(
                    "huizong status 列出各乡镇未了结的问题；核对规则编号（如 R07）和指标代码",
                    "huizong status lists each township's open findings; check the rule id (e.g. R07) and the code",
                ),
            )
            .into());
        };
        new.rule = Some(rule.clone());
        new.code = found.get(3).cloned().filter(|c| !c.is_empty());
        new.column = found.get(4).cloned();
        new.values = found.get(5).cloned();
    }
    let recorded = ledger.decide(&new)?;
    let what = match d.kind {
        DecisionKind::Accept => lang.t("通过", "accepted"),
        DecisionKind::Return => lang.t("打回", "sent back"),
        DecisionKind::ExplanationAccept => lang.t("说明接受", "explanation accepted"),
        DecisionKind::ExplanationReturn => lang.t("说明打回", "explanation sent back"),
    };
    println!(
        "{} #{}: {township} {period} {}{}{} {what} ({})",
        lang.t("已记录决定", "decision recorded"),
        recorded.id,
        lang.t("第", "version "),
        latest.version,
        lang.t("版", ""),
        recorded.by
    );
    if d.kind == DecisionKind::Return {
        feedback_for_return(&ws, &config, &latest, &d.text, lang)?;
    }
    Ok(EXIT_OK)
}

/// 打回 writes the feedback workbook again, now carrying the reason.
fn feedback_for_return(
    ws: &Workspace,
    config: &Config,
    v: &huizong::ledger::Version,
    reason: &str,
    lang: Lang,
) -> Result<(), Box<dyn std::error::Error>> {
    let path =
        huizong::workspace::ingest::feedback_again(ws, config, v.clone(), Some(reason), lang)?;
    println!(
        "{}: {}",
        lang.t("退回修改通知已写出", "feedback written"),
        path.display()
    );
    Ok(())
}

/// Who decides: `--by`, else the user logged in.
fn who() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "-".into())
}

pub(super) fn decision(
    township: String,
    kind: DecisionKind,
    rule: Option<String>,
    code: Option<String>,
    text: String,
    common: crate::cli::DecisionArgs,
) -> (Lang, Res) {
    let lang = crate::lang_of(common.lang);
    let d = Decide {
        workspace: common.workspace,
        township,
        period: common.period,
        kind,
        rule,
        code,
        text,
        by: common.by,
        lang,
    };
    (lang, decide(d))
}
