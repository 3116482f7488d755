//! One thin file per subcommand: parse arguments into library calls, print for people.

pub mod run;

/// Exit statuses, as ruff: 0 clean, 1 errors or alerts found (outputs written), 2 failure.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_FAILURE: i32 = 2;
