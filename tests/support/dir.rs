//! A temporary folder holding a copy of the shipped corpus (or nothing), and
//! a runner for the real binary inside it, with a clean environment (as
//! ripgrep's `tests/util.rs` has `Dir` and `TestCommand`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::common::{binary, copy_corpus, snapshot};

/// A temporary working folder, deleted when dropped.
pub struct TestDir {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl TestDir {
    /// A folder with `corpus/` copied from the shipped corpus and no index.
    pub fn with_shipped_corpus() -> TestDir {
        let dir = TestDir::empty();
        copy_corpus(&dir.corpus());
        dir
    }

    pub fn empty() -> TestDir {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        TestDir { _tmp: tmp, root }
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    pub fn corpus(&self) -> PathBuf {
        self.root.join("corpus")
    }

    pub fn index(&self) -> PathBuf {
        self.root.join("index")
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    /// The real binary with `args`, run here: no config and a clean
    /// environment but the test run's vector cache; standard input null,
    /// output and error piped.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = binary();
        command
            .args(args)
            .current_dir(&self.root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// Runs the binary here with `args` (see [`Self::command`]).
    pub fn run(&self, args: &[&str]) -> Output {
        output(self.command(args), None)
    }

    /// Runs the binary from the subfolder `folder` (which must exist).
    pub fn run_in(&self, folder: &str, args: &[&str]) -> Output {
        let mut command = self.command(args);
        command.current_dir(self.root.join(folder));
        output(command, None)
    }

    /// Runs the binary here with `args`, `stdin` written to its input.
    pub fn run_with_stdin(&self, args: &[&str], stdin: impl AsRef<[u8]>) -> Output {
        output(self.command(args), Some(stdin.as_ref()))
    }

    /// Every file under the index folder with its bytes, to prove it unchanged.
    pub fn index_snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        snapshot(&self.index())
    }
}

/// Runs `command` to its end, `stdin` (if any) written to its input.
fn output(mut command: Command, stdin: Option<&[u8]>) -> Output {
    if stdin.is_some() {
        command.stdin(Stdio::piped());
    }
    let mut child = command.spawn().expect("the binary starts");
    // Written from another thread while this one reads: a long input whose
    // answers fill the output pipe would otherwise block both for ever.
    let writer = stdin.map(|input| {
        let mut pipe = child.stdin.take().unwrap();
        let input = input.to_vec();
        std::thread::spawn(move || pipe.write_all(&input))
    });
    let out = child.wait_with_output().unwrap();
    // A child that stops early closes its input (what it printed is
    // checked); any other failure to write is the test's own.
    if let Some(writer) = writer {
        match writer.join().expect("the input writer does not panic") {
            Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
                panic!("cannot write the child's input: {err}")
            }
            _ => {}
        }
    }
    Output {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// What a run of the binary printed and how it ended.
#[derive(Debug)]
pub struct Output {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Asserts exit 0 and returns standard output.
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, Some(0), "expected success: {self:#?}");
        assert_no_panic(self);
        &self.stdout
    }

    /// Asserts exit 1 with exactly one line on standard error, and returns it.
    pub fn one_line_error(&self) -> &str {
        assert_eq!(self.code, Some(1), "expected exit 1: {self:#?}");
        assert_no_panic(self);
        let line = self.stderr.trim_end();
        assert!(
            !line.contains('\n'),
            "expected one line of error: {:?}",
            self.stderr
        );
        assert!(line.starts_with("error: "), "{line}");
        line
    }
}

fn assert_no_panic(out: &Output) {
    assert!(
        !out.stderr.contains("panicked"),
        "the binary panicked: {}",
        out.stderr
    );
}

/// A minimal valid article.
pub fn article(id: &str, title: &str, body: &str) -> String {
    format!("+++\nid = \"{id}\"\ntitle = \"{title}\"\npublisher = \"Test Publisher\"\nurl = \"https://example.org/{id}\"\n+++\n\n{body}\n")
}
