//! Teaching from the gaps report: each unanswered question there has a
//! **Teach** button; it offers the engine's nearest passages in a select
//! menu, and the chosen one is previewed and confirmed like every change
//! ([`super::confirm_and_apply`]), through the same store as `infusion-faq
//! corpus teach`. Only the moderator who ran the report can click.

use poise::serenity_prelude as serenity;

use super::super::errors::UserError;
use super::super::markdown::{one_line, plain};
use super::super::reply::{self, cut, Button, ButtonStyle, Embed, Reply, BUTTONS_MAX};
use super::super::{Context, Error};
use super::confirm::{wait_for, what, Wait};
use super::{blocking, confirm_and_apply_by, store_call};
use crate::moderation::change::ChangeRequest;
use crate::moderation::taught::{choices, Choice};
use crate::text::duration;

/// A select option's label, description and value, at most (Discord's limits).
const OPTION_TEXT_MAX: usize = 100;
/// A select menu's placeholder, at most.
const PLACEHOLDER_MAX: usize = 150;

pub const NOTHING_NEAR: &str = "No passage of the articles is near that question, so there is nothing to teach it from: add an article that answers it (/faq-admin import or add).";

/// One Teach button per question, "Teach 1" … (as the report numbers them),
/// at most two rows' worth.
pub fn buttons(wait: &Wait<'_>, questions: usize) -> Vec<Button> {
    (1..=questions.min(BUTTONS_MAX))
        .map(|n| {
            Button::new(
                wait.custom_id(&format!("teach{n}")),
                &format!("Teach {n}"),
                ButtonStyle::Primary,
            )
            .emoji('🎓')
        })
        .collect()
}

/// Which question a Teach click is for (0-based), from its custom id.
pub fn clicked(custom_id: &str) -> Option<usize> {
    what(custom_id)
        .strip_prefix("teach")?
        .parse::<usize>()
        .ok()?
        .checked_sub(1)
}

/// After a click on Teach for `question`: the passages to choose from, the
/// choice, its preview and confirmation, and the change.
pub async fn teach(
    ctx: Context<'_>,
    click: serenity::ComponentInteraction,
    question: String,
    deadline: std::time::Instant,
) -> Result<(), Error> {
    let engine = ctx.data().engine.engine();
    let asked = question.clone();
    let offered = blocking(move || choices(&engine, &asked)).await?;
    if offered.is_empty() {
        respond(ctx, &click, private(NOTHING_NEAR)).await?;
        return Ok(());
    }
    let timeout = wait_for(ctx, deadline);
    let wait = Wait::start(ctx)?;
    let menu = serenity::CreateSelectMenu::new(
        wait.custom_id("pick"),
        serenity::CreateSelectMenuKind::String {
            options: options(&offered),
        },
    )
    .placeholder(cut("The passage that answers it", PLACEHOLDER_MAX));
    let message = private(&format!(
        "Which passage answers “{}”? Pick it within {}; you will see it before anything changes.",
        one_line(&question, 300),
        duration(timeout)
    ))
    .components(vec![serenity::CreateActionRow::SelectMenu(menu)]);
    respond(ctx, &click, message).await?;
    let Some(picked) = wait.click(timeout).await else {
        let expired = serenity::EditInteractionResponse::new()
            .content("⌛ Nothing was picked in time: nothing changed.")
            .components(Vec::new())
            .allowed_mentions(reply::no_mentions());
        click.edit_response(ctx.http(), expired).await?;
        return Ok(());
    };
    let chosen = match &picked.data.kind {
        serenity::ComponentInteractionDataKind::StringSelect { values } => values
            .first()
            .and_then(|v| v.parse::<usize>().ok())
            .and_then(|i| offered.get(i)),
        _ => None,
    };
    let Some(choice) = chosen.cloned() else {
        return Err(UserError::new("That choice is not one offered: nothing changed.").into());
    };
    let update = serenity::CreateInteractionResponseMessage::new()
        .content(format!("Chosen: {}", one_line(&choice.section, 300)))
        .components(Vec::new())
        .allowed_mentions(reply::no_mentions());
    picked
        .create_response(
            ctx.http(),
            serenity::CreateInteractionResponse::UpdateMessage(update),
        )
        .await?;
    let taught = choice.taught.clone();
    let section = store_call(ctx, move |store| store.preview_teach(&taught)).await?;
    let preview = preview(&choice, &section);
    confirm_and_apply_by(
        ctx,
        preview,
        "Teach",
        ChangeRequest::Teach {
            taught: choice.taught,
        },
        deadline,
    )
    .await
}

/// The select menu's options: section as the label, the passage's opening
/// as the description, its position as the value.
fn options(offered: &[Choice]) -> Vec<serenity::CreateSelectMenuOption> {
    offered
        .iter()
        .enumerate()
        .map(|(i, choice)| {
            let (label, description) = option_texts(choice);
            serenity::CreateSelectMenuOption::new(label, i.to_string()).description(description)
        })
        .collect()
}

/// A choice's label and description, within Discord's limits (plain text:
/// a select menu shows no markdown).
fn option_texts(choice: &Choice) -> (String, String) {
    let flat = |text: &str| {
        text.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .map(|c| if c.is_control() { '\u{fffd}' } else { c })
            .collect::<String>()
    };
    (
        cut(&flat(&choice.section), OPTION_TEXT_MAX),
        cut(&flat(&choice.text), OPTION_TEXT_MAX),
    )
}

/// What a moderator confirms: the question, and the passage that will
/// answer it.
fn preview(choice: &Choice, section: &str) -> Reply {
    Reply {
        content: format!(
            "Teach the bot that “{}” is answered by this passage? Questions worded like it will be answered from it too.",
            one_line(&choice.taught.question, 300)
        ),
        embeds: vec![Embed {
            title: one_line(section, reply::TITLE_MAX),
            description: plain(&choice.text, reply::DESCRIPTION_MAX / 2),
            colour: 0xd69e2e,
            ..Embed::default()
        }],
        buttons: Vec::new(),
    }
}

fn private(text: &str) -> serenity::CreateInteractionResponseMessage {
    serenity::CreateInteractionResponseMessage::new()
        .content(text)
        .ephemeral(true)
        .allowed_mentions(reply::no_mentions())
}

async fn respond(
    ctx: Context<'_>,
    click: &serenity::ComponentInteraction,
    message: serenity::CreateInteractionResponseMessage,
) -> Result<(), Error> {
    click
        .create_response(
            ctx.http(),
            serenity::CreateInteractionResponse::Message(message),
        )
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::TaughtQuestion;

    #[test]
    fn teach_clicks_parse_back_to_their_question() {
        assert_eq!(clicked("fa:teach1:123"), Some(0));
        assert_eq!(clicked("fa:teach5:123"), Some(4));
        assert_eq!(clicked("fa:teach0:123"), None);
        assert_eq!(clicked("fa:ok:123"), None);
        assert_eq!(clicked("fb:teach1:1"), None);
    }

    #[test]
    fn options_fit_discords_limits_and_carry_no_control_characters() {
        let choice = Choice {
            taught: TaughtQuestion {
                question: "q".into(),
                article: "a".into(),
                quote: "quote".into(),
            },
            section: format!("{} › {}", "Title ".repeat(30), "Section\u{7}"),
            text: "word\n- item ".repeat(50),
        };
        let (label, description) = option_texts(&choice);
        for text in [&label, &description] {
            assert!(reply::discord_len(text) <= OPTION_TEXT_MAX, "{text}");
            assert!(!text.chars().any(|c| c.is_control()), "{text:?}");
        }
    }
}
