//! What the docs cite is there: every repository path named in README.md,
//! SECURITY.md, BENCHMARKS.md, cors-doctor/README.md and the doc comments
//! of src/ exists, and the README's one setup block adds every crate its
//! Rust blocks use (the blocks themselves are compiled as doctests).

use std::path::PathBuf;

use crate::source_layout::{root, rust_files};

/// Where a repository path begins.
const TOP: [&str; 7] = ["src/", "tests/", "examples/", "benches/", "fuzz/", "cors-doctor/", ".ci/"];

fn is_path_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_./-".contains(&b)
}

/// Words that begin with a top-level directory, and with `links` relative
/// Markdown link targets (without their `#anchor`; in doc comments links are
/// Rust paths, resolved by `cargo doc`).
fn cited_paths(text: &str, links: bool) -> Vec<String> {
    let mut paths = Vec::new();
    for (i, _) in text.char_indices() {
        let rest = &text[i..];
        if let Some(target) = rest.strip_prefix("](").filter(|_| links) {
            let target = &target[..target.find(')').unwrap_or(target.len())];
            let target = target.split('#').next().unwrap_or("");
            if !target.is_empty() && !target.contains(':') {
                paths.push(target.to_owned());
            }
        }
        if (i > 0 && is_path_byte(text.as_bytes()[i - 1]))
            || !TOP.iter().any(|t| rest.starts_with(t))
        {
            continue;
        }
        let end = rest.bytes().position(|b| !is_path_byte(b)).unwrap_or(rest.len());
        let path = rest[..end].trim_end_matches('.');
        // `cors-doctor/0.1.0` is a user agent, not a path.
        if !path.split('/').nth(1).is_some_and(|s| s.starts_with(|c: char| c.is_ascii_digit())) {
            paths.push(path.to_owned());
        }
    }
    paths
}

/// The doc comments (`//!`, `///`) of every `.rs` file under `src/`.
fn src_doc_comments() -> String {
    let mut docs = String::new();
    for text in rust_files("src").into_iter().map(|f| std::fs::read_to_string(f).unwrap()) {
        let lines = text.lines().map(str::trim_start);
        lines
            .filter(|l| l.starts_with("//!") || l.starts_with("///"))
            .for_each(|l| docs.extend([l, "\n"]));
    }
    docs
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

#[test]
fn every_path_the_docs_cite_exists() {
    let root = &root();
    // (document, what it says, the directory its relative links start from)
    let docs: [(&str, String, PathBuf); 5] = [
        ("README.md", read("README.md"), root.into()),
        ("SECURITY.md", read("SECURITY.md"), root.into()),
        ("BENCHMARKS.md", read("BENCHMARKS.md"), root.into()),
        ("cors-doctor/README.md", read("cors-doctor/README.md"), root.join("cors-doctor")),
        ("doc comments in src/", src_doc_comments(), root.into()),
    ];
    let missing: Vec<String> = docs
        .iter()
        .flat_map(|(doc, text, base)| {
            let cited = cited_paths(text, doc.ends_with(".md"));
            cited.into_iter().filter(|p| !base.join(p).exists()).map(move |p| format!("{doc}: {p}"))
        })
        .collect();
    assert!(missing.is_empty(), "cited but missing:\n{}", missing.join("\n"));
    assert!(cited_paths(&docs[4].1, false).contains(&"tests/it/ordering.rs".to_owned()));
}

/// The root package has no examples (`autoexamples = false`): a command that
/// runs one names the examples package, and the example is declared there.
#[test]
fn readme_example_commands_name_the_examples_package() {
    let (readme, manifest) = (read("README.md"), read("examples/Cargo.toml"));
    let mut commands = 0;
    for line in readme.lines().filter(|l| l.contains("--example ")) {
        let name = line.split("--example ").nth(1).and_then(|r| r.split([' ', '`']).next());
        let declared = name.is_some_and(|n| manifest.contains(&format!("name = \"{n}\"")));
        assert!(line.contains("-p tower-cors-examples") && declared, "{line}");
        commands += 1;
    }
    assert!(commands >= 3, "{commands}");
}

#[test]
fn readme_setup_adds_every_crate_its_rust_blocks_use() {
    let readme = read("README.md");
    let (mut added, mut used, mut setups) = (Vec::new(), Vec::new(), 0);
    for (n, block) in readme.split("```").enumerate().filter(|(n, _)| n % 2 == 1) {
        if block.starts_with("sh") && block.contains("cargo add ") {
            setups += 1;
            for line in block.lines().filter_map(|l| l.trim().strip_prefix("cargo add ")) {
                let mut words = line.split_whitespace();
                while let Some(word) = words.next() {
                    match word {
                        "--features" | "-F" => drop(words.next()),
                        _ if word.starts_with('-') => {}
                        _ => added.push(word.to_owned()),
                    }
                }
            }
        } else if block.starts_with("rust") {
            for line in block.lines().map(str::trim) {
                let path = line.strip_prefix("use ").or_else(|| line.strip_prefix("#["));
                if let Some((krate, _)) = path.and_then(|p| p.split_once("::")) {
                    used.push((n, krate.replace('_', "-")));
                }
            }
        }
    }
    assert_eq!(setups, 1, "the `cargo add` lines are stated once");
    for (block, krate) in used {
        let std = ["std", "core", "alloc"].contains(&krate.as_str());
        let known = std || added.contains(&krate);
        assert!(known, "README block {block} uses `{krate}`, never added: {added:?}");
    }
}
