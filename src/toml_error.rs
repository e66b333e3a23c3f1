//! toml's errors, made one line and located: every file this program reads
//! (articles, synonyms, config, question sets) reports them the same way.

/// The 1-based line of the error within `text` (1 when toml gives no
/// position) and its message on one line.
pub(crate) fn locate(err: &toml::de::Error, text: &str) -> (usize, String) {
    let line = err.span().map_or(1, |span| {
        text[..span.start.min(text.len())].matches('\n').count() + 1
    });
    let message = err
        .message()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (line, message)
}
