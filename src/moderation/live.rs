//! The engine that serves questions while the corpus changes. A reload builds
//! a complete new engine beside the serving one (its index in a fresh folder)
//! and swaps the pointer; questions in flight keep the old engine alive until
//! they finish, and none ever sees a half-built index. A corpus that does not
//! validate is refused and the serving engine stays.
//!
//! [`LiveEngine::watch`] reloads when files in the corpus folder change (an
//! editor saving, a `git pull`, another bot process's moderator), debounced so
//! that a burst of writes makes one reload. Several processes sharing one
//! corpus folder each watch it and so converge on the same version.

use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use notify_debouncer_mini::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{new_debouncer, DebounceEventResult, Debouncer};

use crate::corpus::Corpus;
use crate::engine::{Engine, EngineError, EngineSettings, Paths};

/// What a reload did.
#[derive(Debug, Clone, PartialEq)]
pub enum Reload {
    /// The corpus on disk is the one being served.
    Unchanged,
    Reloaded {
        articles: usize,
        passages: usize,
        elapsed: Duration,
    },
}

/// The serving engine and how to rebuild it.
pub struct LiveEngine {
    engine: ArcSwap<Engine>,
    paths: Paths,
    settings: EngineSettings,
    /// One reload at a time; a second waits and then finds nothing to do.
    reloading: Mutex<()>,
    /// How many engines have been swapped in, to wait on.
    swaps: (Mutex<u64>, Condvar),
}

impl std::fmt::Debug for LiveEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveEngine")
            .field("paths", &self.paths)
            .finish()
    }
}

impl LiveEngine {
    /// Opens the engine for the corpus as it is now.
    pub fn open(paths: Paths, settings: EngineSettings) -> Result<Arc<LiveEngine>, EngineError> {
        let engine = Engine::open(&paths, settings.clone())?;
        Ok(Arc::new(LiveEngine {
            engine: ArcSwap::from_pointee(engine),
            paths,
            settings,
            reloading: Mutex::new(()),
            swaps: (Mutex::new(0), Condvar::new()),
        }))
    }

    /// The engine serving now.
    pub fn engine(&self) -> Arc<Engine> {
        self.engine.load_full()
    }

    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// Re-reads the corpus and swaps in a new engine if it changed. Blocking
    /// (it may build an index): call it off the async runtime's workers.
    pub fn reload(&self) -> Result<Reload, EngineError> {
        let _one_at_a_time = self
            .reloading
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let started = Instant::now();
        let corpus = Corpus::load(&self.paths.corpus)?;
        if corpus.fingerprint == self.engine.load().corpus().fingerprint {
            return Ok(Reload::Unchanged);
        }
        let articles = corpus.articles.len();
        let engine = Engine::from_corpus(
            corpus,
            &self.paths.index,
            self.settings.clone(),
            false,
            &|_, _| {},
        )?;
        let passages = engine.passages().len();
        self.engine.store(Arc::new(engine));
        let (count, changed) = &self.swaps;
        *count.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        changed.notify_all();
        let elapsed = started.elapsed();
        tracing::info!(
            articles,
            passages,
            elapsed_ms = elapsed.as_millis() as u64,
            "corpus reloaded"
        );
        Ok(Reload::Reloaded {
            articles,
            passages,
            elapsed,
        })
    }

    /// Waits until more than `seen` engines have been swapped in, or `timeout`
    /// passes; returns the count.
    pub fn wait_for_swap(&self, seen: u64, timeout: Duration) -> u64 {
        let (count, changed) = &self.swaps;
        let guard = count.lock().unwrap_or_else(|p| p.into_inner());
        let (guard, _) = changed
            .wait_timeout_while(guard, timeout, |n| *n <= seen)
            .unwrap_or_else(|p| p.into_inner());
        *guard
    }

    /// Reloads whenever the corpus folder changes, `debounce` after the last
    /// change of a burst. Stops when the returned watcher is dropped.
    pub fn watch(
        self: &Arc<Self>,
        debounce: Duration,
    ) -> Result<CorpusWatcher, notify_debouncer_mini::notify::Error> {
        let live = Arc::clone(self);
        let mut debouncer = new_debouncer(debounce, move |events: DebounceEventResult| {
            let relevant = match &events {
                Ok(events) => events.iter().any(|e| is_corpus_file(&e.path)),
                Err(_) => true,
            };
            if !relevant {
                return;
            }
            match live.reload() {
                Ok(Reload::Unchanged) => {
                    tracing::debug!("corpus folder changed; content unchanged")
                }
                Ok(Reload::Reloaded { .. }) => {}
                // An editor mid-save or a broken file: keep serving the old engine.
                Err(err) => {
                    tracing::warn!(error = %err, "corpus changed on disk but cannot be loaded; still serving the previous version")
                }
            }
        })?;
        debouncer
            .watcher()
            .watch(&self.paths.corpus, RecursiveMode::NonRecursive)?;
        Ok(CorpusWatcher {
            _debouncer: debouncer,
        })
    }
}

/// Files whose change matters: articles and the synonyms file, not the
/// history, temporaries or editor backups (all start with a dot or end in ~).
fn is_corpus_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    !name.starts_with('.')
        && !name.ends_with('~')
        && (name.ends_with(".md") || name.ends_with(".toml"))
}

/// Keeps the corpus folder watched while alive.
pub struct CorpusWatcher {
    _debouncer: Debouncer<RecommendedWatcher>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    fn article(id: &str, text: &str) -> String {
        format!("+++\nid = \"{id}\"\ntitle = \"T {id}\"\npublisher = \"P\"\nurl = \"https://x.org/{id}\"\n+++\n\n## About {id}\n\n{text}\n")
    }

    fn live(dir: &Path) -> Arc<LiveEngine> {
        std::fs::create_dir_all(dir.join("corpus")).unwrap();
        std::fs::write(
            dir.join("corpus/a.md"),
            article("a", "Zebrafish swim in schools of many fish."),
        )
        .unwrap();
        let paths = Paths {
            corpus: dir.join("corpus"),
            index: dir.join("index"),
        };
        LiveEngine::open(paths, EngineSettings::default()).unwrap()
    }

    #[test]
    fn a_reload_swaps_in_the_new_corpus_and_an_invalid_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let live = live(dir.path());
        assert_eq!(live.reload().unwrap(), Reload::Unchanged);
        assert!(live.engine().ask("what about quokkas").hits().is_empty());
        std::fs::write(
            dir.path().join("corpus/b.md"),
            article("b", "Quokkas live on islands and smile a lot."),
        )
        .unwrap();
        assert!(matches!(
            live.reload().unwrap(),
            Reload::Reloaded { articles: 2, .. }
        ));
        assert!(!live.engine().ask("what about quokkas").hits().is_empty());
        std::fs::write(dir.path().join("corpus/c.md"), "no front matter").unwrap();
        assert!(live.reload().is_err());
        assert!(
            !live.engine().ask("what about quokkas").hits().is_empty(),
            "still serving"
        );
    }

    #[test]
    fn questions_in_flight_finish_on_the_engine_they_started_with() {
        let dir = tempfile::tempdir().unwrap();
        let live = live(dir.path());
        let old = live.engine();
        std::fs::write(
            dir.path().join("corpus/b.md"),
            article("b", "Quokkas live on islands and smile a lot."),
        )
        .unwrap();
        live.reload().unwrap();
        assert!(
            old.ask("what about quokkas").hits().is_empty(),
            "the old engine is intact"
        );
        assert_eq!(old.corpus().articles.len(), 1);
    }

    #[test]
    fn questions_are_all_answered_while_reloads_happen() {
        let dir = tempfile::tempdir().unwrap();
        let live = live(dir.path());
        let stop = Arc::new(AtomicBool::new(false));
        let answered = Arc::new(AtomicUsize::new(0));
        let askers: Vec<_> = (0..2)
            .map(|_| {
                let (live, stop, answered) =
                    (Arc::clone(&live), Arc::clone(&stop), Arc::clone(&answered));
                std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        let verdict = live.engine().ask("do zebrafish swim in schools");
                        assert!(!verdict.hits().is_empty(), "every question is answered");
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        for n in 0..5 {
            std::fs::write(
                dir.path().join(format!("corpus/extra{n}.md")),
                article(&format!("extra{n}"), "More text about islands."),
            )
            .unwrap();
            assert!(matches!(live.reload().unwrap(), Reload::Reloaded { .. }));
        }
        stop.store(true, Ordering::Relaxed);
        for asker in askers {
            asker.join().expect("no asker panicked");
        }
        assert!(answered.load(Ordering::Relaxed) > 0);
    }

    #[test]
    fn the_watcher_picks_up_changes_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let live = live(dir.path());
        let _watcher = live.watch(Duration::from_millis(100)).unwrap();
        std::fs::write(
            dir.path().join("corpus/b.md"),
            article("b", "Quokkas live on islands and smile a lot."),
        )
        .unwrap();
        assert_eq!(
            live.wait_for_swap(0, Duration::from_secs(30)),
            1,
            "the watcher reloads within 30 s"
        );
        assert_eq!(live.engine().corpus().articles.len(), 2);
    }

    #[test]
    fn history_and_temporary_files_do_not_count_as_corpus_changes() {
        for (name, counts) in [
            ("a.md", true),
            ("synonyms.toml", true),
            (".a.md.12.tmp", false),
            ("a.md~", false),
            ("notes.txt", false),
        ] {
            assert_eq!(is_corpus_file(Path::new(name)), counts, "{name}");
        }
    }
}
