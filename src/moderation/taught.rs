//! Teaching: a moderator tells the bot which passage answers a question it
//! missed. The taught questions live in `corpus/taught.toml` and change like
//! the synonyms file: validated before anything is written (the quote must
//! pin one passage of the article, and the question may not name a drug
//! that passage does not), every version kept under `.history/taught/`,
//! every change audited, under the corpus lock. `history` and `restore`
//! with the id [`TAUGHT_ID`] mean this file.

use std::path::Path;

use super::store::{ChangeMade, CorpusStore, ModerationError, HISTORY_DIR};
use super::Actor;
pub use crate::corpus::TAUGHT_ID;
use crate::corpus::{
    fold_question, parse_taught, render_taught, shape_problems, Corpus, CorpusError, Problem,
    TaughtQuestion, MAX_TAUGHT, MAX_TAUGHT_BYTES, TAUGHT_FILE,
};
use crate::engine::passage::cut_passages;
use crate::engine::taught::{pin, quote_for};
use crate::engine::Engine;
use crate::text::count;

/// A taught question as listed, with the passage it is pinned to.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TaughtListed {
    /// 1-based, as `unteach` takes it.
    pub number: usize,
    #[serde(flatten)]
    pub taught: TaughtQuestion,
    /// "Title › Section" of its passage, or why it pins none.
    pub pinned: Result<String, String>,
}

/// A passage offered to teach a question from.
#[derive(Debug, Clone)]
pub struct Choice {
    /// What teaching it means: the question, its article, a quote that pins it.
    pub taught: TaughtQuestion,
    /// "Title › Section".
    pub section: String,
    /// The passage's text.
    pub text: String,
}

/// Passages offered to teach a question from, at most (a select menu in
/// Discord, a list on the command line).
pub const CHOICES: usize = 5;

/// The passages the engine finds nearest to `question` (never one about
/// another drug than it names), each with a quote that pins it.
pub fn choices(engine: &Engine, question: &str) -> Vec<Choice> {
    engine
        .explain(question)
        .candidates
        .iter()
        .filter(|c| !c.other_drug)
        .take(CHOICES)
        .map(|c| {
            let p = &c.hit.passage;
            Choice {
                taught: TaughtQuestion {
                    question: question.trim().to_string(),
                    article: p.article.meta.id.clone(),
                    quote: quote_for(engine.passages(), p),
                },
                section: format!("{} › {}", p.article.meta.title, p.section()),
                text: p.text.clone(),
            }
        })
        .collect()
}

impl CorpusStore {
    fn taught_path(&self) -> std::path::PathBuf {
        self.dir.join(TAUGHT_FILE)
    }

    fn taught_history(&self) -> std::path::PathBuf {
        self.dir.join(HISTORY_DIR).join("taught")
    }

    /// The taught questions file as it stands (empty when there is none).
    pub fn taught_bytes(&self) -> Result<Vec<u8>, ModerationError> {
        self.optional_file(TAUGHT_FILE, MAX_TAUGHT_BYTES)
    }

    /// The taught questions, each with the passage it is pinned to now.
    pub fn taught(&self) -> Result<Vec<TaughtListed>, ModerationError> {
        let (_, questions) = self.current_taught()?;
        let corpus = self.load_corpus()?;
        let passages = cut_passages(&corpus);
        Ok(questions
            .into_iter()
            .enumerate()
            .map(|(n, taught)| TaughtListed {
                number: n + 1,
                pinned: pin(&passages, &corpus.synonyms, &taught)
                    .map(|id| {
                        let p = &passages[id];
                        format!("{} › {}", p.article.meta.title, p.section())
                    })
                    .map_err(|why| why.to_string()),
                taught,
            })
            .collect())
    }

    /// Checks a question to teach against the corpus as it stands, and
    /// says which passage will answer it ("Title › Section").
    pub fn preview_teach(&self, taught: &TaughtQuestion) -> Result<String, ModerationError> {
        let (_, now) = self.current_taught()?;
        self.check_teach(taught, &now)
    }

    /// The file's bytes and its questions, read once.
    fn current_taught(&self) -> Result<(Vec<u8>, Vec<TaughtQuestion>), ModerationError> {
        let bytes = self.taught_bytes()?;
        let questions = parse_taught(&self.taught_path(), &bytes)
            .map_err(ModerationError::Invalid)?
            .questions;
        Ok((bytes, questions))
    }

    /// [`Self::preview_teach`] against the questions taught `now`.
    fn check_teach(
        &self,
        taught: &TaughtQuestion,
        now: &[TaughtQuestion],
    ) -> Result<String, ModerationError> {
        let problems = shape_problems(taught);
        if !problems.is_empty() {
            return Err(ModerationError::Invalid(
                problems
                    .into_iter()
                    .map(|p| Problem::file(Path::new(TAUGHT_FILE), p))
                    .collect(),
            ));
        }
        let corpus = self.load_corpus()?;
        let passages = cut_passages(&corpus);
        let id = pin(&passages, &corpus.synonyms, taught).map_err(|why| {
            ModerationError::Invalid(vec![Problem::file(Path::new(TAUGHT_FILE), why.to_string())])
        })?;
        let question = fold_question(&taught.question);
        if now
            .iter()
            .any(|t| t.article == taught.article && fold_question(&t.question) == question)
        {
            return Err(ModerationError::AlreadyTaught {
                question: taught.question.trim().to_string(),
                article: taught.article.clone(),
            });
        }
        if now.len() >= MAX_TAUGHT {
            return Err(ModerationError::Invalid(vec![Problem::file(
                &self.taught_path(),
                format!("{MAX_TAUGHT} questions are taught already: unteach some first"),
            )]));
        }
        let p = &passages[id];
        Ok(format!("{} › {}", p.article.meta.title, p.section()))
    }

    /// Teaches `taught`: appended to the file, kept, audited.
    pub fn teach(
        &self,
        taught: &TaughtQuestion,
        actor: &Actor,
    ) -> Result<ChangeMade, ModerationError> {
        let _lock = self.lock()?;
        let (current, mut questions) = self.current_taught()?;
        let pinned = self.check_teach(taught, &questions)?;
        let clean = TaughtQuestion {
            question: taught.question.trim().to_string(),
            article: taught.article.clone(),
            quote: taught.quote.trim().to_string(),
        };
        questions.push(clean);
        let summary = format!("taught {:?} → {pinned}", taught.question.trim());
        self.write_taught(&current, &questions, actor, "teach", summary)
    }

    /// Forgets taught question `number` (1-based, as listed).
    pub fn unteach(&self, number: usize, actor: &Actor) -> Result<ChangeMade, ModerationError> {
        let _lock = self.lock()?;
        let (current, mut questions) = self.current_taught()?;
        if number == 0 || number > questions.len() {
            return Err(ModerationError::Invalid(vec![Problem::file(
                &self.taught_path(),
                format!(
                    "there is no taught question {number} ({} taught; see `corpus taught`)",
                    questions.len()
                ),
            )]));
        }
        let gone = questions.remove(number - 1);
        let summary = format!(
            "forgot taught question {number} ({:?} → {})",
            gone.question, gone.article
        );
        self.write_taught(&current, &questions, actor, "unteach", summary)
    }

    /// Makes version `number` of the taught questions file current again.
    pub fn restore_taught(
        &self,
        number: u32,
        actor: &Actor,
    ) -> Result<ChangeMade, ModerationError> {
        let _lock = self.lock()?;
        let bytes = self.version_bytes(&self.taught_history(), TAUGHT_ID, "toml", number)?;
        // Kept versions were valid; rules may have tightened since.
        let questions = parse_taught(&self.taught_path(), &bytes)
            .map_err(ModerationError::Invalid)?
            .questions;
        let current = self.taught_bytes()?;
        if current == bytes {
            return Err(ModerationError::Unchanged(TAUGHT_ID.to_string()));
        }
        let summary = format!(
            "restored the taught questions to version {number}: {}",
            count(questions.len(), "question")
        );
        self.write_bytes_taught(&current, &bytes, actor, "restore", summary)
    }

    /// The kept versions of the taught questions file.
    pub fn taught_versions(&self) -> Result<Vec<super::history::Version>, ModerationError> {
        let current = self.taught_bytes()?;
        self.versions(&self.taught_history(), Some(&current))
    }

    /// Writes `questions` in place of the file's `current` bytes.
    fn write_taught(
        &self,
        current: &[u8],
        questions: &[TaughtQuestion],
        actor: &Actor,
        action: &'static str,
        summary: String,
    ) -> Result<ChangeMade, ModerationError> {
        let bytes = render_taught(questions).into_bytes();
        // What is written must read back as it was meant.
        let back = parse_taught(&self.taught_path(), &bytes).map_err(ModerationError::Invalid)?;
        if back.questions != questions {
            return Err(ModerationError::Invalid(vec![Problem::file(
                &self.taught_path(),
                "the taught questions would not read back as written; nothing changed",
            )]));
        }
        self.write_bytes_taught(current, &bytes, actor, action, summary)
    }

    /// Writes the file's new bytes in place of its `current` ones, with
    /// both versions kept and the change audited (the caller holds the lock).
    fn write_bytes_taught(
        &self,
        current: &[u8],
        bytes: &[u8],
        actor: &Actor,
        action: &'static str,
        summary: String,
    ) -> Result<ChangeMade, ModerationError> {
        self.replace_kept_file(
            TAUGHT_FILE,
            "taught",
            current,
            bytes,
            actor,
            action,
            TAUGHT_ID,
            summary,
        )
    }

    /// Warnings for the questions taught from `article`'s id that its new
    /// version would leave pinned to no passage (its quote gone, say).
    pub(super) fn unpinned_by(&self, article: &crate::corpus::Article) -> Vec<String> {
        let Ok(bytes) = self.taught_bytes() else {
            return Vec::new();
        };
        let Ok(taught) = parse_taught(&self.taught_path(), &bytes) else {
            return Vec::new();
        };
        let synonyms = self
            .synonyms()
            .ok()
            .and_then(|b| crate::corpus::parse_synonyms(Path::new("synonyms.toml"), &b).ok())
            .unwrap_or_default();
        let passages = crate::engine::passage::passages_of(&std::sync::Arc::new(article.clone()));
        taught
            .questions
            .iter()
            .enumerate()
            .filter(|(_, t)| t.article == article.meta.id)
            .filter_map(|(n, t)| {
                let why = pin(&passages, &synonyms, t).err()?;
                Some(format!(
                    "taught question {} ({:?}) would answer from no passage: {why}; teach it again after this change",
                    n + 1,
                    t.question
                ))
            })
            .collect()
    }

    /// The corpus as it stands, to pin quotes against.
    fn load_corpus(&self) -> Result<Corpus, ModerationError> {
        Corpus::load(&self.dir).map_err(|err| match err {
            CorpusError::Invalid(problems) => ModerationError::Invalid(problems),
            CorpusError::Folder { path, source } => ModerationError::Io { path, source },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, CorpusStore) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.md"),
            "+++\nid = \"a\"\ntitle = \"Infusions\"\npublisher = \"P\"\nurl = \"https://x.org\"\nreviewed = 2026-01-01\n+++\n\n## Tysabri\n\nTysabri is given once every four weeks, through a drip, at a clinic.\n\n## Ocrevus\n\nOcrevus is given twice a year, and most people can drive home afterwards.\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("synonyms.toml"),
            "[[group]]\nterms = [\"Ocrevus\", \"ocrelizumab\"]\nentity = true\n\n[[group]]\nterms = [\"Tysabri\", \"natalizumab\"]\nentity = true\n",
        )
        .unwrap();
        let store = CorpusStore::new(dir.path());
        (dir, store)
    }

    fn moderator() -> Actor {
        Actor::command_line()
    }

    fn question(question: &str, quote: &str) -> TaughtQuestion {
        TaughtQuestion {
            question: question.into(),
            article: "a".into(),
            quote: quote.into(),
        }
    }

    #[test]
    fn teach_unteach_and_restore_keep_every_version_and_audit() {
        let (dir, store) = store();
        let first = question("can i drive after it", "most people can drive home");
        let made = store.teach(&first, &moderator()).unwrap();
        assert_eq!((made.action, made.new_version), ("teach", Some(1)));
        assert!(made.summary.contains("Infusions › Ocrevus"), "{made:?}");
        let second = question("how often do i go in", "once every four weeks");
        store.teach(&second, &moderator()).unwrap();
        let listed = store.taught().unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[1].pinned.as_deref(), Ok("Infusions › Tysabri"));
        store.unteach(1, &moderator()).unwrap();
        assert_eq!(store.taught().unwrap()[0].taught, second);
        store.restore(TAUGHT_ID, 2, &moderator()).unwrap();
        assert_eq!(store.taught().unwrap().len(), 2);
        assert_eq!(
            store
                .history(TAUGHT_ID)
                .unwrap()
                .iter()
                .map(|v| (v.number, v.current))
                .collect::<Vec<_>>(),
            [(1, false), (2, false), (3, false), (4, true)]
        );
        let actions: Vec<String> = store
            .audit()
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions, ["teach", "teach", "unteach", "restore"]);
        let corpus = Corpus::load(dir.path()).unwrap();
        assert_eq!(corpus.taught.questions.len(), 2);
        // A new version of the article without the quote: the preview says so.
        let (_, current) = store.current("a").unwrap();
        let newer = String::from_utf8(current)
            .unwrap()
            .replace("once every four weeks", "monthly");
        let preview = store
            .preview_replace("a", "a.md", newer.as_bytes())
            .unwrap();
        assert!(
            preview.warnings.iter().any(|w| w.contains(
                "taught question 2 (\"how often do i go in\") would answer from no passage"
            )),
            "{preview:?}"
        );
    }

    #[test]
    fn a_question_that_cannot_be_taught_writes_nothing() {
        let (dir, store) = store();
        for (taught, needle) in [
            (
                question("can i drive", "drive to the moon"),
                "in no passage",
            ),
            (question("can i drive", "short"), "shorter than"),
            (
                TaughtQuestion {
                    article: "b".into(),
                    ..question("can i drive", "most people can drive home")
                },
                "no article",
            ),
            (
                question("how often is ocrelizumab given", "once every four weeks"),
                "names ocrelizumab",
            ),
        ] {
            let err = store.teach(&taught, &moderator()).unwrap_err();
            assert!(err.to_string().contains(needle), "{err}");
        }
        assert!(!dir.path().join(TAUGHT_FILE).exists());
        assert!(!dir.path().join(HISTORY_DIR).join("taught").exists());
        let once = question("can i drive after it", "most people can drive home");
        store.teach(&once, &moderator()).unwrap();
        let again = question("Can I  drive after it", "twice a year, and most");
        assert!(matches!(
            store.teach(&again, &moderator()),
            Err(ModerationError::AlreadyTaught { .. })
        ));
        assert!(store.unteach(5, &moderator()).is_err());
    }
}
