//! The shape of `lint/src` stays as ARCHITECTURE.md describes it:
//!
//! - no import cycle between its files: every `crate::`/`super::`/`self::` path (in a
//!   `use` or in code) is an edge from the file it is written in to the file of the module
//!   it names (an item re-exported by `lib.rs` counts as its defining module's), and a
//!   module's file (lib.rs, the facade, aside) has an edge to each of its submodules' files
//!   (so a submodule never imports from its parent's file); the edges must form no cycle;
//! - no file over 900 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::{self, Visit};

const MAX_LINES: usize = 900;

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/rules/mod.rs` → `["rules"]`, `src/rules/busy_wait.rs` → `["rules", "busy_wait"]`,
/// `src/lib.rs` and `src/main.rs` → `[]` (main.rs is its own crate: it is left out).
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src_dir()).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_string());
    }
    parts
}

/// The names `lib.rs` re-exports (`pub use diagnostic::{Diagnostic, ..}`), with the module
/// each comes from.
fn root_reexports(lib: &syn::File) -> BTreeMap<String, Vec<String>> {
    fn walk(
        tree: &syn::UseTree,
        prefix: &mut Vec<String>,
        out: &mut BTreeMap<String, Vec<String>>,
    ) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                walk(&p.tree, prefix, out);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                out.insert(n.ident.to_string(), prefix.clone());
            }
            syn::UseTree::Rename(r) => {
                out.insert(r.rename.to_string(), prefix.clone());
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    walk(t, prefix, out);
                }
            }
            syn::UseTree::Glob(_) => {}
        }
    }
    let mut out = BTreeMap::new();
    for item in &lib.items {
        if let syn::Item::Use(u) = item {
            walk(&u.tree, &mut Vec::new(), &mut out);
        }
    }
    out
}

/// Collects every path written in a file that starts with `crate`, `super` or `self`, or
/// with a name the file imported from one of those, as a full module path.
struct Paths<'a> {
    /// The file's module, then the inline modules entered.
    module: Vec<String>,
    /// How many of `module`'s segments are inline modules of this file.
    inline: usize,
    /// Names imported from the crate by the file's `use`s, with their full path.
    imports: &'a BTreeMap<String, Vec<String>>,
    out: BTreeSet<Vec<String>>,
}

impl Paths<'_> {
    /// The full path of `segments` written in the current module, if it names the crate.
    fn full(&self, segments: &[String]) -> Option<Vec<String>> {
        let (first, rest) = segments.split_first()?;
        let mut base = match first.as_str() {
            "crate" => Vec::new(),
            "self" => self.module.clone(),
            "super" => {
                let mut m = self.module.clone();
                m.pop();
                m
            }
            name => self.imports.get(name)?.clone(),
        };
        let mut rest = rest.iter().peekable();
        while rest.peek().is_some_and(|s| *s == "super") {
            base.pop();
            rest.next();
        }
        base.extend(rest.cloned());
        Some(base)
    }
}

impl<'ast> Visit<'ast> for Paths<'_> {
    // `pub(crate)` names a module but imports nothing.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if m.content.is_some() {
            self.module.push(m.ident.to_string());
            self.inline += 1;
            visit::visit_item_mod(self, m);
            self.inline -= 1;
            self.module.pop();
        }
    }
    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        if p.leading_colon.is_none()
            && let Some(full) = self.full(&segments)
        {
            self.out.insert(full);
        }
        visit::visit_path(self, p);
    }
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        let mut paths = Vec::new();
        use_paths(&u.tree, &mut Vec::new(), &mut paths);
        for p in paths {
            if let Some(full) = self.full(&p) {
                self.out.insert(full);
            }
        }
    }
}

/// Every path a `use` tree names (`a::{b, c::d}` → `a::b`, `a::c::d`; `a::{self}` → `a`).
fn use_paths(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_paths(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) if n.ident == "self" => out.push(prefix.clone()),
        syn::UseTree::Name(n) => {
            let mut p = prefix.clone();
            p.push(n.ident.to_string());
            out.push(p);
        }
        syn::UseTree::Rename(r) if r.ident == "self" => out.push(prefix.clone()),
        syn::UseTree::Rename(r) => {
            let mut p = prefix.clone();
            p.push(r.ident.to_string());
            out.push(p);
        }
        syn::UseTree::Glob(_) => out.push(prefix.clone()),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                use_paths(t, prefix, out);
            }
        }
    }
}

/// The names a file imports (by its `use`s, at any depth), with the full path of each,
/// when the path names the crate, and the modules it declares (`mod x;` is `self::x`);
/// `module` is the file's module.
fn file_imports(file: &syn::File, module: &[String]) -> BTreeMap<String, Vec<String>> {
    struct Uses(Vec<(String, Vec<String>)>);
    impl<'ast> Visit<'ast> for Uses {
        fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
            fn walk(
                t: &syn::UseTree,
                prefix: &mut Vec<String>,
                out: &mut Vec<(String, Vec<String>)>,
            ) {
                match t {
                    syn::UseTree::Path(p) => {
                        prefix.push(p.ident.to_string());
                        walk(&p.tree, prefix, out);
                        prefix.pop();
                    }
                    syn::UseTree::Name(n) if n.ident == "self" => {
                        if let Some(last) = prefix.last() {
                            out.push((last.clone(), prefix.clone()));
                        }
                    }
                    syn::UseTree::Name(n) => {
                        let mut p = prefix.clone();
                        p.push(n.ident.to_string());
                        out.push((n.ident.to_string(), p));
                    }
                    syn::UseTree::Rename(r) => {
                        let mut p = prefix.clone();
                        if r.ident != "self" {
                            p.push(r.ident.to_string());
                        }
                        out.push((r.rename.to_string(), p));
                    }
                    syn::UseTree::Group(g) => {
                        for t in &g.items {
                            walk(t, prefix, out);
                        }
                    }
                    syn::UseTree::Glob(_) => {}
                }
            }
            walk(&u.tree, &mut Vec::new(), &mut self.0);
        }
    }
    let mut uses = Uses(Vec::new());
    uses.visit_file(file);
    let empty = BTreeMap::new();
    let resolver = Paths {
        module: module.to_vec(),
        inline: 0,
        imports: &empty,
        out: BTreeSet::new(),
    };
    let mut names: BTreeMap<String, Vec<String>> = uses
        .0
        .into_iter()
        .filter_map(|(name, path)| Some((name, resolver.full(&path)?)))
        .collect();
    for item in &file.items {
        if let syn::Item::Mod(m) = item {
            let mut child = module.to_vec();
            child.push(m.ident.to_string());
            names.insert(m.ident.to_string(), child);
        }
    }
    names
}

/// The file-module a full path lands in: its longest prefix that is a file's module, with
/// names `lib.rs` re-exports mapped to their own module.
fn target(
    path: &[String],
    modules: &BTreeSet<Vec<String>>,
    reexports: &BTreeMap<String, Vec<String>>,
) -> Vec<String> {
    if let [name, ..] = path
        && let Some(m) = reexports.get(name)
    {
        let mut full = m.clone();
        full.extend(path[1..].iter().cloned());
        if full != path {
            return target(&full, modules, reexports);
        }
    }
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|p| modules.contains(p))
        .unwrap_or_default()
}

/// Every edge between files of `lint/src`, as module paths, with a path that makes it.
fn edges() -> (Graph, Why) {
    let mut files = Vec::new();
    rust_files(&src_dir(), &mut files);
    files.retain(|f| !f.ends_with("main.rs"));
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(f)).collect();
    let parsed: Vec<(Vec<String>, syn::File)> = files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            (module_of(f), syn::parse_file(&text).unwrap())
        })
        .collect();
    let lib = &parsed.iter().find(|(m, _)| m.is_empty()).unwrap().1;
    let reexports = root_reexports(lib);
    let mut graph = BTreeMap::new();
    let mut why = BTreeMap::new();
    for (module, file) in &parsed {
        let imports = file_imports(file, module);
        let mut v = Paths {
            module: module.clone(),
            inline: 0,
            imports: &imports,
            out: BTreeSet::new(),
        };
        v.visit_file(file);
        let mut targets = BTreeSet::new();
        // lib.rs declares every top module but is only the facade: its own edges are its paths.
        for child in modules
            .iter()
            .filter(|m| !module.is_empty() && m.len() == module.len() + 1 && m.starts_with(module))
        {
            why.entry((module.clone(), child.clone()))
                .or_insert_with(|| "its submodule".to_string());
            targets.insert(child.clone());
        }
        for p in &v.out {
            let t = target(p, &modules, &reexports);
            if t != *module {
                why.entry((module.clone(), t.clone()))
                    .or_insert_with(|| format!("crate::{}", p.join("::")));
                targets.insert(t);
            }
        }
        graph.insert(module.clone(), targets);
    }
    (graph, why)
}

/// Each file-module and the file-modules it uses.
type Graph = BTreeMap<Vec<String>, BTreeSet<Vec<String>>>;

/// For each edge, one path that makes it.
type Why = BTreeMap<(Vec<String>, Vec<String>), String>;

/// A cycle of the graph, if any (as the modules along it).
fn find_cycle(graph: &Graph) -> Option<Vec<Vec<String>>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn dfs(
        node: &Vec<String>,
        graph: &Graph,
        marks: &mut BTreeMap<Vec<String>, Mark>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        marks.insert(node.clone(), Mark::Open);
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            match marks.get(next) {
                Some(Mark::Open) => {
                    let from = stack.iter().position(|n| n == next).unwrap();
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Some(Mark::Done) => {}
                None => {
                    if let Some(c) = dfs(next, graph, marks, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        marks.insert(node.clone(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        if !marks.contains_key(node)
            && let Some(c) = dfs(node, graph, &mut marks, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

#[test]
fn no_import_cycle_between_the_files_of_lint_src() {
    let (graph, why) = edges();
    assert!(graph.len() > 40, "only {} files found", graph.len());
    // The edges the architecture names are seen (so an empty graph cannot pass).
    let edge = |a: &str, b: &str| {
        let split = |s: &str| -> Vec<String> {
            if s.is_empty() {
                Vec::new()
            } else {
                s.split("::").map(str::to_string).collect()
            }
        };
        graph.get(&split(a)).is_some_and(|t| t.contains(&split(b)))
    };
    assert!(edge("engine", "resolve"), "engine -> resolve");
    assert!(edge("rules::busy_wait", "flow::walk"), "rules -> flow");
    assert!(
        edge("rules::busy_wait", "diagnostic"),
        "a re-export maps to its module"
    );
    assert!(
        edge("rules", "rules::busy_wait"),
        "the registry names the rule files"
    );
    if let Some(cycle) = find_cycle(&graph) {
        let steps: Vec<String> = cycle
            .windows(2)
            .map(|w| {
                format!(
                    "crate::{} -> crate::{} (by {})",
                    w[0].join("::"),
                    w[1].join("::"),
                    why[&(w[0].clone(), w[1].clone())]
                )
            })
            .collect();
        panic!("import cycle:\n  {}", steps.join("\n  "));
    }
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let m = |s: &str| vec![s.to_string()];
    let mut graph = BTreeMap::new();
    graph.insert(m("a"), BTreeSet::from([m("b")]));
    graph.insert(m("b"), BTreeSet::from([m("c")]));
    graph.insert(m("c"), BTreeSet::new());
    assert_eq!(find_cycle(&graph), None);
    graph.insert(m("c"), BTreeSet::from([m("a")]));
    assert_eq!(
        find_cycle(&graph),
        Some(vec![m("a"), m("b"), m("c"), m("a")])
    );
}

#[test]
fn no_file_of_lint_src_is_over_900_lines() {
    let mut files = Vec::new();
    rust_files(&src_dir(), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > MAX_LINES).then(|| format!("{}: {n} lines", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "{}", long.join("\n"));
}
