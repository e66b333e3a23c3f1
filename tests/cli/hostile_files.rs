//! Files and input meant to hurt: devices and FIFOs where files belong,
//! links out of the corpus folder, oversized and pathological articles,
//! control characters, secrets under the wrong config key, broken pipes.

use std::process::Command;
use std::time::Instant;

use crate::support::dir::{article, TestDir};

#[test]
fn devices_and_fifos_are_refused_at_once_wherever_a_file_is_expected() {
    let dir = TestDir::with_shipped_corpus();
    let fifo = dir.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    let mut inputs = vec!["/dev/zero".to_string()];
    if made.is_ok_and(|s| s.success()) {
        inputs.push(fifo.to_string_lossy().into_owned());
    }
    for input in &inputs {
        for args in [
            vec!["corpus", "add", input.as_str()],
            vec!["--config", input.as_str(), "check"],
            vec!["eval", input.as_str()],
        ] {
            let line = dir.run(&args).one_line_error().to_string();
            assert!(line.contains("not a regular file"), "{args:?}: {line}");
        }
    }
}

#[test]
fn an_article_of_tens_of_thousands_of_headings_is_refused_quickly_with_its_line() {
    let dir = TestDir::with_shipped_corpus();
    let body: String = (0..30_000).map(|i| format!("## H{i}\n\nT.\n\n")).collect();
    let body = &body[..body.len().min(1000 * 1024)];
    dir.write("corpus/many.md", article("many", "Many", body));
    let started = Instant::now();
    let out = dir.run(&["check"]);
    // Generous: the binary's start-up is most of it; quadratic took 20 s.
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(
        out.stdout.contains("more than 2000 headings")
            || out.stderr.contains("more than 2000 headings"),
        "{out:?}"
    );
}

#[test]
fn an_oversized_synonyms_file_is_refused() {
    let dir = TestDir::with_shipped_corpus();
    let groups: String = (0..20_000)
        .map(|i| format!("[[group]]\nterms = [\"word{i}\", \"other{i}\"]\n"))
        .collect();
    dir.write("big.toml", &groups);
    let line = dir
        .run(&["corpus", "synonyms", "big.toml"])
        .one_line_error()
        .to_string();
    assert!(line.contains("at most"), "{line}");
    let few: String = groups.lines().take(6).collect::<Vec<_>>().join("\n");
    dir.write("few.toml", format!("{few}\n"));
    dir.run(&["corpus", "synonyms", "few.toml"]).ok();
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_in_the_corpus_is_refused_with_its_path_and_never_read() {
    let dir = TestDir::with_shipped_corpus();
    dir.write(
        "outside/secret.md",
        article("secret", "Secret", "The password is hunter2."),
    );
    std::os::unix::fs::symlink(
        dir.path().join("outside/secret.md"),
        dir.corpus().join("secret.md"),
    )
    .unwrap();
    let out = dir.run(&["check"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(
        all.contains("secret.md") && all.contains("not a regular file"),
        "{all}"
    );
    let line = dir
        .run(&["ask", "what is the password"])
        .one_line_error()
        .to_string();
    assert!(!line.contains("hunter2"), "{line}");
    assert!(!dir.run(&["corpus", "list"]).stdout.contains("Secret"));
    // A linked corpus folder itself is fine.
    std::fs::remove_file(dir.corpus().join("secret.md")).unwrap();
    std::os::unix::fs::symlink(dir.corpus(), dir.path().join("linked")).unwrap();
    let text = dir
        .run(&["--corpus", "linked", "ask", "How often is Tysabri given?"])
        .ok()
        .to_string();
    assert!(text.contains("once every four weeks"), "{text}");
}

#[test]
fn control_characters_in_front_matter_are_refused_by_check_and_add() {
    let dir = TestDir::with_shipped_corpus();
    // TOML refuses raw control characters; its escapes can still spell them.
    let evil = article("evil", "Evil \\u001b]0;pwned\\u0007 title", "Some text.");
    dir.write("upload/evil.md", &evil);
    let line = dir
        .run(&["corpus", "add", "upload/evil.md"])
        .one_line_error()
        .to_string();
    assert!(line.contains("control character"), "{line}");
    assert!(!line.contains('\u{1b}'), "{line:?}");
    dir.write("corpus/evil.md", &evil);
    let out = dir.run(&["check"]);
    assert_eq!(out.code, Some(1));
    assert!(!out.stdout.contains('\u{1b}') && !out.stderr.contains('\u{1b}'));
}

#[test]
fn control_characters_in_article_text_never_reach_the_terminal_raw() {
    let dir = TestDir::with_shipped_corpus();
    dir.write(
        "corpus/k.md",
        article(
            "kesimpta-basics",
            "Kesimpta basics",
            "## Kesimpta dosing\n\nKesimpta is given \u{1b}[2J monthly \u{0} under the skin.",
        ),
    );
    let text = dir
        .run(&["ask", "how often is kesimpta given"])
        .ok()
        .to_string();
    assert!(text.contains("monthly"), "{text}");
    assert!(!text.contains(['\u{1b}', '\u{0}']), "{text:?}");
    let list = dir.run(&["corpus", "list"]).ok().to_string();
    assert!(!list.contains('\u{1b}'));
}

#[test]
fn the_reserved_id_is_refused_by_check_as_by_add() {
    let dir = TestDir::with_shipped_corpus();
    dir.write("corpus/s.md", article("synonyms", "S", "Text."));
    let out = dir.run(&["check"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(format!("{}{}", out.stdout, out.stderr).contains("reserved"));
}

#[test]
fn a_config_error_names_the_key_and_never_echoes_its_value() {
    let dir = TestDir::with_shipped_corpus();
    let secret = "MTIzNDU2Nzg5MDEyMzQ1Njc4.secret-token";
    dir.write("c.toml", format!("[discord]\nguilds = \"{secret}\"\n"));
    let line = dir
        .run(&["--config", "c.toml", "check"])
        .one_line_error()
        .to_string();
    assert!(
        line.contains("c.toml:2") && line.contains("guilds"),
        "{line}"
    );
    assert!(
        !line.contains(secret) && !line.contains("secret-token"),
        "{line}"
    );
    dir.write("l.toml", "log_level = \"loud\"\n");
    let line = dir
        .run(&["--config", "l.toml", "check"])
        .one_line_error()
        .to_string();
    assert!(
        line.contains("log_level") && line.contains("warn"),
        "{line}"
    );
}

#[test]
fn a_missing_file_names_its_cause_once() {
    let dir = TestDir::with_shipped_corpus();
    let line = dir
        .run(&["corpus", "add", "nowhere.md"])
        .one_line_error()
        .to_string();
    assert_eq!(line.matches("No such file").count(), 1, "{line}");
}

#[test]
fn a_bad_line_on_standard_input_is_skipped_and_the_rest_answered() {
    let dir = TestDir::with_shipped_corpus();
    let out = dir.run_with_stdin(
        &["ask"],
        b"what is \xff\xfe tysabri\nHow often is Tysabri given?\n",
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stderr.contains("not UTF-8"), "{}", out.stderr);
    assert!(
        out.stdout.contains("once every four weeks"),
        "{}",
        out.stdout
    );
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = TestDir::with_shipped_corpus();
    dir.run(&["index"]).ok();
    let mut child = dir
        .command(&["corpus", "show", "healthline-infusion-treatments"])
        .spawn()
        .unwrap();
    // Close the reading end before the binary writes: its write meets a
    // closed pipe (Rust ignores SIGPIPE, so it is an EPIPE error).
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}
