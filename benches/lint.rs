//! Linter benchmark: full lint beside the parse-only floor.
fn main() {}
