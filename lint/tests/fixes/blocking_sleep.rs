// runtime: tokio
use std::thread::sleep;
use std::time::Duration;

fn helper() {
    std::thread::sleep(Duration::from_millis(1));
}

pub async fn direct() {
    std::thread::sleep(Duration::from_millis(1));
    sleep(Duration::from_millis(2));
    let d = Duration::from_millis(3);
    let _task = async move {
        std::thread::sleep(d);
    };
}

pub async fn not_fixed() {
    // A sync closure: `.await` is not allowed there.
    let f = || std::thread::sleep(Duration::from_millis(4));
    f();
    // Reaches the sleep through a sync function: only the help.
    helper();
}
