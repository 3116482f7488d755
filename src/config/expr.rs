//! The expression language of checks: SQL expressions over indicator codes, with the spellings
//! people paste from audit tables (≤ ≥ ≠, 且/或, ==, full-width letters and digits) accepted,
//! rates named by their name (`病床使用率 <= 105`) and last month's value written `A05@-1`.
//!
//! An expression is read once, character by character, into typed tokens: every name becomes a
//! [`Ref`] (a code, last month's code, a rate, or unknown), every spelling its operator. Nothing
//! rewrites text afterwards: `check/` renders the tokens once with each reference as its frame
//! column ([`Expression::render`]) and polars parses that. Knows no frame column names.

/// What a name in an expression refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ref {
    /// An indicator's value in the column the check is evaluated on.
    Code(String),
    /// The indicator's value last month (`A05@-1`), from the history store.
    Previous(String),
    /// A rate of the configuration, by index, computed from its parts.
    Rate(usize),
    /// A name that is none of these (a configuration error), as typed (`X01`, `病床使用率@-1`).
    Unknown(String),
}

/// An operator, whichever way it was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Lt,
    LtEq,
    Eq,
    GtEq,
    Gt,
    NotEq,
    Plus,
    Minus,
    Times,
    Divide,
    Modulo,
}

impl Op {
    fn sql(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::LtEq => "<=",
            Op::Eq => "=",
            Op::GtEq => ">=",
            Op::Gt => ">",
            Op::NotEq => "<>",
            Op::Plus => "+",
            Op::Minus => "-",
            Op::Times => "*",
            Op::Divide => "/",
            Op::Modulo => "%",
        }
    }
}

/// Words an expression may use besides indicator codes (lower case; matched ignoring case).
const KEYWORDS: &[&str] = &[
    "and", "or", "not", "abs", "round", "coalesce", "null", "is", "true", "false", "least",
    "greatest",
];

/// The keywords that are functions (their `(` follows without a space when rendered).
const FUNCTIONS: &[&str] = &["abs", "round", "coalesce", "least", "greatest"];

/// One piece of an expression, as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// A value the expression reads: its index in [`Expression::refs`].
    Value(usize),
    /// A number as typed, in ASCII (`1.05` for `１．０５`).
    Number(String),
    /// A keyword or function of [`KEYWORDS`], lower case (`and` for `且`).
    Word(&'static str),
    Op(Op),
    Open,
    Close,
    Comma,
    /// A character that is no part of the language, and its position (1-based, in characters).
    Stray {
        ch: char,
        at: usize,
    },
}

/// An expression read into tokens, and the values it reads in order of first appearance.
#[derive(Debug, Clone, PartialEq)]
pub struct Expression {
    pub tokens: Vec<Token>,
    pub refs: Vec<Ref>,
}

impl Expression {
    /// The first character that is no part of the language, with its position.
    pub fn stray(&self) -> Option<(char, usize)> {
        self.tokens.iter().find_map(|t| match t {
            Token::Stray { ch, at } => Some((*ch, *at)),
            _ => None,
        })
    }

    /// The expression as SQL for polars, each reference written as the quoted column `column`
    /// gives it (a reference without a column, only ever an unknown one, as its name).
    pub fn render(&self, column: impl Fn(&Ref) -> Option<String>) -> String {
        let mut out = String::new();
        let mut previous: Option<&Token> = None;
        for token in &self.tokens {
            let piece = match token {
                Token::Value(i) => {
                    let r = &self.refs[*i];
                    let name = column(r).unwrap_or_else(|| match r {
                        Ref::Code(c) | Ref::Previous(c) | Ref::Unknown(c) => c.clone(),
                        Ref::Rate(i) => format!("rate {i}"),
                    });
                    format!("\"{}\"", name.replace('"', "\"\""))
                }
                Token::Number(n) => n.clone(),
                Token::Word(w) => w.to_ascii_uppercase(),
                Token::Op(op) => op.sql().to_string(),
                Token::Open => "(".into(),
                Token::Close => ")".into(),
                Token::Comma => ",".into(),
                Token::Stray { ch, .. } => ch.to_string(),
            };
            // No space before `)` and `,`, none after `(` or between a function and its `(`:
            // `ABS("A01")`, `ROUND("A01", 2)`.
            let function = matches!(previous, Some(Token::Word(w)) if FUNCTIONS.contains(w));
            let glued = matches!(token, Token::Close | Token::Comma)
                || matches!(previous, Some(Token::Open))
                || matches!(token, Token::Open) && function;
            if previous.is_some() && !glued {
                out.push(' ');
            }
            out.push_str(&piece);
            previous = Some(token);
        }
        out
    }
}

/// The ASCII a character typed with a Chinese input method stands for (`Ｃ` → `C`, `。` → `.`,
/// the ideographic space → space); other characters as they are.
fn narrow(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '。' => '.',
        _ => c,
    }
}

/// Reads an expression. `rates` are the configured rates' names; `is_code` tells indicator codes.
pub fn parse(expr: &str, rates: &[&str], is_code: &dyn Fn(&str) -> bool) -> Expression {
    Reader::new(expr, rates, is_code).read()
}

/// The reader's state: the expression's characters narrowed to ASCII where they stand for it.
struct Reader<'a> {
    chars: Vec<char>,
    /// Rate names narrowed the same way, with their index, longest first so that a rate whose
    /// name holds another's is taken whole.
    rates: Vec<(Vec<char>, usize)>,
    is_code: &'a dyn Fn(&str) -> bool,
    at: usize,
    out: Expression,
}

impl<'a> Reader<'a> {
    fn new(expr: &str, rates: &[&str], is_code: &'a dyn Fn(&str) -> bool) -> Self {
        let mut names: Vec<(Vec<char>, usize)> = rates
            .iter()
            .enumerate()
            .filter(|(_, n)| !n.is_empty())
            .map(|(i, n)| (n.chars().map(narrow).collect(), i))
            .collect();
        names.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
        Reader {
            chars: expr.chars().map(narrow).collect(),
            rates: names,
            is_code,
            at: 0,
            out: Expression {
                tokens: Vec::new(),
                refs: Vec::new(),
            },
        }
    }

    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    fn read(mut self) -> Expression {
        while let Some(c) = self.peek(0) {
            if c.is_whitespace() {
                self.at += 1;
            } else if let Some((len, index)) = self.rate_here() {
                self.at += len;
                let r = match self.last_month() {
                    true => Ref::Unknown(format!("{}@-1", self.rate_name(index))),
                    false => Ref::Rate(index),
                };
                self.value(r);
            } else if c.is_ascii_alphabetic() || c == '_' {
                self.name();
            } else if c.is_ascii_digit()
                || c == '.' && self.peek(1).is_some_and(|d| d.is_ascii_digit())
            {
                let start = self.at;
                while self
                    .peek(0)
                    .is_some_and(|d| d.is_ascii_alphanumeric() || d == '_' || d == '.')
                {
                    self.at += 1;
                }
                let n = self.chars[start..self.at].iter().collect();
                self.out.tokens.push(Token::Number(n));
            } else {
                let token = self.symbol(c);
                self.out.tokens.push(token);
            }
        }
        self.out
    }

    /// The longest rate name that starts here, if one does (an ASCII name not cut from a
    /// longer one).
    fn rate_here(&self) -> Option<(usize, usize)> {
        let rest = &self.chars[self.at..];
        self.rates.iter().find_map(|(name, index)| {
            let whole = rest.starts_with(name)
                && !(name.last().is_some_and(|c| c.is_ascii_alphanumeric())
                    && rest
                        .get(name.len())
                        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_'));
            whole.then_some((name.len(), *index))
        })
    }

    fn rate_name(&self, index: usize) -> String {
        self.rates
            .iter()
            .find(|(_, i)| *i == index)
            .map(|(n, _)| n.iter().collect())
            .unwrap_or_default()
    }

    /// A code, a keyword, or an unknown name; `@-1` after it makes it last month's.
    fn name(&mut self) {
        let start = self.at;
        while self
            .peek(0)
            .is_some_and(|d| d.is_ascii_alphanumeric() || d == '_')
        {
            self.at += 1;
        }
        let name: String = self.chars[start..self.at].iter().collect();
        let lower = name.to_ascii_lowercase();
        if let Some(word) = KEYWORDS.iter().find(|k| **k == lower) {
            self.out.tokens.push(Token::Word(word));
            return;
        }
        let code = (self.is_code)(&name);
        let r = match (self.last_month(), code) {
            (true, true) => Ref::Previous(name),
            (true, false) => Ref::Unknown(format!("{name}@-1")),
            (false, true) => Ref::Code(name),
            (false, false) => Ref::Unknown(name),
        };
        self.value(r);
    }

    /// Takes `@-1` (spaces allowed around `@` and `-`) if it follows.
    fn last_month(&mut self) -> bool {
        let mut i = self.at;
        let expect = |c: char, i: &mut usize| {
            while self.chars.get(*i).is_some_and(|d| d.is_whitespace()) {
                *i += 1;
            }
            let found = self.chars.get(*i) == Some(&c);
            *i += 1;
            found
        };
        let taken = expect('@', &mut i)
            && expect('-', &mut i)
            && expect('1', &mut i)
            && !self
                .chars
                .get(i)
                .is_some_and(|d| d.is_alphanumeric() || *d == '_');
        if taken {
            self.at = i;
        }
        taken
    }

    fn value(&mut self, r: Ref) {
        let index = match self.out.refs.iter().position(|known| *known == r) {
            Some(i) => i,
            None => {
                self.out.refs.push(r);
                self.out.refs.len() - 1
            }
        };
        self.out.tokens.push(Token::Value(index));
    }

    /// An operator, bracket or comma (two characters for `<=`, `==`, `<>`, `!=`, `>=`), or a
    /// stray character.
    fn symbol(&mut self, c: char) -> Token {
        let next = self.peek(1);
        let (token, len) = match (c, next) {
            ('<', Some('=')) => (Token::Op(Op::LtEq), 2),
            ('<', Some('>')) | ('!', Some('=')) => (Token::Op(Op::NotEq), 2),
            ('>', Some('=')) => (Token::Op(Op::GtEq), 2),
            ('=', Some('=')) => (Token::Op(Op::Eq), 2),
            ('<', _) => (Token::Op(Op::Lt), 1),
            ('>', _) => (Token::Op(Op::Gt), 1),
            ('=', _) => (Token::Op(Op::Eq), 1),
            ('≤', _) => (Token::Op(Op::LtEq), 1),
            ('≥', _) => (Token::Op(Op::GtEq), 1),
            ('≠', _) => (Token::Op(Op::NotEq), 1),
            ('+', _) => (Token::Op(Op::Plus), 1),
            ('-', _) => (Token::Op(Op::Minus), 1),
            ('*' | '×', _) => (Token::Op(Op::Times), 1),
            ('/' | '÷', _) => (Token::Op(Op::Divide), 1),
            ('%', _) => (Token::Op(Op::Modulo), 1),
            ('(', _) => (Token::Open, 1),
            (')', _) => (Token::Close, 1),
            (',', _) => (Token::Comma, 1),
            ('且', _) => (Token::Word("and"), 1),
            ('或', _) => (Token::Word("or"), 1),
            (ch, _) => (
                Token::Stray {
                    ch,
                    at: self.at + 1,
                },
                1,
            ),
        };
        self.at += len;
        token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(c: &str) -> bool {
        c.len() == 3 && c.starts_with(['A', 'B', 'C'])
    }

    /// The SQL with each reference as its label (`A05`, `A05@-1`, `rate1`).
    fn sql(e: &Expression) -> String {
        e.render(|r| {
            Some(match r {
                Ref::Code(c) | Ref::Unknown(c) => c.clone(),
                Ref::Previous(c) => format!("{c}@-1"),
                Ref::Rate(i) => format!("rate{i}"),
            })
        })
    }

    fn read(text: &str) -> Expression {
        parse(text, &["床位", "病床使用率", "BOR"], &codes)
    }

    #[test]
    fn spellings_become_the_same_operators() {
        assert_eq!(sql(&read("A07 ≤ A06")), r#""A07" <= "A06""#);
        assert_eq!(sql(&read("C02 + C03 == C01")), r#""C02" + "C03" = "C01""#);
        assert_eq!(sql(&read("A01≠0且A02≥1")), r#""A01" <> 0 AND "A02" >= 1"#);
        assert_eq!(
            sql(&read("A01 != 0 或 A02<>1")),
            r#""A01" <> 0 OR "A02" <> 1"#
        );
        assert_eq!(sql(&read("Ｃ06 <= C01")), r#""C06" <= "C01""#);
        assert_eq!(
            sql(&read("C12 ≤ １．０５ ＊ C01")),
            r#""C12" <= 1.05 * "C01""#
        );
        assert_eq!(
            sql(&read("C12　<=　１。０５×C01÷２")),
            r#""C12" <= 1.05 * "C01" / 2"#
        );
        assert_eq!(
            sql(&read(
                "abs（A01 － A02） ＜ 10 and round(A03, 2) is not null"
            )),
            r#"ABS("A01" - "A02") < 10 AND ROUND("A03", 2) IS NOT NULL"#
        );
    }

    #[test]
    fn chinese_rate_names_and_last_month_are_references() {
        let e = read("病床使用率 ≤ 105 且 A05 >= A05 @ - 1 且 床位>0");
        assert_eq!(
            e.refs,
            vec![
                Ref::Rate(1),
                Ref::Code("A05".into()),
                Ref::Previous("A05".into()),
                Ref::Rate(0)
            ]
        );
        assert_eq!(
            sql(&e),
            r#""rate1" <= 105 AND "A05" >= "A05@-1" AND "rate0" > 0"#
        );
        // A name met twice is one reference.
        assert_eq!(read("A05@-1 < A05 且 A05@-1 > 0").refs.len(), 2);
        // An ASCII rate name is not cut out of a longer name.
        assert_eq!(
            read("BOR > BORX").refs,
            vec![Ref::Rate(2), Ref::Unknown("BORX".into())]
        );
    }

    #[test]
    fn names_that_are_no_value_are_unknown() {
        assert_eq!(read("X01 > 0").refs, vec![Ref::Unknown("X01".into())]);
        assert_eq!(read("X01@-1 > 0").refs, vec![Ref::Unknown("X01@-1".into())]);
        assert_eq!(
            read("病床使用率@-1 > 0").refs,
            vec![Ref::Unknown("病床使用率@-1".into())]
        );
        // Only last month: `@-2` leaves `@` stray.
        let e = read("A05@-2 > 0");
        assert_eq!(e.refs, vec![Ref::Code("A05".into())]);
        assert_eq!(e.stray(), Some(('@', 4)));
        // The frame's internal names are no way in.
        assert_eq!(
            read("rate__0 > 0").refs,
            vec![Ref::Unknown("rate__0".into())]
        );
    }

    #[test]
    fn a_stray_character_is_told_with_its_position() {
        assert_eq!(read("C06≦C01").stray(), Some(('≦', 4)));
        assert_eq!(read("C06 <= C01; A01 > 0").stray(), Some((';', 11)));
        assert_eq!(read("床位 > \"A01\"").stray(), Some(('"', 6)));
        assert_eq!(read("A01 > 0").stray(), None);
    }

    #[test]
    fn rendered_expressions_parse_in_polars() {
        for text in [
            "病床使用率 ≤ 105 且 A05 >= A05@-1",
            "abs(A01 - A02) <= 0.5 或 coalesce(A03, 0) > 1",
            "A01 IS NULL OR NOT (A02 > .5)",
        ] {
            let rendered = sql(&read(text));
            assert!(polars::sql::sql_expr(&rendered).is_ok(), "{rendered}");
        }
    }
}
