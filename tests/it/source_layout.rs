//! The shape of the source tree that keeps it easy to change: data flows one
//! way between the modules of `src/` (no module reaches, directly or through
//! others, one that reaches it back), and no source file passes 700 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 700;

/// The `.rs` files under `dir` (relative to the package root), if it exists.
pub(crate) fn rust_files(dir: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for path in fs::read_dir(dir).expect("readable directory").map(|e| e.unwrap().path()) {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let (dir, mut out) = (root().join(dir), Vec::new());
    if dir.is_dir() {
        walk(&dir, &mut out);
    }
    out
}

pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Identifiers following `crate::` in code (comments and doc comments,
/// whose links do not import anything, are skipped).
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for rest in line.split("crate::").skip(1) {
            let name: String =
                rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

/// Names `lib.rs` re-exports (`pub use module::{A, B};`), mapped to their
/// module, so `crate::Policy` counts as a use of `policy`.
fn reexports(lib: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for statement in lib.split(';') {
        let path = statement.split_once("pub use ").map(|(_, p)| p);
        let Some((module, names)) = path.and_then(|p| p.split_once("::")) else { continue };
        for name in names.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if !name.is_empty() {
                map.insert(name.to_owned(), module.trim().to_owned());
            }
        }
    }
    map
}

/// Each top-level module of `src/` and the top-level modules it uses.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = root().join("src");
    let names = reexports(&fs::read_to_string(src.join("lib.rs")).expect("src/lib.rs"));
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files("src") {
        let first = file.strip_prefix(&src).unwrap().components().next().expect("a component");
        let module = first.as_os_str().to_string_lossy().trim_end_matches(".rs").to_owned();
        if module == "lib" {
            continue;
        }
        let text = fs::read_to_string(&file).expect("readable source");
        let used = graph.entry(module.clone()).or_default();
        for name in crate_paths(&text) {
            let target = names.get(&name).cloned().unwrap_or(name);
            if target != module {
                used.insert(target);
            }
        }
    }
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    graph.values_mut().for_each(|used| used.retain(|m| modules.contains(m)));
    graph
}

/// A path of modules from `from` back to itself, if there is one.
fn circle_through(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    let (mut stack, mut seen) = (vec![vec![from.to_owned()]], BTreeSet::new());
    while let Some(path) = stack.pop() {
        for next in &graph[path.last().expect("non-empty path")] {
            let mut longer = path.clone();
            longer.push(next.clone());
            if next == from {
                return Some(longer);
            }
            if seen.insert(next.clone()) {
                stack.push(longer);
            }
        }
    }
    None
}

#[test]
fn no_module_of_src_imports_one_that_imports_it_back() {
    let graph = module_graph();
    assert!(graph.len() > 10, "the graph was read: {graph:?}");
    assert!(graph["service"].contains("policy"), "uses are found: {:?}", graph["service"]);
    let circles: Vec<String> =
        graph.keys().filter_map(|m| circle_through(&graph, m)).map(|c| c.join(" -> ")).collect();
    assert!(circles.is_empty(), "import circles:\n{}", circles.join("\n"));
}

#[test]
fn no_source_file_passes_700_lines() {
    let dirs = ["src", "tests", "benches", "examples", "cors-doctor/src"];
    let files: Vec<PathBuf> = dirs.iter().flat_map(|d| rust_files(d)).collect();
    assert!(files.len() > 20, "files were found: {}", files.len());
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = fs::read_to_string(f).ok()?.lines().count();
            (lines > MAX_LINES).then(|| format!("{} ({lines} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "files over {MAX_LINES} lines:\n{}", long.join("\n"));
}

/// Each line of code in `src/` outside `#[cfg(test)]` modules, with its file.
fn code_lines() -> Vec<(String, String)> {
    let mut lines = Vec::new();
    for file in rust_files("src") {
        let name = file.strip_prefix(root()).expect("under the root").display().to_string();
        let text = fs::read_to_string(&file).expect("readable source");
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
        lines.extend(code.lines().map(|line| (name.clone(), line.to_owned())));
    }
    lines
}

#[test]
fn only_the_write_stage_writes_cors_headers_and_refusal_responses() {
    const CORS_NAMES: [&str; 5] = [
        "ACCESS_CONTROL_ALLOW", "ACCESS_CONTROL_EXPOSE", "ACCESS_CONTROL_MAX_AGE",
        "ALLOW_PRIVATE_NETWORK", "VARY",
    ];
    let writes = |line: &str| {
        let code = line.trim_start();
        let header_write = ["insert(", "append(", "remove("].iter().any(|call| {
            code.split(call).skip(1).any(|args| CORS_NAMES.iter().any(|name| args.contains(name)))
        });
        let status = code.contains("StatusCode::FORBIDDEN") || code.contains("status_mut()");
        !code.starts_with("//") && (header_write || status)
    };
    let writers: BTreeSet<String> =
        code_lines().into_iter().filter(|(_, line)| writes(line)).map(|(file, _)| file).collect();
    let (inside, elsewhere): (Vec<&String>, Vec<&String>) =
        writers.iter().partition(|f| f.starts_with("src/response/"));
    assert!(!inside.is_empty(), "the check finds the writes: {writers:?}");
    assert!(
        elsewhere.is_empty(),
        "CORS headers or refusals written outside src/response/: {elsewhere:?}"
    );
}

#[test]
fn forced_inlines_are_few_and_no_comment_holds_a_benchmark_figure() {
    let lines = code_lines();
    let forced: Vec<&String> =
        lines.iter().filter(|(_, l)| l.contains("#[inline(always)]")).map(|(f, _)| f).collect();
    let count = forced.len();
    assert!(count <= 6, "{count} #[inline(always)] (BENCHMARKS.md backs at most 6): {forced:?}");
    // A figure: a number followed by a unit of time, size or work, or "N -> M".
    const UNITS: [&str; 6] = ["instructions", "ns", "µs", "MB", "KB", "->"];
    let figure = |comment: &str| {
        let words: Vec<&str> = comment.split_whitespace().collect();
        words.windows(2).any(|w| {
            let number = w[0].trim_start_matches('(');
            let unit = w[1].trim_end_matches(|c: char| c.is_ascii_punctuation() && c != '>');
            number.chars().all(|c| c.is_ascii_digit() || c == '.')
                && number.chars().any(|c| c.is_ascii_digit())
                && UNITS.contains(&unit)
        })
    };
    let figures = lines.iter().filter_map(|(file, line)| {
        let at = line.find("//")?;
        figure(&line[at..]).then(|| format!("{file}: {}", line.trim()))
    });
    let figures = figures.collect::<Vec<_>>().join("\n");
    assert!(figures.is_empty(), "benchmark figures belong in BENCHMARKS.md:\n{figures}");
}
