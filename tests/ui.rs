//! The trybuild suite of the attribute macros: `ui-tests/pass/*.rs` must compile and run
//! (each has a `main` that exercises the form it covers), `ui-tests/fail/*.rs` must fail
//! with exactly the diagnostics in the `.stderr` beside them. Regenerate the expected
//! output with `TRYBUILD=overwrite cargo test -p aio --test ui`, then read every changed
//! `.stderr`: the caret must sit under the mistake, not on the attribute.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui-tests/pass/*.rs");
    cases.compile_fail("ui-tests/fail/*.rs");
}
