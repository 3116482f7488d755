//! Words of the workspace: the states of the board and the 催报 message.

use super::Lang;
use crate::model::BoardState as State;

/// One township of the board as the 催报 message needs it (plain data, built by the workspace).
pub struct Chased<'a> {
    pub township: &'a str,
    pub state: State,
    pub returned_because: Option<&'a str>,
    /// The rule and cell of each open error.
    pub errors: Vec<(&'a str, &'a str)>,
}

/// A state as the board shows it.
pub fn state(s: State, lang: Lang) -> &'static str {
    match s {
        State::Missing => lang.t("未报", "missing"),
        State::Errors => lang.t("有错待改", "errors to correct"),
        State::Returned => lang.t("已打回", "sent back"),
        State::Resubmitted => lang.t("已重报", "resubmitted"),
        State::ExplanationPending => lang.t("说明待审", "explanation pending"),
        State::Clean => lang.t("待通过", "to accept"),
        State::Accepted => lang.t("已通过", "accepted"),
    }
}

/// The 催报 message: townships missing, sent back or with errors, with what is wrong, as plain
/// text to paste into a message. `None` when nobody needs chasing.
pub fn chase(county: &str, period: &str, board: &[Chased], lang: Lang) -> Option<String> {
    let chased: Vec<&Chased> = board
        .iter()
        .filter(|r| matches!(r.state, State::Missing | State::Returned | State::Errors))
        .collect();
    if chased.is_empty() {
        return None;
    }
    let mut text = format!(
        "{}{county} {period} {}\n",
        lang.t("【", "["),
        lang.t(
            "月报催报】请以下乡镇尽快报送或更正：",
            "returns] please send or correct:"
        )
    );
    for (i, r) in chased.iter().enumerate() {
        let what = match r.state {
            State::Missing => lang.t("尚未报送", "not yet sent").to_string(),
            State::Returned => format!(
                "{}{}",
                lang.t(
                    "已打回，请更正后重报。原因：",
                    "sent back, correct and resend. Reason: "
                ),
                r.returned_because.unwrap_or("-")
            ),
            _ => format!(
                "{}{}",
                lang.t("报表有错误，请更正后重报：", "errors to correct: "),
                r.errors
                    .iter()
                    .map(|(rule, cell)| format!("{rule} {cell}"))
                    .collect::<Vec<_>>()
                    .join(lang.t("；", "; "))
            ),
        };
        text.push_str(&format!("{}. {}：{what}\n", i + 1, r.township));
    }
    Some(text)
}
