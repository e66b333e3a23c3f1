//! What a member or moderator is told when the bot will not do what they
//! asked: a [`UserError`] carries the reply, exactly as they read it. Every
//! handler returns it as an error, and one place shows it
//! ([`super::on_error`]): privately under a command, as a reply to a
//! message. Any other error is logged with its chain, and the member reads
//! [`super::SORRY`].

use std::fmt;

use super::reply::Reply;

/// A refusal or a problem the member or moderator can act on.
#[derive(Debug, Clone)]
pub struct UserError(Reply);

impl UserError {
    /// A one-sentence notice.
    pub fn new(text: &str) -> UserError {
        UserError(Reply::notice(text))
    }

    /// A whole reply (e.g. an upload's problems, one a line in an embed).
    pub fn reply(reply: Reply) -> UserError {
        UserError(reply)
    }

    /// What is shown.
    pub fn to_reply(&self) -> &Reply {
        &self.0
    }
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.content)
    }
}

impl std::error::Error for UserError {}

/// The [`UserError`] an error is (or wraps), if any.
pub fn user_error(error: &anyhow::Error) -> Option<&UserError> {
    error
        .chain()
        .find_map(|cause| cause.downcast_ref::<UserError>())
}
