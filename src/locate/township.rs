//! Which roster township a typed unit name means: exact, alias, with its suffix (卫生院)
//! removed, contained in a longer text, or a close match that is reported with what it matched.

use crate::config::Config;
use crate::normalize::text::{match_key, similarity};

/// How a name was matched to the roster.
#[derive(Debug, Clone, PartialEq)]
pub enum Match {
    Exact(usize),
    Fuzzy(usize),
    NotOnRoster,
}

/// The roster, with its names prepared for matching.
pub struct Roster {
    names: Vec<String>,
    /// (match key, township index), names and aliases, with and without suffixes.
    keys: Vec<(String, usize)>,
    /// The same keys for exact look-up (a province's roster has thousands of names).
    exact: std::collections::HashMap<String, usize>,
    suffixes: Vec<String>,
    threshold: f64,
}

impl Roster {
    pub fn new(config: &Config) -> Self {
        let mut suffixes: Vec<String> = config
            .form
            .labels
            .township_suffixes
            .iter()
            .map(|s| match_key(s))
            .filter(|s| !s.is_empty())
            .collect();
        suffixes.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        let mut roster = Roster {
            names: config
                .townships
                .iter()
                .map(|t| t.name().to_string())
                .collect(),
            keys: Vec::new(),
            exact: std::collections::HashMap::new(),
            suffixes,
            threshold: config.form.fuzzy_threshold,
        };
        for (i, t) in config.townships.iter().enumerate() {
            for n in std::iter::once(t.name()).chain(t.aliases.iter().map(String::as_str)) {
                let key = match_key(n);
                let stripped = roster.strip(&key);
                for k in [key, stripped] {
                    if !k.is_empty() && !roster.exact.contains_key(&k) {
                        roster.exact.insert(k.clone(), i);
                        roster.keys.push((k, i));
                    }
                }
            }
        }
        roster
    }

    pub fn name(&self, index: usize) -> &str {
        self.names.get(index).map_or("", String::as_str)
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    fn strip(&self, key: &str) -> String {
        let mut k = key.to_string();
        loop {
            let before = k.len();
            for s in &self.suffixes {
                if k.len() > s.len() && k.ends_with(s.as_str()) {
                    k.truncate(k.len() - s.len());
                }
            }
            if k.len() == before {
                return k;
            }
        }
    }

    /// Matches the content of a 填报单位 cell.
    pub fn match_unit(&self, typed: &str) -> Match {
        let key = match_key(typed);
        if key.is_empty() {
            return Match::NotOnRoster;
        }
        let stripped = self.strip(&key);
        if let Some(i) = self.exact.get(&key).or_else(|| self.exact.get(&stripped)) {
            return Match::Exact(*i);
        }
        if let Some(i) = self.contained_in(&key) {
            return Match::Exact(i);
        }
        self.fuzzy(&stripped)
    }

    /// A roster name inside a longer text (a title, a file name): the longest one found.
    /// Substrings of the (short) text are looked up, so a province's roster costs no more.
    pub fn contained_in(&self, text: &str) -> Option<usize> {
        let chars: Vec<char> = match_key(text).chars().collect();
        for len in (2..=chars.len().min(40)).rev() {
            for start in 0..=chars.len() - len {
                let sub: String = chars[start..start + len].iter().collect();
                if let Some(i) = self.exact.get(&sub) {
                    return Some(*i);
                }
            }
        }
        None
    }

    fn fuzzy(&self, key: &str) -> Match {
        let mut scored: Vec<(f64, usize)> = self
            .keys
            .iter()
            .map(|(k, i)| (similarity(key, k), *i))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        match scored.as_slice() {
            [(best, i), rest @ ..] if *best >= self.threshold => {
                // A tie between two townships is no match: it is reported, not guessed.
                let tie = rest.iter().any(|(s, j)| j != i && (best - s).abs() < 1e-9);
                if tie {
                    Match::NotOnRoster
                } else {
                    Match::Fuzzy(*i)
                }
            }
            _ => Match::NotOnRoster,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roster() -> Roster {
        let c = Config::default_with("安平县", &["青石镇", "白沙乡", "柳河镇", "东岭乡"])
            .expect("config");
        Roster::new(&c)
    }

    #[test]
    fn matches() {
        let r = roster();
        assert_eq!(r.match_unit("青石镇卫生院"), Match::Exact(0));
        assert_eq!(r.match_unit("青石鎮衛生院"), Match::Exact(0));
        assert_eq!(r.match_unit("青石镇"), Match::Exact(0));
        assert_eq!(r.match_unit(" 白沙乡 中心卫生院 "), Match::Exact(1));
        assert_eq!(r.match_unit("安平县柳河镇卫生院"), Match::Exact(2));
        assert_eq!(r.match_unit("柳和镇卫生院"), Match::Fuzzy(2));
        assert_eq!(r.match_unit("新华镇卫生院"), Match::NotOnRoster);
        assert_eq!(r.contained_in("10月 白沙乡.xls"), Some(1));
        assert_eq!(r.contained_in("新建 Microsoft Excel 工作表.xlsx"), None);
    }
}
