//! Fuzz target: bytes read as a CSV or tab-separated text (`src/read/delimited.rs`, with decoding in `text_formats.rs`), through
//! `read::read_as` — the reader, its caps and the time budget, as a run calls them (a run
//! reaches it when sniffing tells this format). Fails on a panic in huizong's code, an abort,
//! a timeout (the budget is one second: slower means work the budget never sees) or running out
//! of memory.

#![no_main]

use huizong_fuzz::read::{read_as, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        huizong_fuzz::install_panic_hook();
    },
    |data: &[u8]| {
        let _ = read_as(data, Format::Delimited, &huizong_fuzz::limits());
    }
);
