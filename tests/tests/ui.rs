//! Compile-fail UI tests: what `#[visible_async]` rejects, and how the error reads.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
