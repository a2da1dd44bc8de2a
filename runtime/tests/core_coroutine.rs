//! `Coroutine`: lazy, named, records its creation site, names the task that runs it.

use std::cell::Cell;
use std::rc::Rc;

use aio_runtime::{self as aio, Coroutine};

fn fetch(hits: Rc<Cell<u32>>) -> Coroutine<impl Future<Output = u32>> {
    Coroutine::new("fetch", async move {
        hits.set(hits.get() + 1);
        aio::yield_now().await;
        hits.get()
    })
}

#[test]
fn a_coroutine_is_lazy_and_runs_when_awaited() {
    let hits = Rc::new(Cell::new(0));
    let h = hits.clone();
    let v = aio::run(async move {
        let c = fetch(h.clone());
        aio::yield_now().await;
        assert_eq!(h.get(), 0, "nothing runs before it is awaited");
        c.await
    });
    assert_eq!(v, 1);
}

#[test]
fn a_spawned_coroutine_names_its_task() {
    aio::run(async {
        let t = aio::spawn(fetch(Rc::new(Cell::new(0))));
        assert_eq!(t.name(), "fetch");
        // A recorded name that differs from the function it was built in: the task has it
        // from the spawn on, before it first runs.
        let t2 = aio::spawn(Coroutine::new("custom", async {
            aio::current_task().unwrap().name().to_owned()
        }));
        assert_eq!(t2.name(), "custom");
        assert_eq!(t2.await.unwrap(), "custom");
        // The same through a TaskGroup.
        let group = aio::TaskGroup::new();
        let grouped = group.spawn(Coroutine::new("grouped", async {
            Ok::<_, ()>(aio::current_task().unwrap().name().to_owned())
        }));
        group.join().await.unwrap();
        assert_eq!(grouped.await.unwrap(), "grouped");
        assert_eq!(t.await.unwrap(), 1);
        // An explicit name is kept.
        let t3 = aio::spawn_named(
            "explicit",
            Coroutine::new("inner", async {
                aio::current_task().unwrap().name().to_owned()
            }),
        );
        assert_eq!(t3.await.unwrap(), "explicit");
    });
}

#[test]
fn the_main_future_takes_its_coroutines_name() {
    let name = aio::run(Coroutine::new("entry", async {
        aio::current_task().unwrap().name().to_owned()
    }));
    assert_eq!(name, "entry");
    assert_eq!(
        aio::run(async { aio::current_task().unwrap().name().to_owned() }),
        "main"
    );
}

#[test]
fn only_the_root_coroutine_names_its_task() {
    fn current() -> String {
        aio::current_task().unwrap().name().to_owned()
    }
    aio::run(async {
        // Awaited inside a plain async block, a coroutine does not rename the task, even
        // when it is stored first in the block's state.
        let t = aio::spawn(async { Coroutine::new("inner", async { current() }).await });
        let name = t.await.unwrap();
        assert!(name.starts_with("Task-"), "{name}");
        // Inside a root coroutine, the root's name stands; nested ones change nothing.
        let t = aio::spawn(Coroutine::new("outer", async {
            let a = Coroutine::new("inner", async { current() }).await;
            aio::yield_now().await;
            let b = Coroutine::new("later", async { current() }).await;
            (a, b)
        }));
        let (a, b) = t.await.unwrap();
        assert_eq!((a.as_str(), b.as_str()), ("outer", "outer"));
        // A renamed task keeps its new name when its root coroutine first runs.
        let t = aio::spawn(Coroutine::new("root", async { current() }));
        t.set_name("renamed");
        assert_eq!(t.await.unwrap(), "renamed");
    });
    // The main future: a coroutine awaited in it does not rename it.
    let name = aio::run(async { Coroutine::new("inner", async { current() }).await });
    assert_eq!(name, "main");
}

#[test]
fn a_coroutine_records_where_it_was_created() {
    let c = Coroutine::new("here", async {});
    assert_eq!(c.location().file(), file!());
    assert_eq!(c.location().line(), line!() - 2);
    assert_eq!(c.name(), "here");
    aio::run(c);
}
