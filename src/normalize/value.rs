//! A cell as typed → a number, with how it was read; or why it cannot be used (R13); or blank.

use unicode_normalization::UnicodeNormalization;

use crate::findings::{Invalid, ReadHow};
use crate::read::{RawCell, RawValue};

/// What a value cell holds, once read.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    /// Nothing typed (a required blank is R14, never zero).
    Blank,
    /// A usable number; `how` says how it was read when not typed as a plain number.
    Value { value: f64, how: Option<ReadHow> },
    /// Not usable (R13): left out of every total.
    Invalid(Invalid),
    /// A value the form gives a meaning (`-2` = 未开展): not an amount, never summed.
    Sentinel(f64),
}

/// What the reading needs to know of the indicator.
#[derive(Debug, Clone, Copy)]
pub struct Expect<'a> {
    /// Head-counts take whole numbers only.
    pub whole: bool,
    /// The unit is already in 万 (a typed 万 is then ambiguous).
    pub unit_is_wan: bool,
    pub unit: &'a str,
    /// Values that stand for a state (`[form] sentinels`).
    pub sentinels: &'a [f64],
}

/// Units people type after a number.
const UNITS: &[&str] = &[
    "万元", "千克", "公斤", "人次", "元", "人", "例", "张", "日", "天", "次", "个", "kg", "KG",
    "Kg",
];
const ZERO_WORDS: &[&str] = &["—", "——", "-", "--", "–", "―", "/", "\\", "无", "零", "空"];

pub fn read(cell: Option<&RawCell>, expect: Expect<'_>) -> Reading {
    let Some(cell) = cell else {
        return Reading::Blank;
    };
    if let Some(formula) = &cell.formula {
        let no_result = match &cell.value {
            RawValue::Empty => true,
            RawValue::Text(t) => t.is_empty(),
            _ => false,
        };
        if no_result {
            return Reading::Invalid(Invalid::FormulaNoResult(formula.clone()));
        }
        return match read_value(&cell.value, expect) {
            Reading::Value { value, .. } => Reading::Value {
                value,
                how: Some(ReadHow::FormulaResult),
            },
            other => other,
        };
    }
    read_value(&cell.value, expect)
}

fn read_value(value: &RawValue, expect: Expect<'_>) -> Reading {
    match value {
        RawValue::Empty => Reading::Blank,
        RawValue::Number(n) => checked(*n, None, expect),
        RawValue::Text(t) => read_text(t, expect),
        RawValue::Error(e) => Reading::Invalid(Invalid::ErrorValue(e.clone())),
        RawValue::Bool(_) | RawValue::Date(..) => Reading::Invalid(Invalid::NotNumber),
    }
}

fn checked(value: f64, how: Option<ReadHow>, expect: Expect<'_>) -> Reading {
    if expect.sentinels.contains(&value) {
        Reading::Sentinel(value)
    } else if !value.is_finite() {
        Reading::Invalid(Invalid::NotNumber)
    } else if value < 0.0 {
        Reading::Invalid(Invalid::Negative)
    } else if expect.whole && (value - value.round()).abs() > 1e-9 {
        Reading::Invalid(Invalid::Fraction)
    } else {
        Reading::Value { value, how }
    }
}

fn read_text(typed: &str, expect: Expect<'_>) -> Reading {
    let trimmed = typed.trim();
    if trimmed.is_empty() {
        return Reading::Blank;
    }
    let nfkc: String = trimmed.nfkc().collect::<String>().trim().to_string();
    let full_width = trimmed
        .chars()
        .any(|c| ('\u{FF01}'..='\u{FF5E}').contains(&c));
    let mut s: &str = &nfkc;
    if ZERO_WORDS.contains(&s) || ZERO_WORDS.contains(&trimmed) {
        return Reading::Value {
            value: 0.0,
            how: Some(ReadHow::ZeroWord),
        };
    }
    if s.ends_with('%') || s.ends_with('‰') {
        return Reading::Invalid(Invalid::Percent);
    }
    let mut how = None;
    if let Some(unit) = UNITS
        .iter()
        .chain(std::iter::once(&expect.unit))
        .filter(|u| !u.is_empty())
        .find(|u| s.len() > u.len() && s.ends_with(*u))
    {
        s = s[..s.len() - unit.len()].trim_end();
        how = Some(ReadHow::UnitSuffix);
    }
    let mut multiplier = 1.0;
    if let Some(rest) = s.strip_suffix('万') {
        if expect.unit_is_wan {
            return Reading::Invalid(Invalid::WanInWanYuan);
        }
        s = rest.trim_end();
        multiplier = 10_000.0;
        how = Some(ReadHow::Wan);
    }
    let mut digits = s.to_string();
    if s.contains(',') {
        if !thousands_ok(s) {
            return Reading::Invalid(Invalid::NotNumber);
        }
        digits = s.replace(',', "");
        how = how.or(Some(ReadHow::Thousands));
    }
    let Some(number) = plain_number(&digits) else {
        return Reading::Invalid(Invalid::NotNumber);
    };
    let how = how.or(if full_width {
        Some(ReadHow::FullWidth)
    } else {
        Some(ReadHow::TextNumber)
    });
    let value = if multiplier == 1.0 {
        number
    } else {
        (number * multiplier * 1e6).round() / 1e6
    };
    checked(value, how, expect)
}

/// `-?digits(.digits)?` and nothing else (no exponents, no `inf`).
fn plain_number(s: &str) -> Option<f64> {
    let body = s.strip_prefix('-').unwrap_or(s);
    let mut parts = body.splitn(2, '.');
    let int = parts.next()?;
    let frac = parts.next();
    let ok = !int.is_empty()
        && int.chars().all(|c| c.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()));
    if ok {
        s.parse().ok()
    } else {
        None
    }
}

/// `1,234` and `12,345,678.5`: groups of three after the first.
fn thousands_ok(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    let int = body.split('.').next().unwrap_or("");
    let groups: Vec<&str> = int.split(',').collect();
    groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declared_sentinel_is_not_an_amount() {
        let e = Expect {
            sentinels: &[-2.0],
            ..COUNT
        };
        assert_eq!(
            read_value(&RawValue::Number(-2.0), e),
            Reading::Sentinel(-2.0)
        );
        assert_eq!(
            read_value(&RawValue::Text("-2".into()), e),
            Reading::Sentinel(-2.0)
        );
        assert_eq!(
            read_value(&RawValue::Number(-3.0), e),
            Reading::Invalid(Invalid::Negative)
        );
    }

    const COUNT: Expect = Expect {
        whole: true,
        unit_is_wan: false,
        unit: "人",
        sentinels: &[],
    };
    const WAN_YUAN: Expect = Expect {
        whole: false,
        unit_is_wan: true,
        unit: "万元",
        sentinels: &[],
    };

    fn text(s: &str) -> RawCell {
        RawCell {
            value: RawValue::Text(s.into()),
            formula: None,
        }
    }

    fn ok(v: f64, how: Option<ReadHow>) -> Reading {
        Reading::Value { value: v, how }
    }

    #[test]
    fn typed_text() {
        use ReadHow::*;
        for (typed, expect, want) in [
            ("123", COUNT, ok(123.0, Some(TextNumber))),
            (" 45 ", COUNT, ok(45.0, Some(TextNumber))),
            ("1,234", COUNT, ok(1234.0, Some(Thousands))),
            ("１２３", COUNT, ok(123.0, Some(FullWidth))),
            ("１，２３４", COUNT, ok(1234.0, Some(Thousands))),
            ("12人", COUNT, ok(12.0, Some(UnitSuffix))),
            ("1.2万", COUNT, ok(12000.0, Some(Wan))),
            ("3.6万人", COUNT, ok(36000.0, Some(Wan))),
            ("2000万", COUNT, ok(20_000_000.0, Some(Wan))),
            ("—", COUNT, ok(0.0, Some(ZeroWord))),
            ("/", COUNT, ok(0.0, Some(ZeroWord))),
            ("无", COUNT, ok(0.0, Some(ZeroWord))),
            ("12.5万元", WAN_YUAN, ok(12.5, Some(UnitSuffix))),
            ("2000万", WAN_YUAN, Reading::Invalid(Invalid::WanInWanYuan)),
            ("95%", COUNT, Reading::Invalid(Invalid::Percent)),
            ("-5", COUNT, Reading::Invalid(Invalid::Negative)),
            ("12.5", COUNT, Reading::Invalid(Invalid::Fraction)),
            ("1,23", COUNT, Reading::Invalid(Invalid::NotNumber)),
            ("不详", COUNT, Reading::Invalid(Invalid::NotNumber)),
            ("1e5", COUNT, Reading::Invalid(Invalid::NotNumber)),
            ("inf", COUNT, Reading::Invalid(Invalid::NotNumber)),
            ("   ", COUNT, Reading::Blank),
        ] {
            assert_eq!(read(Some(&text(typed)), expect), want, "{typed:?}");
        }
    }

    #[test]
    fn cells() {
        let num = |v| RawCell {
            value: RawValue::Number(v),
            formula: None,
        };
        assert_eq!(read(Some(&num(12.0)), COUNT), ok(12.0, None));
        assert_eq!(read(Some(&num(45.67)), WAN_YUAN), ok(45.67, None));
        assert_eq!(read(None, COUNT), Reading::Blank);
        let f = RawCell {
            value: RawValue::Number(61.0),
            formula: Some("E8+E9".into()),
        };
        assert_eq!(
            read(Some(&f), COUNT),
            ok(61.0, Some(ReadHow::FormulaResult))
        );
        let f = RawCell {
            value: RawValue::Empty,
            formula: Some("E8+E9".into()),
        };
        assert_eq!(
            read(Some(&f), COUNT),
            Reading::Invalid(Invalid::FormulaNoResult("E8+E9".into()))
        );
        let e = RawCell {
            value: RawValue::Error("#DIV/0!".into()),
            formula: None,
        };
        assert_eq!(
            read(Some(&e), COUNT),
            Reading::Invalid(Invalid::ErrorValue("#DIV/0!".into()))
        );
    }
}
