//! Periods and dates as people type them: `2026年10月`, `2026-10`, `2026.11.5`, `二〇二六年十月`.

use std::sync::OnceLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use crate::model::{Date, Period};

/// Compiles a constant pattern once (the patterns are fixed here, not read from a file).
fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("constant regex"))
}

/// Chinese numerals in dates (〇一二…十) become digits: 二〇二六年十月 → 2026年10月.
fn arabic(text: &str) -> String {
    let nfkc: String = text.nfkc().collect();
    let digit = |c: char| "〇一二三四五六七八九".chars().position(|d| d == c);
    let chars: Vec<char> = nfkc.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '十' {
            let before = i > 0 && digit(chars[i - 1]).is_some_and(|d| d > 0);
            let after = chars.get(i + 1).and_then(|c| digit(*c)).filter(|d| *d > 0);
            if !before {
                out.push('1');
            }
            if after.is_none() {
                out.push('0');
            }
        } else if c == 'O' && i > 0 && digit(chars[i - 1]).is_some() {
            out.push('0');
        } else if let Some(d) = digit(c) {
            out.push(char::from(b'0' + d as u8));
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

/// A year and month in free text (the first one found).
pub fn period_in(text: &str) -> Option<Period> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = re(&RE, r"(\d{4})\s*(?:年|[-./_])\s*(\d{1,2})(?:\s*月|[^\d]|$)");
    let t = arabic(text);
    re.captures_iter(&t).find_map(|c| {
        Period::new(
            c.get(1)?.as_str().parse().ok()?,
            c.get(2)?.as_str().parse().ok()?,
        )
    })
}

/// A month without a year (`10月`), as in `10月 白沙乡.xls`.
pub fn month_in(text: &str) -> Option<u32> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = re(&RE, r"(?:^|[^\d])(\d{1,2})\s*月");
    let t = arabic(text);
    re.captures(&t)
        .and_then(|c| c.get(1)?.as_str().parse().ok())
        .filter(|m| (1..=12).contains(m))
}

/// A calendar date in free text: `2026年11月3日`, `2026-11-04`, `2026.11.5`.
pub fn date_in(text: &str) -> Option<Date> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = re(
        &RE,
        r"(\d{4})\s*(?:年|[-./])\s*(\d{1,2})\s*(?:月|[-./])\s*(\d{1,2})",
    );
    let t = arabic(text);
    let c = re.captures(&t)?;
    let (y, m, d) = (
        c.get(1)?.as_str().parse().ok()?,
        c.get(2)?.as_str().parse().ok()?,
        c.get(3)?.as_str().parse().ok()?,
    );
    chrono::NaiveDate::from_ymd_opt(y, m, d)?;
    Some(Date {
        year: y,
        month: m,
        day: d,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let oct = Period::new(2026, 10);
        for t in [
            "报告期：2026年10月",
            "2026-10",
            "2026年 10 月",
            "安平县卫生健康工作月报表（2026年10月）",
            "二〇二六年十月",
            "2026.10",
            "柳河镇_2026年10月.xlsx",
        ] {
            assert_eq!(period_in(t), oct, "{t}");
        }
        assert_eq!(period_in("2026年1月"), Period::new(2026, 1));
        assert_eq!(period_in("no period"), None);
    }

    #[test]
    fn months_and_dates() {
        assert_eq!(month_in("10月 白沙乡.xls"), Some(10));
        assert_eq!(month_in("东岭乡9月.xlsx"), Some(9));
        assert_eq!(month_in("新建 Microsoft Excel 工作表.xlsx"), None);
        let d = |y, m, d| {
            Some(Date {
                year: y,
                month: m,
                day: d,
            })
        };
        assert_eq!(date_in("填报日期：2026年11月3日"), d(2026, 11, 3));
        assert_eq!(date_in("2026-11-04"), d(2026, 11, 4));
        assert_eq!(date_in("2026.11.5"), d(2026, 11, 5));
        assert_eq!(date_in("2026年2月30日"), None);
    }
}
