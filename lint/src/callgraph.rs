//! The workspace pass: a call graph over the small per-file facts that the engine keeps
//! (never the syntax trees), and the findings that need it.
//!
//! Per file, the engine records every fn and method it defines (resolved path, name,
//! async or not, the first blocking or `block_on` call made directly in a sync body, and
//! the workspace functions that body calls, offload closures excluded), and every call
//! site that matters across files (a call from async context, or a call whose future is
//! dropped). [`link`] resolves callees to definitions — by path, else by a name that
//! only one definition in the workspace carries — propagates "blocks" backwards from the
//! direct blockers through sync callers (breadth-first, so each fn gets its shortest
//! chain and cycles end), and reports:
//!
//! - a call from async context to a sync fn that blocks, under the rule of the blocking
//!   call it reaches, with the chain as a note;
//! - a dropped future of a workspace async fn, as `unawaited_future`.
//!
//! Precision over recall: a method name defined more than once in the workspace, or one
//! shared with common std/trait vocabulary, never resolves.

use std::collections::VecDeque;

use rustc_hash::FxHashMap as HashMap;

use crate::rules::{self, blocking, cancel_unsafe_select, nested_block_on, unawaited_future};
use std::path::Path;

use crate::{Diagnostic, Label, Runtime, Span};

/// One file as the workspace pass sees it: its path (for notes) and its facts.
pub(crate) type LinkFile<'a> = (&'a Path, &'a FileFacts);

/// An interned string of one file's facts.
pub(crate) type Name = u32;

/// Facts of one file kept for [`link`].
#[derive(Debug, Default)]
pub(crate) struct FileFacts {
    pub(crate) runtime: Runtime,
    /// The cargo package of the file ([`crate::FileOptions::package`]).
    pub(crate) package: Option<String>,
    /// Its workspace ([`crate::FileOptions::workspace`]).
    pub(crate) workspace: Option<String>,
    pub(crate) names: Vec<Box<str>>,
    pub(crate) fns: Vec<FnFact>,
    pub(crate) sites: Vec<Site>,
    /// Types of the file's crate with an `impl Future for` in this file (their paths,
    /// `crate::timer::Delay`).
    pub(crate) future_types: Vec<Name>,
    /// Values of workspace types built and dropped or yielded (`Delay { .. };`), which
    /// are futures if their type is one of some file's [`FileFacts::future_types`].
    pub(crate) values: Vec<ValueSite>,
}

/// A value of a workspace type built where it is dropped (`Delay { .. };`, `let _ =
/// Delay;`) or is the output of an async block or closure.
#[derive(Debug)]
pub(crate) struct ValueSite {
    /// The type's path (`crate::timer::Delay`).
    pub(crate) ty: Name,
    pub(crate) span: Span,
    pub(crate) yielded: bool,
}

/// One fn or method defined in the file.
#[derive(Debug)]
pub(crate) struct FnFact {
    /// The last segment.
    pub(crate) name: Name,
    /// `crate::module::name` or `crate::module::Type::name`.
    pub(crate) path: Name,
    pub(crate) method: bool,
    /// A method of a trait impl or a trait's default method: found by path only.
    pub(crate) trait_impl: bool,
    pub(crate) is_async: bool,
    /// The first blocking (or `block_on`) call made directly in the body, if sync.
    pub(crate) hit: Option<Hit>,
    /// Workspace functions the (sync) body calls, deduplicated.
    pub(crate) calls: Vec<Callee>,
    /// A sync fn whose body only builds its value: the path of its declared return type
    /// when that is a workspace type (`crate::timer::Delay`, `Self` as its path), which
    /// makes the call a future if the type implements `Future`.
    pub(crate) ret: Option<Name>,
    /// An async body: the first operation it awaits that is not cancel-safe
    /// (`read_exact`), with its line.
    pub(crate) loses: Option<(Box<str>, usize)>,
    /// An async body: the workspace functions it awaits, deduplicated.
    pub(crate) awaits: Vec<Callee>,
}

/// A blocking call inside a fn body.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub(crate) rule: &'static str,
    /// What is called, as shown (`std::thread::sleep`).
    pub(crate) call: String,
    /// The call runs only under `if param` / `if !param` on a bool parameter.
    pub(crate) guard: Option<Guard>,
    pub(crate) line: usize,
}

/// A bool parameter that a blocking call depends on: `if stall { sleep(..) }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Guard {
    /// The parameter's position (the receiver not counted) and name.
    pub(crate) index: u8,
    pub(crate) name: Box<str>,
    /// The value that makes the call run.
    pub(crate) blocks_when: bool,
}

/// Who a call names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Callee {
    /// A path call: the resolved path (`crate::api::pace`, or the bare name when it did
    /// not resolve) and its last segment.
    Path { path: Name, name: Name },
    /// A method call: its name, and the path of the receiver's type when the code says it
    /// is a type of the workspace (`self`, an annotated binding, a constructor call).
    Method { name: Name, recv: Option<Name> },
}

/// A call site that matters across files.
#[derive(Debug)]
pub(crate) struct Site {
    pub(crate) callee: Callee,
    pub(crate) span: Span,
    /// The call runs in async context.
    pub(crate) in_async: bool,
    /// The call's value (a future, if the callee is async) is dropped.
    pub(crate) dropped: bool,
    /// Its `true`/`false` literal arguments, by position (for [`Guard`]s).
    pub(crate) bools: Vec<(u8, bool)>,
    /// The dropped value is the output of an async block or closure.
    pub(crate) yielded: bool,
    /// The call creates the future of a `select!` branch anew in each iteration of a
    /// loop (`cancel_unsafe_select`): the branch's span.
    pub(crate) select: Option<Span>,
}

/// A fn of the file being walked, as [`FactsBuilder::define_fn`] numbered it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct FnId(u32);

/// A call site of the file being walked, as [`FactsBuilder::site`] numbered it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct SiteId(u32);

/// Records one file's facts while the engine walks it: the fns it defines, what their
/// sync bodies call and whether they block, and the call sites that matter across files.
#[derive(Default)]
pub(crate) struct FactsBuilder {
    facts: FileFacts,
    interner: HashMap<Box<str>, Name>,
}

impl FactsBuilder {
    /// An empty record for a file of a crate on `runtime`, in `package` of `workspace`.
    pub(crate) fn new(
        runtime: Runtime,
        package: Option<String>,
        workspace: Option<String>,
    ) -> Self {
        FactsBuilder {
            facts: FileFacts {
                runtime,
                package,
                workspace,
                ..FileFacts::default()
            },
            interner: HashMap::default(),
        }
    }

    /// The number of `s` in this file's names.
    pub(crate) fn intern(&mut self, s: &str) -> Name {
        if let Some(&n) = self.interner.get(s) {
            return n;
        }
        let n = self.facts.names.len() as Name;
        self.facts.names.push(s.into());
        self.interner.insert(s.into(), n);
        n
    }

    /// Records a fn or method definition: its last segment, its path, whether it is a
    /// method, a trait's or trait impl's method (found by path only), and async.
    pub(crate) fn define_fn(
        &mut self,
        name: &str,
        path: &str,
        method: bool,
        trait_impl: bool,
        is_async: bool,
    ) -> FnId {
        let name = self.intern(name);
        let path = self.intern(path);
        self.facts.fns.push(FnFact {
            name,
            path,
            method,
            trait_impl,
            is_async,
            hit: None,
            calls: Vec::new(),
            ret: None,
            loses: None,
            awaits: Vec::new(),
        });
        FnId(self.facts.fns.len() as u32 - 1)
    }

    /// Records that the async body of `f` awaits `callee` (once per callee).
    pub(crate) fn awaits(&mut self, f: FnId, callee: Callee) {
        let awaits = &mut self.facts.fns[f.0 as usize].awaits;
        if !awaits.contains(&callee) {
            awaits.push(callee);
        }
    }

    /// Records that the async body of `f` awaits `op`, which is not cancel-safe, at
    /// `line` (the first one only).
    pub(crate) fn loses(&mut self, f: FnId, op: &str, line: usize) {
        let def = &mut self.facts.fns[f.0 as usize];
        if def.loses.is_none() {
            def.loses = Some((op.into(), line));
        }
    }

    /// Marks the call site at `span` as creating a `select!` branch's future in a loop
    /// (`branch` is the branch's span).
    pub(crate) fn select_site(&mut self, span: Span, branch: Span) {
        if let Some(s) = self.facts.sites.iter_mut().rev().find(|s| s.span == span) {
            s.select = Some(branch);
        }
    }

    /// Records the workspace type a sync fn that only builds its value returns.
    pub(crate) fn returns(&mut self, f: FnId, ty: &str) {
        let ty = self.intern(ty);
        self.facts.fns[f.0 as usize].ret = Some(ty);
    }

    /// Records an `impl Future for` the workspace type at `ty`.
    pub(crate) fn future_type(&mut self, ty: &str) {
        let ty = self.intern(ty);
        if !self.facts.future_types.contains(&ty) {
            self.facts.future_types.push(ty);
        }
    }

    /// Records a value of the workspace type at `ty` built and dropped (or yielded).
    pub(crate) fn value(&mut self, ty: &str, span: Span, yielded: bool) {
        let ty = self.intern(ty);
        self.facts.values.push(ValueSite { ty, span, yielded });
    }

    /// Records that the sync body of `from` calls `callee` (once per callee).
    pub(crate) fn calls(&mut self, from: FnId, callee: Callee) {
        let calls = &mut self.facts.fns[from.0 as usize].calls;
        if !calls.contains(&callee) {
            calls.push(callee);
        }
    }

    /// Records the first blocking call made directly in the body of `f` (later ones are
    /// not needed: one is enough to block).
    /// A guarded hit gives way to one under another guard or none (the fn then blocks
    /// whatever its arguments).
    pub(crate) fn blocks(&mut self, f: FnId, guard: Option<&Guard>, hit: impl FnOnce() -> Hit) {
        let def = &mut self.facts.fns[f.0 as usize];
        match &mut def.hit {
            None => {
                let mut h = hit();
                h.guard = guard.cloned();
                def.hit = Some(h);
            }
            Some(h) if h.guard.is_some() && h.guard.as_ref() != guard => h.guard = None,
            Some(_) => {}
        }
    }

    /// Records a call site that matters across files.
    pub(crate) fn site(
        &mut self,
        callee: Callee,
        span: Span,
        in_async: bool,
        dropped: bool,
        yielded: bool,
        bools: Vec<(u8, bool)>,
    ) -> SiteId {
        self.facts.sites.push(Site {
            callee,
            span,
            in_async,
            dropped,
            bools,
            yielded,
            select: None,
        });
        SiteId(self.facts.sites.len() as u32 - 1)
    }

    /// Marks the value of a call site as dropped (a `let x = f();` whose `x` is never used).
    pub(crate) fn drop_site(&mut self, site: SiteId) {
        if let Some(s) = self.facts.sites.get_mut(site.0 as usize) {
            s.dropped = true;
        }
    }

    /// The facts recorded.
    pub(crate) fn finish(self) -> FileFacts {
        self.facts
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
struct DefId {
    file: u32,
    def: u32,
}

/// Crates whose paths never name workspace code.
fn is_foreign(path: &str) -> bool {
    let first = path.split("::").next().unwrap_or("");
    crate::catalog::is_known_crate(first)
}

/// A package, numbered in order of first appearance.
type Pkg = u32;

struct Index<'a> {
    files: &'a [LinkFile<'a>],
    /// The package of each file.
    pkg: Vec<Pkg>,
    /// The crate name of each package (`mini_redis`), from its id.
    crate_names: Vec<Option<String>>,
    /// The workspace of each package.
    workspaces: Vec<Option<&'a str>>,
    /// Some package has a crate name: paths into other crates go by name.
    named: bool,
    by_path: HashMap<&'a str, Vec<DefId>>,
    /// Name-only lookups never leave the caller's package.
    free_by_name: HashMap<(Pkg, &'a str), Vec<DefId>>,
    methods_by_name: HashMap<(Pkg, &'a str), Vec<DefId>>,
    /// Every fn and method (trait ones included) by name, for a receiver of known type.
    any_by_name: HashMap<(Pkg, &'a str), Vec<DefId>>,
    /// Names of trait methods defined in the package: a call by such a name may dispatch
    /// to any implementor (std's or another crate's too), so it never resolves by name.
    trait_method_names: HashMap<(Pkg, &'a str), ()>,
    /// Types that implement `Future`, by package and path (`crate::timer::Delay`).
    future_types: HashMap<(Pkg, &'a str), ()>,
}

impl<'a> Index<'a> {
    fn new(files: &'a [LinkFile<'a>]) -> Self {
        let mut ids: HashMap<Option<&str>, Pkg> = HashMap::default();
        let mut crate_names = Vec::new();
        let mut workspaces = Vec::new();
        let pkg = files
            .iter()
            .map(|(_, facts)| {
                let n = ids.len() as Pkg;
                *ids.entry(facts.package.as_deref()).or_insert_with(|| {
                    crate_names.push(facts.package.as_deref().and_then(crate_name_of));
                    workspaces.push(facts.workspace.as_deref());
                    n
                })
            })
            .collect();
        let named = crate_names.iter().any(Option::is_some);
        let mut ix = Index {
            files,
            pkg,
            crate_names,
            workspaces,
            named,
            by_path: HashMap::default(),
            free_by_name: HashMap::default(),
            methods_by_name: HashMap::default(),
            any_by_name: HashMap::default(),
            trait_method_names: HashMap::default(),
            future_types: HashMap::default(),
        };
        for (f, (_, facts)) in files.iter().enumerate() {
            for &ty in &facts.future_types {
                ix.future_types
                    .insert((ix.pkg[f], &*facts.names[ty as usize]), ());
            }
            for (d, def) in facts.fns.iter().enumerate() {
                let id = DefId {
                    file: f as u32,
                    def: d as u32,
                };
                ix.by_path
                    .entry(&facts.names[def.path as usize])
                    .or_default()
                    .push(id);
                let key = (ix.pkg[f], &*facts.names[def.name as usize]);
                if def.method {
                    ix.any_by_name.entry(key).or_default().push(id);
                }
                if def.trait_impl {
                    ix.trait_method_names.insert(key, ());
                } else if def.method {
                    ix.methods_by_name.entry(key).or_default().push(id);
                } else {
                    ix.free_by_name.entry(key).or_default().push(id);
                }
            }
        }
        ix
    }

    /// Whether the type at `path` of the package of `file` implements `Future`.
    fn is_future(&self, file: u32, path: Name) -> bool {
        let path = self.name(file, path);
        self.future_types
            .contains_key(&(self.pkg[file as usize], path))
    }

    fn def(&self, id: DefId) -> &'a FnFact {
        &self.files[id.file as usize].1.fns[id.def as usize]
    }

    fn name(&self, file: u32, n: Name) -> &'a str {
        &self.files[file as usize].1.names[n as usize]
    }

    /// The one definition a callee in `file` names, if it is unambiguous.
    fn resolve(&self, file: u32, callee: Callee) -> Option<DefId> {
        let only = |v: Option<&Vec<DefId>>| match v {
            Some(v) if v.len() == 1 => Some(v[0]),
            _ => None,
        };
        let pkg = self.pkg[file as usize];
        // Definitions at `path` in the caller's package (`same`) or in the others.
        let at = |path: &str, same: bool| -> Option<DefId> {
            let v = self.by_path.get(path)?;
            let mut hits = v
                .iter()
                .filter(|d| (self.pkg[d.file as usize] == pkg) == same);
            let first = *hits.next()?;
            hits.next().is_none().then_some(first)
        };
        match callee {
            Callee::Path { path, name } => {
                let path = self.name(file, path);
                let name = self.name(file, name);
                if self.by_path.contains_key(path) {
                    // `crate::..` (and the fallbacks the engine records) name the
                    // caller's own package.
                    return at(path, true);
                }
                if is_foreign(path) {
                    return None;
                }
                // Another crate of the workspace (`other::api::f` is `crate::api::f` there).
                let mut home = pkg;
                let mut re_export = path.starts_with("crate::");
                if !re_export && let Some((krate, rest)) = path.split_once("::") {
                    let theirs = format!("crate::{rest}");
                    if self.named {
                        // Only the package of that crate name (the caller's own, from its
                        // tests and examples): which other crates are linted in the same
                        // run never changes what a path names.
                        if let Some(target) = self.package_named(krate) {
                            if !self.same_workspace(pkg, target) {
                                return None;
                            }
                            let mut hits = self.by_path.get(theirs.as_str()).into_iter().flatten();
                            let mut hits = hits
                                .by_ref()
                                .filter(|d| self.pkg[d.file as usize] == target);
                            if let Some(&first) = hits.next() {
                                return hits.next().is_none().then_some(first);
                            }
                            // Not at that path: re-exported from a module of that crate.
                            home = target;
                            re_export = true;
                        }
                    } else if let Some(v) = self.by_path.get(theirs.as_str()) {
                        // No package ids given: prefer the other packages; when all files
                        // are one package, the crate's own name may reach it too.
                        let elsewhere = v.iter().any(|d| self.pkg[d.file as usize] != pkg);
                        return at(&theirs, !elsewhere);
                    }
                }
                let trait_name = self.trait_method_names.contains_key(&(home, name));
                let methods = self.methods_by_name.get(&(home, name));
                let free = self.free_by_name.get(&(home, name));
                let Some(owner) = owner(path) else {
                    // A bare name the module heuristic did not place: only if it is unique.
                    return only(free).filter(|_| !trait_name && methods.is_none());
                };
                if owner == "Self" || owner.starts_with(char::is_uppercase) {
                    // `Type::method(..)` whose type path did not match: a method of a type of
                    // that name, never a free fn (`Request::get(..)` is not `fn get`).
                    if trait_name || crate::catalog::is_common_method(name) {
                        return None;
                    }
                    return self.only_owned(methods, owner);
                }
                // `module::f(..)`: a free fn of a crate (re-exported from one of its modules),
                // or of a module of that name.
                if trait_name || methods.is_some() {
                    return None;
                }
                if re_export {
                    return only(free);
                }
                self.only_owned(free, owner)
            }
            Callee::Method { name, recv } => {
                let name = self.name(file, name);
                if let Some(recv) = recv {
                    // The receiver's type is known: its method by path, else the one method
                    // of that name on a type of that name (an `impl` in another module).
                    let recv = self.name(file, recv);
                    if let Some(def) = at(&format!("{recv}::{name}"), true) {
                        return Some(def);
                    }
                    let ty = recv.rsplit("::").next().unwrap_or(recv);
                    return self.only_owned(self.any_by_name.get(&(pkg, name)), ty);
                }
                if crate::catalog::is_common_method(name)
                    || crate::catalog::is_std_method(name)
                    || self.free_by_name.contains_key(&(pkg, name))
                    || self.trait_method_names.contains_key(&(pkg, name))
                {
                    return None;
                }
                only(self.methods_by_name.get(&(pkg, name)))
            }
        }
    }

    /// Whether a path may lead from package `a` into package `b`.
    fn same_workspace(&self, a: Pkg, b: Pkg) -> bool {
        match (self.workspaces[a as usize], self.workspaces[b as usize]) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        }
    }

    /// The package whose crate name is `krate`, if exactly one is.
    fn package_named(&self, krate: &str) -> Option<Pkg> {
        let mut hits =
            (0..self.crate_names.len()).filter(|&p| self.crate_names[p].as_deref() == Some(krate));
        let first = hits.next()?;
        hits.next().is_none().then_some(first as Pkg)
    }

    /// The one definition among `defs` whose path has `owner` (a type or module name)
    /// just before its name.
    fn only_owned(&self, defs: Option<&Vec<DefId>>, by: &str) -> Option<DefId> {
        let mut hits = defs?.iter().filter(|d| {
            let def = self.def(**d);
            owner(self.name(d.file, def.path)) == Some(by)
        });
        let first = *hits.next()?;
        hits.next().is_none().then_some(first)
    }
}

/// The crate name in a cargo package id: `name` of `path+file:///dir#name@1.0` or of
/// `path+file:///dir/name#1.0`, with `-` as `_`.
fn crate_name_of(id: &str) -> Option<String> {
    let (url, frag) = id.rsplit_once('#')?;
    let name = match frag.split_once('@') {
        Some((name, _)) => name,
        None => url.trim_end_matches('/').rsplit('/').next()?,
    };
    (!name.is_empty()).then(|| name.replace('-', "_"))
}

/// The segment before the last of a path (`Request` of `http::Request::get`), if any.
fn owner(path: &str) -> Option<&str> {
    let (head, _) = path.rsplit_once("::")?;
    Some(head.rsplit("::").next().unwrap_or(head))
}

/// What a blocking def reaches: the next hop (None when it blocks directly) and the hit.
#[derive(Clone, Copy)]
struct Reach {
    next: Option<DefId>,
    root: DefId,
}

/// See the module docs. Returns each new finding with the index of its file in `files`.
/// Paths in notes are shown relative to `base` when under it.
pub(crate) fn link(files: &[LinkFile<'_>], base: &Path) -> Vec<(usize, Diagnostic)> {
    let ix = Index::new(files);
    let reach = propagate(&ix);
    let mut out = report(&ix, &reach, base);
    report_values(&ix, &mut out);
    report_selects(&ix, &propagate_cancel(&ix), base, &mut out);
    out
}

/// Async fns that await a non-cancel-safe operation, directly or through other async
/// fns of the workspace.
fn propagate_cancel(ix: &Index<'_>) -> HashMap<DefId, Reach> {
    spread(ix, |d| d.loses.is_some(), |d| &d.awaits[..], |d| d.is_async)
}

/// `select!` branches in loops whose future is a workspace async fn that is not
/// cancel-safe (`cancel_unsafe_select`), with the chain to the operation as a note.
fn report_selects(
    ix: &Index<'_>,
    reach: &HashMap<DefId, Reach>,
    cwd: &Path,
    out: &mut Vec<(usize, Diagnostic)>,
) {
    for (f, (_, facts)) in ix.files.iter().enumerate() {
        for site in &facts.sites {
            let Some(branch) = site.select else { continue };
            let Some(target) = ix.resolve(f as u32, site.callee) else {
                continue;
            };
            let Some(r) = reach.get(&target) else {
                continue;
            };
            let (mut via, cut) = chain(ix, reach, target);
            if cut {
                via.push("...");
            }
            let Some((op, line)) = &ix.def(r.root).loses else {
                continue;
            };
            let at = format!(
                "{}:{line}",
                shown_path(ix.files[r.root.file as usize].0, cwd)
            );
            out.push((
                f,
                cancel_unsafe_select::diagnostic(
                    site.span,
                    branch,
                    &via,
                    op,
                    Some(&at),
                    facts.runtime,
                ),
            ));
        }
    }
}

/// A path as notes show it: relative to `cwd` when under it.
fn shown_path<'p>(path: &'p Path, cwd: &Path) -> std::path::Display<'p> {
    match path.strip_prefix(cwd) {
        Ok(rel) if !cwd.as_os_str().is_empty() => rel.display(),
        _ => path.display(),
    }
}

/// Sync fns that block, directly or through other sync fns.
fn propagate(ix: &Index<'_>) -> HashMap<DefId, Reach> {
    spread(
        ix,
        |d| !d.is_async && d.hit.is_some(),
        |d| {
            if d.is_async { &[] } else { &d.calls[..] }
        },
        |d| !d.is_async,
    )
}

/// Backwards from the fns `seed` picks, through the edges `edges` gives (to callees that
/// `via` accepts): each fn that reaches a seed, with its next hop and the seed.
/// Breadth-first, so each gets its shortest chain, and cycles end.
fn spread(
    ix: &Index<'_>,
    seed: impl Fn(&FnFact) -> bool,
    edges: impl Fn(&FnFact) -> &[Callee],
    via: impl Fn(&FnFact) -> bool,
) -> HashMap<DefId, Reach> {
    // Reverse edges: callee -> callers.
    let mut callers: HashMap<DefId, Vec<DefId>> = HashMap::default();
    let mut queue = VecDeque::new();
    let mut reach: HashMap<DefId, Reach> = HashMap::default();
    for (f, (_, facts)) in ix.files.iter().enumerate() {
        for (d, def) in facts.fns.iter().enumerate() {
            let id = DefId {
                file: f as u32,
                def: d as u32,
            };
            if seed(def) {
                reach.insert(
                    id,
                    Reach {
                        next: None,
                        root: id,
                    },
                );
                queue.push_back(id);
            }
            for &c in edges(def) {
                if let Some(callee) = ix.resolve(f as u32, c)
                    && callee != id
                    && via(ix.def(callee))
                {
                    callers.entry(callee).or_default().push(id);
                }
            }
        }
    }
    while let Some(id) = queue.pop_front() {
        let root = reach[&id].root;
        for &c in callers.get(&id).into_iter().flatten() {
            if let std::collections::hash_map::Entry::Vacant(e) = reach.entry(c) {
                e.insert(Reach {
                    next: Some(id),
                    root,
                });
                queue.push_back(c);
            }
        }
    }
    reach
}

/// Hops a chain note shows before it is cut short.
const MAX_HOPS: usize = 65;

/// The names of the fns from `target` down the chain `reach` recorded (at most
/// [`MAX_HOPS`] after `target`), and whether the chain goes on past them.
fn chain<'a>(ix: &Index<'a>, reach: &HashMap<DefId, Reach>, target: DefId) -> (Vec<&'a str>, bool) {
    let mut names = vec![ix.name(target.file, ix.def(target).name)];
    let mut cur = reach[&target];
    while let Some(next) = cur.next {
        if names.len() > MAX_HOPS {
            return (names, true);
        }
        names.push(ix.name(next.file, ix.def(next).name));
        cur = reach[&next];
    }
    (names, false)
}

fn report(
    ix: &Index<'_>,
    reach: &HashMap<DefId, Reach>,
    cwd: &std::path::Path,
) -> Vec<(usize, Diagnostic)> {
    let mut out = Vec::new();
    for (f, (_, facts)) in ix.files.iter().enumerate() {
        for site in &facts.sites {
            let Some(target) = ix.resolve(f as u32, site.callee) else {
                continue;
            };
            let def = ix.def(target);
            // A sync fn that only builds a value of a type implementing `Future`.
            let builds_future =
                !def.is_async && def.ret.is_some_and(|t| ix.is_future(target.file, t));
            if (def.is_async || builds_future) && site.dropped {
                let name = ix.name(target.file, def.name);
                out.push((f, unawaited(site.span, name, site.yielded, false)));
            }
            if def.is_async {
                continue;
            }
            if !site.in_async {
                continue;
            }
            let Some(r) = reach.get(&target) else {
                continue;
            };
            let root = ix.def(r.root);
            let Some(hit) = &root.hit else { continue };
            // A helper that blocks only under `if param`: not at a call whose literal
            // argument makes the guard false.
            let guard = hit.guard.as_ref().filter(|_| r.next.is_none());
            if let Some(g) = guard
                && site
                    .bools
                    .iter()
                    .any(|&(i, v)| i == g.index && v != g.blocks_when)
            {
                continue;
            }
            let (names, cut) = chain(ix, reach, target);
            let mut chain = format!("calls `{}`", names.join("`, which calls `"));
            if cut {
                chain.push_str(", ...");
            }
            let root_path = shown_path(ix.files[r.root.file as usize].0, cwd);
            chain.push_str(&format!(
                ", which calls `{}` ({}:{})",
                hit.call, root_path, hit.line
            ));
            if let Some(g) = guard {
                chain.push_str(&format!(
                    " when its argument `{}` is `{}`",
                    g.name, g.blocks_when
                ));
            }
            let name = ix.name(target.file, def.name);
            let (message, help) = if hit.rule == nested_block_on::RULE.info.name {
                (
                    nested_block_on::chain_message(name, &hit.call),
                    nested_block_on::CHAIN_HELP.to_string(),
                )
            } else {
                (
                    blocking::chain_message(name, &hit.call),
                    blocking::offload_help(facts.runtime),
                )
            };
            out.push((
                f,
                diag(
                    hit.rule,
                    site.span,
                    message,
                    blocking::LABEL,
                    vec![chain],
                    Some(help),
                ),
            ));
        }
    }
    out
}

/// Values of types that implement `Future`, built and dropped or yielded.
fn report_values(ix: &Index<'_>, out: &mut Vec<(usize, Diagnostic)>) {
    for (f, (_, facts)) in ix.files.iter().enumerate() {
        for v in &facts.values {
            if ix.is_future(f as u32, v.ty) {
                let path = ix.name(f as u32, v.ty);
                let name = path.rsplit("::").next().unwrap_or(path);
                out.push((f, unawaited(v.span, name, v.yielded, true)));
            }
        }
    }
}

/// An `unawaited_future` finding at `span` for the future of `name` (a fn, or with
/// `value` a type whose value it is), dropped or `yielded` by an async block or closure.
fn unawaited(span: Span, name: &str, yielded: bool, value: bool) -> Diagnostic {
    let (message, help) = match (yielded, value) {
        (false, false) => (unawaited_future::message(name), unawaited_future::HELP),
        (true, false) => (
            unawaited_future::yielded_message(name),
            unawaited_future::YIELDED_HELP,
        ),
        (false, true) => (
            unawaited_future::value_message(name),
            unawaited_future::HELP,
        ),
        (true, true) => (
            unawaited_future::yielded_value_message(name),
            unawaited_future::YIELDED_HELP,
        ),
    };
    diag(
        unawaited_future::RULE.info.name,
        span,
        message,
        unawaited_future::LABEL,
        Vec::new(),
        Some(help.into()),
    )
}

fn diag(
    rule: &'static str,
    span: Span,
    message: String,
    label: &str,
    notes: Vec<String>,
    help: Option<String>,
) -> Diagnostic {
    let level = rules::info(rule).map_or(crate::Level::Warn, |r| r.default_level);
    Diagnostic {
        rule,
        level,
        message,
        primary: Label {
            span,
            message: label.to_string(),
        },
        secondary: Vec::new(),
        notes,
        help,
        suggestion: None,
    }
}
