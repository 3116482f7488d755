//! Writes the folder of bad inputs the tests use (good returns, disguised exports, every kind of
//! bad file, and the hostile text-format files) into the folder given on the command line: `cargo run --example bad_inputs DIR`.

#[path = "../tests/cli/bad_builder.rs"]
#[allow(dead_code)] // the tests use the rest of it
mod bad_builder;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: bad_inputs DIR");
        std::process::exit(2);
    };
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/returns/2026-10");
    bad_builder::build(std::path::Path::new(&dir), &samples);
    bad_builder::hostile(std::path::Path::new(&dir));
    println!("bad inputs written to {dir}");
}
