//! Validation of a parsed configuration: every mistake names its key and line.

use std::collections::BTreeSet;
use std::ops::Range;

use super::{expr, Config};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{origin}:{line}: {message}")]
    Syntax {
        origin: String,
        line: usize,
        message: String,
    },
    #[error("{origin}:{line}: {key}: {message}")]
    Invalid {
        origin: String,
        line: usize,
        key: String,
        message: String,
    },
    /// Not UTF-8, GBK or UTF-16: `encoding` is what it looked like.
    #[error("configuration {path} is not text in UTF-8, GBK or UTF-16 (looks like {encoding})")]
    Encoding { path: String, encoding: String },
    #[error("internal error in configuration: {0}")]
    Internal(String),
}

/// Which parts came from the built-in form (their spans point into its text).
pub struct Sources {
    pub indicators: bool,
    pub rates: bool,
    /// How many of the checks, from the first, came from the built-in form (the rest are the
    /// county's `[[more_checks]]` or its own `[[checks]]`).
    pub checks: usize,
}

/// The text of a configuration as people save it: UTF-8 with or without a BOM (Notepad, VS
/// Code), UTF-16 (Notepad's "Unicode", WPS), or GBK/GB18030 (older Notepad, "ANSI" on a Chinese
/// Windows). Anything else, or bytes that do not decode cleanly, is refused with what it looked
/// like, rather than read with replacement characters.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        return if had_errors {
            Err(enc.name().to_string())
        } else {
            Ok(text.into_owned())
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    // UTF-16 without a BOM: every other byte of ASCII text is zero.
    let zeros = |start: usize| {
        bytes
            .iter()
            .skip(start)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let half = bytes.len() / 2;
    let utf16 = if half > 0 && zeros(1) * 3 > half {
        Some(encoding_rs::UTF_16LE)
    } else if half > 0 && zeros(0) * 3 > half {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    };
    let enc = utf16.unwrap_or_else(|| {
        let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        det.feed(bytes, true);
        det.guess(Some(b"cn"), chardetng::Utf8Detection::Allow)
    });
    let accepted = utf16.is_some() || enc == encoding_rs::GBK || enc == encoding_rs::GB18030;
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if accepted && !had_errors && !text.contains('\0') {
        Ok(text.into_owned())
    } else {
        Err(enc.name().to_string())
    }
}

/// The placeholders a check's message may use: the names of the values its expression reads
/// (`C01`, `A05@-1`, a rate's name), as the finding carries them.
fn placeholders(c: &Config, refs: &[expr::Ref]) -> Vec<String> {
    refs.iter()
        .filter_map(|r| match r {
            expr::Ref::Code(code) => Some(code.clone()),
            expr::Ref::Previous(code) => Some(format!("{code}@-1")),
            expr::Ref::Rate(i) => c.rates.get(*i).map(|r| r.name.get_ref().clone()),
            expr::Ref::Unknown(_) => None,
        })
        .collect()
}

/// A `{NAME}` in the message or message_en that the finding will not fill (it would be printed
/// as typed).
fn unknown_placeholder(c: &Config, ch: &super::Check, refs: &[expr::Ref]) -> Option<String> {
    let known = placeholders(c, refs);
    [ch.message.as_deref(), ch.message_en.as_deref()]
        .into_iter()
        .flatten()
        .flat_map(|m| m.split('{').skip(1).filter_map(|p| p.split_once('}')))
        .map(|(name, _)| name.trim().to_string())
        .find(|name| !known.iter().any(|k| k == name))
}

fn line_of(text: &str, span: Option<Range<usize>>) -> usize {
    match span {
        Some(s) => text.get(..s.start).map_or(0, |t| t.matches('\n').count()) + 1,
        None => 0,
    }
}

pub fn toml_error(origin: &str, text: &str, e: &toml::de::Error) -> ConfigError {
    ConfigError::Syntax {
        origin: origin.to_string(),
        line: line_of(text, e.span()),
        message: e.message().trim().to_string(),
    }
}

struct Ctx<'a> {
    origin: &'a str,
    text: &'a str,
}

impl Ctx<'_> {
    fn err(&self, span: Range<usize>, key: String, message: String) -> ConfigError {
        ConfigError::Invalid {
            origin: self.origin.to_string(),
            line: line_of(self.text, Some(span)),
            key,
            message,
        }
    }
}

// long-function: a list of independent checks on the configuration, read top to bottom; not yet split (issue 10)
pub fn validate(c: &Config, origin: &str, text: &str, src: &Sources) -> Result<(), ConfigError> {
    let user = Ctx { origin, text };
    let builtin = Ctx {
        origin: "<built-in form>",
        text: super::DEFAULT_FORM,
    };
    let pick = |from_default: bool| if from_default { &builtin } else { &user };

    if c.county.trim().is_empty() {
        return Err(user.err(0..0, "county".into(), "must not be empty".into()));
    }
    let mut names = BTreeSet::new();
    let mut township_codes = BTreeSet::new();
    for (i, t) in c.townships.iter().enumerate() {
        // Two townships under one code would be merged in every report that keys by code.
        if let Some(code) = t.code.as_deref().filter(|c| !c.trim().is_empty()) {
            if !township_codes.insert(code.trim().to_string()) {
                return Err(user.err(
                    t.name.span(),
                    format!("townships[{i}].code"),
                    format!("township code \"{code}\" is given twice"),
                ));
            }
        }
        for n in std::iter::once(t.name()).chain(t.aliases.iter().map(String::as_str)) {
            if !names.insert(n.to_string()) {
                return Err(user.err(
                    t.name.span(),
                    format!("townships[{i}]"),
                    format!("township name or alias \"{n}\" is given twice"),
                ));
            }
        }
    }

    let ctx = pick(src.indicators);
    let mut codes = BTreeSet::new();
    for (i, ind) in c.indicators.iter().enumerate() {
        let code = ind.code();
        if code.is_empty()
            || !code
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
        {
            return Err(ctx.err(
                ind.code.span(),
                format!("indicators[{i}].code"),
                format!("\"{code}\" is not a code (letters, digits, _)"),
            ));
        }
        if !codes.insert(code.to_string()) {
            return Err(ctx.err(
                ind.code.span(),
                format!("indicators[{i}].code"),
                format!("duplicate indicator code \"{code}\""),
            ));
        }
    }
    if c.indicators.is_empty() {
        return Err(ctx.err(
            0..0,
            "indicators".into(),
            "the form has no indicators".into(),
        ));
    }

    let ctx = pick(src.rates);
    for (i, r) in c.rates.iter().enumerate() {
        for (part, v) in [("numerator", &r.numerator), ("denominator", &r.denominator)] {
            if !codes.contains(v.get_ref()) {
                return Err(ctx.err(
                    v.span(),
                    format!("rates[{i}].{part}"),
                    format!("unknown indicator code \"{}\"", v.get_ref()),
                ));
            }
        }
    }

    for (i, ch) in c.checks.iter().enumerate() {
        let ctx = pick(i < src.checks);
        let given = [
            ch.assert.is_some(),
            ch.fail_if.is_some(),
            ch.builtin.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if given != 1 {
            return Err(ctx.err(
                ch.id.span(),
                format!("checks[{i}]"),
                "give exactly one of `assert` (must hold), `fail_if` (the failure) or `builtin`"
                    .into(),
            ));
        }
        let o = &ch.outlier;
        let bad_number = if !(ch.tolerance.is_finite() && ch.tolerance >= 0.0) {
            Some("tolerance must be a number ≥ 0")
        } else if ch.share.is_some_and(|x| !(x.is_finite() && x > 0.0)) {
            Some("share must be a number > 0 (0.2 for 20%)")
        } else if !(o.z > 0.0 && o.z_strong >= o.z && o.min_deviation >= 0.0) {
            Some("outlier: z > 0, z_strong ≥ z and min_deviation ≥ 0")
        } else if !(0.5 < o.level && o.level <= o.strong_level && o.strong_level < 1.0) {
            Some("outlier: 0.5 < level ≤ strong_level < 1 (0.998 for the 99.8% limits)")
        } else if !(o.standing_level == 0.0 || (0.5 < o.standing_level && o.standing_level < 1.0)) {
            Some("outlier: standing_level must be 0 (off) or between 0.5 and 1 (0.99 for 99%)")
        } else if !(o.corroborate == 0.0 || (0.0 < o.corroborate && o.corroborate < o.level)) {
            Some("outlier: corroborate must be 0 (off) or between 0 and level (0.8 for 80%)")
        } else if !(0.0 < o.corroborate_peers && o.corroborate_peers < o.level) {
            Some("outlier: corroborate_peers must be between 0 and level (0.95 for 95%)")
        } else if !(0.0..0.5).contains(&o.winsorise) {
            Some("outlier: winsorise must be ≥ 0 and < 0.5 (0.1 for 10% at each tail)")
        } else if o
            .proportions
            .iter()
            .chain(o.counts_per.iter())
            .chain(o.funnel_charts.iter().map(|c| (c, c)))
            .any(|(a, b)| !codes.contains(a) || !codes.contains(b))
        {
            Some("outlier: proportions, counts_per and funnel_charts name indicator codes only")
        } else if o.min_months == 0 || o.window < o.min_months || o.min_peers < 3 {
            Some("outlier: window ≥ min_months ≥ 1 and min_peers ≥ 3")
        } else if o.population.as_ref().is_some_and(|p| !codes.contains(p)) {
            Some("outlier: population is not an indicator code")
        } else {
            None
        };
        if let Some(why) = bad_number {
            return Err(ctx.err(ch.id.span(), format!("checks[{i}]"), why.into()));
        }
        let Some(spanned) = ch.assert.as_ref().or(ch.fail_if.as_ref()) else {
            continue;
        };
        let key = format!(
            "checks[{i}].{}",
            if ch.assert.is_some() {
                "assert"
            } else {
                "fail_if"
            }
        );
        let expression = c.expression(spanned.get_ref());
        if expression.refs.is_empty() {
            return Err(ctx.err(spanned.span(), key, "names no indicator code".into()));
        }
        for r in &expression.refs {
            if let expr::Ref::Unknown(id) = r {
                return Err(ctx.err(
                    spanned.span(),
                    key,
                    format!("unknown indicator code or rate \"{id}\""),
                ));
            }
        }
        // A character the language has no use for (`C06≦C01`) would fail only at run time.
        if let Some((odd, _)) = expression.stray() {
            return Err(ctx.err(
                spanned.span(),
                key,
                format!("\"{odd}\" is not part of an expression (use < <= = >= > + - * / and, or)"),
            ));
        }
        // The grammar (brackets, operands) is polars' own: each reference by its name here.
        if let Err(e) = polars::sql::sql_expr(expression.render(|_| None)) {
            return Err(ctx.err(spanned.span(), key, format!("cannot parse expression: {e}")));
        }
        if let Some(bad) = unknown_placeholder(c, ch, &expression.refs) {
            return Err(ctx.err(
                ch.id.span(),
                format!("checks[{i}].message"),
                format!(
                    "placeholder {{{bad}}} names no value of the expression (its values: {})",
                    placeholders(c, &expression.refs).join(", ")
                ),
            ));
        }
    }
    Ok(())
}
