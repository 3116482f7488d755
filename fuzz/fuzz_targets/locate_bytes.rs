//! Fuzz target: bytes → located form sheets (reading, locating, normalising), through
//! `huizong::returns::locate_bytes`. The input's first byte chooses the extension hint (xlsx,
//! xls, ods, xlsb or none); the rest is the file.
//!
//! A panic inside a dependency (calamine, zip, quick-xml, …) is let unwind: huizong's own
//! `catch_unwind` around the reader turns it into an error, and only if nothing catches it does
//! libfuzzer-sys abort (a crash, as it should be). A panic in huizong's own code aborts at once,
//! with its stack. Allocation failures, stack overflows and timeouts are crashes either way.

#![no_main]

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use huizong::config::Config;
use huizong::locate::FormKeys;
use libfuzzer_sys::fuzz_target;

const HINTS: [Option<&str>; 5] = [Some("xlsx"), Some("xls"), Some("ods"), Some("xlsb"), None];

struct Setup {
    config: Config,
    keys: FormKeys,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let config = Config::default_with("安平县", &["青石镇", "白沙乡"]).expect("config");
        let keys = FormKeys::new(&config);
        Setup { config, keys }
    })
}

/// Whether a panic's location lies in a dependency's source (`$CARGO_HOME/registry/src/…`,
/// `$CARGO_HOME/git/checkouts/…`) or the standard library, not in huizong's own code or this
/// target.
fn in_dependency(file: &str) -> bool {
    file.contains("/registry/src/")
        || file.contains("/git/checkouts/")
        || file.starts_with("/rustc/")
}

/// Replaces libfuzzer-sys's abort-on-every-panic hook (see the module doc).
fn install_panic_hook() {
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
        // Said once per place, or the log fills with the same caught panic.
        if seen.lock().is_ok_and(|mut s| s.insert(place)) {
            eprintln!("[fuzz] panic in a dependency (to be caught by huizong): {info}");
        }
    }));
}

fuzz_target!(
    init: {
        install_panic_hook();
        setup();
    },
    |data: &[u8]| {
        let Some((first, bytes)) = data.split_first() else {
            return;
        };
        let hint = HINTS[usize::from(*first) % HINTS.len()];
        let s = setup();
        let _ = huizong::returns::locate_bytes(bytes, hint, &s.config, &s.keys);
    }
);
