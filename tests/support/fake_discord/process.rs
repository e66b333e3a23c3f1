//! `infusion-faq serve` as a process against the fake Discord: a config
//! file in a temporary folder, the command line, the process started and
//! awaited until it has registered its commands, its log kept and waited
//! on, and SIGKILL.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use tokio::io::AsyncReadExt;
use tokio::process::{Child, Command};
use tokio::sync::watch;

use super::super::common::binary;
use super::app::TOKEN;
use super::payloads::{self, MENTION_CHANNEL};
use super::{FakeDiscord, TIMEOUT};

/// Lines added to each part of the config file [`write_config`] writes.
#[derive(Debug, Default, Clone, Copy)]
pub struct Extra<'a> {
    /// Top-level keys.
    pub top: &'a str,
    /// Keys of `[discord]`.
    pub discord: &'a str,
    /// Keys of `[feedback]`.
    pub feedback: &'a str,
}

/// Writes `dir/infusion-faq.toml` pointing at `api_url`: the corpus and
/// index in `dir` (the corpus is not copied), commands in the test guild,
/// mentions answered in [`MENTION_CHANNEL`], DMs answered, the feedback
/// database beside them, and `extra` in each part.
pub fn write_config(dir: &Path, api_url: &str, extra: Extra) -> PathBuf {
    let Extra {
        top,
        discord,
        feedback,
    } = extra;
    let path = dir.join("infusion-faq.toml");
    std::fs::write(
        &path,
        format!(
            "corpus = \"corpus\"\nindex = \"index\"\n{top}\n\n[discord]\napi_url = \"{api_url}\"\nguilds = [{}]\nmention_channels = [{MENTION_CHANNEL}]\nanswer_dms = true\n{discord}\n\n[feedback]\ndatabase = \"feedback.sqlite3\"\n{feedback}\n",
            payloads::GUILD
        ),
    )
    .unwrap();
    path
}

/// `infusion-faq serve --config config` with `token` (if any) as
/// `DISCORD_TOKEN` and nothing else from the environment that it reads;
/// standard error piped, standard input and output null; killed when
/// dropped.
pub fn command(config: &Path, token: Option<&str>) -> Command {
    let mut command = Command::from(binary());
    command
        .arg("serve")
        .arg("--config")
        .arg(config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(token) = token {
        command.env("DISCORD_TOKEN", token);
    }
    command
}

/// A running `serve`.
pub struct Serve {
    pub child: Child,
    log: Arc<Mutex<Vec<u8>>>,
    /// Changes at each read of its standard error; true once that is
    /// closed (the process ended) and read to the end.
    progress: watch::Receiver<bool>,
}

impl Serve {
    /// Starts `serve --config config` and waits until it registered its
    /// commands with `fake`.
    pub async fn start(config: &Path, fake: &FakeDiscord) -> Serve {
        let mut child = command(config, Some(TOKEN)).spawn().expect("serve starts");
        let mut stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (grew, progress) = watch::channel(false);
        {
            let log = Arc::clone(&log);
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                while let Ok(n) = stderr.read(&mut buffer).await {
                    if n == 0 {
                        break;
                    }
                    log.lock().unwrap().extend_from_slice(&buffer[..n]);
                    grew.send_modify(|_| {});
                }
                grew.send_replace(true);
            });
        }
        let serve = Serve {
            child,
            log,
            progress,
        };
        tokio::select! {
            _ = fake.wait_for_registration() => {}
            _ = serve.exited() => panic!("serve stopped while starting:\n{}", serve.log()),
        }
        serve
    }

    /// Returns once its standard error is closed and read to the end.
    async fn exited(&self) {
        let mut closed = self.progress.clone();
        let _ = closed.wait_for(|&closed| closed).await;
    }

    /// What it logged so far.
    pub fn log(&self) -> String {
        String::from_utf8_lossy(&self.log.lock().unwrap()).into_owned()
    }

    /// Waits until what it logged so far satisfies `done` (`what` says
    /// what that is, for the failure).
    pub async fn wait_for_log(&self, what: &str, done: impl Fn(&str) -> bool) {
        let mut grew = self.progress.clone();
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            // Marked seen before the log is looked at: what is logged
            // after that look counts as a change.
            let closed = *grew.borrow_and_update();
            if done(&self.log()) {
                return;
            }
            assert!(!closed, "serve ended before {what}:\n{}", self.log());
            match tokio::time::timeout_at(deadline, grew.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => panic!("the log reader stopped before {what}"),
                Err(_) => panic!("timed out waiting for {what}; the log:\n{}", self.log()),
            }
        }
    }

    /// SIGKILL; returns once the process is gone and its log read to the
    /// end.
    pub async fn kill(&mut self) {
        self.child.kill().await.expect("SIGKILL serve");
        tokio::time::timeout(TIMEOUT, self.exited())
            .await
            .expect("the log closes once serve is killed");
    }
}
