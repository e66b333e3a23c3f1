//! The message model and Discord's limits: a [`Reply`] (content, embeds,
//! one row of buttons) is plain data until the last step
//! ([`Reply::to_poise`], [`Reply::to_message`]), so every limit is
//! unit-tested without Discord. Lengths are counted in UTF-16 code units,
//! which is never less than the number of characters however Discord counts.
//! Every message allows no mentions.

use poise::serenity_prelude as serenity;

/// Message content, at most.
pub const CONTENT_MAX: usize = 2000;
/// Embed title, at most.
pub const TITLE_MAX: usize = 256;
/// Embed description, at most.
pub const DESCRIPTION_MAX: usize = 4096;
/// Embed field name, at most.
pub const FIELD_NAME_MAX: usize = 256;
/// Embed field value, at most.
pub const FIELD_VALUE_MAX: usize = 1024;
/// Embed footer text, at most.
pub const FOOTER_MAX: usize = 2048;
/// All the embeds of one message together, at most.
pub const EMBEDS_TOTAL_MAX: usize = 6000;
/// Embeds in one message, at most.
pub const EMBEDS_MAX: usize = 10;
/// Embed URL, at most.
pub const URL_MAX: usize = 2048;

/// The end of a cut text.
pub(super) const ELLIPSIS: char = '…';

/// Length as Discord counts it (UTF-16 code units: an upper bound on characters).
pub fn discord_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Text that holds no markdown to break (our own sentences), cut to `max`.
pub fn cut(text: &str, max: usize) -> String {
    if discord_len(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if discord_len(&out) + c.len_utf16() + 1 > max {
            break;
        }
        out.push(c);
    }
    let mut out = out.trim_end().to_string();
    out.push(ELLIPSIS);
    out
}

/// A message, ready to be sent as an interaction response or a channel message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reply {
    pub content: String,
    pub embeds: Vec<Embed>,
    /// Buttons under the message, [`ROW_MAX`] a row (at most [`BUTTONS_MAX`]).
    pub buttons: Vec<Button>,
}

/// Buttons in one row, at most.
pub const ROW_MAX: usize = 5;
/// Buttons under one message, at most (two rows: no message needs more).
pub const BUTTONS_MAX: usize = 2 * ROW_MAX;
/// A button's custom id, at most.
pub const CUSTOM_ID_MAX: usize = 100;
/// A button's label, at most.
pub const LABEL_MAX: usize = 80;

/// A button that sends the bot an interaction with its `custom_id`.
#[derive(Debug, Clone, PartialEq)]
pub struct Button {
    pub custom_id: String,
    pub label: String,
    pub emoji: Option<char>,
    pub style: ButtonStyle,
    pub disabled: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonStyle {
    Primary,
    Secondary,
    Success,
}

impl Button {
    pub fn new(custom_id: impl Into<String>, label: &str, style: ButtonStyle) -> Button {
        Button {
            custom_id: custom_id.into(),
            label: cut(label, LABEL_MAX),
            emoji: None,
            style,
            disabled: false,
        }
    }

    pub fn emoji(mut self, emoji: char) -> Button {
        self.emoji = Some(emoji);
        self
    }

    pub fn disabled(mut self, disabled: bool) -> Button {
        self.disabled = disabled;
        self
    }

    fn to_serenity(&self) -> serenity::CreateButton {
        let style = match self.style {
            ButtonStyle::Primary => serenity::ButtonStyle::Primary,
            ButtonStyle::Secondary => serenity::ButtonStyle::Secondary,
            ButtonStyle::Success => serenity::ButtonStyle::Success,
        };
        let mut button = serenity::CreateButton::new(&self.custom_id)
            .style(style)
            .disabled(self.disabled);
        if !self.label.is_empty() {
            button = button.label(&self.label);
        }
        if let Some(emoji) = self.emoji {
            button = button.emoji(serenity::ReactionType::Unicode(emoji.to_string()));
        }
        button
    }
}

/// The buttons as Discord components: a row per [`ROW_MAX`], or none.
pub fn action_rows(buttons: &[Button]) -> Vec<serenity::CreateActionRow> {
    buttons[..buttons.len().min(BUTTONS_MAX)]
        .chunks(ROW_MAX)
        .map(|row| {
            serenity::CreateActionRow::Buttons(row.iter().map(Button::to_serenity).collect())
        })
        .collect()
}

/// One embed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Embed {
    pub title: String,
    pub url: Option<String>,
    pub description: String,
    pub fields: Vec<Field>,
    pub footer: Option<String>,
    pub colour: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub inline: bool,
}

impl Embed {
    /// The characters that count towards the 6000 of a message.
    pub fn len(&self) -> usize {
        discord_len(&self.title)
            + discord_len(&self.description)
            + self
                .fields
                .iter()
                .map(|f| discord_len(&f.name) + discord_len(&f.value))
                .sum::<usize>()
            + self.footer.as_deref().map_or(0, discord_len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn to_serenity(&self) -> serenity::CreateEmbed {
        let mut embed = serenity::CreateEmbed::new().colour(self.colour);
        if !self.title.is_empty() {
            embed = embed.title(&self.title);
        }
        if let Some(url) = &self.url {
            embed = embed.url(url);
        }
        if !self.description.is_empty() {
            embed = embed.description(&self.description);
        }
        for field in &self.fields {
            embed = embed.field(&field.name, &field.value, field.inline);
        }
        if let Some(footer) = &self.footer {
            embed = embed.footer(serenity::CreateEmbedFooter::new(footer));
        }
        embed
    }
}

/// Mentions allowed in every message the bot sends: none (not even the
/// author of the message replied to).
pub fn no_mentions() -> serenity::CreateAllowedMentions {
    serenity::CreateAllowedMentions::new().replied_user(false)
}

impl Reply {
    /// A short note as message content.
    pub fn notice(text: &str) -> Reply {
        Reply {
            content: cut(text, CONTENT_MAX),
            ..Reply::default()
        }
    }

    /// As an interaction response or follow-up; `ephemeral`: only the member sees it.
    pub fn to_poise(&self, ephemeral: bool) -> poise::CreateReply {
        let mut reply = poise::CreateReply::default()
            .ephemeral(ephemeral)
            .allowed_mentions(no_mentions());
        if !self.content.is_empty() {
            reply = reply.content(&self.content);
        }
        for embed in &self.embeds {
            reply = reply.embed(embed.to_serenity());
        }
        if !self.buttons.is_empty() {
            reply = reply.components(action_rows(&self.buttons));
        }
        reply
    }

    /// As a channel message (a reply to a mention or a DM).
    pub fn to_message(&self) -> serenity::CreateMessage {
        let mut message = serenity::CreateMessage::new()
            .allowed_mentions(no_mentions())
            .embeds(self.embeds.iter().map(Embed::to_serenity).collect());
        if !self.content.is_empty() {
            message = message.content(&self.content);
        }
        if !self.buttons.is_empty() {
            message = message.components(action_rows(&self.buttons));
        }
        message
    }

    /// Whether every Discord limit holds (the tests assert it).
    pub fn within_limits(&self) -> bool {
        self.buttons.len() <= BUTTONS_MAX
            && self.buttons.iter().all(|b| {
                !b.custom_id.is_empty()
                    && b.custom_id.len() <= CUSTOM_ID_MAX
                    && discord_len(&b.label) <= LABEL_MAX
            })
            && discord_len(&self.content) <= CONTENT_MAX
            && self.embeds.len() <= EMBEDS_MAX
            && self.embeds.iter().map(Embed::len).sum::<usize>() <= EMBEDS_TOTAL_MAX
            && self.embeds.iter().all(|e| {
                discord_len(&e.title) <= TITLE_MAX
                    && discord_len(&e.description) <= DESCRIPTION_MAX
                    && e.footer.as_deref().map_or(0, discord_len) <= FOOTER_MAX
                    && e.url.as_deref().map_or(0, str::len) <= URL_MAX
                    && e.fields.iter().all(|f| {
                        discord_len(&f.name) <= FIELD_NAME_MAX
                            && discord_len(&f.value) <= FIELD_VALUE_MAX
                    })
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buttons_go_five_a_row_in_at_most_two_rows() {
        let buttons: Vec<Button> = (0..12)
            .map(|i| Button::new(format!("id{i}"), &format!("B{i}"), ButtonStyle::Primary))
            .collect();
        let rows = |n: usize| -> Vec<usize> {
            action_rows(&buttons[..n])
                .iter()
                .map(|row| {
                    serde_json::to_value(row).unwrap()["components"]
                        .as_array()
                        .map_or(0, Vec::len)
                })
                .collect()
        };
        assert_eq!(rows(0), Vec::<usize>::new());
        assert_eq!(rows(2), [2]);
        assert_eq!(rows(5), [5]);
        assert_eq!(rows(7), [5, 2]);
        assert_eq!(rows(12), [5, 5], "never more than BUTTONS_MAX");
    }
}
