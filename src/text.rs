//! Small wording helpers shared by the command line and the bot: counted
//! nouns ("1 passage", "3 passages") and durations ("5 minutes"). Every
//! plural the program writes goes through [`count`].

use std::time::Duration;

/// "1 passage", "3 passages": the noun's regular plural (every noun the
/// program counts has one).
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// "5 minutes", "1 second", "250 ms".
pub fn duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs == 0 {
        return format!("{} ms", d.as_millis());
    }
    if secs.is_multiple_of(60) {
        count((secs / 60) as usize, "minute")
    } else {
        count(secs as usize, "second")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_nouns_are_singular_only_for_one() {
        assert_eq!(count(0, "passage"), "0 passages");
        assert_eq!(count(1, "passage"), "1 passage");
        assert_eq!(count(2, "no-answer record"), "2 no-answer records");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(Duration::from_secs(300)), "5 minutes");
        assert_eq!(duration(Duration::from_secs(60)), "1 minute");
        assert_eq!(duration(Duration::from_secs(90)), "90 seconds");
        assert_eq!(duration(Duration::from_secs(1)), "1 second");
        assert_eq!(duration(Duration::from_millis(250)), "250 ms");
    }
}
