//! Why a file could not be read, in words people can act on. Words only.

use crate::findings::Unreadable;

use super::Lang;

pub(super) fn unreadable(u: &Unreadable, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match u {
        Unreadable::Io(e) => {
            if zh {
                format!("文件无法打开：{e}")
            } else {
                format!("cannot open the file: {e}")
            }
        }
        Unreadable::Empty => lang
            .t(
                "文件为空（0 字节），请重新报送",
                "the file is empty (0 bytes); please send it again",
            )
            .into(),
        Unreadable::TooLarge(n) => {
            if zh {
                format!("文件过大（{} MB），未读取", n / (1024 * 1024))
            } else {
                format!("file too large ({} MB); not read", n / (1024 * 1024))
            }
        }
        Unreadable::OverCap(what) => {
            if zh {
                format!("文件过大或疑似压缩炸弹（{what}），未读取")
            } else {
                format!("file too large or a suspected zip bomb ({what}); not read")
            }
        }
        Unreadable::NotSpreadsheet(what) => {
            if zh {
                format!("不是表格文件（内容是{what}），未读取")
            } else {
                format!("not a spreadsheet (the content is {what}); not read")
            }
        }
        Unreadable::Encrypted => lang
            .t(
                "文件已加密，请去掉密码后重新报送",
                "the file is password protected; remove the password and send it again",
            )
            .into(),
        Unreadable::Damaged(e) => {
            if zh {
                format!("文件不完整或已损坏，请重新保存后报送（{e}）")
            } else {
                format!("the file is truncated or damaged; save it again and resend ({e})")
            }
        }
    }
}
