//! Nothing lost, the hard way: several processes changing one corpus at
//! once, and an index damaged in every way a disk can damage it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::support::dir::{article, TestDir};

const ID: &str = "kesimpta-basics";
const ASK: &str = "How often is Tysabri given?";
const ANSWER: &str = "once every four weeks";

fn kesimpta(text: &str) -> String {
    article(
        ID,
        "Kesimpta basics",
        &format!("## Kesimpta dosing\n\n{text}"),
    )
}

/// The kept versions of the test article: number → bytes.
fn kept_versions(dir: &TestDir) -> Vec<(u32, Vec<u8>)> {
    let folder = dir.corpus().join(".history/articles").join(ID);
    let mut kept: Vec<(u32, Vec<u8>)> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| {
            let number = p.file_stem().unwrap().to_str().unwrap().parse().unwrap();
            (number, std::fs::read(&p).unwrap())
        })
        .collect();
    kept.sort();
    kept
}

#[test]
fn concurrent_replaces_keep_every_acknowledged_version_exactly_once() {
    const WRITERS: usize = 4;
    const ROUNDS: usize = 3;
    let dir = TestDir::with_shipped_corpus();
    dir.write("upload/k.md", kesimpta("Kesimpta is given once a month."));
    dir.run(&["corpus", "add", "upload/k.md"]).ok();
    let mut acknowledged: Vec<String> = Vec::new();
    for round in 0..ROUNDS {
        for w in 0..WRITERS {
            dir.write(
                &format!("upload/{round}-{w}.md"),
                kesimpta(&format!("Round {round}, writer {w}: Kesimpta is monthly.")),
            );
        }
        std::thread::scope(|s| {
            let writers: Vec<_> = (0..WRITERS)
                .map(|w| {
                    let dir = &dir;
                    s.spawn(move || {
                        let file = format!("upload/{round}-{w}.md");
                        (file.clone(), dir.run(&["corpus", "replace", ID, &file]))
                    })
                })
                .collect();
            let askers: Vec<_> = (0..2).map(|_| s.spawn(|| dir.run(&["ask", ASK]))).collect();
            for writer in writers {
                let (file, out) = writer.join().unwrap();
                out.ok();
                acknowledged.push(std::fs::read_to_string(dir.path().join(file)).unwrap());
            }
            for asker in askers {
                let out = asker.join().unwrap();
                assert!(out.ok().contains(ANSWER), "{out:?}");
            }
        });
    }
    let kept = kept_versions(&dir);
    let numbers: Vec<u32> = kept.iter().map(|(n, _)| *n).collect();
    let expected: Vec<u32> = (1..=(1 + WRITERS * ROUNDS) as u32).collect();
    assert_eq!(numbers, expected, "one version per change, numbered 1..");
    for text in &acknowledged {
        let copies = kept.iter().filter(|(_, b)| b == text.as_bytes()).count();
        assert_eq!(copies, 1, "an acknowledged version is kept exactly once");
    }
    let audit = dir.run(&["corpus", "audit"]).ok().to_string();
    let replaces: Vec<&str> = audit
        .lines()
        .filter(|l| l.contains(&format!("replace {ID}")))
        .collect();
    assert_eq!(replaces.len(), WRITERS * ROUNDS, "{audit}");
    assert!(!audit.contains("interrupted"), "{audit}");
    let new_versions: HashSet<&str> = replaces
        .iter()
        .map(|l| l.split(" → v").nth(1).unwrap().split(' ').next().unwrap())
        .collect();
    assert_eq!(
        new_versions.len(),
        WRITERS * ROUNDS,
        "audited versions are unique"
    );
    let live = std::fs::read(dir.corpus().join(format!("{ID}.md"))).unwrap();
    assert_eq!(live, kept.last().unwrap().1, "the last version is live");
}

#[test]
fn of_several_concurrent_adds_of_one_id_exactly_one_succeeds() {
    const WRITERS: usize = 4;
    let dir = TestDir::with_shipped_corpus();
    for w in 0..WRITERS {
        dir.write(
            &format!("upload/{w}.md"),
            kesimpta(&format!("Writer {w}: Kesimpta is monthly.")),
        );
    }
    let outs: Vec<_> = std::thread::scope(|s| {
        let runs: Vec<_> = (0..WRITERS)
            .map(|w| {
                let dir = &dir;
                s.spawn(move || dir.run(&["corpus", "add", &format!("upload/{w}.md")]))
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let added = outs.iter().filter(|o| o.code == Some(0)).count();
    assert_eq!(added, 1, "{outs:#?}");
    for out in outs.iter().filter(|o| o.code != Some(0)) {
        assert!(out.one_line_error().contains("already exists"), "{out:?}");
    }
    assert_eq!(kept_versions(&dir).len(), 1);
}

/// The one build folder of the test folder's index.
fn build_folder(dir: &TestDir) -> PathBuf {
    let builds: Vec<PathBuf> = std::fs::read_dir(dir.index())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("build-")
        })
        .collect();
    assert_eq!(builds.len(), 1, "{builds:?}");
    builds.into_iter().next().unwrap()
}

fn files_of(folder: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && !p.to_string_lossy().ends_with(".lock"))
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_kind_of_index_file_flipped_truncated_or_deleted_is_rebuilt_and_answers() {
    let dir = TestDir::with_shipped_corpus();
    assert!(dir.run(&["ask", ASK]).ok().contains(ANSWER));
    let build = build_folder(&dir);
    let pristine = files_of(&build);
    assert!(pristine.len() >= 6, "{pristine:?}");
    let mut tried = 0;
    for (victim, bytes) in &pristine {
        for damage in ["flip", "truncate", "delete"] {
            for (path, original) in &pristine {
                std::fs::write(path, original).unwrap();
            }
            match damage {
                "flip" => {
                    let mut flipped = bytes.clone();
                    let at = flipped.len() / 2;
                    flipped[at] ^= 0xff;
                    std::fs::write(victim, flipped).unwrap();
                }
                "truncate" => std::fs::write(victim, &bytes[..bytes.len() / 2]).unwrap(),
                _ => std::fs::remove_file(victim).unwrap(),
            }
            let out = dir.run(&["ask", ASK]);
            assert!(
                out.ok().contains(ANSWER),
                "{damage} {}: {out:?}",
                victim.display()
            );
            tried += 1;
        }
    }
    assert!(tried >= 18);
    assert_eq!(build_folder(&dir), build, "rebuilt in place");
}

#[test]
fn leftovers_of_a_killed_build_are_cleaned_by_the_next_build() {
    let dir = TestDir::with_shipped_corpus();
    dir.run(&["ask", ASK]).ok();
    let staging = dir.index().join(".staging-1-2-3");
    std::fs::create_dir_all(&staging).unwrap();
    std::fs::write(staging.join("meta.json"), "{").unwrap();
    // A temporary file of a process that no longer runs (no pid is this high).
    let tmp = dir.index().join(".vectors-x.bin.4000000000.tmp");
    std::fs::write(&tmp, "half").unwrap();
    dir.write(
        "upload/k.md",
        kesimpta("Kesimpta is given as a monthly injection."),
    );
    dir.run(&["corpus", "add", "upload/k.md"]).ok();
    assert!(!staging.exists(), "staging folder left");
    assert!(!tmp.exists(), "temporary file left");
    assert!(dir.run(&["ask", ASK]).ok().contains(ANSWER));
}

#[test]
fn a_build_keeps_the_previous_one_for_readers_of_the_old_corpus() {
    let dir = TestDir::with_shipped_corpus();
    dir.run(&["ask", ASK]).ok();
    let first = build_folder(&dir);
    for n in 0..3 {
        dir.write(
            &format!("upload/{n}.md"),
            kesimpta(&format!("Version {n}: Kesimpta is monthly.")),
        );
        let verb = if n == 0 { "add" } else { "replace" };
        let mut args = vec!["corpus", verb];
        if n > 0 {
            args.push(ID);
        }
        let file = format!("upload/{n}.md");
        args.push(&file);
        dir.run(&args).ok();
    }
    let builds = std::fs::read_dir(dir.index())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("build-")
        })
        .count();
    assert_eq!(builds, 2, "the current build and the previous one");
    assert!(!first.exists(), "older builds go");
}

#[test]
fn answering_from_a_valid_index_writes_nothing_there_so_a_read_only_disk_serves() {
    // The tests run as root, for whom permissions do not stop writes; so
    // what a read-only disk needs is checked directly: not a byte, not a
    // file (no lock file either) changes in the index folder.
    let dir = TestDir::with_shipped_corpus();
    dir.run(&["ask", ASK]).ok();
    let before = dir.index_snapshot();
    let names = |dir: &TestDir| -> Vec<PathBuf> {
        let mut names: Vec<PathBuf> = walk(&dir.index());
        names.sort();
        names
    };
    let listed = names(&dir);
    assert!(dir.run(&["ask", ASK]).ok().contains(ANSWER));
    assert_eq!(dir.index_snapshot(), before);
    assert_eq!(names(&dir), listed);
}

fn walk(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path.clone());
            }
            out.push(path);
        }
    }
    out
}
