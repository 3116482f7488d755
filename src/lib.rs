//! huizong (汇总): consolidate and check the monthly returns of township health centres.
//!
//! The pipeline, one module a stage: `discover` → `read` → `locate` (with `normalize`) →
//! `returns` → `facts` → `check` → `aggregate` → `report`; `config` feeds them all, `render`
//! turns findings into words. See ARCHITECTURE.md.

pub mod aggregate;
pub mod check;
pub mod config;
pub mod discover;
pub mod explain;
pub mod facts;
pub mod findings;
pub mod history;
pub mod ledger;
pub mod locate;
pub mod model;
pub mod normalize;
pub mod outcome;
pub mod output;
pub mod permissions;
pub mod pipeline;
pub mod quality;
pub mod read;
pub mod render;
pub mod report;
pub mod returns;
pub mod review;
pub mod server;
pub mod watch;
pub mod workspace;
