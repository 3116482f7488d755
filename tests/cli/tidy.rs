//! Tidy tests over the source (issue 10), beside `layering_invariants_hold`: no import cycle
//! between the top-level modules of `src/`, and no function over `MAX_FN_LINES` lines unless a
//! `// long-function: <reason>` comment sits just above it (above its attributes and docs).
//!
//! Scope, decided: both tests read `src/` only. `tests/` and `fuzz/` are not modules of the
//! crate (no module graph to cycle), and a test function is a scenario read top to bottom.
//! Items under `#[cfg(test)]` are left out of the module graph: a unit test may use any module
//! to build its fixture without that being a dependency of the shipped code. The files are
//! parsed with syn, so lines are counted from the real `fn` to its closing brace.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

const MAX_FN_LINES: usize = 80;
const ALLOW: &str = "// long-function:";

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("list").filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn parse(path: &Path) -> (String, syn::File) {
    let text = std::fs::read_to_string(path).expect("read");
    let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (text, file)
}

/// `src/check/frame.rs` → `check`; `src/facts.rs` → `facts`; the crate roots → None.
fn top_module(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel
        .components()
        .next()?
        .as_os_str()
        .to_string_lossy()
        .to_string();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_string();
    (name != "lib" && name != "main").then_some(name)
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>()
                .is_ok_and(|m| m.path().is_ident("test"))
    })
}

/// The top-level modules a file names through `crate::X`, in paths and in `use` trees.
#[derive(Default)]
struct CrateRefs(BTreeSet<String>);

impl CrateRefs {
    fn use_tree(&mut self, tree: &syn::UseTree, after_crate: bool) {
        match tree {
            syn::UseTree::Path(p) if !after_crate && p.ident == "crate" => {
                self.use_tree(&p.tree, true);
            }
            syn::UseTree::Path(_) if !after_crate => {}
            syn::UseTree::Path(p) => {
                self.0.insert(p.ident.to_string());
            }
            syn::UseTree::Name(n) if after_crate => {
                self.0.insert(n.ident.to_string());
            }
            syn::UseTree::Rename(r) if after_crate => {
                self.0.insert(r.ident.to_string());
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(t, after_crate);
                }
            }
            _ => {}
        }
    }
}

impl<'a> Visit<'a> for CrateRefs {
    fn visit_item(&mut self, item: &'a syn::Item) {
        let attrs: &[syn::Attribute] = match item {
            syn::Item::Mod(m) => &m.attrs,
            syn::Item::Fn(f) => &f.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Use(u) => &u.attrs,
            _ => &[],
        };
        if !is_cfg_test(attrs) {
            syn::visit::visit_item(self, item);
        }
    }
    fn visit_item_use(&mut self, u: &'a syn::ItemUse) {
        self.use_tree(&u.tree, false);
    }
    fn visit_path(&mut self, p: &'a syn::Path) {
        let mut segs = p.segments.iter();
        if let (Some(first), Some(second)) = (segs.next(), segs.next()) {
            if first.ident == "crate" {
                self.0.insert(second.ident.to_string());
            }
        }
        syn::visit::visit_path(self, p);
    }
}

/// The strongly connected components of more than one module (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Tarjan<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<Vec<String>>,
    }
    impl<'g> Tarjan<'g> {
        fn visit(&mut self, v: &'g str) {
            let i = self.index.len();
            self.index.insert(v, i);
            self.low.insert(v, i);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.graph.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low.get_mut(v).expect("low");
                    *lv = (*lv).min(lw);
                } else if self.on_stack.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low.get_mut(v).expect("low");
                    *lv = (*lv).min(iw);
                }
            }
            if self.low[v] == self.index[v] {
                let mut scc = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    scc.push(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if scc.len() > 1 {
                    scc.sort();
                    self.found.push(scc);
                }
            }
        }
    }
    let mut t = Tarjan {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v.as_str()) {
            t.visit(v);
        }
    }
    t.found
}

/// The module graph of `src/`: module → the modules it names, with one file per edge as evidence.
fn module_graph(src: &Path) -> BTreeMap<(String, String), String> {
    let mut edges = BTreeMap::new();
    for f in rust_files(src) {
        let Some(from) = top_module(src, &f) else {
            continue;
        };
        let (_, file) = parse(&f);
        let mut refs = CrateRefs::default();
        refs.visit_file(&file);
        for to in refs.0 {
            let is_module = src.join(&to).is_dir() || src.join(format!("{to}.rs")).is_file();
            if to != from && is_module {
                let rel = f.strip_prefix(src).expect("rel").display().to_string();
                edges.entry((from.clone(), to)).or_insert(rel);
            }
        }
    }
    edges
}

#[test]
fn no_import_cycle_between_top_level_modules() {
    let src = crate::root().join("src");
    let edges = module_graph(&src);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        graph.entry(from.clone()).or_default().insert(to.clone());
    }
    let found = cycles(&graph);
    let report: Vec<String> = found
        .iter()
        .map(|scc| {
            let inside: Vec<String> = edges
                .iter()
                .filter(|((a, b), _)| scc.contains(a) && scc.contains(b))
                .map(|((a, b), file)| format!("  {a} → {b} (src/{file})"))
                .collect();
            format!("cycle among {{{}}}:\n{}", scc.join(", "), inside.join("\n"))
        })
        .collect();
    assert!(report.is_empty(), "{}", report.join("\n"));
}

/// The cycle finder itself: a two-module loop is found, a chain is not.
#[test]
fn the_cycle_finder_finds_a_loop_and_only_a_loop() {
    let g = |pairs: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in pairs {
            g.entry(a.to_string()).or_default().insert(b.to_string());
        }
        g
    };
    assert_eq!(
        cycles(&g(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])),
        vec![vec!["a".to_string(), "b".to_string(), "c".to_string()]]
    );
    assert!(cycles(&g(&[("a", "b"), ("b", "c"), ("a", "c")])).is_empty());
}

/// Every function with a body: its name, first line (the `fn`) and last line (closing brace).
#[derive(Default)]
struct Functions(Vec<(String, usize, usize)>);

impl Functions {
    fn push(&mut self, name: &syn::Ident, fn_token: &syn::token::Fn, block: &syn::Block) {
        let start = fn_token.span.start().line;
        let end = block.brace_token.span.close().end().line;
        self.0.push((name.to_string(), start, end));
    }
}

impl<'a> Visit<'a> for Functions {
    fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
        self.push(&f.sig.ident, &f.sig.fn_token, &f.block);
        syn::visit::visit_item_fn(self, f);
    }
    fn visit_impl_item_fn(&mut self, f: &'a syn::ImplItemFn) {
        self.push(&f.sig.ident, &f.sig.fn_token, &f.block);
        syn::visit::visit_impl_item_fn(self, f);
    }
    fn visit_trait_item_fn(&mut self, f: &'a syn::TraitItemFn) {
        if let Some(block) = &f.default {
            self.push(&f.sig.ident, &f.sig.fn_token, block);
        }
        syn::visit::visit_trait_item_fn(self, f);
    }
}

/// Whether `// long-function: <reason>` stands above line `fn_line` (1-based), past the
/// attributes, doc comments and visibility lines that belong to the same function.
fn has_allow(lines: &[&str], fn_line: usize) -> bool {
    let mut i = fn_line.saturating_sub(1);
    // The `fn` line itself may start with `pub`, `async`…; look above it.
    while i > 0 {
        i -= 1;
        let l = lines[i].trim();
        if let Some(reason) = l.strip_prefix(ALLOW) {
            return !reason.trim().is_empty();
        }
        let part_of_item = l.starts_with("#[") || l.starts_with("///") || l.starts_with("//");
        if !part_of_item {
            return false;
        }
    }
    false
}

/// Long functions in one file: (name, first line, length) of those over the limit unexcused.
fn long_functions(text: &str, file: &syn::File) -> Vec<(String, usize, usize)> {
    let mut fns = Functions::default();
    fns.visit_file(file);
    let lines: Vec<&str> = text.lines().collect();
    fns.0
        .into_iter()
        .map(|(name, start, end)| (name, start, end + 1 - start))
        .filter(|(_, start, len)| *len > MAX_FN_LINES && !has_allow(&lines, *start))
        .collect()
}

#[test]
fn no_long_function_without_a_reason() {
    let src = crate::root().join("src");
    let mut long = Vec::new();
    for f in rust_files(&src) {
        let (text, file) = parse(&f);
        for (name, line, len) in long_functions(&text, &file) {
            long.push(format!("{}:{line}: fn {name} is {len} lines", f.display()));
        }
    }
    assert!(
        long.is_empty(),
        "over {MAX_FN_LINES} lines without `{ALLOW} <reason>` above:\n{}",
        long.join("\n")
    );
}

/// The length check counts honestly: a 81-line function is caught, the same with a reason
/// is let through, and an allow comment without a reason does not count.
#[test]
fn the_length_check_counts_and_honours_only_reasoned_allows() {
    let body = "    let _ = 1;\n".repeat(MAX_FN_LINES - 1);
    let long = format!("fn big() {{\n{body}}}\n");
    let check = |text: &str| long_functions(text, &syn::parse_file(text).expect("parse"));
    assert_eq!(check(&long).len(), 1, "81 lines caught");
    let allowed = format!("{ALLOW} a table read top to bottom\n#[inline]\n{long}");
    assert!(
        check(&allowed).is_empty(),
        "a reasoned allow lets it through"
    );
    let bare = format!("{ALLOW}\n{long}");
    assert_eq!(
        check(&bare).len(),
        1,
        "an allow without a reason does not count"
    );
    let short = format!(
        "fn small() {{\n{}}}\n",
        "    let _ = 1;\n".repeat(MAX_FN_LINES - 2)
    );
    assert!(check(&short).is_empty(), "80 lines is within the limit");
}
