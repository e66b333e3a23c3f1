//! The bot's speed: 1,000 `/ask` interactions at concurrency 50 through the
//! fake Discord, against the real `infusion-faq serve` process (release
//! build). Reports the interaction → reply latency (from the fake sending
//! INTERACTION_CREATE on the gateway to the interaction callback arriving
//! at its REST API) and the bot process's peak memory (VmHWM).
//!
//! `cargo bench --bench bot`. The 1,000 interactions run in 5 rounds on the
//! same bot (each round's figures are printed; the round with the median p99
//! stands for the run, since a 0.3-second round on a shared 2-core machine
//! is at the mercy of anything else running). `BOT_BENCH_REQUESTS`,
//! `BOT_BENCH_CONCURRENCY`, `BOT_BENCH_ROUNDS` and `BOT_BENCH_MEMBERS` (distinct
//! members; fewer turns the rate limit off) change the load;
//! `BOT_BENCH_NOVEL=1` asks every distinct question of the held-out sets
//! instead of eight that repeat. Aim (issue 3):
//! p99 ≤ 20 ms and ≤ 60 MB on a 2-core machine.
//!
//! In the same run, the same load goes first to a bot that answers every
//! question with one verdict computed at start (`serve --constant-answer`):
//! the ratio of the two bots' latencies is the engine's cost as members
//! feel it (aim, issue 7: p99 ratio ≤ 1.5). That bot's replies are not the
//! real bot's, though: one short passage for every question, never a "not
//! covered" to count in the feedback database. So the load also goes to a
//! bot that asks the engine each distinct question once and then replays
//! its verdict (`serve --replay-answers`): the same replies, the same
//! database writes, only the engine's work left out.

mod common;
// The bench drives a slice of the bot tests' support.
#[allow(dead_code)]
#[path = "../tests/support/bot.rs"]
mod support;

use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{env_number, ms, percentile};
use support::common::copy_corpus;
use support::fake_discord::app::TOKEN;
use support::fake_discord::payloads::{self, Member, HERE};
use support::fake_discord::process::{self, write_config, Extra};
use support::fake_discord::FakeDiscord;

const QUESTIONS: &[&str] = &[
    "How long does an Ocrevus infusion take?",
    "What are the side effects of Tysabri?",
    "How is Tysabri given?",
    "What are the side effects of Lemtrada?",
    "How often is Ocrevus given?",
    "What is the capital of France?",
    "my throat is closing after my infusion",
    "What are the advantages of infusion therapy?",
];

/// The questions the load asks: the eight above, which repeat (after the
/// warm-up their vectors come from the cache), or with `BOT_BENCH_NOVEL=1`
/// every distinct question of the held-out sets in `tests/fixtures`, more
/// than the question cache holds: each one a pass of the model.
fn questions() -> Vec<String> {
    if std::env::var_os("BOT_BENCH_NOVEL").is_none() {
        return QUESTIONS.iter().map(|q| q.to_string()).collect();
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut out: Vec<String> = Vec::new();
    for file in files {
        for case in infusion_faq::eval::load_cases(&file).expect("a question set") {
            if !out.contains(&case.question) {
                out.push(case.question);
            }
        }
    }
    out
}

/// Peak and current resident memory of a process, in MiB (Linux).
fn memory_mib(pid: u32) -> Option<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<f64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024.0)
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

/// CPU time (user + system) a process used so far (Linux).
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on Linux.
    Some(Duration::from_millis(ticks * 10))
}

/// One round's figures.
#[derive(Clone)]
struct Round {
    p50: Duration,
    p90: Duration,
    p99: Duration,
    max: Duration,
    per_second: f64,
}

fn main() {
    let requests = env_number("BOT_BENCH_REQUESTS", 1000);
    let members = env_number("BOT_BENCH_MEMBERS", usize::MAX);
    let concurrency = env_number("BOT_BENCH_CONCURRENCY", 50);
    let rounds = env_number("BOT_BENCH_ROUNDS", 5).max(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run(requests, concurrency, members, rounds));
}

async fn run(requests: usize, concurrency: usize, members: usize, rounds: usize) {
    let questions: Arc<Vec<String>> = Arc::new(questions());
    println!("{} distinct questions", questions.len());
    println!(
        "bot: {rounds} rounds of {requests} /ask interactions at concurrency {concurrency}, through the fake Discord"
    );
    println!("constant-answer bot (the engine left out, one short reply for all):");
    let constant = measure(
        &questions,
        Some("--constant-answer"),
        requests,
        concurrency,
        members,
        rounds,
    )
    .await;
    println!("replaying bot (the engine left out, the real bot's replies):");
    let replay = measure(
        &questions,
        Some("--replay-answers"),
        requests,
        concurrency,
        members,
        rounds,
    )
    .await;
    println!("the bot:");
    let real = measure(&questions, None, requests, concurrency, members, rounds).await;
    println!(
        "  the bot against the constant-answer bot: p50 ×{:.2}, p99 ×{:.2} (aim: p99 ratio ≤ 1.5)",
        ms(real.p50) / ms(constant.p50),
        ms(real.p99) / ms(constant.p99)
    );
    println!(
        "  the bot against the replaying bot: p50 ×{:.2}, p99 ×{:.2}",
        ms(real.p50) / ms(replay.p50),
        ms(real.p99) / ms(replay.p99)
    );
}

/// Runs the load against one `serve` (with `shortcut`, one that leaves the
/// engine out; without, the real one) on its own fake Discord; prints its
/// figures and returns the median round.
async fn measure(
    questions: &Arc<Vec<String>>,
    shortcut: Option<&str>,
    requests: usize,
    concurrency: usize,
    members: usize,
    rounds: usize,
) -> Round {
    let fake = Arc::new(FakeDiscord::start(TOKEN).await);
    let dir = tempfile::tempdir().expect("temp dir");
    copy_corpus(&dir.path().join("corpus"));
    let rate_limit = if members == usize::MAX { 5 } else { 0 };
    let rate_limit = format!("rate_limit_questions = {rate_limit}");
    let config = write_config(
        dir.path(),
        &fake.url(),
        Extra {
            discord: &rate_limit,
            ..Extra::default()
        },
    );
    // Not `Serve`: reading its log would compete with what is measured.
    let mut command = process::command(&config, Some(TOKEN));
    if let Some(flag) = shortcut {
        command.arg(flag);
    }
    let mut bot = command
        .stderr(Stdio::null())
        .spawn()
        .expect("start infusion-faq serve");
    let pid = bot.id().expect("the bot's pid");
    fake.wait_for_registration().await;
    let after_start = memory_mib(pid);

    // One question: the time from the INTERACTION_CREATE leaving the fake's
    // gateway to the callback reaching its REST API.
    let one = |n: usize| {
        let fake = Arc::clone(&fake);
        let questions = Arc::clone(questions);
        async move {
            // A different member each time: the rate limit never refuses.
            let who = Member {
                id: 960_000_000_000_000_000 + (n % members) as u64,
                name: "member",
                bot: false,
                permissions: payloads::PERMISSIONS,
                roles: &[],
            };
            let question = &questions[n % questions.len()];
            let (interaction, payload) = fake.ask_payload(who, HERE, question, None);
            let (sent, request) = fake
                .send(payload, "POST", &interaction.callback_path())
                .await;
            request.at.saturating_duration_since(sent)
        }
    };

    // Warm-up (connections, allocator, page cache; every question once, so
    // the replaying bot has seen them all), not measured.
    for n in 0..questions.len().max(50) {
        one(n).await;
    }

    let mut reports = Vec::with_capacity(rounds);
    let cpu_before = cpu_time(pid);
    for round in 0..rounds {
        let semaphore = Arc::new(tokio::sync::Semaphore::new(concurrency));
        let started = Instant::now();
        let mut tasks = Vec::with_capacity(requests);
        for n in 0..requests {
            let permit = Arc::clone(&semaphore)
                .acquire_owned()
                .await
                .expect("semaphore");
            let task = one(1000 + round * requests + n);
            tasks.push(tokio::spawn(async move {
                let latency = task.await;
                drop(permit);
                latency
            }));
        }
        let mut latencies = Vec::with_capacity(requests);
        for task in tasks {
            latencies.push(task.await.expect("a question task"));
        }
        let elapsed = started.elapsed();
        latencies.sort();
        let report = Round {
            p50: percentile(&latencies, 50.0),
            p90: percentile(&latencies, 90.0),
            p99: percentile(&latencies, 99.0),
            max: *latencies.last().unwrap_or(&Duration::ZERO),
            per_second: requests as f64 / elapsed.as_secs_f64(),
        };
        println!(
            "  round {}: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {:.0} answers/s",
            round + 1,
            ms(report.p50),
            ms(report.p90),
            ms(report.p99),
            ms(report.max),
            report.per_second
        );
        reports.push(report);
    }
    let cpu = cpu_time(pid)
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    let memory = memory_mib(pid);
    let _ = bot.kill().await;

    // The round with the median p99 stands for the run.
    reports.sort_by_key(|r| r.p99);
    let median = reports[reports.len() / 2].clone();
    println!(
        "  interaction → reply latency (median round): p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {:.0} answers/s",
        ms(median.p50),
        ms(median.p90),
        ms(median.p99),
        ms(median.max),
        median.per_second
    );
    println!(
        "  p99 over rounds: best {:.2} ms, worst {:.2} ms",
        ms(reports[0].p99),
        ms(reports[reports.len() - 1].p99)
    );
    let requests = requests * rounds;
    if let Some(cpu) = cpu {
        println!(
            "  bot CPU: {:.0} µs per answer ({:.2} s user + system)",
            cpu.as_secs_f64() * 1e6 / requests as f64,
            cpu.as_secs_f64()
        );
    }
    match (after_start, memory) {
        (Some((_, start_rss)), Some((peak, rss))) => println!(
            "  bot memory: peak {peak:.1} MiB (VmHWM), {rss:.1} MiB at the end, {start_rss:.1} MiB after start"
        ),
        _ => println!("  bot memory: n/a (no /proc)"),
    }
    median
}
