//! `infusion-faq serve` as a process against the fake Discord: a config
//! file in a temporary folder, the process started and awaited until it has
//! registered its commands, its log kept, and SIGKILL.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use tokio::io::AsyncReadExt;
use tokio::process::{Child, Command};

use super::app::TOKEN;
use super::payloads::{self, MENTION_CHANNEL};
use super::FakeDiscord;

/// Writes `dir/infusion-faq.toml` pointing at `api_url`: the corpus and
/// index in `dir`, the feedback database beside them, `discord` and
/// `feedback` appended to their sections.
pub fn write_config(dir: &Path, api_url: &str, discord: &str, feedback: &str) -> PathBuf {
    let path = dir.join("infusion-faq.toml");
    std::fs::write(
        &path,
        format!(
            "corpus = \"corpus\"\nindex = \"index\"\n\n[discord]\napi_url = \"{api_url}\"\nguilds = [{}]\nmention_channels = [{MENTION_CHANNEL}]\nanswer_dms = true\nrate_limit_questions = 0\n{discord}\n\n[feedback]\ndatabase = \"feedback.sqlite3\"\n{feedback}\n",
            payloads::GUILD
        ),
    )
    .unwrap();
    path
}

/// A running `serve`.
pub struct Serve {
    pub child: Child,
    log: Arc<Mutex<Vec<u8>>>,
    /// True once the process closed its standard error (it ended).
    closed: tokio::sync::watch::Receiver<bool>,
}

impl Serve {
    /// Starts `serve --config config` and waits until it registered its
    /// commands with `fake`.
    pub async fn start(config: &Path, fake: &FakeDiscord) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_infusion-faq"))
            .arg("serve")
            .arg("--config")
            .arg(config)
            .env_remove("RUST_LOG")
            .env_remove("INFUSION_FAQ_CONFIG")
            .env("DISCORD_TOKEN", TOKEN)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("serve starts");
        let mut stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (closed_tx, closed) = tokio::sync::watch::channel(false);
        {
            let log = Arc::clone(&log);
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                while let Ok(n) = stderr.read(&mut buffer).await {
                    if n == 0 {
                        break;
                    }
                    log.lock().unwrap().extend_from_slice(&buffer[..n]);
                }
                let _ = closed_tx.send(true);
            });
        }
        let serve = Serve { child, log, closed };
        tokio::select! {
            _ = fake.wait_for_registration() => {}
            _ = serve.exited() => panic!("serve stopped while starting:\n{}", serve.log()),
        }
        serve
    }

    async fn exited(&self) {
        let mut closed = self.closed.clone();
        let _ = closed.wait_for(|&c| c).await;
    }

    /// What it logged so far.
    pub fn log(&self) -> String {
        String::from_utf8_lossy(&self.log.lock().unwrap()).into_owned()
    }

    /// SIGKILL, and wait for the process to be gone.
    pub async fn kill(&mut self) {
        self.child.kill().await.expect("SIGKILL serve");
    }
}
