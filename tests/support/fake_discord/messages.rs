//! Reading what the bot sent: the JSON body of a recorded call, and the
//! parts of a Discord message payload the tests look at (content, embeds
//! and their fields, buttons, flags, `allowed_mentions`). One set of readers
//! for every bot test and bench.

use serde_json::{json, Value};

use super::Request;

/// The embed title of the answer that says the articles do not cover a
/// question.
pub const NOT_COVERED: &str = "Not covered by the articles";

/// A call's JSON body (of a multipart call, its `payload_json`).
pub fn body(request: &Request) -> Value {
    request.body.clone().expect("a JSON body")
}

/// The `data` of an interaction callback that answers at once (type 4).
pub fn response_data(request: &Request) -> Value {
    let body = body(request);
    assert_eq!(body["type"], 4, "{body}");
    body["data"].clone()
}

/// The message's text (empty without one).
pub fn content(message: &Value) -> String {
    message["content"].as_str().unwrap_or_default().to_string()
}

pub fn embeds(message: &Value) -> Vec<Value> {
    message["embeds"].as_array().cloned().unwrap_or_default()
}

/// The first embed's description (empty without one).
pub fn description(message: &Value) -> String {
    embeds(message)
        .first()
        .and_then(|e| e["description"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// The value of an embed's field named `name`.
pub fn field(embed: &Value, name: &str) -> Option<String> {
    embed["fields"]
        .as_array()?
        .iter()
        .find(|f| f["name"] == name)
        .map(|f| f["value"].as_str().unwrap().to_string())
}

/// An answer embed's first field: the section the passage is from.
pub fn section(embed: &Value) -> &str {
    embed["fields"][0]["value"].as_str().unwrap()
}

/// An answer embed's second field: the publisher and date.
pub fn source(embed: &Value) -> &str {
    embed["fields"][1]["value"].as_str().unwrap()
}

/// Whether one of the message's embeds is a passage of the article `title`.
pub fn answered_from(message: &Value, title: &str) -> bool {
    embeds(message).iter().any(|e| e["title"] == title)
}

/// Whether the message says the articles do not cover the question.
pub fn not_covered(message: &Value) -> bool {
    answered_from(message, NOT_COVERED)
}

/// The buttons of a message: (custom id, label, style, disabled).
pub fn buttons(message: &Value) -> Vec<(String, String, u64, bool)> {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .map(|b| {
            (
                b["custom_id"].as_str().unwrap_or_default().to_string(),
                b["label"].as_str().unwrap_or_default().to_string(),
                b["style"].as_u64().unwrap_or(0),
                b["disabled"].as_bool().unwrap_or(false),
            )
        })
        .collect()
}

/// The custom id of the button labelled `label`.
pub fn button(message: &Value, label: &str) -> String {
    buttons(message)
        .into_iter()
        .find(|b| b.1 == label)
        .unwrap_or_else(|| panic!("no {label:?} button in {message}"))
        .0
}

/// Asserts that only the member who asked sees the message.
pub fn ephemeral(message: &Value) {
    assert_eq!(
        message["flags"].as_u64().unwrap_or(0) & 64,
        64,
        "ephemeral: {message}"
    );
}

/// Asserts that the message can ping nobody.
pub fn no_pings(message: &Value) {
    assert_eq!(message["allowed_mentions"]["parse"], json!([]), "{message}");
    assert_ne!(message["allowed_mentions"]["replied_user"], json!(true));
}
