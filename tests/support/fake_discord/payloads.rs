//! JSON that the fake Discord sends: users, members, messages, interactions
//! and gateway events, shaped as serenity 0.12.5 reads them (the test
//! `the_fake_discords_payloads_read_as_serenity_models` checks each one).

use serde_json::{json, Value};

/// The bot's application id, which is also its user id.
pub const APP_ID: u64 = 900_000_000_000_000_001;
pub const BOT_NAME: &str = "infusion-faq";
pub const GUILD: u64 = 910_000_000_000_000_001;
/// A channel listed in `mention_channels`.
pub const MENTION_CHANNEL: u64 = 920_000_000_000_000_001;
/// A guild channel not listed in `mention_channels`.
pub const OTHER_CHANNEL: u64 = 920_000_000_000_000_002;
/// The DM channel between the bot and a member.
pub const DM_CHANNEL: u64 = 930_000_000_000_000_001;
/// Every permission a member or the bot could want, as Discord sends them
/// (but neither Administrator nor Manage Server).
pub const PERMISSIONS: &str = "2248473465835073";
/// [`PERMISSIONS`] and Manage Server (1 << 5).
pub const MANAGE_SERVER_PERMISSIONS: &str = "2248473465835105";
/// A role listed in `moderator_roles` by the admin tests.
pub const MODERATOR_ROLE: u64 = 960_000_000_000_000_001;
/// A role nobody configured.
pub const OTHER_ROLE: u64 = 960_000_000_000_000_002;
pub const TIMESTAMP: &str = "2025-01-01T00:00:00.000000+00:00";

/// Who acts in a scenario.
#[derive(Debug, Clone, Copy)]
pub struct Member {
    pub id: u64,
    pub name: &'static str,
    pub bot: bool,
    /// Their permissions in the channel, as Discord computes them.
    pub permissions: &'static str,
    pub roles: &'static [u64],
}

pub const ALICE: Member = Member {
    id: 940_000_000_000_000_001,
    name: "alice_sensitive_name",
    bot: false,
    permissions: PERMISSIONS,
    roles: &[OTHER_ROLE],
};
pub const BOB: Member = Member {
    id: 940_000_000_000_000_002,
    name: "bob",
    bot: false,
    permissions: PERMISSIONS,
    roles: &[],
};
pub const CAROL: Member = Member {
    id: 940_000_000_000_000_004,
    name: "carol",
    bot: false,
    permissions: PERMISSIONS,
    roles: &[],
};
pub const OTHER_BOT: Member = Member {
    id: 940_000_000_000_000_003,
    name: "some-other-bot",
    bot: true,
    permissions: PERMISSIONS,
    roles: &[],
};
/// A member with Manage Server: a moderator by permission.
pub const MOD: Member = Member {
    id: 940_000_000_000_000_005,
    name: "mod_sensitive_name",
    bot: false,
    permissions: MANAGE_SERVER_PERMISSIONS,
    roles: &[],
};
/// A member without Manage Server but with the configured moderator role.
pub const HELPER: Member = Member {
    id: 940_000_000_000_000_006,
    name: "helper",
    bot: false,
    permissions: PERMISSIONS,
    roles: &[OTHER_ROLE, MODERATOR_ROLE],
};

/// Where something happens.
#[derive(Debug, Clone, Copy)]
pub enum Place {
    Guild { channel: u64 },
    Dm,
}

/// The channel of [`MENTION_CHANNEL`], where most scenarios happen.
pub const HERE: Place = Place::Guild {
    channel: MENTION_CHANNEL,
};

impl Place {
    pub fn channel(self) -> u64 {
        match self {
            Place::Guild { channel } => channel,
            Place::Dm => DM_CHANNEL,
        }
    }
}

pub fn user(id: u64, name: &str, bot: bool) -> Value {
    json!({
        "id": id.to_string(),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": null,
        "bot": bot,
        "public_flags": 0,
    })
}

pub fn bot_user() -> Value {
    let mut user = user(APP_ID, BOT_NAME, true);
    user["verified"] = json!(true);
    user["mfa_enabled"] = json!(false);
    user["flags"] = json!(0);
    user
}

pub fn member_of(who: Member) -> Value {
    json!({
        "user": user(who.id, who.name, who.bot),
        "nick": null,
        "avatar": null,
        "roles": who.roles.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
        "joined_at": TIMESTAMP,
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "permissions": who.permissions,
    })
}

/// `GET /oauth2/applications/@me`.
pub fn application() -> Value {
    json!({
        "id": APP_ID.to_string(),
        "name": BOT_NAME,
        "icon": null,
        "description": "",
        "rpc_origins": [],
        "bot_public": true,
        "bot_require_code_grant": false,
        "owner": user(950_000_000_000_000_001, "owner", false),
        "verify_key": "0000000000000000000000000000000000000000000000000000000000000000",
        "team": null,
        "flags": 0,
    })
}

/// A channel message as Discord sends it in MESSAGE_CREATE or returns it.
pub fn message(id: u64, place: Place, author: Member, content: &str, mentions: &[Value]) -> Value {
    let mut message = json!({
        "id": id.to_string(),
        "channel_id": place.channel().to_string(),
        "author": user(author.id, author.name, author.bot),
        "content": content,
        "timestamp": TIMESTAMP,
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": mentions,
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": false,
        "type": 0,
        "flags": 0,
    });
    if let Place::Guild { .. } = place {
        message["guild_id"] = json!(GUILD.to_string());
        let mut member = member_of(author);
        member.as_object_mut().map(|m| m.remove("user"));
        message["member"] = member;
    }
    message
}

/// The message Discord returns for a message the bot sent (`body`).
pub fn sent_message(id: u64, channel: u64, body: &Value) -> Value {
    let mut embeds = body.get("embeds").cloned().unwrap_or(json!([]));
    if let Some(list) = embeds.as_array_mut() {
        for embed in list {
            embed["type"] = json!("rich");
        }
    }
    json!({
        "id": id.to_string(),
        "channel_id": channel.to_string(),
        "author": bot_user(),
        "content": body.get("content").cloned().unwrap_or(json!("")),
        "timestamp": TIMESTAMP,
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": embeds,
        "pinned": false,
        "type": 0,
        "flags": body.get("flags").cloned().unwrap_or(json!(0)),
        "application_id": APP_ID.to_string(),
    })
}

/// The part every interaction shares: who, where, token, permissions.
fn interaction_base(id: u64, token: &str, place: Place, who: Member, data: Value) -> Value {
    let mut interaction = json!({
        "id": id.to_string(),
        "application_id": APP_ID.to_string(),
        "type": 2,
        "data": data,
        "channel_id": place.channel().to_string(),
        "token": token,
        "version": 1,
        "app_permissions": PERMISSIONS,
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 26_214_400,
    });
    match place {
        Place::Guild { channel } => {
            interaction["guild_id"] = json!(GUILD.to_string());
            interaction["guild_locale"] = json!("en-US");
            interaction["member"] = member_of(who);
            interaction["context"] = json!(0);
            interaction["authorizing_integration_owners"] = json!({"0": GUILD.to_string()});
            interaction["channel"] = json!({
                "id": channel.to_string(),
                "type": 0,
                "guild_id": GUILD.to_string(),
                "name": "infusions",
                "permissions": PERMISSIONS,
            });
        }
        Place::Dm => {
            interaction["user"] = user(who.id, who.name, who.bot);
            interaction["context"] = json!(1);
            interaction["authorizing_integration_owners"] = json!({"0": GUILD.to_string()});
            interaction["channel"] = json!({
                "id": DM_CHANNEL.to_string(),
                "type": 1,
                "recipients": [user(who.id, who.name, who.bot)],
            });
        }
    }
    interaction
}

/// A slash command invocation; `options` as Discord sends them.
pub fn slash_command(
    id: u64,
    token: &str,
    command: (&str, u64),
    options: Value,
    place: Place,
    who: Member,
) -> Value {
    let mut data = json!({
        "id": command.1.to_string(),
        "name": command.0,
        "type": 1,
        "options": options,
    });
    if let Place::Guild { .. } = place {
        data["guild_id"] = json!(GUILD.to_string());
    }
    interaction_base(id, token, place, who, data)
}

/// `/ask`'s options: the question, and `private` if given.
pub fn ask_options(question: &str, private: Option<bool>) -> Value {
    let mut options = vec![json!({"name": "question", "type": 3, "value": question})];
    if let Some(private) = private {
        options.push(json!({"name": "private", "type": 5, "value": private}));
    }
    Value::Array(options)
}

/// The option `file` naming an uploaded `file` (an [`attachment`]).
pub fn file_option(file: &Value) -> Value {
    json!({"name": "file", "type": 11, "value": file["id"]})
}

/// A slash command with the `attachments` its options name resolved in
/// its data, as Discord sends them.
pub fn with_attachments(mut command: Value, attachments: &[Value]) -> Value {
    if !attachments.is_empty() {
        let resolved: serde_json::Map<String, Value> = attachments
            .iter()
            .map(|a| (a["id"].as_str().unwrap_or_default().to_string(), a.clone()))
            .collect();
        command["data"]["resolved"] = json!({ "attachments": resolved });
    }
    command
}

/// A message context-menu invocation on `target` (a message payload).
pub fn message_command(
    id: u64,
    token: &str,
    command: (&str, u64),
    target: Value,
    place: Place,
    who: Member,
) -> Value {
    let target_id = target["id"].as_str().unwrap_or_default().to_string();
    let mut data = json!({
        "id": command.1.to_string(),
        "name": command.0,
        "type": 3,
        "target_id": target_id,
        "resolved": { "messages": { target_id.clone(): target } },
    });
    if let Place::Guild { .. } = place {
        data["guild_id"] = json!(GUILD.to_string());
    }
    interaction_base(id, token, place, who, data)
}

/// A button click (a component interaction) on `message`, the message the
/// button is on as Discord sends it.
pub fn component(
    id: u64,
    token: &str,
    custom_id: &str,
    message: Value,
    place: Place,
    who: Member,
) -> Value {
    let data = json!({
        "custom_id": custom_id,
        "component_type": 2,
    });
    let mut interaction = interaction_base(id, token, place, who, data);
    interaction["type"] = json!(3);
    interaction["message"] = message;
    interaction
}

/// A choice of `values` in the string select menu `custom_id` of `message`.
pub fn select(
    id: u64,
    token: &str,
    custom_id: &str,
    values: &[&str],
    message: Value,
    place: Place,
    who: Member,
) -> Value {
    let data = json!({
        "custom_id": custom_id,
        "component_type": 3,
        "values": values,
    });
    let mut interaction = interaction_base(id, token, place, who, data);
    interaction["type"] = json!(3);
    interaction["message"] = message;
    interaction
}

/// A message the bot sent (`body`, as it sent it) as Discord shows it in a
/// component interaction: with its id, components and flags.
pub fn bot_message(id: u64, channel: u64, body: &Value) -> Value {
    let mut message = sent_message(id, channel, body);
    let mut components = body.get("components").cloned().unwrap_or(json!([]));
    // Discord gives every component an id; serenity requires it.
    if let Some(rows) = components.as_array_mut() {
        let mut n = 0;
        for row in rows {
            n += 1;
            row["id"] = json!(n);
            if let Some(items) = row["components"].as_array_mut() {
                for item in items {
                    n += 1;
                    item["id"] = json!(n);
                }
            }
        }
    }
    message["components"] = components;
    message
}

/// An attachment as Discord resolves it in a slash command's data; its URL
/// points at the fake (`base`).
pub fn attachment(id: u64, filename: &str, size: u64, base: &str) -> Value {
    json!({
        "id": id.to_string(),
        "filename": filename,
        "size": size,
        "url": format!("{base}/attachments/{id}/{filename}"),
        "proxy_url": format!("{base}/attachments/{id}/{filename}"),
        "content_type": "text/markdown; charset=utf-8",
        "ephemeral": true,
    })
}

/// READY's `d`.
pub fn ready(session_id: &str, resume_url: &str) -> Value {
    json!({
        "v": 10,
        "user": bot_user(),
        "guilds": [],
        "session_id": session_id,
        "resume_gateway_url": resume_url,
        "shard": [0, 1],
        "application": { "id": APP_ID.to_string(), "flags": 0 },
    })
}
