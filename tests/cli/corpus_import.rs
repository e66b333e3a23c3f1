//! `infusion-faq corpus import`: real-shaped pages served from 127.0.0.1 by
//! the test, imported through the real binary — what is kept, what is
//! dropped, the front matter, the preview, and every refusal (a redirect
//! loop, too many redirects, an oversized body, a slow server, a PDF, a
//! private address without the config knob), with nothing written.

use crate::support::dir::{Output, TestDir};
use crate::support::test_pages::{self, TestPages, CANONICAL, DOSING, DURATION, PUBLISHER, TITLE};

/// A folder with the shipped corpus and a config allowing 127.0.0.1, with
/// a short timeout for the slow server.
fn dir() -> TestDir {
    let dir = TestDir::with_shipped_corpus();
    dir.write(
        "import.toml",
        "[import]\nallow_private_addresses = true\ntimeout_ms = 700\n",
    );
    dir
}

fn import(dir: &TestDir, args: &[&str]) -> Output {
    let mut all = vec!["--config", "import.toml", "corpus", "import"];
    all.extend_from_slice(args);
    dir.run(&all)
}

/// Every file in the corpus folder, history included.
fn corpus_files(dir: &TestDir) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.corpus()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

fn today() -> String {
    infusion_faq::import::today()
}

#[test]
fn a_real_shaped_page_keeps_its_article_and_loses_its_furniture() {
    let dir = dir();
    let pages = TestPages::start(Vec::new());
    let before = corpus_files(&dir);
    let url = pages.url("/article");
    let text = import(&dir, &[&url, "--dry-run"]).ok().to_string();
    // The front matter, from the page's own metadata.
    for line in [
        format!("title = \"{TITLE}\""),
        format!("publisher = \"{PUBLISHER}\""),
        format!("url = \"{CANONICAL}\""),
        "published = 2023-09-12".to_string(),
        "reviewed = 2024-11-05".to_string(),
        format!("retrieved = {}", today()),
        "id = \"ms-example-society-briumvi-ublituximab-infusions\"".to_string(),
        "    \"Steinman L, et al. Ublituximab versus teriflunomide in relapsing multiple sclerosis. N Engl J Med. 2022.\",".to_string(),
        "    \"Briumvi prescribing information. TG Therapeutics; 2022.\",".to_string(),
    ] {
        assert!(text.lines().any(|l| l == line), "no line {line:?} in\n{text}");
    }
    // The text verbatim, with its headings and list; whitespace normalised.
    for kept in [
        "Briumvi (ublituximab) is a disease-modifying therapy for relapsing forms of multiple sclerosis. It is given as an intravenous infusion at a hospital or an infusion center.",
        "## How Briumvi is given",
        DOSING,
        DURATION,
        "- an antihistamine, such as diphenhydramine",
        "- a corticosteroid, such as methylprednisolone",
        "### After the infusion",
        "## Side effects of Briumvi",
        "Tell your care team at once if you have a fever, chills or a cough that will not go away.",
    ] {
        assert!(text.lines().any(|l| l == kept), "lost {kept:?} in\n{text}");
    }
    // The furniture, gone.
    for dropped in [
        "cookies",
        "Accept all",
        "Skip to main content",
        "About MS",
        "Treatments</a>",
        "Share on",
        "Email this page",
        "Advertisement",
        "symptom tracker",
        "Ocrevus explained",
        "Related articles",
        "newsletter",
        "inbox",
        "Living with relapsing MS",
        "Featured",
        "annual walk",
        "Registered charity",
        "Privacy",
        "dataLayer",
        "position: fixed",
        "Article sources",
        "# Briumvi (ublituximab) infusions",
    ] {
        assert!(!text.contains(dropped), "kept {dropped:?} in\n{text}");
    }
    // The preview.
    assert!(
        text.contains(&format!("import: \"{TITLE}\" ({PUBLISHER})")),
        "{text}"
    );
    assert!(text.contains(&format!("  source: {CANONICAL}")), "{text}");
    assert!(text.contains("  4 sections:"), "{text}");
    assert!(
        text.contains("    - How Briumvi is given › After the infusion"),
        "{text}"
    );
    assert!(text.contains("dry run: nothing written"), "{text}");
    assert_eq!(corpus_files(&dir), before, "a dry run writes nothing");

    // For real: added, audited, answered at once; via a redirect.
    let moved = pages.url("/moved");
    let text = import(&dir, &[&moved]).ok().to_string();
    assert!(text.contains(&format!("added \"{TITLE}\"")), "{text}");
    assert!(text.contains("live: 3 articles"), "{text}");
    let file = dir
        .corpus()
        .join("ms-example-society-briumvi-ublituximab-infusions.md");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains(DOSING), "{written}");
    dir.run(&["check"]).ok();
    let answer = dir
        .run(&["ask", "how often is briumvi given"])
        .ok()
        .to_string();
    assert!(answer.contains("every 24 weeks"), "{answer}");
    assert!(answer.contains(TITLE), "{answer}");
    let audit = dir.run(&["corpus", "audit"]).ok().to_string();
    assert!(
        audit.contains("add ms-example-society-briumvi-ublituximab-infusions → v1"),
        "{audit}"
    );
    // No credentials or cookies were sent, though the server set one.
    for head in pages.requests() {
        let lower = head.to_ascii_lowercase();
        assert!(
            !lower.contains("\ncookie:") && !lower.contains("authorization:"),
            "{head}"
        );
    }
    // The same page again: its id exists.
    let line = import(&dir, &[&url]).one_line_error().to_string();
    assert!(
        line.contains("already exists") && line.contains("--id"),
        "{line}"
    );
}

#[test]
fn a_saved_page_and_a_page_with_no_metadata_are_imported_with_warnings() {
    let dir = dir();
    let pages = TestPages::start(Vec::new());
    // No meta tags, no JSON-LD, no canonical link.
    let url = pages.url("/bare");
    let text = import(&dir, &[&url, "--dry-run"]).ok().to_string();
    assert!(text.contains("title = \"Plasma exchange in MS\""), "{text}");
    assert!(text.contains("publisher = \"127.0.0.1\""), "{text}");
    assert!(text.contains(&format!("url = \"{url}\"")), "{text}");
    assert!(!text.contains("published ="), "{text}");
    assert!(!text.contains("reviewed ="), "{text}");
    for warning in [
        "warning: the page has no canonical link",
        "warning: the page names no publisher",
        "warning: only one section found: check the page",
        "warning: no review or publication date",
    ] {
        assert!(text.contains(warning), "no {warning:?} in\n{text}");
    }
    // A saved page: its canonical link gives the address; --id names it.
    dir.write("saved/Briumvi.HTML", test_pages::article_page());
    let text = import(&dir, &["saved/Briumvi.HTML", "--id", "briumvi"])
        .ok()
        .to_string();
    assert!(text.contains("  id: briumvi"), "{text}");
    let written = std::fs::read_to_string(dir.corpus().join("briumvi.md")).unwrap();
    assert!(
        written.contains(&format!("url = \"{CANONICAL}\"")),
        "{written}"
    );
    // A saved page that does not say where it came from.
    dir.write("saved/bare.htm", test_pages::bare_page());
    let line = import(&dir, &["saved/bare.htm"])
        .one_line_error()
        .to_string();
    assert!(line.contains("does not say where it came from"), "{line}");
    // Not a saved page at all.
    dir.write("saved/notes.txt", "hello");
    let line = import(&dir, &["saved/notes.txt"])
        .one_line_error()
        .to_string();
    assert!(line.contains("not a saved web page"), "{line}");
}

#[test]
fn unsafe_broken_and_non_article_sources_are_refused_and_nothing_is_written() {
    let dir = dir();
    let pages = TestPages::start(Vec::new());
    let before = corpus_files(&dir);
    let cases: Vec<(String, &str)> = vec![
        (pages.url("/news"), "does not look like an article"),
        (pages.url("/loop-a"), "redirects in a loop"),
        (pages.url("/hop0"), "redirects more than 5 times"),
        (pages.url("/big"), "over the limit of 2 MiB"),
        (pages.url("/slow"), "did not answer within 700 ms"),
        (pages.url("/leaflet.pdf"), "is not an HTML page"),
        (pages.url("/gone"), "answered HTTP 404"),
        (
            "ftp://example.org/a.html".to_string(),
            "not an http or https address",
        ),
        (
            format!("http://user:pw@127.0.0.1:{}/article", pages.port),
            "carries a user name or password",
        ),
    ];
    for (source, needle) in &cases {
        let line = import(&dir, &[source]).one_line_error().to_string();
        assert!(line.contains(needle), "{source}: {line}");
    }
    assert!(
        pages
            .requests()
            .iter()
            .all(|r| !r.to_ascii_lowercase().contains("authorization:")),
        "credentials were never sent"
    );
    // Without the knob: 127.0.0.1 and a name resolving to it are refused
    // before any request (a redirect to a private address: see the unit
    // tests of `import::fetch`).
    dir.write("strict.toml", "[import]\ntimeout_ms = 700\n");
    let served = pages.requests().len();
    for (source, needle) in [
        (pages.url("/article"), "127.0.0.1"),
        (
            format!("http://localhost:{}/article", pages.port),
            "loopback",
        ),
    ] {
        let line = dir
            .run(&["--config", "strict.toml", "corpus", "import", &source])
            .one_line_error()
            .to_string();
        assert!(
            line.contains(needle) && line.contains("allow_private_addresses = true"),
            "{source}: {line}"
        );
    }
    assert_eq!(pages.requests().len(), served, "no request was made");
    assert_eq!(corpus_files(&dir), before, "nothing written");
    assert!(!dir.corpus().join(".history").exists());
}
