//! The `infusion-faq` binary: everything it does is [`infusion_faq::cli::run`].

fn main() -> std::process::ExitCode {
    infusion_faq::cli::run()
}
