//! The fake Discord's own checks: the payloads it sends read as serenity's
//! models, and its validator refuses what Discord would and accepts what
//! Discord does.

use serde_json::{json, Value};

use crate::support::fake_discord::payloads::{self, Place, ALICE, HERE, MENTION_CHANNEL, MOD};
use crate::support::fake_discord::schema;

#[test]
fn the_fake_discords_payloads_read_as_serenity_models() {
    use poise::serenity_prelude as serenity;
    let read = |value: Value, what: &str| -> serenity::Interaction {
        serde_json::from_value(value).unwrap_or_else(|e| panic!("{what}: {e}"))
    };
    let message = payloads::message(1, HERE, ALICE, "hi", &[payloads::bot_user()]);
    let _: serenity::Message = serde_json::from_value(message.clone()).expect("message");
    let _: serenity::Message =
        serde_json::from_value(payloads::message(2, Place::Dm, ALICE, "hi", &[])).expect("DM");
    read(
        payloads::slash_command(
            3,
            "t",
            ("ask", 4),
            json!([{"name": "question", "type": 3, "value": "q"}]),
            HERE,
            ALICE,
        ),
        "slash command",
    );
    read(
        payloads::slash_command(3, "t", ("ask", 4), json!([]), Place::Dm, ALICE),
        "DM slash command",
    );
    read(
        payloads::message_command(5, "t", ("Find answer", 6), message, HERE, ALICE),
        "message command",
    );
    let _: serenity::Ready = serde_json::from_value(payloads::ready("s", "ws://x")).expect("ready");
    let _: serenity::CurrentUser = serde_json::from_value(payloads::bot_user()).expect("user");
    let _: serenity::CurrentApplicationInfo =
        serde_json::from_value(payloads::application()).expect("application");
    let body = json!({"content": "x", "embeds": [{"title": "t", "description": "d", "fields": [{"name": "n", "value": "v", "inline": true}], "footer": {"text": "f"}, "color": 1}]});
    let _: serenity::Message =
        serde_json::from_value(payloads::sent_message(7, 8, &body)).expect("sent");
}

#[test]
fn the_validator_catches_what_discord_would_refuse() {
    let spec = schema::Spec::get();
    let (template, schema) = spec
        .request_schema("POST", "/api/v10/interactions/1/abc/callback")
        .expect("the callback is in the spec");
    assert_eq!(
        template,
        "/interactions/{interaction_id}/{interaction_token}/callback"
    );
    let good = json!({"type": 4, "data": {"content": "hi", "allowed_mentions": {"parse": []}}});
    assert_eq!(spec.validate(schema, &good), Vec::<String>::new());
    let long = json!({"type": 4, "data": {"content": "x".repeat(2001), "allowed_mentions": {"parse": []}}});
    assert!(!spec.validate(schema, &long).is_empty());
    let bad_type = json!({"type": 99, "data": {"content": "hi"}});
    assert!(!spec.validate(schema, &bad_type).is_empty());
    let typo = json!({"type": 4, "data": {"contnet": "hi"}});
    assert!(!spec.validate(schema, &typo).is_empty());
    let (_, message_schema) = spec
        .request_schema("POST", "/api/v10/channels/1/messages")
        .unwrap();
    let title = json!({"embeds": [{"title": "t".repeat(257)}], "allowed_mentions": {"parse": ["everyone"]}});
    assert!(!spec.validate(message_schema, &title).is_empty());
    let pings = json!({"content": "@everyone", "allowed_mentions": {"parse": ["everyone"]}});
    assert_eq!(spec.validate(message_schema, &pings), Vec::<String>::new());
    assert!(!schema::message_problems(&pings).is_empty());
    let total = json!({"embeds": [{"description": "d".repeat(4000)}, {"description": "d".repeat(2001)}], "allowed_mentions": {"parse": []}});
    assert!(schema::message_problems(&total)
        .iter()
        .any(|p| p.contains("> 6000")));
    let content = json!({"content": "c".repeat(2001), "allowed_mentions": {"parse": []}});
    assert_eq!(
        spec.validate(message_schema, &content),
        Vec::<String>::new(),
        "the spec allows 4000"
    );
    assert!(
        !schema::message_problems(&content).is_empty(),
        "the documentation allows 2000"
    );
}

#[test]
fn component_payloads_read_as_serenity_models() {
    use poise::serenity_prelude as serenity;
    let sent = json!({
        "content": "x",
        "components": [{"type": 1, "components": [{"type": 2, "style": 2, "custom_id": "fb:y:-:0123456789ab", "label": "Helpful", "emoji": {"name": "👍"}, "disabled": false}]}],
        "allowed_mentions": {"parse": []}
    });
    let message = payloads::bot_message(1, MENTION_CHANNEL, &sent);
    let interaction: serenity::Interaction = serde_json::from_value(payloads::component(
        2,
        "t",
        "fb:y:-:0123456789ab",
        message,
        HERE,
        MOD,
    ))
    .expect("a component interaction");
    let serenity::Interaction::Component(component) = interaction else {
        panic!("not a component interaction");
    };
    assert_eq!(component.data.custom_id, "fb:y:-:0123456789ab");
    let member = component.member.expect("a member");
    assert!(member.permissions.unwrap().manage_guild());
    let attachment: serenity::Attachment =
        serde_json::from_value(payloads::attachment(3, "a.md", 10, "http://x"))
            .expect("attachment");
    assert_eq!(attachment.size, 10);
}

#[test]
fn the_validator_reads_integers_permissions_and_upload_ids_as_discord_does() {
    use schema::Extras;
    let spec = schema::Spec::get();
    let (_, commands) = spec
        .request_schema("PUT", "/api/v10/applications/1/guilds/2/commands")
        .expect("command registration is in the spec");
    let command = |permissions: Value, min: Value| {
        json!([{
            "name": "x", "description": "d", "type": 1,
            "default_member_permissions": permissions,
            "options": [{"type": 4, "name": "n", "description": "d", "min_value": min}]
        }])
    };
    let problems = |v: &Value| spec.validate_with(commands, v, Extras::Allowed);
    assert_eq!(
        problems(&command(json!("32"), json!(1.0))),
        Vec::<String>::new()
    );
    assert_eq!(
        problems(&command(json!(32), json!(1))),
        Vec::<String>::new()
    );
    assert!(!problems(&command(json!("manage"), json!(1))).is_empty());
    assert!(!problems(&command(json!("99999999999999999999"), json!(1))).is_empty());
    assert!(!problems(&command(json!("32"), json!(1.5))).is_empty());
    let (_, callback) = spec
        .request_schema("POST", "/api/v10/interactions/1/t/callback")
        .unwrap();
    let with_file = |id: Value| json!({"type": 4, "data": {"content": "x", "attachments": [{"id": id, "filename": "a.md"}], "allowed_mentions": {"parse": []}}});
    assert_eq!(
        spec.validate(callback, &with_file(json!(0))),
        Vec::<String>::new()
    );
    assert_eq!(
        spec.validate(callback, &with_file(json!("0"))),
        Vec::<String>::new()
    );
    assert!(!spec.validate(callback, &with_file(json!(-1))).is_empty());
    assert!(!spec.validate(callback, &with_file(json!("x"))).is_empty());
}
