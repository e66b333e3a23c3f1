//! Checks what the bot sends against Discord's own OpenAPI description
//! (`../shared/discord-api-spec/openapi.json`) and against the stricter
//! limits of Discord's documentation.
//!
//! The validator covers the JSON Schema the spec uses for request bodies:
//! `$ref`, `type`, `enum`, `const`, `properties`, `required`,
//! `additionalProperties`, `maxProperties`, `items`, `minItems`, `maxItems`,
//! `uniqueItems`, `minLength`, `maxLength` (in characters), `pattern`,
//! `minimum`, `maximum`, `allOf`, `anyOf`, `oneOf`, and the formats `uri`,
//! `int32`. In the messages the bot builds (content, embeds, mentions,
//! references) a property the spec does not know is an error too: it would
//! be a typo Discord silently ignores. Elsewhere, as in JSON Schema, extra
//! properties pass (serenity sends e.g. `nsfw` and empty `choices` with every
//! command it registers, which the spec omits and Discord accepts).
//!
//! Two readings follow JSON Schema and Discord's documentation where a
//! strict reading of the spec would not: an `integer` is any number without
//! a fractional part (`1.0` included, as JSON Schema defines it; poise sends
//! integer bounds that way), and a permission bit set may be a string of
//! digits (`default_member_permissions`: the documentation's type, which
//! serenity sends; the spec says integer), still held to the integer's bounds.
//! And the id of a file uploaded with a message (`attachments[].id`, the
//! file's index in the multipart body) may be an integer: serenity and
//! discord.py send it so, and Discord takes it; the spec says snowflake string.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use regex::Regex;
use serde_json::Value;

use super::super::common::shared;
use super::Request;

pub struct Spec {
    doc: Value,
    patterns: Mutex<HashMap<String, Regex>>,
}

/// Whether properties the spec does not name are errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extras {
    Allowed,
    Refused,
}

/// Where the spec is: `$DISCORD_API_SPEC`, else `../shared/discord-api-spec/openapi.json`.
pub fn spec_path() -> PathBuf {
    std::env::var_os("DISCORD_API_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| shared("discord-api-spec/openapi.json"))
}

impl Spec {
    /// The spec, read once per test binary.
    pub fn get() -> &'static Spec {
        static SPEC: OnceLock<Spec> = OnceLock::new();
        SPEC.get_or_init(|| {
            let path = spec_path();
            let text = std::fs::read_to_string(&path).unwrap_or_else(|err| {
                panic!(
                    "cannot read Discord's OpenAPI spec at {} ({err}); set DISCORD_API_SPEC",
                    path.display()
                )
            });
            Spec {
                doc: serde_json::from_str(&text).expect("openapi.json is JSON"),
                patterns: Mutex::new(HashMap::new()),
            }
        })
    }

    /// The JSON request-body schema of an operation, found by matching the
    /// path against the spec's templates (`/api/v10` is the server prefix).
    pub fn request_schema(&self, method: &str, path: &str) -> Option<(String, &Value)> {
        let path = path.strip_prefix("/api/v10").unwrap_or(path);
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let paths = self.doc["paths"].as_object()?;
        // Prefer templates with more literal segments (`/messages/@original`
        // over `/messages/{message_id}`).
        let mut best: Option<(usize, &String, &Value)> = None;
        for (template, item) in paths {
            let parts: Vec<&str> = template.trim_matches('/').split('/').collect();
            if parts.len() != segments.len() {
                continue;
            }
            let mut literal = 0;
            let matches = parts.iter().zip(&segments).all(|(part, seg)| {
                if part.starts_with('{') && part.ends_with('}') {
                    true
                } else {
                    literal += 1;
                    part == seg
                }
            });
            if !matches {
                continue;
            }
            let Some(operation) = item.get(method.to_ascii_lowercase()) else {
                continue;
            };
            if best.is_none_or(|(n, _, _)| literal > n) {
                best = Some((literal, template, operation));
            }
        }
        let (_, template, operation) = best?;
        let schema = operation.pointer("/requestBody/content/application~1json/schema")?;
        Some((template.clone(), schema))
    }

    /// Errors of `value` against `schema`, each with its JSON path;
    /// properties the spec does not name are errors.
    pub fn validate(&self, schema: &Value, value: &Value) -> Vec<String> {
        self.validate_with(schema, value, Extras::Refused)
    }

    pub fn validate_with(&self, schema: &Value, value: &Value, extras: Extras) -> Vec<String> {
        let mut errors = Vec::new();
        self.check(schema, value, "$", extras, &mut errors);
        errors
    }

    fn resolve<'a>(&'a self, reference: &str) -> &'a Value {
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("external $ref {reference}"));
        self.doc
            .pointer(pointer)
            .unwrap_or_else(|| panic!("dangling $ref {reference}"))
    }

    fn check(
        &self,
        schema: &Value,
        value: &Value,
        at: &str,
        extras: Extras,
        errors: &mut Vec<String>,
    ) {
        let Some(schema) = schema.as_object() else {
            return;
        };
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            self.check(self.resolve(reference), value, at, extras, errors);
        }
        if let Some(types) = schema.get("type") {
            let allowed: Vec<&str> = match types {
                Value::String(t) => vec![t.as_str()],
                Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            if allowed.contains(&"integer") && is_permission_bits(at) {
                if let Some(n) = value.as_str().and_then(|t| t.parse::<u64>().ok()) {
                    let as_number = Value::from(n);
                    let mut bounds = schema.clone();
                    bounds.remove("type");
                    self.check(&Value::Object(bounds), &as_number, at, extras, errors);
                    return;
                }
            }
            if allowed.contains(&"string") && is_upload_index(at) && value.as_u64().is_some() {
                return;
            }
            if !allowed.iter().any(|t| type_matches(t, value)) {
                errors.push(format!("{at}: {} is not of type {allowed:?}", short(value)));
                return;
            }
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array) {
            if !value.is_null() && !options.contains(value) {
                errors.push(format!("{at}: {} is not one of {options:?}", short(value)));
            }
        }
        if let Some(constant) = schema.get("const") {
            if constant != value {
                errors.push(format!("{at}: {} is not {constant}", short(value)));
            }
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for sub in all {
                self.check(sub, value, at, extras, errors);
            }
        }
        if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
            self.check_union(any, value, at, extras, errors, false);
        }
        if let Some(one) = schema.get("oneOf").and_then(Value::as_array) {
            self.check_union(one, value, at, extras, errors, true);
        }
        match value {
            Value::String(text) => {
                let chars = text.chars().count();
                if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
                    if chars as u64 > max {
                        errors.push(format!(
                            "{at}: {chars} characters, more than maxLength {max}"
                        ));
                    }
                }
                if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
                    if (chars as u64) < min {
                        errors.push(format!(
                            "{at}: {chars} characters, fewer than minLength {min}"
                        ));
                    }
                }
                if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
                    let mut cache = self.patterns.lock().unwrap();
                    let regex = cache
                        .entry(pattern.to_string())
                        .or_insert_with(|| Regex::new(pattern).expect("spec pattern"));
                    if !regex.is_match(text) {
                        errors.push(format!("{at}: {text:?} does not match {pattern}"));
                    }
                }
                if schema.get("format").and_then(Value::as_str) == Some("uri")
                    && !(text.starts_with("https://") || text.starts_with("http://"))
                {
                    errors.push(format!("{at}: {text:?} is not a URI"));
                }
            }
            Value::Number(number) => {
                if let (Some(min), Some(n)) = (
                    schema.get("minimum").and_then(Value::as_f64),
                    number.as_f64(),
                ) {
                    if n < min {
                        errors.push(format!("{at}: {n} is below the minimum {min}"));
                    }
                }
                if let (Some(max), Some(n)) = (
                    schema.get("maximum").and_then(Value::as_f64),
                    number.as_f64(),
                ) {
                    if n > max {
                        errors.push(format!("{at}: {n} is above the maximum {max}"));
                    }
                }
                if schema.get("format").and_then(Value::as_str) == Some("int32")
                    && integral(number).is_none_or(|n| i32::try_from(n).is_err())
                {
                    errors.push(format!("{at}: {number} is not an int32"));
                }
            }
            Value::Array(items) => {
                if let Some(max) = schema.get("maxItems").and_then(Value::as_u64) {
                    if items.len() as u64 > max {
                        errors.push(format!(
                            "{at}: {} items, more than maxItems {max}",
                            items.len()
                        ));
                    }
                }
                if let Some(min) = schema.get("minItems").and_then(Value::as_u64) {
                    if (items.len() as u64) < min {
                        errors.push(format!(
                            "{at}: {} items, fewer than minItems {min}",
                            items.len()
                        ));
                    }
                }
                if schema.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
                    for (i, item) in items.iter().enumerate() {
                        if items[..i].contains(item) {
                            errors.push(format!("{at}[{i}]: duplicate item {}", short(item)));
                        }
                    }
                }
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.check(item_schema, item, &format!("{at}[{i}]"), extras, errors);
                    }
                }
            }
            Value::Object(object) => {
                let properties = schema.get("properties").and_then(Value::as_object);
                if let Some(required) = schema.get("required").and_then(Value::as_array) {
                    for key in required.iter().filter_map(Value::as_str) {
                        if !object.contains_key(key) {
                            errors.push(format!("{at}: required property {key:?} is missing"));
                        }
                    }
                }
                if let Some(max) = schema.get("maxProperties").and_then(Value::as_u64) {
                    if object.len() as u64 > max {
                        errors.push(format!("{at}: more than {max} properties"));
                    }
                }
                let additional = schema.get("additionalProperties");
                for (key, item) in object {
                    let path = format!("{at}.{key}");
                    match properties.and_then(|p| p.get(key)) {
                        Some(property) => self.check(property, item, &path, extras, errors),
                        None => match additional {
                            Some(Value::Bool(false)) => {
                                errors.push(format!("{path}: property not allowed"))
                            }
                            Some(extra @ Value::Object(_)) => {
                                self.check(extra, item, &path, extras, errors)
                            }
                            _ if properties.is_some() && extras == Extras::Refused => {
                                errors.push(format!("{path}: property not in Discord's schema"))
                            }
                            _ => {}
                        },
                    }
                }
            }
            _ => {}
        }
    }

    fn check_union(
        &self,
        options: &[Value],
        value: &Value,
        at: &str,
        extras: Extras,
        errors: &mut Vec<String>,
        exactly_one: bool,
    ) {
        let mut results: Vec<Vec<String>> = Vec::new();
        for option in options {
            let mut found = Vec::new();
            self.check(option, value, at, extras, &mut found);
            results.push(found);
        }
        let passing = results.iter().filter(|r| r.is_empty()).count();
        if passing == 0 {
            let best = results.into_iter().min_by_key(Vec::len).unwrap_or_default();
            errors.push(format!(
                "{at}: {} matches none of the {} alternatives; closest: {}",
                short(value),
                options.len(),
                best.join("; ")
            ));
        } else if exactly_one && passing > 1 {
            errors.push(format!("{at}: matches {passing} oneOf alternatives"));
        }
    }
}

/// A JSON path naming an uploaded file by its index: `…attachments[N].id`.
fn is_upload_index(at: &str) -> bool {
    at.strip_suffix("].id")
        .and_then(|rest| rest.rsplit_once(".attachments["))
        .is_some_and(|(_, n)| n.bytes().all(|b| b.is_ascii_digit()))
}

/// A JSON path whose value is a permission bit set.
fn is_permission_bits(at: &str) -> bool {
    at.ends_with(".default_member_permissions")
}

/// The number as an integer, if it has no fractional part.
fn integral(number: &serde_json::Number) -> Option<i64> {
    number.as_i64().or_else(|| {
        number
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.3e18)
            .map(|f| f as i64)
    })
}

fn type_matches(kind: &str, value: &Value) -> bool {
    match kind {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "integer" => {
            value.is_i64()
                || value.is_u64()
                || value
                    .as_f64()
                    .is_some_and(|f| f.is_finite() && f.fract() == 0.0)
        }
        "number" => value.is_number(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 80 {
        format!("{}…", text.chars().take(80).collect::<String>())
    } else {
        text
    }
}

/// Length as Discord's documented limits count it, taken strictly: the
/// larger of characters and UTF-16 code units.
fn len(text: &str) -> usize {
    text.encode_utf16().count().max(text.chars().count())
}

/// The documentation's limits for a message body (content, embeds) and
/// `allowed_mentions` that allow nothing. `message` is the object holding
/// `content`/`embeds` (the body itself, or a callback's `data`).
pub fn message_problems(message: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(len).unwrap_or(0);
    let content = text(message, "content");
    if content > 2000 {
        problems.push(format!("content is {content} characters (> 2000)"));
    }
    let embeds = message
        .get("embeds")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let has_components = message
        .get("components")
        .and_then(Value::as_array)
        .is_some_and(|c| !c.is_empty());
    // An update may change only the buttons; a message must say something.
    let update_of_components = message.get("components").is_some();
    if content == 0 && embeds.is_empty() && !has_components && !update_of_components {
        problems.push("the message is empty".to_string());
    }
    if embeds.len() > 10 {
        problems.push(format!("{} embeds (> 10)", embeds.len()));
    }
    let mut total = 0;
    for (i, embed) in embeds.iter().enumerate() {
        let mut check = |what: &str, n: usize, max: usize| {
            if n > max {
                problems.push(format!("embed {i}: {what} is {n} characters (> {max})"));
            }
            total += n;
        };
        check("title", text(embed, "title"), 256);
        check("description", text(embed, "description"), 4096);
        check(
            "footer",
            embed.get("footer").map_or(0, |f| text(f, "text")),
            2048,
        );
        check(
            "author name",
            embed.get("author").map_or(0, |a| text(a, "name")),
            256,
        );
        let fields = embed
            .get("fields")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for field in &fields {
            check("field name", text(field, "name"), 256);
            check("field value", text(field, "value"), 1024);
        }
        if fields.len() > 25 {
            problems.push(format!("embed {i}: {} fields (> 25)", fields.len()));
        }
    }
    if total > 6000 {
        problems.push(format!("all embeds hold {total} characters (> 6000)"));
    }
    match message.get("allowed_mentions") {
        Some(mentions) => {
            if mentions.get("parse") != Some(&Value::Array(vec![])) {
                problems.push(format!("allowed_mentions.parse is not empty: {mentions}"));
            }
            for key in ["users", "roles"] {
                if mentions
                    .get(key)
                    .and_then(Value::as_array)
                    .is_some_and(|list| !list.is_empty())
                {
                    problems.push(format!("allowed_mentions.{key} is not empty: {mentions}"));
                }
            }
            if mentions.get("replied_user") == Some(&Value::Bool(true)) {
                problems.push("allowed_mentions.replied_user is true".to_string());
            }
        }
        None => problems.push("no allowed_mentions".to_string()),
    }
    problems
}

/// The message a request carries, if it sends one.
pub fn sent_message(request: &Request) -> Option<&Value> {
    let body = request.body.as_ref()?;
    let path = request.path.as_str();
    let is = |method: &str| request.method == method;
    if is("POST") && path.ends_with("/callback") {
        // Types 4 and 7 (update) carry a message; 5 and 6 (defer) only flags.
        return (body["type"] == 4 || body["type"] == 7).then(|| &body["data"]);
    }
    if (is("POST") && path.starts_with("/api/v10/webhooks/"))
        || (is("PATCH") && path.starts_with("/api/v10/webhooks/"))
        || (is("POST") && path.starts_with("/api/v10/channels/") && path.ends_with("/messages"))
    {
        return Some(body);
    }
    None
}

/// Every problem of every recorded call: bodies against the spec, messages
/// against the documented limits, no calls the spec does not know.
pub fn problems(requests: &[Request]) -> Vec<String> {
    let spec = Spec::get();
    let mut problems = Vec::new();
    // The same body sent to the same operation has the same problems:
    // check it once (a load test sends thousands of identical answers).
    let mut seen = std::collections::HashSet::new();
    for request in requests {
        let line = request.line();
        let Some(body) = &request.body else {
            continue;
        };
        let schema = spec.request_schema(&request.method, &request.path);
        let template = schema.as_ref().map(|(t, _)| t.clone()).unwrap_or_default();
        if !seen.insert((request.method.clone(), template, body.to_string())) {
            continue;
        }
        let extras = if sent_message(request).is_some() {
            Extras::Refused
        } else {
            Extras::Allowed
        };
        match schema {
            Some((template, schema)) => {
                for error in spec.validate_with(schema, body, extras) {
                    problems.push(format!("{line} (spec {template}): {error}"));
                }
            }
            None => problems.push(format!(
                "{line}: no such operation with a JSON body in Discord's spec"
            )),
        }
        if let Some(message) = sent_message(request) {
            for problem in message_problems(message) {
                problems.push(format!("{line}: {problem}"));
            }
        }
    }
    problems
}

/// Fails with every problem [`problems`] finds in `requests`.
#[track_caller]
pub fn assert_valid(requests: &[Request]) {
    let problems = problems(requests);
    assert!(
        problems.is_empty(),
        "the bot sent what Discord would refuse:\n{}",
        problems.join("\n")
    );
}
