//! The expression language of checks: SQL expressions over indicator codes, as polars parses
//! them, with the spellings people paste from audit tables (≤ ≥ ≠, 且/或, ==) accepted.

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
