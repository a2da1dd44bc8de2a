//! Port of the first example of "`async` and `await` keywords": calling the native
//! coroutine `say_hello("John")` only creates a coroutine object (Python prints its
//! type, `<class 'coroutine'>`); `asyncio.run` (`aio::run`) runs it, which sleeps one
//! unit and prints `Hello, John`.

mod common;

#[aio::coroutine]
async fn say_hello(name: &'static str) {
    // wait and say hello: the await stops the task at the sleep and resumes it when
    // the sleep has completed
    aio::sleep(common::units(1.0)).await;
    println!("Hello, {name}");
}

fn main() {
    let say_hello_obj = say_hello("John");
    // This prints the coroutine's type
    println!("<class '{}'>", common::short_type_name(&say_hello_obj));

    // to run it, use aio::run
    aio::run(say_hello_obj);
}
