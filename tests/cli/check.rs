//! `infusion-faq check`: every problem of the corpus at once, with file and line.

use crate::support::dir::{article, TestDir};

#[test]
fn check_passes_on_the_shipped_corpus() {
    let dir = TestDir::with_shipped_corpus();
    let text = dir.run(&["check"]).ok().to_string();
    assert!(text.starts_with("corpus OK: 2 articles"), "{text}");
}

#[test]
fn check_reports_every_problem_with_its_file_and_line() {
    let dir = TestDir::with_shipped_corpus();
    // Unknown key on line 6, and an empty section at line 10.
    dir.write(
        "corpus/unknown-key.md",
        "+++\nid = \"unknown-key\"\ntitle = \"T\"\npublisher = \"P\"\nurl = \"https://example.org\"\nauthor = \"me\"\n+++\n\nIntro.\n## Empty section\n\n## Full\n\nText.\n",
    );
    // A duplicate of a shipped id.
    dir.write(
        "corpus/zz-duplicate.md",
        article("healthline-infusion-treatments", "Copy", "Some text."),
    );
    // Not UTF-8 on line 9.
    let mut bytes = article("latin1", "Latin-1", "").into_bytes();
    bytes.extend_from_slice(b"caf\xe9\n");
    dir.write("corpus/latin1.md", bytes);
    // Over 1 MiB.
    dir.write(
        "corpus/huge.md",
        article("huge", "Huge", &"word ".repeat(300_000)),
    );
    // No front matter at all.
    dir.write("corpus/bare.md", "# Just markdown\n\nText.\n");
    // An id that is not a slug, on line 2 (which also makes its url invalid).
    dir.write("corpus/bad-id.md", article("Bad Id", "T", "Text."));
    // A synonym group with one term, on line 3 of the synonyms file.
    let mut synonyms = std::fs::read_to_string(dir.corpus().join("synonyms.toml")).unwrap();
    synonyms.insert_str(0, "[[group]]\n# lonely\nterms = [\"alone\"]\n\n");
    dir.write("corpus/synonyms.toml", synonyms);

    let out = dir.run(&["check"]);
    assert_eq!(out.code, Some(1), "{out:#?}");
    let text = &out.stdout;
    let expected = [
        "corpus/unknown-key.md:6: front matter: unknown field `author`",
        "corpus/unknown-key.md:10: section \"Empty section\" has no text",
        "corpus/zz-duplicate.md:2: id \"healthline-infusion-treatments\" is already used by",
        "corpus/latin1.md:9: the file is not UTF-8",
        "corpus/huge.md: the file is",
        "corpus/bare.md:1: missing front matter",
        "corpus/bad-id.md:2: id \"Bad Id\" is not a slug",
        "corpus/synonyms.toml:3: a synonym group needs at least two terms",
    ];
    for needle in expected {
        assert!(
            text.lines().any(|l| l.contains(needle)),
            "missing {needle:?} in:\n{text}"
        );
    }
    assert!(text.trim_end().ends_with("9 problems in 7 files"), "{text}");
}

#[test]
fn check_refuses_an_empty_corpus_folder() {
    let dir = TestDir::empty();
    std::fs::create_dir(dir.corpus()).unwrap();
    let out = dir.run(&["check"]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stdout.contains("the corpus has no articles"),
        "{out:#?}"
    );
}
