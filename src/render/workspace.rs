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

/// A word of the board file (`报送状态.csv`, written in Chinese) in `lang`: a state, 是/逾期,
/// 通过/打回; anything else (names, reasons, dates) as written.
pub fn board_word(text: &str, lang: Lang) -> String {
    const STATES: [State; 7] = [
        State::Missing,
        State::Errors,
        State::Returned,
        State::Resubmitted,
        State::ExplanationPending,
        State::Clean,
        State::Accepted,
    ];
    if let Some(s) = STATES.iter().find(|s| state(**s, Lang::Zh) == text) {
        return state(*s, lang).to_string();
    }
    let word = match text {
        "是" => lang.t("是", "yes"),
        "逾期" => lang.t("逾期", "late"),
        "通过" => lang.t("通过", "accepted"),
        "打回" => lang.t("打回", "sent back"),
        other => other,
    };
    word.to_string()
}

/// A run whose history store lacks last month: the month-on-month checks could not run, where
/// the store is, and the command that fills it.
pub fn previous_month_missing(
    period: &str,
    previous: &str,
    store: &str,
    config: Option<&str>,
    lang: Lang,
) -> String {
    let config = config.unwrap_or(lang.t("配置文件", "CONFIG"));
    match lang {
        Lang::Zh => format!(
            "历史库 {store} 中没有上月（{previous}）的数据：{period} 与上月比较的审核（本年累计衔接、时点数变化、与往月比较的异常值）未能进行，不视为通过。\n  \
             提示：用上月的报表建入历史库后重新运行：huizong history build <{previous}的报表文件夹> --config {config} --history {store}；\
             以后每月运行都用同一个 --history {store}"
        ),
        Lang::En => format!(
            "the history store {store} has no figures for last month ({previous}): {period}'s month-on-month checks \
             (year to date carried on, stock changes, outliers against past months) could not run, and are not passed.\n  \
             hint: build last month into the store, then run again: huizong history build <{previous} returns folder> --config {config} --history {store}; \
             give every month's run the same --history {store}"
        ),
    }
}
