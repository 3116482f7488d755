//! The expression language of checks: SQL expressions over indicator codes, as polars parses
//! them, with the spellings people paste from audit tables (≤ ≥ ≠, 且/或, ==) accepted, rates
//! named by their name (`病床使用率 <= 105`) and last month's value written `A05@-1`.

use regex::Regex;
use std::sync::OnceLock;

/// What a name in an expression refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ref {
    /// An indicator's value in the column the check is evaluated on.
    Code(String),
    /// The indicator's value last month (`A05@-1`), from the history store.
    Previous(String),
    /// A rate of the configuration, by index, computed from its parts.
    Rate(usize),
    /// A name that is none of these (a configuration error).
    Unknown(String),
}

/// An expression made ready for polars: the SQL text with every reference written as a
/// placeholder identifier (`A05`, `A05__p1`, `rate__3`), and the references in order of first
/// appearance.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub sql: String,
    pub refs: Vec<Ref>,
}

/// The suffix of last month's column of a code.
pub const PREVIOUS: &str = "__p1";
/// The prefix of a rate's placeholder.
pub const RATE: &str = "rate__";

/// Rewrites an expression for polars. `rates` are the configured rates' names; `is_code` tells
/// indicator codes.
pub fn prepare(expr: &str, rates: &[&str], is_code: &dyn Fn(&str) -> bool) -> Prepared {
    static PREV: OnceLock<Regex> = OnceLock::new();
    let prev = PREV.get_or_init(|| {
        Regex::new(r"([A-Za-z_][A-Za-z0-9_]*)\s*@\s*-\s*1\b").expect("constant regex")
    });
    let mut sql = to_sql(expr);
    // Longest names first, so that a rate whose name holds another's is taken whole.
    let mut order: Vec<usize> = (0..rates.len()).collect();
    order.sort_by_key(|i| std::cmp::Reverse(rates[*i].chars().count()));
    for i in order {
        if !rates[i].is_empty() {
            // The name as the expression now spells it (full-width brackets made ASCII).
            sql = sql.replace(&to_sql(rates[i]), &format!(" {RATE}{i} "));
        }
    }
    let sql = prev
        .replace_all(&sql, format!("${{1}}{PREVIOUS}"))
        .into_owned();
    let refs = identifiers(&sql)
        .into_iter()
        .map(|id| {
            if let Some(code) = id.strip_suffix(PREVIOUS).filter(|c| is_code(c)) {
                Ref::Previous(code.to_string())
            } else if let Some(i) = id
                .strip_prefix(RATE)
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|i| *i < rates.len())
            {
                Ref::Rate(i)
            } else if is_code(&id) {
                Ref::Code(id)
            } else {
                Ref::Unknown(id)
            }
        })
        .collect();
    Prepared { sql, refs }
}

/// Words an expression may use besides indicator codes.
const KEYWORDS: &[&str] = &[
    "and", "or", "not", "abs", "round", "coalesce", "null", "is", "true", "false", "least",
    "greatest",
];

/// Rewrites full-width and programmer spellings into the SQL that polars parses.
pub fn to_sql(expr: &str) -> String {
    let mut s = String::with_capacity(expr.len());
    for c in expr.chars() {
        match c {
            '≤' => s.push_str("<="),
            '≥' => s.push_str(">="),
            '≠' => s.push_str("<>"),
            '＝' => s.push('='),
            '＜' => s.push('<'),
            '＞' => s.push('>'),
            '＋' => s.push('+'),
            '－' => s.push('-'),
            '×' | '＊' => s.push('*'),
            '÷' | '／' => s.push('/'),
            '（' => s.push('('),
            '）' => s.push(')'),
            '且' => s.push_str(" AND "),
            '或' => s.push_str(" OR "),
            // Full-width letters, digits and punctuation (`Ｃ06`, `１．０５`) as typed with a
            // Chinese input method: the ASCII character they stand for.
            '\u{FF01}'..='\u{FF5E}' => s.push(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)),
            '\u{3000}' => s.push(' '),
            '。' => s.push('.'),
            _ => s.push(c),
        }
    }
    s.replace("==", "=").replace("!=", "<>")
}

/// The identifiers an expression names, in order of first appearance, without keywords.
pub fn identifiers(expr: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, out: &mut Vec<String>| {
        if !current.is_empty() {
            let starts_with_digit = current.chars().next().is_some_and(|c| c.is_ascii_digit());
            let lower = current.to_ascii_lowercase();
            if !starts_with_digit && !KEYWORDS.contains(&lower.as_str()) && !out.contains(current) {
                out.push(current.clone());
            }
            current.clear();
        }
    };
    for c in expr.chars() {
        if c.is_ascii_alphanumeric()
            || c == '_'
            || c == '.' && current.chars().all(|d| d.is_ascii_digit())
        {
            current.push(c);
        } else {
            flush(&mut current, &mut out);
        }
    }
    flush(&mut current, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings() {
        assert_eq!(to_sql("A07 ≤ A06"), "A07 <= A06");
        assert_eq!(to_sql("C02 + C03 == C01"), "C02 + C03 = C01");
        assert_eq!(to_sql("A01≠0且A02≥1"), "A01<>0 AND A02>=1");
        assert_eq!(to_sql("Ｃ06 <= C01"), "C06 <= C01");
        assert_eq!(to_sql("C12 ≤ １．０５ ＊ C01"), "C12 <= 1.05 * C01");
        assert_eq!(to_sql("C12　<=　１.０５*C01"), "C12 <= 1.05*C01");
    }

    #[test]
    fn rates_and_last_month() {
        let is_code = |c: &str| c.len() == 3 && c.starts_with(['A', 'B']);
        let p = prepare(
            "病床使用率 ≤ 105 且 A05 >= A05@-1",
            &["床位", "病床使用率"],
            &is_code,
        );
        assert_eq!(
            p.refs,
            vec![
                Ref::Rate(1),
                Ref::Code("A05".into()),
                Ref::Previous("A05".into())
            ]
        );
        assert!(p.sql.contains("rate__1") && p.sql.contains("A05__p1"));
        assert!(polars::sql::sql_expr(&p.sql).is_ok(), "{}", p.sql);
        let p = prepare("X01 > 0", &[], &is_code);
        assert_eq!(p.refs, vec![Ref::Unknown("X01".into())]);
    }

    #[test]
    fn finds_codes() {
        assert_eq!(identifiers("C12 <= 1.05 * C01"), vec!["C12", "C01"]);
        assert_eq!(
            identifiers("abs(A01 - A02) < 10 AND B1x > 0"),
            vec!["A01", "A02", "B1x"]
        );
    }
}
