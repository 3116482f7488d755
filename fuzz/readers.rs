//! huizong's readers (`src/read/`, with the vocabulary they name: `src/model.rs`,
//! `src/findings.rs`), compiled from huizong's own source files without the rest of the crate:
//! the reader targets build in minutes, without polars. `read_bytes`/`read_as` here are the very
//! functions a run calls.

#![allow(dead_code, unused_imports)]

#[path = "../src/findings.rs"]
pub mod findings;
#[path = "../src/model.rs"]
pub mod model;
#[path = "../src/read/mod.rs"]
pub mod read;

use std::collections::HashSet;
use std::sync::Mutex;

/// Whether a panic's location lies in a dependency's source (`$CARGO_HOME/registry/src/…`,
/// `$CARGO_HOME/git/checkouts/…`) or the standard library, not in huizong's own code.
pub fn in_dependency(file: &str) -> bool {
    file.contains("/registry/src/") || file.contains("/git/checkouts/") || file.starts_with("/rustc/")
}

/// Replaces libfuzzer-sys's abort-on-every-panic hook: a panic in a dependency is let unwind
/// (huizong catches it around the reader and names the file as damaged), logged once per place;
/// a panic in huizong's own code aborts at once, with its stack.
pub fn install_panic_hook() {
    let abort_hook = std::panic::take_hook();
    let seen: Mutex<HashSet<String>> = Mutex::new(HashSet::new());
    std::panic::set_hook(Box::new(move |info| {
        let place = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        if !info.location().is_some_and(|l| in_dependency(l.file())) {
            abort_hook(info);
            return;
        }
        if seen.lock().is_ok_and(|mut s| s.insert(place)) {
            eprintln!("[fuzz] panic in a dependency (to be caught by huizong): {info}");
        }
    }));
}

/// The limits a run has by default, with a one-second budget: anything slower than the
/// libFuzzer timeout (a few seconds) then means a path that never looks at the budget.
pub fn limits() -> read::Limits {
    read::Limits {
        max_seconds: 1.0,
        ..read::Limits::default()
    }
}
