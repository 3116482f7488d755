//! Text for matching labels, indicator names and township names: NFKC (full-width →
//! half-width), traditional → simplified, no spaces, no punctuation, no bracketed remarks.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use ferrous_opencc::{config::BuiltinConfig, OpenCC};
use unicode_normalization::UnicodeNormalization;

fn t2s() -> Option<&'static OpenCC> {
    static CONVERTER: OnceLock<Option<OpenCC>> = OnceLock::new();
    CONVERTER
        .get_or_init(|| OpenCC::from_config(BuiltinConfig::T2s).ok())
        .as_ref()
}

/// Entries kept per thread by the conversion cache: the same labels, names and townships come
/// back in every return, and a province has thousands of returns.
const CACHE_ENTRIES: usize = 50_000;

thread_local! {
    static SIMPLIFIED: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    static KEYS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// Traditional characters to simplified; text without CJK is returned as is.
pub fn to_simplified(s: &str) -> String {
    if s.chars().all(|c| (c as u32) < 0x2E80) {
        return s.to_string();
    }
    if let Some(hit) = SIMPLIFIED.with(|c| c.borrow().get(s).cloned()) {
        return hit;
    }
    let converted = match t2s() {
        Some(cc) => cc.convert(s),
        None => s.to_string(),
    };
    SIMPLIFIED.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(s.to_string(), converted.clone());
    });
    converted
}

/// NFKC, then simplified characters, then only letters and digits kept, with bracketed
/// remarks such as `（盖章）` removed. ASCII letters are upper-cased.
pub fn match_key(s: &str) -> String {
    if let Some(hit) = KEYS.with(|c| c.borrow().get(s).cloned()) {
        return hit;
    }
    let key = compute_key(s);
    KEYS.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(s.to_string(), key.clone());
    });
    key
}

fn compute_key(s: &str) -> String {
    let nfkc: String = s.nfkc().collect();
    let simple = to_simplified(&nfkc);
    let mut out = String::with_capacity(simple.len());
    let mut depth = 0u32;
    for c in simple.chars() {
        match c {
            '(' | '[' | '【' | '〔' => depth += 1,
            ')' | ']' | '】' | '〕' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            _ if c.is_alphanumeric() => out.push(c.to_ascii_uppercase()),
            _ => {}
        }
    }
    // A label that was nothing but a remark keeps its content.
    if out.is_empty() && !simple.is_empty() {
        return simple
            .chars()
            .filter(|c| c.is_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .collect();
    }
    out
}

/// Splits `填报单位（盖章）：青石镇卫生院` into label and value at the first colon.
pub fn split_label(s: &str) -> Option<(&str, &str)> {
    let idx = s.find([':', '：'])?;
    let colon_len = s[idx..].chars().next().map_or(1, char::len_utf8);
    Some((&s[..idx], s[idx + colon_len..].trim()))
}

/// Similarity of two match keys, 0..1 (normalised Levenshtein over characters).
pub fn similarity(a: &str, b: &str) -> f64 {
    strsim::normalized_levenshtein(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        for (typed, key) in [
            ("填报单位（盖章）", "填报单位"),
            ("家庭医生 签约人数", "家庭医生签约人数"),
            ("家庭醫生簽約人數", "家庭医生签约人数"),
            ("其中:男", "其中男"),
            ("其中：男", "其中男"),
            ("“先诊疗后付费”受益人数", "先诊疗后付费受益人数"),
            ("２型糖尿病患者在管人数", "2型糖尿病患者在管人数"),
            ("青石鎮衛生院", "青石镇卫生院"),
            ("c01", "C01"),
            ("（盖章）", "盖章"),
        ] {
            assert_eq!(match_key(typed), key, "{typed}");
        }
    }

    #[test]
    fn labels() {
        assert_eq!(
            split_label("填报单位（盖章）：青石镇卫生院"),
            Some(("填报单位（盖章）", "青石镇卫生院"))
        );
        assert_eq!(
            split_label("报告期: 2026年10月"),
            Some(("报告期", "2026年10月"))
        );
        assert_eq!(split_label("无冒号"), None);
    }
}
