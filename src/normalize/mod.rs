//! Normalising what people typed: label text for matching (`text`), and cell contents into
//! numbers with a note of how they were read (`value`). Pure functions; the original text is
//! never dropped, so every reading can be reported against the cell it came from.

pub mod text;
pub mod value;
