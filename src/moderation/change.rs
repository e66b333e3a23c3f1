//! One corpus change, whoever asks for it: `/faq-admin` after a Confirm, or
//! `infusion-faq corpus …`. [`apply`] makes it through the [`CorpusStore`]
//! (validated, versioned, audited) and then makes it live the caller's way
//! (the bot swaps its live engine; the command line rebuilds the index).
//! Each caller then announces it its way: the bot in the audit channel and
//! to the moderator, the command line on standard output.

use super::store::{ChangeMade, CorpusStore, ModerationError};
use super::Actor;

/// A corpus change asked for, not yet made.
#[derive(Debug, Clone)]
pub enum ChangeRequest {
    Add {
        file_name: String,
        bytes: Vec<u8>,
    },
    Replace {
        id: String,
        file_name: String,
        bytes: Vec<u8>,
        /// The previewed version's digest: a newer one is not overwritten.
        base: Option<String>,
    },
    Remove {
        id: String,
    },
    /// An article's version, or the synonyms file's (id
    /// [`super::store::SYNONYMS_ID`]), or the taught questions file's (id
    /// [`super::taught::TAUGHT_ID`]).
    Restore {
        id: String,
        version: u32,
    },
    Synonyms {
        bytes: Vec<u8>,
    },
    /// A question the bot missed, and the passage that answers it.
    Teach {
        taught: crate::corpus::TaughtQuestion,
    },
    /// Taught question `number` (1-based, as listed) forgotten.
    Unteach {
        number: usize,
    },
}

/// A change made, and how going live went.
#[derive(Debug)]
pub struct Applied<L> {
    pub made: ChangeMade,
    pub live: L,
}

/// Makes `request` as `actor`, then `go_live()` so that the next question
/// is answered from the new corpus. A refused change does not go live.
pub fn apply<L>(
    store: &CorpusStore,
    request: ChangeRequest,
    actor: &Actor,
    go_live: impl FnOnce() -> L,
) -> Result<Applied<L>, ModerationError> {
    let made = match request {
        ChangeRequest::Add { file_name, bytes } => store.add(&file_name, &bytes, actor),
        ChangeRequest::Replace {
            id,
            file_name,
            bytes,
            base,
        } => store.replace(&id, &file_name, &bytes, base.as_deref(), actor),
        ChangeRequest::Remove { id } => store.remove(&id, actor),
        ChangeRequest::Restore { id, version } => store.restore(&id, version, actor),
        ChangeRequest::Synonyms { bytes } => store.replace_synonyms(&bytes, actor),
        ChangeRequest::Teach { taught } => store.teach(&taught, actor),
        ChangeRequest::Unteach { number } => store.unteach(number, actor),
    }?;
    Ok(Applied {
        made,
        live: go_live(),
    })
}
