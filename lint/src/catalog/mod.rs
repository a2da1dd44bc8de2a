//! Everything the linter knows about library APIs, in one place, keyed by fully resolved
//! path (`std::thread::sleep`, `tokio::spawn`). Rules, flow helpers and the engine ask it;
//! none keeps its own list of paths. It does not resolve names: callers pass paths already
//! resolved through the file's `use`s (see `crate::resolve`).
//!
//! - `effect.rs`: what a call does ([`Effect`]) and how a blocking call's help names the
//!   fix ([`Fix`]).
//! - `ty.rs`: the library types whose methods matter ([`Ty`]).
//! - `blocking.rs`: blocking functions, with their rule and fix.
//! - `methods.rs`: methods by receiver type, constructors, and methods known by name.
//! - `tasks.rs`: spawners (and whether dropping the handle cancels), cancel-on-drop
//!   executors, offloaders, `block_on` entry points.
//! - `futures.rs`: async APIs and timer constructors.
//! - `cancel.rs`: what an async operation loses when it is dropped unfinished.
//! - `sync.rs`: lock and guard types, `RefCell` borrows, spin hints.
//! - `runtimes.rs`: each runtime's replacements, as help texts name them.
//! - `fixes.rs`: the runtime APIs the fixes write (joins, task errors, gathers).
//! - `names.rs`: crates written without a `use`, method names too common to match.
//!
//! [`lookup`] answers "what does the function at this path do" from one hash map built
//! once per process out of the tables above.

mod blocking;
pub(crate) mod cancel;
mod effect;
pub(crate) mod fixes;
pub(crate) mod futures;
pub(crate) mod methods;
mod names;
pub(crate) mod runtimes;
pub(crate) mod sync;
pub(crate) mod tasks;
mod ty;

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

pub(crate) use blocking::BLOCKING;
pub(crate) use effect::{
    BLOCKING_FS, BLOCKING_NET, BLOCKING_PROCESS, BLOCKING_SLEEP, BLOCKING_WAIT, Effect, Fix,
};
pub(crate) use names::{is_common_method, is_known_crate, is_std_method, std_short_form};
pub(crate) use ty::{Ty, display, from_type_path, pair};

/// One known function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Api {
    pub(crate) effect: Effect,
    /// The type of the value returned (through `?`/`unwrap()`), if known.
    pub(crate) ret: Option<Ty>,
    /// Returns its first argument's type (`Arc::new(x)`).
    pub(crate) passthrough: bool,
}

struct Index {
    apis: FxHashMap<&'static str, Api>,
    /// Every proper prefix of a key (`std`, `std::thread`): modules a glob import may name.
    modules: FxHashSet<&'static str>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut apis: FxHashMap<&'static str, Api> = FxHashMap::default();
        let plain = Api {
            effect: Effect::None,
            ret: None,
            passthrough: false,
        };
        let with = |effect| Api { effect, ..plain };
        // Later tables win where a path is in two (`aio::to_thread` is a future and an
        // offloader: it offloads).
        for &(path, ty) in methods::CONSTRUCTORS {
            apis.insert(
                path,
                Api {
                    ret: Some(ty),
                    ..plain
                },
            );
        }
        for &path in methods::PASSTHROUGH {
            apis.insert(
                path,
                Api {
                    passthrough: true,
                    ..plain
                },
            );
        }
        for &path in futures::ASYNC_APIS {
            apis.insert(path, with(Effect::Future));
        }
        for fs in runtimes::fs_modules() {
            for name in runtimes::FS_TWINS {
                let key: &'static str = Box::leak(format!("{fs}::{name}").into_boxed_str());
                apis.insert(key, with(Effect::Future));
            }
        }
        for s in tasks::SPAWNERS {
            apis.insert(s.path, with(Effect::Spawn));
        }
        for &path in tasks::OFFLOADERS {
            let ret = (path == "std::thread::spawn").then_some(Ty::JoinHandle);
            apis.insert(
                path,
                Api {
                    ret,
                    ..with(Effect::Offload)
                },
            );
        }
        for &path in tasks::BLOCK_ONS {
            apis.insert(path, with(Effect::BlockOn));
        }
        for b in BLOCKING {
            apis.insert(
                b.path,
                Api {
                    effect: Effect::Block(b.rule, b.fix),
                    ret: b.ret,
                    passthrough: false,
                },
            );
        }
        let mut modules = FxHashSet::default();
        for key in apis.keys() {
            let mut end = 0;
            while let Some(i) = key[end..].find("::") {
                modules.insert(&key[..end + i]);
                end += i + 2;
            }
        }
        Index { apis, modules }
    })
}

/// The known function at a fully resolved path.
pub(crate) fn lookup(path: &str) -> Option<Api> {
    index().apis.get(path).copied()
}

/// Whether `path` is a module (or type) some known function lives in, so a glob import
/// of it (`use std::thread::*`) brings known names into scope.
pub(crate) fn is_known_module(path: &str) -> bool {
    index().modules.contains(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_tables_win_and_every_blocking_call_is_indexed() {
        assert_eq!(lookup("aio::to_thread").unwrap().effect, Effect::Offload);
        assert_eq!(
            lookup("std::thread::spawn").unwrap().ret,
            Some(Ty::JoinHandle)
        );
        for b in BLOCKING {
            assert_eq!(lookup(b.path).unwrap().effect, Effect::Block(b.rule, b.fix));
        }
        assert_eq!(
            lookup("tokio::fs::read_dir").unwrap().effect,
            Effect::Future
        );
        assert_eq!(lookup("actix_rt::spawn").unwrap().effect, Effect::Spawn);
        assert_eq!(lookup("smol::net::resolve").unwrap().effect, Effect::Future);
        assert!(is_known_module("std::thread") && !is_known_module("std::thread::sleep"));
    }

    /// Every path the catalog knows: its index, and the tables kept beside it.
    fn every_path() -> FxHashSet<&'static str> {
        let mut all: FxHashSet<&'static str> = index().apis.keys().copied().collect();
        all.extend(sync::SYNC_LOCKS.iter().map(|(p, _)| *p));
        all.extend(sync::ASYNC_LOCKS.iter().copied());
        all.extend(sync::GUARD_TYPES.iter().map(|(p, _)| *p));
        all.extend(futures::timer_paths());
        all.extend(cancel::paths());
        all.extend(tasks::executor_paths());
        all.extend(sync::spin_hint_paths());
        all.extend([methods::THREAD_SCOPE, runtimes::ASYNC_HTTP_GET]);
        for r in [
            crate::options::Runtime::Aio,
            crate::options::Runtime::Tokio,
            crate::options::Runtime::AsyncStd,
            crate::options::Runtime::Smol,
        ] {
            let api = runtimes::api(r);
            all.extend([api.offload, api.yield_now, api.mutex, api.channel]);
            all.extend(
                [
                    api.sleep,
                    api.fs,
                    api.net,
                    api.lookup_host,
                    api.command,
                    api.barrier,
                ]
                .into_iter()
                .flatten(),
            );
            all.extend(api.condition.map(|(ty, _)| ty));
        }
        all
    }

    /// The string literals of a file outside `#[cfg(test)]` items.
    fn literals(file: &syn::File) -> Vec<String> {
        use syn::visit::Visit;
        struct Lits(Vec<String>);
        impl<'ast> Visit<'ast> for Lits {
            fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
                let test = m.attrs.iter().any(|a| {
                    a.path().is_ident("cfg")
                        && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test")
                });
                if !test {
                    syn::visit::visit_item_mod(self, m);
                }
            }
            fn visit_lit_str(&mut self, l: &'ast syn::LitStr) {
                self.0.push(l.value());
            }
        }
        let mut v = Lits(Vec::new());
        v.visit_file(file);
        v.0
    }

    /// No list of API paths lives outside the catalog: no other file of `src/` writes a
    /// path the catalog knows as a string (in code; tests may).
    #[test]
    fn no_api_path_is_written_outside_the_catalog() {
        fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    files(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let known = every_path();
        assert!(known.contains("tokio::spawn") && known.contains("std::thread::sleep"));
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut all = Vec::new();
        files(&src, &mut all);
        let mut found = Vec::new();
        let mut seen_catalog = 0;
        for path in all {
            let file = syn::parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let lits = literals(&file);
            if path.starts_with(src.join("catalog")) {
                seen_catalog += lits.iter().filter(|l| known.contains(l.as_str())).count();
                continue;
            }
            for lit in lits.into_iter().filter(|l| known.contains(l.as_str())) {
                found.push(format!("{}: {lit:?}", path.display()));
            }
        }
        assert!(seen_catalog > 100, "the check sees the catalog's own paths");
        assert!(
            found.is_empty(),
            "API paths outside the catalog:\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn spawners_say_whether_dropping_cancels() {
        assert!(tasks::spawner("smol::spawn").unwrap().drop_cancels);
        assert!(!tasks::spawner("tokio::spawn").unwrap().drop_cancels);
        assert!(tasks::spawner("tokio::task::spawn_blocking").is_none());
        assert!(tasks::is_cancelling_executor("smol::LocalExecutor"));
        assert!(!tasks::is_cancelling_executor("tokio::runtime::Runtime"));
        assert!(tasks::starts_task("crate::rt::spawn") && tasks::starts_task("blocking::unblock"));
        // An offloader whose last segment does not say so, and a spawner that is no
        // offloader: each list is asked on its own.
        assert!(
            tasks::starts_task("rayon::join") && tasks::starts_task("tokio::task::block_in_place")
        );
        assert!(!tasks::starts_task("fetch"));
    }
}
