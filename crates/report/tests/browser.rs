//! Opens `report.html` in a real browser (headless Chromium, Debian package `chromium`):
//! 1. `--dump-dom` of a report whose tenant strings carry markup: every section is in the DOM,
//!    the markup is text (no script, img, iframe or injected svg element), no console message;
//! 2. `--screenshot` of the fixture report into `target/report-screenshots/report.png` (with the
//!    HTML beside it): the page is not blank and logs no console message (no CSP violation).
//!
//! Without Chromium the test fails and says how to install it, unless
//! `BMS2INTUNE_SKIP_BROWSER=1` is set. `BMS2INTUNE_CHROMIUM` overrides the binary.

mod common;

use bms2intune_report::render_html;
use common::*;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(90);

fn chromium() -> Option<PathBuf> {
    let candidates = match std::env::var_os("BMS2INTUNE_CHROMIUM") {
        Some(p) => vec![PathBuf::from(p)],
        None => vec![
            PathBuf::from("/usr/bin/chromium"),
            PathBuf::from("/usr/bin/chromium-browser"),
        ],
    };
    candidates.into_iter().find(|p| p.is_file())
}

/// Where the screenshot goes: `<target>/report-screenshots/`.
fn screenshot_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("report-screenshots")
}

struct Run {
    stdout: String,
    stderr: String,
}

/// Runs Chromium on `page` with `args`, killing it (and its children) after [`TIMEOUT`].
fn run_chromium(binary: &Path, page: &Path, args: &[String]) -> Run {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(binary);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(args)
    .arg(format!("file://{}", page.display()))
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
    let pid = child.id();
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > TIMEOUT {
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    // End the browser's process group (helpers that outlive it, or everything on a timeout).
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pid}")])
        .stderr(Stdio::null())
        .status();
    let _ = child.wait();
    let run = Run {
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    match status {
        None => panic!(
            "chromium did not finish within {TIMEOUT:?}; stderr:\n{}",
            run.stderr
        ),
        Some(s) if !s.success() => panic!("chromium failed ({s}); stderr:\n{}", run.stderr),
        Some(_) => run,
    }
}

/// Console messages (script errors, CSP violations such as a blocked load) in Chromium's log.
fn console_messages(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| {
            l.contains(":CONSOLE")
                || l.contains("CONSOLE(")
                || l.contains("Refused to")
                || l.contains("Content Security Policy")
        })
        .collect()
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(
        bytes.len() > 24 && bytes.starts_with(b"\x89PNG\r\n\x1a\n") && &bytes[12..16] == b"IHDR",
        "not a PNG"
    );
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

#[test]
fn report_in_headless_chromium() {
    let Some(binary) = chromium() else {
        if std::env::var("BMS2INTUNE_SKIP_BROWSER").is_ok_and(|v| v == "1") {
            // Straight to stderr, past the test harness's capture, so the skip is seen.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "\n!!!!! SKIPPED: the browser test (BMS2INTUNE_SKIP_BROWSER=1 and no chromium) !!!!!\n"
            );
            return;
        }
        panic!(
            "the browser test needs Chromium at /usr/bin/chromium (or BMS2INTUNE_CHROMIUM): install it with \
             `apt-get update && apt-get install -y chromium`, or set BMS2INTUNE_SKIP_BROWSER=1 to skip this test"
        );
    };
    let work = tempfile::tempdir().unwrap();

    // 1. The DOM of a report whose tenant strings carry markup.
    let hostile_page = work.path().join("hostile.html");
    std::fs::write(&hostile_page, render_html(&hostile()).unwrap()).unwrap();
    let run = run_chromium(&binary, &hostile_page, &["--dump-dom".into()]);
    let dom = run.stdout;
    assert!(
        dom.contains("</html>"),
        "no DOM dumped; stderr:\n{}",
        run.stderr
    );
    for id in SECTION_IDS {
        assert!(
            dom.contains(&format!("<section id=\"{id}\"")),
            "section {id} is not in the DOM"
        );
    }
    let lower = dom.to_ascii_lowercase();
    for element in [
        "<script",
        "<img",
        "<iframe",
        "<object",
        "<embed",
        "<svg onload",
    ] {
        assert!(
            !lower.contains(element),
            "the DOM has a {element} element: tenant markup was not escaped"
        );
    }
    assert!(
        dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the policy name is text in the DOM"
    );
    assert!(
        dom.contains("\"&gt;&lt;img src=x onerror=alert(1)&gt;"),
        "the description is text in the DOM"
    );
    assert!(dom.contains(PIPE_GROUP), "the group name is shown");
    let console = console_messages(&run.stderr);
    assert!(
        console.is_empty(),
        "console messages:\n{}",
        console.join("\n")
    );

    // 2. A screenshot of the fixture report.
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("report.html");
    std::fs::write(&page, render_html(&fixture()).unwrap()).unwrap();
    let png = dir.join("report.png");
    let _ = std::fs::remove_file(&png);
    let run = run_chromium(
        &binary,
        &page,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,4000".into(),
            "--hide-scrollbars".into(),
        ],
    );
    let console = console_messages(&run.stderr);
    assert!(
        console.is_empty(),
        "console messages:\n{}",
        console.join("\n")
    );
    let bytes = std::fs::read(&png)
        .unwrap_or_else(|e| panic!("no screenshot at {}: {e}\n{}", png.display(), run.stderr));
    assert_eq!(png_size(&bytes), (1280, 4000));
    assert!(
        bytes.len() > 100_000,
        "the screenshot looks blank ({} bytes)",
        bytes.len()
    );
    eprintln!("screenshot: {}", png.display());
}

#[test]
fn console_detection_sees_csp_violations() {
    // The shape of Chromium 156's log line for a blocked load, and an unrelated error line.
    let log = "[1:1:1127/144238.53:ERROR:dbus/bus.cc:405] Failed to connect to the bus\n\
               [1:1:1127/144238.91:INFO:CONSOLE:1] \"Loading the image 'http://x' violates the following \
               Content Security Policy directive: \"img-src data:\". The action has been blocked.\", source: file:///r.html (1)";
    assert_eq!(console_messages(log).len(), 1);
}
