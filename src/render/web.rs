//! The words of `huizong serve` when it refuses something: what happened and a hint saying what
//! to do. The pages' own labels are in the templates (`templates/`), chosen by the same `Lang`.

use super::Lang;

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    Login,
    BadLogin,
    Throttled,
    Forbidden,
    NotFound,
    Csrf,
    CrossOrigin,
    /// The upload is larger than `[limits] max_file_mb` (the cap in MB).
    TooLarge(u64),
    OneFile,
    NoFile,
    /// The file name carries a path (`../`, `/`, `\`).
    PathName,
    Slow,
    NoReturns,
    /// The file was read but is not a return that can count (the findings say why).
    NotAReturn,
    /// A township's account uploaded another township's return (named here).
    OtherTownship(String),
    /// An accept refused: this many errors are still open.
    OpenErrors(usize),
    NeedReason,
    /// An explanation with no text, or longer than the cap (in characters).
    NeedExplanation(usize),
    /// No finding of the version that an explanation could be about.
    NotExplainable,
    /// The month's run wrote no feedback workbook for this township (no findings).
    NoFeedback,
    /// These bytes were sent before and made no version (refused then).
    SeenBefore,
    Internal(String),
}

/// (what happened, what to do).
// long-function: one match arm per refusal: each refusal's words in one place (issue 16's code)
pub fn refused(r: &Refused, lang: Lang) -> (String, String) {
    let t = |zh: &str, en: &str| lang.t(zh, en).to_string();
    match r {
        Refused::Login => (
            t("请先登录", "please log in"),
            t(
                "用县里发给您的账号和密钥登录",
                "log in with the account and secret the county gave you",
            ),
        ),
        Refused::BadLogin => (
            t("账号或密钥不对", "wrong account or secret"),
            t(
                "核对密钥；忘记了请县里重新发一个",
                "check the secret; the county can issue a new one",
            ),
        ),
        Refused::Throttled => (
            t(
                "登录失败次数过多，已暂停该账号登录 5 分钟",
                "too many failed logins: this account is held for 5 minutes",
            ),
            t(
                "5 分钟后再试，或请县里重新发密钥",
                "try again in 5 minutes, or ask the county for a new secret",
            ),
        ),
        Refused::Forbidden => (
            t(
                "无权查看：这不是您乡镇的数据",
                "forbidden: this is not your township's data",
            ),
            t(
                "只能查看本乡镇的报表",
                "you can see your own township's returns only",
            ),
        ),
        Refused::NotFound => (
            t("没有这个页面或版本", "no such page or version"),
            t("从首页重新进入", "start again from the home page"),
        ),
        Refused::Csrf => (
            t(
                "表单已过期或不是从本页提交的",
                "the form is stale or was not sent from this page",
            ),
            t("刷新页面后重新提交", "reload the page and submit again"),
        ),
        Refused::CrossOrigin => (
            t(
                "拒绝来自其他网站的提交",
                "a form from another site is refused",
            ),
            t("请直接在本系统页面上操作", "use this system's own pages"),
        ),
        Refused::TooLarge(mb) => (
            format!(
                "{} {mb} MB",
                lang.t("文件太大，上限为", "the file is too large; the cap is")
            ),
            t(
                "只上传本月报表本身（不要打包或附带图片）",
                "upload the return itself (no archives or pictures)",
            ),
        ),
        Refused::OneFile => (
            t("一次只能上传一个文件", "one file per upload"),
            t("逐个上传", "upload the files one by one"),
        ),
        Refused::NoFile => (
            t("没有选择文件", "no file chosen"),
            t(
                "选择或拖入本月报表后再上传",
                "choose or drop this month's return, then upload",
            ),
        ),
        Refused::PathName => (
            t(
                "文件名中含有路径（如 ../），已拒收",
                "a file name with a path (such as ../) is refused",
            ),
            t(
                "把文件改成普通文件名后再上传",
                "rename the file to a plain name and upload again",
            ),
        ),
        Refused::Slow => (
            t("上传或审核超时", "the upload or its check took too long"),
            t(
                "稍后重试；仍不行请联系县里",
                "try again later; if it persists, call the county",
            ),
        ),
        Refused::OtherTownship(other) => (
            format!(
                "{}{other}{}",
                lang.t("这是", "this is the return of "),
                lang.t("的报表，不能用本乡镇的账号上传，未收录", ", which this township's account cannot upload; not taken")
            ),
            t(
                "请上传本乡镇的报表；如文件中的填报单位写错了，改正后再上传",
                "upload this township's own return; if its 填报单位 is wrong, correct it and upload again",
            ),
        ),
        Refused::NotAReturn => (
            t(
                "文件已收到，但不是可计入的本月报表",
                "the file arrived but is not a return that can count",
            ),
            t(
                "按下面的说明改正后重新上传",
                "correct it as said below and upload again",
            ),
        ),
        Refused::NoReturns => (
            t("还没有可汇总的报表", "no returns to consolidate yet"),
            t(
                "等乡镇上传后再下载",
                "download once townships have uploaded",
            ),
        ),
        Refused::OpenErrors(n) => (
            format!(
                "{n} {}",
                lang.t("条错误未改，不能通过", "errors open: it cannot be accepted")
            ),
            t(
                "打回并写明原因，请乡镇修改后重报",
                "send it back with a reason so the township corrects it",
            ),
        ),
        Refused::NeedReason => (
            t("打回须写明原因", "sending back needs a reason"),
            t("在原因栏写明要改什么", "say what is to be corrected"),
        ),
        Refused::NeedExplanation(max) => (
            format!(
                "{} {max} {}",
                lang.t("说明须写明原因，最多", "an explanation needs a text of at most"),
                lang.t("字", "characters")
            ),
            t(
                "写明数值为什么是这样（如外地产妇回乡筛查），不写“已核实”之类的套话",
                "say why the values are so (e.g. mothers from elsewhere screened here), not a stock phrase",
            ),
        ),
        Refused::NotExplainable => (
            t(
                "这一版没有可以说明的这条问题",
                "this version has no such finding to explain",
            ),
            t(
                "核实性问题（核实、警示）才能写说明；错误须改正后重报",
                "only findings to verify (warnings) take an explanation; errors are corrected and sent again",
            ),
        ),
        Refused::NoFeedback => (
            t(
                "本月汇总没有给这个乡镇的退回修改通知（其报表未计入或没有问题）",
                "the month's run has no feedback workbook for this township (no return counted, or no findings)",
            ),
            t(
                "在报送情况中查看它的状态；有问题的报表才有通知",
                "see its state on the board; only a return with findings gets one",
            ),
        ),
        Refused::SeenBefore => (
            t(
                "这个文件之前已上传过，当时未能计入",
                "this file was sent before and could not count then",
            ),
            t(
                "按上次上传时的说明改好报表再上传；内容不变的文件不会成为新的一版",
                "correct the return as the first refusal said and send it again; unchanged bytes make no new version",
            ),
        ),
        Refused::Internal(e) => (
            format!("{}: {e}", lang.t("服务器内部错误", "internal error")),
            t("请把这段文字发给县里", "send this text to the county"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_has_words_and_a_hint_in_both_languages() {
        for r in [
            Refused::Forbidden,
            Refused::TooLarge(20),
            Refused::PathName,
            Refused::OpenErrors(2),
            Refused::NeedExplanation(500),
            Refused::NotExplainable,
            Refused::NoFeedback,
            Refused::SeenBefore,
        ] {
            for lang in [Lang::Zh, Lang::En] {
                let (what, hint) = refused(&r, lang);
                assert!(!what.is_empty() && !hint.is_empty());
            }
        }
        assert!(refused(&Refused::TooLarge(20), Lang::Zh)
            .0
            .contains("20 MB"));
    }
}
