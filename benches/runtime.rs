//! Runtime benchmarks: aio beside tokio (current_thread) and smol (LocalExecutor).
fn main() {}
