//! `/faq-admin gaps [days]`: what the articles fail to answer in this
//! server — the most frequent unanswered questions and the passages voted
//! unhelpful — so that moderators know what to add, with a Teach button
//! for each unanswered question listed ([`super::teach`]).

use std::sync::Arc;

use super::super::{Context, Error};
use super::confirm::Wait;
use super::{blocking, say, teach, view};
use crate::text::duration;

/// Entries in each list of the report, at most.
const LIMIT: usize = 10;

/// Most frequent unanswered questions and worst-rated passages
#[poise::command(slash_command)]
pub async fn gaps(
    ctx: Context<'_>,
    #[description = "Over how many days, today included (default 30)"]
    #[min = 1]
    #[max = 3650]
    days: Option<u32>,
) -> Result<(), Error> {
    // Every step of teaching (Teach, the pick, Confirm) must end within
    // the window Discord gives this command.
    let deadline = super::confirm::window();
    let store = Arc::clone(ctx.data().feedback.store());
    let guild = ctx.guild_id().map(|g| g.get());
    let days = days.unwrap_or(30);
    let report = blocking(move || store.gaps(guild, days, LIMIT)).await??;
    let (mut reply, shown) = view::gaps(&report);
    // A button for each question the report shows.
    let questions: Vec<String> = report
        .unanswered
        .iter()
        .take(shown.min(super::super::reply::BUTTONS_MAX))
        .map(|q| q.question.clone())
        .collect();
    // With too many changes waiting, the report still shows, unteachable.
    let wait = match questions.is_empty() {
        true => None,
        false => Wait::start(ctx).ok(),
    };
    let Some(wait) = wait else {
        say(ctx, reply).await?;
        return Ok(());
    };
    let timeout = super::confirm::wait_for(ctx, deadline);
    reply.content = format!(
        "Teach N: pick the passage that answers unanswered question N, so that it is answered from then on (within {}).",
        duration(timeout)
    );
    reply.buttons = teach::buttons(&wait, questions.len());
    let handle = say(ctx, reply.clone()).await?;
    let click = wait.click(timeout).await;
    // The report stays; its buttons go.
    let chosen = click
        .as_ref()
        .and_then(|c| teach::clicked(&c.data.custom_id))
        .filter(|&n| n < questions.len());
    reply.buttons.clear();
    reply.content = match chosen {
        Some(n) => format!("Teaching question {}: see below.", n + 1),
        None => "The Teach buttons have expired: run /faq-admin gaps again to teach.".to_string(),
    };
    handle
        .edit(ctx, reply.to_poise(true).components(Vec::new()))
        .await?;
    match (click, chosen) {
        (Some(click), Some(n)) => teach::teach(ctx, click, questions[n].clone(), deadline).await,
        _ => Ok(()),
    }
}
