//! The configuration's validation messages in Chinese. `config/validate.rs` words them in
//! English beside the key and line; here each known wording is given its Chinese, fragment by
//! fragment, so that quoted names and values stay as they were typed. Words only.

/// English fragments of the validation messages and their Chinese, longest first where one
/// holds another.
const FRAGMENTS: &[(&str, &str)] = &[
    (
        "give exactly one of `assert` (must hold), `fail_if` (the failure) or `builtin`",
        "`assert`（须满足）、`fail_if`（出现即报告）、`builtin` 三者须且只能写一个",
    ),
    (
        "is not part of an expression (use < <= = >= > + - * / and, or)",
        "不能用在表达式中（可用 < <= = >= > + - * / 且 或）",
    ),
    (
        "names no value of the expression (its values: ",
        "不是该规则表达式中的数值（可用：",
    ),
    (
        "is not a code (letters, digits, _)",
        "不是合格的代码（只能用字母、数字和 _）",
    ),
    ("township name or alias", "乡镇名称或别名"),
    ("township code", "乡镇代码"),
    ("is given twice", "重复出现"),
    ("duplicate indicator code", "指标代码重复："),
    ("unknown indicator code or rate", "未知的指标代码或比率名称"),
    ("unknown indicator code", "未知的指标代码"),
    ("the form has no indicators", "报表没有任何指标"),
    ("must not be empty", "不能为空"),
    ("names no indicator code", "没有引用任何指标代码"),
    ("cannot parse expression:", "表达式无法解析："),
    ("tolerance must be a number ≥ 0", "tolerance 须为 ≥ 0 的数"),
    (
        "share must be a number > 0 (0.2 for 20%)",
        "share 须为 > 0 的数（20% 写作 0.2）",
    ),
    (
        "outlier: population is not an indicator code",
        "outlier.population 不是指标代码",
    ),
    ("outlier: ", "离群值参数须满足："),
    (" and ", " 且 "),
    ("placeholder", "占位符"),
];

/// The TOML reader's words for the mistakes people make most (a quote or bracket missing, a key
/// misspelt or given twice, a number where text belongs).
const TOML_FRAGMENTS: &[(&str, &str)] = &[
    ("unclosed array table", "[[…]] 标题缺少右方括号"),
    ("unclosed table", "[…] 标题缺少右方括号"),
    ("string values must be quoted", "文字须用英文双引号括起"),
    (", expected literal string", ""),
    ("invalid basic string", "文字缺少结尾的英文双引号"),
    ("duplicate key", "键重复"),
    ("unknown field", "不认识的键"),
    ("missing field", "缺少键"),
    ("invalid type: ", "类型不对："),
    (", expected one of ", "，可用的键："),
    (", expected ", "，应为 "),
    ("a string", "文字（加英文双引号）"),
    ("a sequence", "数组（[…]）"),
    ("integer", "整数"),
    ("float", "小数"),
    ("boolean", "true/false"),
    ("string", "文字"),
];

/// The Chinese of a TOML reading error (fragments not known are left as they are).
pub fn toml_zh(message: &str) -> String {
    let mut s = message.to_string();
    for (en, zh) in TOML_FRAGMENTS {
        s = s.replace(en, zh);
    }
    s
}

/// The Chinese of a validation message (fragments not known are left as they are).
pub fn zh(message: &str) -> String {
    let mut s = message.to_string();
    for (en, zh) in FRAGMENTS {
        s = s.replace(en, zh);
    }
    if s.ends_with(')') && s.contains("（可用：") {
        s.pop();
        s.push('）');
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn toml_messages_read_in_chinese() {
        assert_eq!(
            super::toml_zh("unknown field `nmae`, expected one of `name`, `code`, `aliases`"),
            "不认识的键 `nmae`，可用的键：`name`, `code`, `aliases`"
        );
        assert_eq!(
            super::toml_zh("invalid type: integer `1`, expected a string"),
            "类型不对：整数 `1`，应为 文字（加英文双引号）"
        );
        assert_eq!(
            super::toml_zh("string values must be quoted, expected literal string"),
            "文字须用英文双引号括起"
        );
    }

    #[test]
    fn known_messages_read_in_chinese() {
        assert_eq!(
            super::zh("placeholder {C30} names no value of the expression (its values: C14, C15)"),
            "占位符 {C30} 不是该规则表达式中的数值（可用：C14, C15）"
        );
        assert_eq!(
            super::zh("township code \"01\" is given twice"),
            "乡镇代码 \"01\" 重复出现"
        );
        assert_eq!(
            super::zh("unknown indicator code \"Z9\""),
            "未知的指标代码 \"Z9\""
        );
    }
}
