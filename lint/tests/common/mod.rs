//! What several test files of aio-lint share.

use aio_lint::Runtime;

/// The runtime a fixture names on its first line (`// runtime: tokio`), or
/// `Runtime::Unknown`.
pub fn runtime(text: &str) -> Runtime {
    match text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("// runtime: "))
        .map(str::trim)
    {
        Some("aio") => Runtime::Aio,
        Some("tokio") => Runtime::Tokio,
        Some("async-std") => Runtime::AsyncStd,
        Some("smol") => Runtime::Smol,
        _ => Runtime::Unknown,
    }
}
