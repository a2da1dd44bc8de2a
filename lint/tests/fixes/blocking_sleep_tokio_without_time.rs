// runtime: tokio
// tokio-features: rt, macros
use std::time::Duration;

pub async fn wait() {
    std::thread::sleep(Duration::from_millis(1));
}
