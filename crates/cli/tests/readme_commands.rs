//! Runs every command the documentation shows, so no README can show a command that fails.
//!
//! The test reads every `README.md` in the repository and every `docs/*.md`, takes the shell
//! commands out of their fenced code blocks (```` ```sh ````, `bash`, `shell`, `console` with
//! `$ ` prompts; indented code blocks that start with a command too) and runs each one against
//! the built binary: `bms2intune …` and `cargo run [--release] -- …` become
//! `CARGO_BIN_EXE_bms2intune`. All commands run in one temporary working folder that holds a
//! copy of `examples/` (and of the sample as `contoso-snapshot/`, the name the export scripts
//! write), in document order, so a command that reads what an earlier one wrote finds it;
//! absolute paths (`/tmp/tenant`) are moved inside that folder. Each command must exit with 0,
//! or with the code its own trailing comment states (`# exits with 3`).
//!
//! A command that cannot run here (the test suite itself, the million-user benchmark, anything
//! that needs a live tenant or PowerShell) is listed in [`NOT_RUN`] with the reason. The test
//! fails when a document shows a command that is neither runnable nor listed, when an entry of
//! the list matches no command any more, and when a fenced block has no language (label output
//! `text`), so the list cannot go stale.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A command (or, for PowerShell, a whole block) that the test does not run, found by the
/// document it is in and the start of its text (whitespace collapsed; for a PowerShell block,
/// its first line that is not a comment).
struct NotRun {
    file: &'static str,
    starts_with: &'static str,
    reason: &'static str,
}

const LIVE_TENANT: &str = "needs a live tenant and an admin's sign-in";
const POWERSHELL: &str =
    "PowerShell against a live tenant (Security & Compliance or Microsoft Graph sign-in)";
const WALKTHROUGH: &str = "the apply walkthrough talks to a running graph-emulator: \
     crates/cli/tests/apply.rs runs it as written (the emulator's URL in place of 127.0.0.1:8080)";
const TEST_SUITE: &str = "the whole test suite, which runs this test";
const SCALE_BENCHMARK: &str =
    "the scale benchmark: builds the release binary, synthesizes and plans \
     a 100,000- and a 1,000,000-user tenant (minutes, about 8 GB of disk)";

/// Every command the documents show that this test does not run, and why.
const NOT_RUN: &[NotRun] = &[
    not_run("README.md", "bash scripts/test.sh", TEST_SUITE),
    not_run("README.md", "bench/run.sh", SCALE_BENCHMARK),
    not_run("README.md", "./scripts/Export-BmsPolicies.ps1", POWERSHELL),
    not_run("docs/performance.md", "bench/run.sh", SCALE_BENCHMARK),
    not_run("bench/README.md", "bench/run.sh", SCALE_BENCHMARK),
    not_run(
        "bench/README.md",
        "bms2intune synth --users 100000",
        "writes a 716 MB benchmark tenant; `synth` itself is run by crates/cli/tests/cli.rs",
    ),
    not_run(
        "bench/README.md",
        "cargo run --release -p bms2intune-synth --example synth",
        "builds the generator's standalone example in release mode and writes a 716 MB tenant",
    ),
    not_run(
        "bench/README.md",
        "cargo bench",
        "micro-benchmarks: release builds and minutes of measuring, never part of `cargo test`",
    ),
    not_run(
        "fuzz/README.md",
        "cargo install cargo-fuzz",
        "installs a tool from crates.io",
    ),
    not_run(
        "fuzz/README.md",
        "RUSTC_BOOTSTRAP=1 cargo fuzz",
        "needs cargo-fuzz and sanitizer builds; each run fuzzes for minutes",
    ),
    not_run(
        "scripts/README.md",
        ".\\scripts\\Export-BmsPolicies.ps1",
        POWERSHELL,
    ),
    not_run(
        "scripts/README.md",
        "Install-Module Microsoft.Graph.Authentication",
        POWERSHELL,
    ),
    not_run(
        "crates/graph-emulator/README.md",
        "cargo run -p graph-emulator",
        "a synopsis (optional flags in brackets) of a server that runs until interrupted; \
         crates/graph-emulator/tests/ start it in-process",
    ),
    not_run(
        "README.md",
        "cargo run --release -p graph-emulator",
        "the walkthrough's emulator, a server that runs until interrupted; crates/cli/tests/\
         apply.rs runs the walkthrough as written against the emulator started in-process",
    ),
    not_run("README.md", "export AZURE_CLIENT_ID=0c0ffee0", WALKTHROUGH),
    not_run(
        "README.md",
        "bms2intune apply --plan out/contoso",
        WALKTHROUGH,
    ),
    not_run(
        "README.md",
        "curl -X POST http://127.0.0.1:8080",
        WALKTHROUGH,
    ),
    not_run(
        "README.md",
        "bms2intune rollback --plan out/contoso",
        WALKTHROUGH,
    ),
    not_run("README.md", "export AZURE_", LIVE_TENANT),
    not_run(
        "README.md",
        "bms2intune collect --bms contoso-export",
        "signs in to a live tenant; crates/cli/tests/collect.rs runs `collect` against the \
         in-repo graph-emulator serving the sample",
    ),
    not_run(
        "README.md",
        "bms2intune status --plan out/contoso --wave 1 --graph-url",
        WALKTHROUGH,
    ),
    not_run(
        "README.md",
        "bms2intune status --plan out/contoso",
        "signs in to a live tenant after `apply`; crates/cli/tests/status.rs runs `status` \
         against the in-repo graph-emulator serving the sample",
    ),
    not_run(
        "bench/README.md",
        "bench/collect.sh",
        "the collect benchmark: a release build and a 100,000-user emulated tenant",
    ),
    not_run("scripts/README.md", "mkdir -p snap/graph", LIVE_TENANT),
    not_run("scripts/README.md", "az login", LIVE_TENANT),
    not_run("scripts/README.md", "az rest", LIVE_TENANT),
    not_run("scripts/README.md", "for id in", LIVE_TENANT),
];

const fn not_run(file: &'static str, starts_with: &'static str, reason: &'static str) -> NotRun {
    NotRun {
        file,
        starts_with,
        reason,
    }
}

/// Fenced-block languages whose lines are shell commands.
const SHELL: &[&str] = &["sh", "bash", "shell", "zsh", "console", "shell-session"];
/// Fenced-block languages of other shells: a block is listed (or not) as a whole.
const OTHER_SHELLS: &[&str] = &["powershell", "pwsh", "ps1", "ps", "cmd", "bat", "batch"];
/// First words that make an indented (unfenced) block line a command.
const COMMAND_WORDS: &[&str] = &["bms2intune", "cargo", "bash", "sh", "bench/run.sh"];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One command shown in a document.
#[derive(Debug)]
struct Shown {
    /// The document, relative to the repository root, with forward slashes.
    file: String,
    line: usize,
    /// The command with its comment removed and whitespace collapsed (for matching and output).
    text: String,
    /// The exit code its trailing comment states, if any.
    exit: Option<i32>,
    /// A block of another shell, which can only be listed, never run.
    foreign: bool,
}

/// The documents: README.md first (its commands come first for a reader), then docs/*.md,
/// then every other README.md, by path.
fn documents() -> Vec<String> {
    let root = repo();
    let mut docs: Vec<String> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    docs.sort();
    let mut readmes = Vec::new();
    find_readmes(&root, "", &mut readmes);
    readmes.sort();
    readmes.retain(|r| r != "README.md");
    let mut all = vec!["README.md".to_string()];
    all.extend(docs);
    all.extend(readmes);
    all
}

fn find_readmes(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = format!("{prefix}{name}");
        if entry.file_type().unwrap().is_dir() {
            // Build output, git, and the fuzzers' generated folders hold no documentation.
            let skip = name.starts_with('.')
                || name == "target"
                || ["fuzz/corpus", "fuzz/artifacts", "fuzz/target"].contains(&path.as_str());
            if !skip {
                find_readmes(&entry.path(), &format!("{path}/"), out);
            }
        } else if name == "README.md" {
            out.push(path);
        }
    }
}

/// Takes the commands out of one document; a fenced block without a language is a problem.
fn commands_of(file: &str, text: &str, problems: &mut Vec<String>) -> Vec<Shown> {
    let lines: Vec<&str> = text.lines().collect();
    let mut shown = Vec::new();
    let mut i = 0;
    let mut previous_blank = true;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        let fence = ["```", "~~~"].into_iter().find(|f| trimmed.starts_with(f));
        if let Some(fence) = fence {
            let marker_len = trimmed.len()
                - trimmed
                    .trim_start_matches(fence.chars().next().unwrap())
                    .len();
            let marker = &trimmed[..marker_len];
            let lang = trimmed[marker_len..]
                .split_whitespace()
                .next()
                .unwrap_or("");
            let start = i + 1;
            let mut end = start;
            while end < lines.len() && lines[end].trim() != marker {
                end += 1;
            }
            let body: Vec<(usize, &str)> = (start..end).map(|n| (n + 1, lines[n])).collect();
            let lang = lang.to_ascii_lowercase();
            if lang.is_empty() {
                problems.push(format!(
                    "{file}:{}: a fenced block without a language: label commands `sh` and anything else `text`",
                    i + 1
                ));
            } else if SHELL.contains(&lang.as_str()) {
                shell_commands(
                    file,
                    &body,
                    lang == "console" || lang == "shell-session",
                    &mut shown,
                );
            } else if OTHER_SHELLS.contains(&lang.as_str()) {
                if let Some(&(n, first)) = body
                    .iter()
                    .find(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
                {
                    shown.push(Shown {
                        file: file.to_string(),
                        line: n,
                        text: collapse(strip_comment(first.trim()).0),
                        exit: None,
                        foreign: true,
                    });
                }
            }
            i = end + 1;
            previous_blank = false;
            continue;
        }
        // An indented code block: four spaces after a blank line, starting with a command.
        if previous_blank && line.starts_with("    ") {
            let first_word = trimmed
                .trim_start_matches("$ ")
                .split_whitespace()
                .next()
                .unwrap_or("");
            if COMMAND_WORDS.contains(&first_word) {
                let mut end = i;
                while end < lines.len()
                    && (lines[end].starts_with("    ") || lines[end].trim().is_empty())
                {
                    end += 1;
                }
                let body: Vec<(usize, &str)> = (i..end).map(|n| (n + 1, lines[n])).collect();
                let prompt = trimmed.starts_with("$ ");
                shell_commands(file, &body, prompt, &mut shown);
                i = end;
                continue;
            }
        }
        previous_blank = line.trim().is_empty();
        i += 1;
    }
    shown
}

/// The commands of a shell block: comment lines and blank lines skipped, `\` continuations
/// joined, `for … done` and `if … fi` kept whole; with `prompt`, only lines after `$ `.
fn shell_commands(file: &str, body: &[(usize, &str)], prompt: bool, shown: &mut Vec<Shown>) {
    let mut current = String::new();
    let mut first_line = 0;
    let mut depth = 0i32;
    for &(n, raw) in body {
        let mut line = raw.trim();
        if current.is_empty() {
            if prompt {
                match line.strip_prefix("$ ") {
                    Some(rest) => line = rest.trim(),
                    None => continue,
                }
            }
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            first_line = n;
        }
        let (code, _) = strip_comment(line);
        let first_word = code.split_whitespace().next().unwrap_or("");
        if ["for", "while", "until", "if", "case"].contains(&first_word) {
            depth += 1;
        }
        if ["done", "fi", "esac"].contains(&first_word.trim_end_matches(';')) {
            depth -= 1;
        }
        current.push_str(line);
        current.push('\n');
        if line.ends_with('\\') || depth > 0 {
            continue;
        }
        let joined = current.replace("\\\n", " ");
        let (code, comment) = strip_comment(joined.trim());
        shown.push(Shown {
            file: file.to_string(),
            line: first_line,
            text: collapse(code),
            exit: comment.and_then(stated_exit_code),
            foreign: false,
        });
        current.clear();
    }
}

/// Splits a trailing `# comment` (outside quotes) off a command.
fn strip_comment(command: &str) -> (&str, Option<&str>) {
    let (mut single, mut double, mut escaped) = (false, false, false);
    let mut previous = ' ';
    for (at, c) in command.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if !single => escaped = true,
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && previous.is_whitespace() => {
                return (command[..at].trim_end(), Some(&command[at + 1..]));
            }
            _ => {}
        }
        previous = c;
    }
    (command.trim_end(), None)
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The exit code a comment states: "exits with 3", "exit code 2", "exit 3".
fn stated_exit_code(comment: &str) -> Option<i32> {
    let lower = comment.to_ascii_lowercase();
    let at = lower.find("exit")?;
    lower[at..]
        .split(|c: char| !c.is_ascii_digit())
        .find(|part| !part.is_empty())
        .and_then(|digits| digits.parse().ok())
}

/// Splits a command into words as a POSIX shell would for simple commands; `None` when it
/// needs a shell (pipes, redirections, lists, substitutions, variables).
fn words(command: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = command.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => word.push(chars.next()?),
                        '$' | '`' => return None,
                        _ => word.push(q),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.push(chars.next()?);
            }
            '|' | '&' | ';' | '<' | '>' | '(' | ')' | '$' | '`' | '*' | '?' => return None,
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

/// What a runnable command becomes: environment assignments and the binary's arguments.
struct Invocation {
    env: Vec<(String, String)>,
    args: Vec<String>,
}

/// `[NAME=value…] bms2intune ARGS` or `[NAME=value…] cargo run [--release] [-p bms2intune] -- ARGS`.
fn invocation(command: &str) -> Option<Invocation> {
    let mut words = words(command)?.into_iter().peekable();
    let mut env = Vec::new();
    while let Some((name, value)) = words.peek().and_then(|w| w.split_once('=')) {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            break;
        }
        env.push((name.to_string(), value.to_string()));
        words.next();
    }
    let rest: Vec<String> = words.collect();
    let args = match rest.first().map(String::as_str) {
        Some("bms2intune") => rest[1..].to_vec(),
        Some("cargo") if rest.get(1).map(String::as_str) == Some("run") => {
            let separator = rest.iter().position(|w| w == "--")?;
            let options = &rest[2..separator];
            let ours = |w: &[String]| match w {
                [flag, name] if flag == "-p" || flag == "--package" || flag == "--bin" => {
                    name == "bms2intune"
                }
                _ => false,
            };
            let plain = options
                .iter()
                .all(|o| o == "--release" || o == "-r" || o == "-q" || o == "--quiet");
            let with_package = options.len() >= 2 && {
                let (flags, pick) = options.split_at(options.len() - 2);
                flags.iter().all(|o| o == "--release") && ours(pick)
            };
            if !(plain || with_package) {
                return None;
            }
            rest[separator + 1..].to_vec()
        }
        _ => return None,
    };
    Some(Invocation { env, args })
}

/// Moves an absolute path (alone or after `--option=`) inside the working folder.
fn inside(work: &Path, arg: &str) -> String {
    let (option, value) = match arg.split_once('=') {
        Some((o, v)) if o.starts_with("--") => (Some(o), v),
        _ => (None, arg),
    };
    let value = match value.strip_prefix('/') {
        Some(relative) => work.join(relative).to_string_lossy().into_owned(),
        None => value.to_string(),
    };
    match option {
        Some(o) => format!("{o}={value}"),
        None => value,
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The tail of a command's output, for a failure message.
fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(8)..].join("\n")
}

#[test]
fn every_command_in_the_documentation_runs() {
    let root = repo();
    let mut problems = Vec::new();
    let mut shown = Vec::new();
    for file in documents() {
        let text = std::fs::read_to_string(root.join(&file)).unwrap();
        shown.extend(commands_of(&file, &text, &mut problems));
    }

    let work = tempfile::tempdir().unwrap();
    copy_dir(&root.join("examples"), &work.path().join("examples"));
    copy_dir(
        &root.join("examples/contoso"),
        &work.path().join("contoso-snapshot"),
    );

    let mut used = vec![false; NOT_RUN.len()];
    let mut already_run = BTreeSet::new();
    let mut report = Vec::new();
    for command in &shown {
        let place = format!("{}:{}", command.file, command.line);
        let listed = NOT_RUN
            .iter()
            .position(|n| n.file == command.file && command.text.starts_with(n.starts_with));
        if let Some(at) = listed {
            used[at] = true;
            report.push(format!(
                "not run  {place}  {}  ({})",
                command.text, NOT_RUN[at].reason
            ));
            continue;
        }
        let invocation = if command.foreign {
            None
        } else {
            invocation(&command.text)
        };
        let Some(invocation) = invocation else {
            problems.push(format!(
                "{place}: `{}` is neither a bms2intune command this test can run nor listed in NOT_RUN",
                command.text
            ));
            continue;
        };
        let args: Vec<String> = invocation
            .args
            .iter()
            .map(|a| inside(work.path(), a))
            .collect();
        let expected = command.exit.unwrap_or(0);
        report.push(format!(
            "ran      {place}  {}  (expects exit {expected})",
            command.text
        ));
        if !already_run.insert((invocation.env.clone(), args.clone(), expected)) {
            continue; // the same command, already run in this folder: its result is known
        }
        let output = Command::new(env!("CARGO_BIN_EXE_bms2intune"))
            .args(&args)
            .envs(invocation.env.iter().map(|(k, v)| (k, v)))
            .current_dir(work.path())
            .output()
            .expect("run bms2intune");
        if output.status.code() != Some(expected) {
            problems.push(format!(
                "{place}: `{}` exited with {:?}, expected {expected}\n{}\n{}",
                command.text,
                output.status.code(),
                tail(&output.stdout),
                tail(&output.stderr)
            ));
        }
    }
    for (entry, used) in NOT_RUN.iter().zip(used) {
        if !used {
            problems.push(format!(
                "NOT_RUN entry `{}` in {} matches no command shown there any more: remove it",
                entry.starts_with, entry.file
            ));
        }
    }
    println!("{}", report.join("\n"));
    assert!(problems.is_empty(), "\n{}", problems.join("\n\n"));
}

#[test]
fn the_extractor_reads_blocks_as_documented() {
    let doc = "Intro\n\n```sh\n# a comment\nbms2intune plan --snapshot a \\\n    --out b   # exits with 3\n\
               for id in x; do\n  echo $id\ndone\n```\n\n```console\n$ bms2intune snapshot check --snapshot a\nSnapshot OK\n```\n\n\
               ```text\nbms2intune not-a-command\n```\n\n    bms2intune assess --snapshot a\n\n```\nunlabelled\n```\n";
    let mut problems = Vec::new();
    let shown = commands_of("X.md", doc, &mut problems);
    let texts: Vec<(&str, Option<i32>)> = shown.iter().map(|s| (s.text.as_str(), s.exit)).collect();
    assert_eq!(
        texts,
        [
            ("bms2intune plan --snapshot a --out b", Some(3)),
            ("for id in x; do echo $id done", None),
            ("bms2intune snapshot check --snapshot a", None),
            ("bms2intune assess --snapshot a", None),
        ]
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(invocation("for id in x; do echo $id done").is_none());
    let cargo = invocation("BMS2INTUNE_LOG=debug cargo run --release -- plan --out 'a b'").unwrap();
    assert_eq!(cargo.args, ["plan", "--out", "a b"]);
    assert_eq!(
        cargo.env,
        [("BMS2INTUNE_LOG".to_string(), "debug".to_string())]
    );
    assert!(
        invocation("cargo run --release -p bms2intune-synth --example synth -- --users 1")
            .is_none()
    );
    assert_eq!(inside(Path::new("/w"), "--out=/tmp/t"), "--out=/w/tmp/t");
}
