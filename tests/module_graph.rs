//! The crate's rooms import each other downwards only: the graph of
//! `crate::…` references between top-level modules of `src/` (outside unit
//! tests, comments and the crate root's re-exports) has no cycle. See
//! `ARCHITECTURE.md` for the layers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module → the top-level modules its code names.
type Graph = BTreeMap<String, BTreeSet<String>>;

/// The code of a file without its `#[cfg(test)]` module(s) and comments.
fn code(text: &str) -> String {
    let mut out = String::new();
    let mut skip_depth: Option<i64> = None;
    let mut depth: i64 = 0;
    let mut cfg_test = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") {
            continue;
        }
        let line = match line.find(" //") {
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        };
        let opens = line.matches('{').count() as i64;
        let closes = line.matches('}').count() as i64;
        if skip_depth.is_none() {
            if trimmed.starts_with("#[cfg(test)]") {
                cfg_test = true;
                continue;
            }
            if cfg_test && trimmed.starts_with("mod ") && opens > 0 {
                skip_depth = Some(depth);
            }
            cfg_test = false;
        }
        depth += opens - closes;
        match skip_depth {
            Some(d) if depth <= d => skip_depth = None,
            Some(_) => {}
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// The identifiers that start each path of a `use` tree body like
/// `{a, b::c, self}` or `a::b`.
fn heads(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    if let Some(inner) = tree.strip_prefix('{') {
        let mut out = Vec::new();
        let (mut depth, mut start) = (0, 0);
        let inner = inner.strip_suffix('}').unwrap_or(inner);
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    out.extend(heads(&inner[start..i]));
                    start = i + 1;
                }
                _ => {}
            }
        }
        out.extend(heads(&inner[start..]));
        out
    } else {
        let name: String = tree
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() || name == "self" {
            Vec::new()
        } else {
            vec![name]
        }
    }
}

/// The top-level modules that `code` names through `prefix` (`crate::`, or
/// `super::` in a top-level module's own file).
fn referenced(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        if rest.starts_with('{') {
            // A use tree: up to its matching brace.
            let mut depth = 0;
            let end = rest
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(rest.len(), |(i, _)| i + 1);
            out.extend(heads(&rest[..end]));
        } else {
            out.extend(heads(rest));
        }
    }
    out
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules = BTreeSet::new();
    let mut files: Vec<(String, std::path::PathBuf, bool)> = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "lib" || name == "main" {
            continue;
        }
        modules.insert(name.clone());
        if path.is_dir() {
            let mut stack = vec![path];
            while let Some(dir) = stack.pop() {
                for f in std::fs::read_dir(&dir).unwrap() {
                    let p = f.unwrap().path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if p.extension().is_some_and(|e| e == "rs") {
                        // `super::` in `src/m/mod.rs` is the crate root.
                        let top = dir == src.join(&name) && p.ends_with("mod.rs");
                        files.push((name.clone(), p, top));
                    }
                }
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push((name, path, true));
        }
    }
    let mut g = Graph::new();
    for (module, path, top) in files {
        let code = code(&std::fs::read_to_string(&path).unwrap());
        let mut names = referenced(&code, "crate::");
        if top {
            names.extend(referenced(&code, "super::"));
        }
        let deps = g.entry(module.clone()).or_default();
        for n in names {
            if n != module && modules.contains(&n) {
                deps.insert(n);
            }
        }
    }
    g
}

/// A cycle of `g`, if any (depth-first search).
fn cycle(g: &Graph) -> Option<Vec<String>> {
    fn visit(
        g: &Graph,
        n: &str,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_owned(), 1);
        path.push(n.to_owned());
        for m in g.get(n).into_iter().flatten() {
            match state.get(m.as_str()).copied().unwrap_or(0) {
                1 => {
                    let start = path.iter().position(|p| p == m).unwrap();
                    let mut c = path[start..].to_vec();
                    c.push(m.clone());
                    return Some(c);
                }
                0 => {
                    if let Some(c) = visit(g, m, state, path) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        path.pop();
        state.insert(n.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in g.keys() {
        if state.get(n.as_str()).copied().unwrap_or(0) == 0
            && let Some(c) = visit(g, n, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

#[test]
fn top_level_modules_import_downwards_only() {
    let g = graph();
    let shown: Vec<String> = g
        .iter()
        .map(|(m, deps)| format!("{m} -> {}", Vec::from_iter(deps.iter().cloned()).join(", ")))
        .collect();
    println!("{}", shown.join("\n"));
    assert!(
        cycle(&g).is_none(),
        "import cycle {:?}\nthe graph:\n{}",
        cycle(&g).unwrap().join(" -> "),
        shown.join("\n")
    );
}

/// The checker sees what it must: a use tree, a path in code, `super::` in a
/// top-level file; and not comments or unit tests.
#[test]
fn the_checker_finds_edges_and_cycles() {
    let c = code(
        "use crate::{a::{B, c}, d};\n// crate::commented\nfn f() { crate::e::g(); }\n\
         #[cfg(test)]\nmod tests {\n    use crate::tested;\n}\n",
    );
    let names: Vec<String> = referenced(&c, "crate::").into_iter().collect();
    assert_eq!(names, ["a", "d", "e"]);
    let mut g = Graph::new();
    g.entry("x".into()).or_default().insert("y".into());
    assert!(cycle(&g).is_none());
    g.entry("y".into()).or_default().insert("x".into());
    assert_eq!(cycle(&g).unwrap(), ["x", "y", "x"]);
}
